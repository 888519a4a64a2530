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

    /// Rounds of twenty calls released together, each adding one new item to an entity five below its quota: every
    /// round exactly five are acknowledged, refused ones are `LimitExceeded`, and the entity then holds its items
    /// and the acknowledged ones (read by `listed`). `remove` takes the acknowledged items off for the next round.
    static func raceAgainstQuota(
        _ server: TestServer, existing: [String], add: (String) -> IAMCall,
        listed: () async throws -> Set<String>, remove: ([String]) async throws -> Void,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        for round in 0..<quotaRounds {
            let added = (0..<20).map { "new\(round)-\($0)" }
            let replies = try await server.iamReleasedTogether(added.map(add), sourceLocation: sourceLocation)
            #expect(replies.acknowledged == 5, "round \(round): \(replies.errorCodes)", sourceLocation: sourceLocation)
            #expect(
                replies.errorCodes == Array(repeating: "LimitExceeded", count: 15), "round \(round)",
                sourceLocation: sourceLocation)
            let acknowledged = zip(added, replies).filter { $0.1.status == 200 }.map(\.0)
            #expect(
                try await listed() == Set(existing + acknowledged), "round \(round)", sourceLocation: sourceLocation)
            try await remove(acknowledged)
        }
    }

    @Test(
        "twenty TagRole calls with new keys on a role with 45 tags: exactly five are acknowledged and the role has 50")
    func roleTagQuotaHolds() async throws {
        try await TestServer.run { server in
            try await F.createRole(server, "full", trust: F.trust(F.userArn("alice")))
            let existing = (0..<45).map { "old\($0)" }
            try await F.iam(server, "TagRole", [("RoleName", "full")] + Self.tagParams(existing)).expectSuccess(
                "TagRole")
            try await Self.raceAgainstQuota(
                server, existing: existing, add: { IAMCall("TagRole", [("RoleName", "full")] + Self.tagParams([$0])) },
                listed: { try await Self.listedTagKeys(server, "ListRoleTags", [("RoleName", "full")]) },
                remove: { keys in
                    try await F.iam(server, "UntagRole", [("RoleName", "full")] + Self.tagKeyParams(keys))
                        .expectSuccess("UntagRole")
                })
        }
    }

    @Test(
        "twenty TagUser calls with new keys on a user with 45 tags: exactly five are acknowledged and the user has 50")
    func userTagQuotaHolds() async throws {
        try await TestServer.run { server in
            try await server.createUser("full")
            let existing = (0..<45).map { "old\($0)" }
            try await F.iam(server, "TagUser", [("UserName", "full")] + Self.tagParams(existing)).expectSuccess(
                "TagUser")
            try await Self.raceAgainstQuota(
                server, existing: existing, add: { Self.tagUser("full", $0) },
                listed: { try await Self.listedTagKeys(server, "ListUserTags", [("UserName", "full")]) },
                remove: { keys in
                    try await F.iam(server, "UntagUser", [("UserName", "full")] + Self.tagKeyParams(keys))
                        .expectSuccess("UntagUser")
                })
        }
    }

    @Test(
        "twenty AddClientIDToOpenIDConnectProvider calls on a provider with 95 client IDs: exactly five are acknowledged and it has 100"
    )
    func oidcClientIDQuotaHolds() async throws {
        try await TestServer.run { server in
            let existing = (0..<95).map { "old-\($0)" }
            _ = try await server.send(try Self.createOIDC(0, clientIDs: existing).request(date: server.now))
                .result("CreateOpenIDConnectProvider")
            let arn = Self.oidcArn(0)
            try await Self.raceAgainstQuota(
                server, existing: existing,
                add: {
                    IAMCall(
                        "AddClientIDToOpenIDConnectProvider", [("OpenIDConnectProviderArn", arn), ("ClientID", $0)])
                },
                listed: { Self.memberTexts("ClientIDList", in: try await Self.oidcProvider(server, 0)) },
                remove: { clientIDs in
                    for clientID in clientIDs {
                        try await F.iam(
                            server, "RemoveClientIDFromOpenIDConnectProvider",
                            [("OpenIDConnectProviderArn", arn), ("ClientID", clientID)]
                        ).expectSuccess("RemoveClientIDFromOpenIDConnectProvider")
                    }
                })
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
