import Foundation
import LatchkeyQuery
import LatchkeySigV4
import Testing

/// STS answers as AWS gives them (issue 9): the documented limit of 10 managed session policies, the message for a
/// malformed role ARN, and GetFederationToken's PackedPolicySize.
@Suite struct STSParityTests {
    typealias F = RoleFixtures

    static func policyArns(_ count: Int) -> [(String, String)] {
        (1...count).map { ("PolicyArns.member.\($0).arn", "arn:aws:iam::\(TestServer.accountId):policy/p\($0)") }
    }

    @Test("eleven PolicyArns are a ValidationError in every operation that takes them; ten pass validation")
    func atMostTenPolicyArns() async throws {
        try await TestServer.run { server in
            let alice = try await server.userWithKey("alice")
            try await F.createRole(server, "r", trust: F.trust(F.userArn("alice")))
            let eleven = try await F.assumeRole(server, as: alice, role: "r", Self.policyArns(11))
            let error = try eleven.expectError("ValidationError", status: 400)
            #expect(error.message.hasPrefix("1 validation error detected: Value '["))
            #expect(
                error.message.hasSuffix(
                    "]' at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10")
            )
            // Ten pass validation and fail on the policies not existing, a later check.
            let ten = try await F.assumeRole(server, as: alice, role: "r", Self.policyArns(10))
            #expect(try ten.error().code != "ValidationError")

            for action in ["GetFederationToken", "AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"] {
                let base: [(String, String)] =
                    switch action {
                    case "GetFederationToken": [("Name", "bob")]
                    case "AssumeRoleWithWebIdentity":
                        [("RoleArn", F.roleArn("r")), ("RoleSessionName", "s1"), ("WebIdentityToken", "a.b.c")]
                    default:
                        [
                            ("RoleArn", F.roleArn("r")),
                            ("PrincipalArn", "arn:aws:iam::\(TestServer.accountId):saml-provider/p"),
                            ("SAMLAssertion", "PHNhbWw+"),
                        ]
                    }
                let body = formEncode(
                    [("Action", action), ("Version", TestServer.stsVersion)] + base + Self.policyArns(11))
                let reply = try await server.send(
                    signedPOST(body: body, credentials: alice, service: "sts", date: server.now))
                let refused = try reply.expectError("ValidationError", status: 400)
                #expect(refused.message.contains("at 'policyArns' failed to satisfy constraint"), "\(action)")
            }
        }
    }

    @Test("a RoleArn that is not a role ARN is 'Request ARN is invalid'")
    func malformedRoleArn() async throws {
        try await TestServer.run { server in
            let alice = try await server.userWithKey("alice")
            let reply = try await server.sts(
                "AssumeRole", ["RoleArn": "arn:aws:iam::\(TestServer.accountId):user/alice", "RoleSessionName": "s1"],
                as: alice)
            try reply.expectError("ValidationError", status: 400, message: "Request ARN is invalid")
        }
    }

    @Test("GetFederationToken without session policies or tags reports PackedPolicySize 0")
    func federationTokenPackedSize() async throws {
        try await TestServer.run { server in
            let alice = try await server.userWithKey("alice")
            try await server.iam(
                "PutUserPolicy",
                ["UserName": "alice", "PolicyName": "f", "PolicyDocument": F.allow("sts:GetFederationToken")]
            ).expectSuccess("PutUserPolicy")
            let result = try await server.sts("GetFederationToken", ["Name": "bob"], as: alice).result(
                "GetFederationToken")
            #expect(result.text("PackedPolicySize") == "0")
        }
    }
}
