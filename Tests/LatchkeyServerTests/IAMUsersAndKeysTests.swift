import LatchkeyQuery
import LatchkeySigV4
import Testing

@Suite struct IAMUsersAndKeysTests {
    @Test("CreateUser returns the user; the same name in another case is EntityAlreadyExists")
    func createUser() async throws {
        try await TestServer.run { server in
            let user = try await server.createUser("alice", path: "/eng/")
            #expect(user.text("UserName") == "alice")
            #expect(user.text("Path") == "/eng/")
            #expect(user.text("Arn") == "arn:aws:iam::111122223333:user/eng/alice")
            #expect(user.text("UserId")?.hasPrefix("AIDA") == true)
            #expect(user.text("CreateDate") == "2025-06-15T15:06:40Z")

            let duplicate = try await server.iam("CreateUser", ["UserName": "ALICE"])
            try duplicate.expectError(
                "EntityAlreadyExists", status: 409, message: "User with name ALICE already exists.")
        }
    }

    @Test("IAM responses and IAM errors use the IAM namespace")
    func iamNamespace() async throws {
        try await TestServer.run { server in
            let reply = try await server.iam("CreateUser", ["UserName": "alice"])
            #expect(reply.contentType == "text/xml")
            #expect(try reply.root().attribute("xmlns") == "https://iam.amazonaws.com/doc/2010-05-08/")
            #expect(try reply.root().text("ResponseMetadata", "RequestId") == reply.requestIdHeader)
            let missing = try await server.iam("GetUser", ["UserName": "nobody"])
            try missing.expectError("NoSuchEntity", status: 404, message: "The user with name nobody cannot be found.")
            #expect(try missing.root().attribute("xmlns") == QueryResponse.iamNamespace)
        }
    }

