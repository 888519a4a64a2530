import Foundation
import HTTPTypes
import LatchkeyQuery
import LatchkeySigV4
import LatchkeyTestSupport
import NIOCore
import Testing

@Suite struct WireTests {
    @Test("an unknown Action is InvalidAction naming the action and the version")
    func unknownActionIsRejected() async throws {
        try await TestServer.run { server in
            try await server.sts("Nope").expectError(
                "InvalidAction", status: 400, message: "Could not find operation Nope for version 2011-06-15")
            try await server.iam("Nope").expectError(
                "InvalidAction", status: 400, message: "Could not find operation Nope for version 2010-05-08")
            try await server.sts("CreateUser", ["UserName": "alice"]).expectError(
                "InvalidAction", status: 400, message: "Could not find operation CreateUser for version 2011-06-15")
        }
    }

    @Test("a wrong or missing Version is InvalidAction")
    func wrongVersionIsRejected() async throws {
        try await TestServer.run { server in
            let wrong = try signedRequest(
                action: "GetCallerIdentity", version: "2011-06-16", credentials: TestServer.root, service: "sts",
                date: server.now)
            try await server.send(wrong).expectError(
                "InvalidAction", status: 400,
                message: "Could not find operation GetCallerIdentity for version 2011-06-16")
            let missing = try signedPOST(
                body: "Action=GetCallerIdentity", credentials: TestServer.root, date: server.now)
            try await server.send(missing).expectError(
                "InvalidAction", status: 400,
                message: "Could not find operation GetCallerIdentity for version NO_VERSION_SPECIFIED")
        }
    }

    @Test("a request without Action is MissingAction")
    func missingActionIsRejected() async throws {
        try await TestServer.run { server in
            let request = try signedPOST(body: "Version=2011-06-15", credentials: TestServer.root, date: server.now)
            try await server.send(request).expectError("MissingAction", status: 400)
            let empty = try signedPOST(body: "", credentials: TestServer.root, date: server.now)
            try await server.send(empty).expectError("MissingAction", status: 400)
        }
    }

    @Test(
        "a duplicate parameter is rejected with 400, in the body or split between query and body",
        arguments: [
            ("", "Action=GetCallerIdentity&Version=2011-06-15&Action=GetCallerIdentity"),
            ("Action=GetCallerIdentity", "Action=GetCallerIdentity&Version=2011-06-15"),
            ("", "Action=GetCallerIdentity&Version=2011-06-15&Version=2011-06-15"),
        ])
    func duplicateParameterIsRejected(query: String, body: String) async throws {
        try await TestServer.run { server in
            let request = try signedPOST(body: body, query: query, credentials: TestServer.root, date: server.now)
            let reply = try await server.send(request)
            let error = try reply.expectError("InvalidQueryParameter", status: 400)
            #expect(error.message.hasSuffix("is specified more than once."))
        }
    }

    @Test(
        "malformed percent-encoding is rejected with 400, in the body or in the query",
        arguments: [
            ("", "Action=GetCallerIdentity&Version=2011-06-15&X=%zz"),
            ("", "Action=GetCallerIdentity&Version=2011-06-15&X=%4"),
            ("", "Action=GetCallerIdentity&Version=2011-06-15&X=%C3%28"),
            ("Action=Get%ZZCallerIdentity", "Version=2011-06-15"),
        ])
    func badPercentEncodingIsRejected(query: String, body: String) async throws {
        try await TestServer.run { server in
            // The signer cannot canonicalize a malformed query, so the query is added after signing.
            var request = try signedPOST(body: body, credentials: TestServer.root, date: server.now)
            if !query.isEmpty { request.uri = "/?" + query }
            let reply = try await server.send(request)
            try reply.expectError("InvalidQueryParameter", status: 400)
        }
    }

    @Test("a body over 512 KiB is RequestEntityTooLarge (413); exactly 512 KiB is read")
    func oversizedBodyIsRejected() async throws {
        let prefix = "Action=GetCallerIdentity&Version=2011-06-15"
        let limit = 512 * 1024
        // Three padding parameters, each under the per-value limit, filling the body to exactly `limit` bytes.
        @Sendable func body(length: Int) -> String {
            let room = length - prefix.utf8.count - 3 * "&PadX=".utf8.count
            let sizes = [room / 3, room / 3, room - 2 * (room / 3)]
            return prefix
                + zip(["A", "B", "C"], sizes).map { "&Pad\($0)=" + String(repeating: "a", count: $1) }.joined()
        }
        try await TestServer.run { server in
            let atLimit = body(length: limit)
            #expect(atLimit.utf8.count == limit)
            let accepted = try await server.send(
                signedPOST(body: atLimit, credentials: TestServer.root, date: server.now))
            #expect(try accepted.result("GetCallerIdentity").text("Account") == TestServer.accountId)
        }
        try await TestServer.run { server in
            let overLimit = body(length: limit + 1)
            let reply = try await server.send(
                signedPOST(body: overLimit, credentials: TestServer.root, date: server.now))
            try reply.expectError("RequestEntityTooLarge", status: 413)
        }
    }

