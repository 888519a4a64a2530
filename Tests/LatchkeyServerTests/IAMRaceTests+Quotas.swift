import Foundation
import LatchkeyQuery
import LatchkeySigV4
import Testing

private typealias F = RoleFixtures

/// Per-entity quotas that depend on the state being changed: each must be counted in the transaction that changes
/// it, or calls released together all see room for one more.
extension IAMRaceTests {
    /// An identity policy of exactly `size` characters without white space (IAM's measure of inline policy size).
    static func policy(ofSize size: Int) -> String {
        let base = F.allow("s3:GetObject", resource: "arn:aws:s3:::")
        let baseSize = base.unicodeScalars.count { !$0.properties.isWhitespace }
        return F.allow("s3:GetObject", resource: "arn:aws:s3:::" + String(repeating: "x", count: size - baseSize))
    }

    @Test("ten TagRole calls with new keys on a role with 45 tags: exactly five are acknowledged and the role has 50")
    func roleTagQuotaHolds() async throws {
        try await TestServer.run { server in
            try await F.createRole(server, "full", trust: F.trust(F.userArn("alice")))
            let existing = (0..<45).map { "old\($0)" }
            try await F.iam(server, "TagRole", [("RoleName", "full")] + Self.tagParams(existing)).expectSuccess(
                "TagRole")
            let added = (0..<10).map { "new\($0)" }
            let replies = try await server.iamReleasedTogether(
                added.map { IAMCall("TagRole", [("RoleName", "full")] + Self.tagParams([$0])) })
            #expect(replies.acknowledged == 5, "\(replies.errorCodes)")
            #expect(replies.errorCodes == Array(repeating: "LimitExceeded", count: 5))
            let acknowledged = zip(added, replies).filter { $0.1.status == 200 }.map(\.0)
            #expect(
                try await Self.listedTagKeys(server, "ListRoleTags", [("RoleName", "full")])
                    == Set(existing + acknowledged))
        }
    }

    @Test("ten TagUser calls with new keys on a user with 45 tags: exactly five are acknowledged and the user has 50")
    func userTagQuotaHolds() async throws {
        try await TestServer.run { server in
            try await server.createUser("full")
            let existing = (0..<45).map { "old\($0)" }
            try await F.iam(server, "TagUser", [("UserName", "full")] + Self.tagParams(existing)).expectSuccess(
                "TagUser")
            let added = (0..<10).map { "new\($0)" }
            let replies = try await server.iamReleasedTogether(added.map { Self.tagUser("full", $0) })
            #expect(replies.acknowledged == 5, "\(replies.errorCodes)")
            #expect(replies.errorCodes == Array(repeating: "LimitExceeded", count: 5))
            let acknowledged = zip(added, replies).filter { $0.1.status == 200 }.map(\.0)
            #expect(
                try await Self.listedTagKeys(server, "ListUserTags", [("UserName", "full")])
                    == Set(existing + acknowledged))
        }
    }

    @Test(
        "ten AddClientIDToOpenIDConnectProvider calls on a provider with 95 client IDs: exactly five are acknowledged and it has 100"
    )
    func oidcClientIDQuotaHolds() async throws {
        try await TestServer.run { server in
            let existing = (0..<95).map { "old-\($0)" }
            _ = try await server.send(try Self.createOIDC(0, clientIDs: existing).request(date: server.now))
                .result("CreateOpenIDConnectProvider")
            let added = (0..<10).map { "new-\($0)" }
            let replies = try await server.iamReleasedTogether(
                added.map {
                    IAMCall(
                        "AddClientIDToOpenIDConnectProvider",
                        [("OpenIDConnectProviderArn", Self.oidcArn(0)), ("ClientID", $0)])
                })
            #expect(replies.acknowledged == 5, "\(replies.errorCodes)")
            #expect(replies.errorCodes == Array(repeating: "LimitExceeded", count: 5))
            let acknowledged = zip(added, replies).filter { $0.1.status == 200 }.map(\.0)
            let provider = try await Self.oidcProvider(server, 0)
            #expect(Self.memberTexts("ClientIDList", in: provider) == Set(existing + acknowledged))
        }
    }

    @Test(
        "eight PutUserPolicy calls of 600 characters each, released together: three fit in the user's 2,048 and the rest are refused"
    )
    func userInlinePolicySizeQuotaHolds() async throws {
        try await TestServer.run { server in
            try await server.createUser("alice")
            let document = Self.policy(ofSize: 600)
            let names = (0..<8).map { "P\($0)" }
            let replies = try await server.iamReleasedTogether(
                names.map {
                    IAMCall("PutUserPolicy", [("UserName", "alice"), ("PolicyName", $0), ("PolicyDocument", document)])
                })
            #expect(replies.acknowledged == 3, "\(replies.errorCodes)")
            #expect(replies.errorCodes == Array(repeating: "LimitExceeded", count: 5))
            let acknowledged = zip(names, replies).filter { $0.1.status == 200 }.map(\.0)
            let listed = try await server.iam("ListUserPolicies", ["UserName": "alice"]).result("ListUserPolicies")
            #expect(Self.memberTexts("PolicyNames", in: listed) == Set(acknowledged))
        }
    }

    @Test(
        "six AttachUserPolicy calls for a user with eight attached policies: exactly two are acknowledged (ten per user)"
    )
    func attachedPolicyQuotaHolds() async throws {
        try await TestServer.run { server in
            try await server.createUser("alice")
            for index in 0..<14 {
                try await F.seedManagedPolicy(server, "M\(index)", document: F.allow("s3:Get\(index)"))
            }
            for index in 0..<8 {
                try await server.iam("AttachUserPolicy", ["UserName": "alice", "PolicyArn": F.policyArn("M\(index)")])
                    .expectSuccess("AttachUserPolicy")
            }
            let replies = try await server.iamReleasedTogether(
                (8..<14).map {
                    IAMCall("AttachUserPolicy", [("UserName", "alice"), ("PolicyArn", F.policyArn("M\($0)"))])
                })
            #expect(replies.acknowledged == 2, "\(replies.errorCodes)")
            #expect(replies.errorCodes == Array(repeating: "LimitExceeded", count: 4))
            let attached = try await server.iam("ListAttachedUserPolicies", ["UserName": "alice"]).result(
                "ListAttachedUserPolicies")
            #expect(attached.members(of: "AttachedPolicies").count == 10)
        }
    }
}