    @Test("GetUser finds a user by name; without a name the root gets itself")
    func getUser() async throws {
        try await TestServer.run { server in
            let created = try await server.createUser("alice", path: "/eng/")
            let user = try #require(
                try await server.iam("GetUser", ["UserName": "alice"]).result("GetUser").child("User"))
            #expect(user.text("UserId") == created.text("UserId"))
            #expect(user.text("Arn") == created.text("Arn"))
            let root = try #require(try await server.iam("GetUser").result("GetUser").child("User"))
            #expect(root.text("Arn") == "arn:aws:iam::111122223333:root")
            #expect(root.text("UserId") == TestServer.accountId)
        }
    }

    @Test("ListUsers filters by PathPrefix and pages with MaxItems and Marker")
    func listUsers() async throws {
        try await TestServer.run { server in
            try await server.createUser("carol", path: "/ops/")
            try await server.createUser("alice", path: "/eng/")
            try await server.createUser("bob", path: "/eng/backend/")

            let engineering = try await server.iam("ListUsers", ["PathPrefix": "/eng/"]).result("ListUsers")
            #expect(engineering.members(of: "Users").map { $0.text("UserName") } == ["alice", "bob"])
            #expect(engineering.text("IsTruncated") == "false")

            var names: [String?] = []
            var marker: String?
            var pages = 0
            repeat {
                let reply: Reply
                if let marker {
                    reply = try await server.iam("ListUsers", ["MaxItems": "1", "Marker": marker])
                } else {
                    reply = try await server.iam("ListUsers", ["MaxItems": "1"])
                }
                let page = try reply.result("ListUsers")
                let members = page.members(of: "Users")
                #expect(members.count == 1)
                names += members.map { $0.text("UserName") }
                marker = page.text("Marker")
                #expect(page.text("IsTruncated") == (marker == nil ? "false" : "true"))
                pages += 1
            } while marker != nil && pages < 10
            #expect(names == ["alice", "bob", "carol"])
            #expect(pages == 3)
        }
    }

    @Test("TagUser adds and replaces tags, ListUserTags lists them, UntagUser removes them")
    func tags() async throws {
        try await TestServer.run { server in
            try await server.createUser("alice")
            try await server.iam(
                "TagUser",
                [
                    "UserName": "alice", "Tags.member.1.Key": "team", "Tags.member.1.Value": "core",
                    "Tags.member.2.Key": "cost-center", "Tags.member.2.Value": "42",
                ]
            ).expectSuccess("TagUser")
            try await server.iam(
                "TagUser", ["UserName": "alice", "Tags.member.1.Key": "Team", "Tags.member.1.Value": "edge"]
            )
            .expectSuccess("TagUser")
            let listed = try await server.iam("ListUserTags", ["UserName": "alice"]).result("ListUserTags")
            let pairs = listed.members(of: "Tags").map { "\($0.text("Key") ?? "")=\($0.text("Value") ?? "")" }
            #expect(pairs == ["cost-center=42", "Team=edge"])

            try await server.iam("UntagUser", ["UserName": "alice", "TagKeys.member.1": "team"]).expectSuccess(
                "UntagUser")
            let after = try await server.iam("ListUserTags", ["UserName": "alice"]).result("ListUserTags")
            #expect(after.members(of: "Tags").map { $0.text("Key") } == ["cost-center"])
        }
    }

    @Test("tag values with spaces, plus signs and non-ASCII letters survive form encoding and XML")
    func tagTextRoundTrips() async throws {
        try await TestServer.run { server in
            try await server.createUser("alice")
            let value = "Zürich café a+b=c @home/2"
            try await server.iam(
                "TagUser", ["UserName": "alice", "Tags.member.1.Key": "städte", "Tags.member.1.Value": value]
            )
            .expectSuccess("TagUser")
            let tags = try await server.iam("ListUserTags", ["UserName": "alice"]).result("ListUserTags").members(
                of: "Tags")
            #expect(tags.map { $0.text("Key") } == ["städte"])
            #expect(tags.map { $0.text("Value") } == [value])

            // A raw `+` in a form body is a space, as in every form decoder.
            let raw = "Action=TagUser&Version=2010-05-08&UserName=alice&Tags.member.1.Key=plus&Tags.member.1.Value=a+b"
            try await server.send(signedPOST(body: raw, credentials: TestServer.root, service: "iam", date: server.now))
                .expectSuccess("TagUser")
            let after = try await server.iam("ListUserTags", ["UserName": "alice"]).result("ListUserTags").members(
                of: "Tags")
            #expect(after.first { $0.text("Key") == "plus" }?.text("Value") == "a b")
        }
    }

    @Test("a user has at most two access keys; the third is LimitExceeded")
    func accessKeyLimit() async throws {
        try await TestServer.run { server in
            try await server.createUser("alice")
            let first = try await server.createAccessKey(for: "alice")
            let second = try await server.createAccessKey(for: "alice")
            #expect(first.accessKeyID.hasPrefix("AKIA"))
            #expect(first.accessKeyID != second.accessKeyID)
            let third = try await server.iam("CreateAccessKey", ["UserName": "alice"])
            try third.expectError("LimitExceeded", status: 409, message: "Cannot exceed quota for AccessKeysPerUser: 2")

            let listed = try await server.iam("ListAccessKeys", ["UserName": "alice"]).result("ListAccessKeys")
            let members = listed.members(of: "AccessKeyMetadata")
            #expect(Set(members.compactMap { $0.text("AccessKeyId") }) == [first.accessKeyID, second.accessKeyID])
            #expect(members.allSatisfy { $0.text("Status") == "Active" && $0.text("UserName") == "alice" })
            #expect(!listed.body.contains(first.secretAccessKey))
        }
    }

    @Test("an Inactive key is InvalidClientTokenId until it is made Active again")
    func inactiveKey() async throws {
        try await TestServer.run { server in
            let key = try await server.userWithKey("alice")
            _ = try await server.callerIdentity(as: key)
            try await server.iam(
                "UpdateAccessKey", ["UserName": "alice", "AccessKeyId": key.accessKeyID, "Status": "Inactive"]
            )
            .expectSuccess("UpdateAccessKey")
            let refused = try await server.sts("GetCallerIdentity", as: key)
            try refused.expectError(
                "InvalidClientTokenId", status: 403, message: "The security token included in the request is invalid.")
            let listed = try await server.iam("ListAccessKeys", ["UserName": "alice"]).result("ListAccessKeys")
            #expect(listed.members(of: "AccessKeyMetadata").first?.text("Status") == "Inactive")

            try await server.iam(
                "UpdateAccessKey", ["UserName": "alice", "AccessKeyId": key.accessKeyID, "Status": "Active"]
            )
            .expectSuccess("UpdateAccessKey")
            #expect(try await server.callerIdentity(as: key).arn == "arn:aws:iam::111122223333:user/alice")
        }
    }

    @Test("DeleteUser is refused while the user has keys, and works once they are deleted")
    func deleteUserWithKeys() async throws {
        try await TestServer.run { server in
            let key = try await server.userWithKey("alice")
            let refused = try await server.iam("DeleteUser", ["UserName": "alice"])
            try refused.expectError(
                "DeleteConflict", status: 409, message: "Cannot delete entity, must delete access keys first.")

            try await server.iam("DeleteAccessKey", ["UserName": "alice", "AccessKeyId": key.accessKeyID])
                .expectSuccess("DeleteAccessKey")
            try await server.sts("GetCallerIdentity", as: key).expectError("InvalidClientTokenId", status: 403)
            let again = try await server.iam("DeleteAccessKey", ["UserName": "alice", "AccessKeyId": key.accessKeyID])
            try again.expectError("NoSuchEntity", status: 404)

            try await server.iam("DeleteUser", ["UserName": "alice"]).expectSuccess("DeleteUser")
            try await server.iam("GetUser", ["UserName": "alice"]).expectError("NoSuchEntity", status: 404)
            try await server.iam("DeleteUser", ["UserName": "alice"]).expectError("NoSuchEntity", status: 404)
        }
    }

    @Test("IAM users may not call the IAM admin API (only the root may, until policies exist)")
    func userCannotAdminister() async throws {
        try await TestServer.run { server in
            let alice = try await server.userWithKey("alice")
            let reply = try await server.iam("CreateUser", ["UserName": "mallory"], as: alice)
            let error = try reply.expectError("AccessDenied", status: 403)
            #expect(
                error.message.hasPrefix(
                    "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: iam:CreateUser"))
            try await server.iam("GetUser", ["UserName": "mallory"]).expectError("NoSuchEntity", status: 404)
            try await server.iam("CreateAccessKey", ["UserName": "alice"], as: alice).expectError(
                "AccessDenied", status: 403)
        }
    }

    @Test("session credentials obtained without MFA are InvalidClientTokenId for IAM, as AWS answers them")
    func sessionWithoutMFACannotCallIAM() async throws {
        try await TestServer.run { server in
            let alice = try await server.userWithKey("alice")
            for caller in [TestServer.root, alice] {
                let session = try await server.sessionToken(as: caller)
                for (action, params) in [
                    ("ListUsers", [:]), ("CreateUser", ["UserName": "mallory"]), ("GetUser", ["UserName": "alice"]),
                ]
                    as [(String, KeyValuePairs<String, String>)]
                {
                    let reply = try await server.iam(action, params, as: session.credentials)
                    try reply.expectError(
                        "InvalidClientTokenId", status: 403,
                        message: "The security token included in the request is invalid.")
                }
            }
            try await server.iam("GetUser", ["UserName": "mallory"]).expectError("NoSuchEntity", status: 404)
        }
    }

    @Test(
        "GetUser without a name is InvalidClientTokenId for session credentials obtained without MFA",
        arguments: ["root", "user"])
    func getSelfWithSessionWithoutMFA(caller: String) async throws {
        try await TestServer.run { server in
            let credentials = caller == "root" ? TestServer.root : try await server.userWithKey("alice")
            let session = try await server.sessionToken(as: credentials)
            let reply = try await server.iam("GetUser", as: session.credentials)
            try reply.expectError(
                "InvalidClientTokenId", status: 403, message: "The security token included in the request is invalid.")
        }
    }
}

extension XMLReader.Element {
    /// The element's whole subtree as text, for "never contains" checks.
    var body: String {
        text + children.map(\.body).joined()
    }
}