    @Test(
        "a body that is not a form is rejected with 400",
        arguments: ["application/json", "text/plain", "application/x-amz-json-1.1"])
    func nonFormContentTypeIsRejected(contentType: String) async throws {
        try await TestServer.run { server in
            let request = try signedPOST(
                body: "Action=GetCallerIdentity&Version=2011-06-15", credentials: TestServer.root, date: server.now,
                contentType: contentType)
            let reply = try await server.send(request)
            #expect(reply.status == 400)
            _ = try reply.error()
        }
    }

    @Test("a GET carrying a body, and methods other than GET and POST, get an AWS error document")
    func otherShapesOfRequestGetAnErrorDocument() async throws {
        try await TestServer.run { server in
            let query = "Action=GetCallerIdentity&Version=2011-06-15"
            let getWithBody = HTTPCall(method: .get, uri: "/?" + query, headers: [:], body: ByteBuffer(string: query))
            let reply = try await server.send(getWithBody)
            #expect(reply.status == 400)
            _ = try reply.error()
            for method: HTTPRequest.Method in [.put, .delete, .patch] {
                let other = try await server.send(HTTPCall(method: method, uri: "/?" + query, headers: [:], body: nil))
                #expect((400..<500).contains(other.status))
                _ = try other.error()
            }
        }
    }

    @Test("with Accept: application/json errors and results come as JSON")
    func jsonForms() async throws {
        try await TestServer.run { server in
            let accept = [("Accept", "application/json")]
            let success = try await server.sts("GetCallerIdentity", headers: accept)
            #expect(success.status == 200)
            #expect(success.contentType == "application/json")
            let document = try success.json()
            #expect(
                document.value("GetCallerIdentityResponse", "GetCallerIdentityResult", "Arn") as? String
                    == "arn:aws:iam::111122223333:root")
            #expect(
                document.value("GetCallerIdentityResponse", "GetCallerIdentityResult", "Account") as? String
                    == "111122223333")
            #expect(
                document.value("GetCallerIdentityResponse", "ResponseMetadata", "RequestId") as? String
                    == success.requestIdHeader)

            let failure = try await server.sts("Nope", headers: accept)
            #expect(failure.status == 400)
            #expect(failure.contentType == "application/json")
            let error = try failure.json()
            #expect(error.value("Error", "Code") as? String == "InvalidAction")
            #expect(
                error.value("Error", "Message") as? String == "Could not find operation Nope for version 2011-06-15")
            #expect(error.value("Error", "Type") as? String == "Sender")
            #expect(error.value("RequestId") as? String == failure.requestIdHeader)

            try await server.createUser("alice", path: "/eng/")
            let listing = try await server.iam("ListUsers", headers: accept).json()
            let users = listing.value("ListUsersResponse", "ListUsersResult", "Users") as? [[String: Any]]
            #expect(users?.compactMap { $0["UserName"] as? String } == ["alice"])
            #expect(listing.value("ListUsersResponse", "ListUsersResult", "IsTruncated") as? Bool == false)
            let created = users?.first?["CreateDate"] as? NSNumber
            #expect(created?.int64Value == Int64(TestClock.start.timeIntervalSince1970))

            let unsigned = try await server.sts("GetCallerIdentity", as: nil, headers: accept)
            #expect(try unsigned.json().value("Error", "Code") as? String == "MissingAuthenticationToken")
        }
    }

    @Test("parameters may be split between the query string and the form body")
    func parametersFromQueryAndBody() async throws {
        try await TestServer.run { server in
            let request = try signedPOST(
                body: "Version=2011-06-15", query: "Action=GetCallerIdentity", credentials: TestServer.root,
                date: server.now)
            #expect(try await server.send(request).result("GetCallerIdentity").text("Account") == TestServer.accountId)
        }
    }

    @Test("more than 500 parameters is rejected with 400")
    func tooManyParametersAreRejected() async throws {
        try await TestServer.run { server in
            let body =
                "Action=GetCallerIdentity&Version=2011-06-15&" + (1...500).map { "P\($0)=x" }.joined(separator: "&")
            let reply = try await server.send(signedPOST(body: body, credentials: TestServer.root, date: server.now))
            try reply.expectError("InvalidQueryParameter", status: 400)
        }
    }
}
