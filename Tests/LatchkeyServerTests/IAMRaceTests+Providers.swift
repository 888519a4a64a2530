import Foundation
import LatchkeyQuery
import LatchkeySigV4
import Testing

/// OIDC and SAML identity providers, their per-account quotas, and outbound web identity federation.
extension IAMRaceTests {
    static let thumbprint = String(repeating: "a", count: 40)
    static let newThumbprint = String(repeating: "b", count: 40)

    static func oidcURL(_ index: Int) -> String { "https://idp\(index).example.com" }
    static func oidcArn(_ index: Int) -> String {
        "arn:aws:iam::\(TestServer.accountId):oidc-provider/idp\(index).example.com"
    }
    static func samlArn(_ name: String) -> String { "arn:aws:iam::\(TestServer.accountId):saml-provider/\(name)" }

    static func createOIDC(_ index: Int, clientIDs: [String] = []) -> IAMCall {
        IAMCall(
            "CreateOpenIDConnectProvider",
            [("Url", oidcURL(index))] + listParams("ClientIDList", clientIDs)
                + listParams("ThumbprintList", [thumbprint]))
    }

    static func createSAML(_ name: String) -> IAMCall {
        IAMCall("CreateSAMLProvider", [("Name", name), ("SAMLMetadataDocument", IAMParityTests.samlMetadata())])
    }

    /// What GetOpenIDConnectProvider answers.
    static func oidcProvider(_ server: TestServer, _ index: Int, sourceLocation: SourceLocation = #_sourceLocation)
        async throws -> XMLReader.Element
    {
        try await server.iam("GetOpenIDConnectProvider", ["OpenIDConnectProviderArn": oidcArn(index)])
            .result("GetOpenIDConnectProvider", sourceLocation: sourceLocation)
    }

    static func tagOIDC(_ index: Int, _ key: String) -> IAMCall {
        IAMCall("TagOpenIDConnectProvider", [("OpenIDConnectProviderArn", oidcArn(index))] + tagParams([key]))
    }

    static func tagSAML(_ name: String, _ key: String) -> IAMCall {
        IAMCall("TagSAMLProvider", [("SAMLProviderArn", samlArn(name))] + tagParams([key]))
    }

    // MARK: OIDC

    @Test(
        "twenty AddClientIDToOpenIDConnectProvider and twenty TagOpenIDConnectProvider calls with distinct values released together are all kept"
    )
    func oidcClientIDsAndTagsAreAllKept() async throws {
        try await TestServer.run { server in
            _ = try await server.send(try Self.createOIDC(0).request(date: server.now)).result(
                "CreateOpenIDConnectProvider")
            let clientIDs = (0..<Self.burst).map { "client-\($0)" }
            let keys = (0..<Self.burst).map { "k\($0)" }
            let calls =
                clientIDs.map {
                    IAMCall(
                        "AddClientIDToOpenIDConnectProvider",
                        [("OpenIDConnectProviderArn", Self.oidcArn(0)), ("ClientID", $0)])
                }
                + keys.map { Self.tagOIDC(0, $0) }
            let replies = try await server.iamReleasedTogether(calls)
            #expect(replies.acknowledged == calls.count, "\(replies.errorCodes)")
            let provider = try await Self.oidcProvider(server, 0)
            #expect(Self.memberTexts("ClientIDList", in: provider) == Set(clientIDs))
            #expect(Self.tagKeys(in: provider) == Set(keys))
        }
    }

    @Test(
        "RemoveClientIDFromOpenIDConnectProvider and UntagOpenIDConnectProvider racing additions: the removals are kept, and so is every addition"
    )
    func oidcRemovalsRacingAdditionsHold() async throws {
        try await TestServer.run { server in
            for trial in 0..<Self.trials {
                _ = try await server.send(
                    try Self.createOIDC(trial, clientIDs: ["gone", "kept"]).request(date: server.now)
                )
                .result("CreateOpenIDConnectProvider")
                let arn = Self.oidcArn(trial)
                try await RoleFixtures.iam(
                    server, "TagOpenIDConnectProvider",
                    [("OpenIDConnectProviderArn", arn)] + Self.tagParams(["gone", "kept"])
                )
                .expectSuccess("TagOpenIDConnectProvider")
                let added = Self.raceTagKeys(trial)
                let calls =
                    [
                        IAMCall(
                            "RemoveClientIDFromOpenIDConnectProvider",
                            [("OpenIDConnectProviderArn", arn), ("ClientID", "gone")]),
                        IAMCall(
                            "UntagOpenIDConnectProvider",
                            [("OpenIDConnectProviderArn", arn)] + Self.tagKeyParams(["gone"])),
                    ]
                    + added.map {
                        IAMCall(
                            "AddClientIDToOpenIDConnectProvider", [("OpenIDConnectProviderArn", arn), ("ClientID", $0)])
                    }
                    + added.map { Self.tagOIDC(trial, $0) }
                let replies = try await server.iamReleasedTogether(calls)
                #expect(replies.acknowledged == calls.count, "trial \(trial): \(replies.errorCodes)")
                let provider = try await Self.oidcProvider(server, trial)
                #expect(Self.memberTexts("ClientIDList", in: provider) == Set(added + ["kept"]), "trial \(trial)")
                #expect(Self.tagKeys(in: provider) == Set(added + ["kept"]), "trial \(trial)")
            }
        }
    }

    @Test(
        "UpdateOpenIDConnectProviderThumbprint racing TagOpenIDConnectProvider and AddClientIDToOpenIDConnectProvider: every change is kept"
    )
    func oidcThumbprintRacingTagsKeepsBoth() async throws {
        try await TestServer.run { server in
            for trial in 0..<Self.trials {
                _ = try await server.send(try Self.createOIDC(trial).request(date: server.now)).result(
                    "CreateOpenIDConnectProvider")
                let arn = Self.oidcArn(trial)
                let keys = Self.raceTagKeys(trial)
                let calls =
                    [
                        IAMCall(
                            "UpdateOpenIDConnectProviderThumbprint",
                            [("OpenIDConnectProviderArn", arn)]
                                + Self.listParams("ThumbprintList", [Self.newThumbprint]))
                    ]
                    + keys.map { Self.tagOIDC(trial, $0) }
                    + [
                        IAMCall(
                            "AddClientIDToOpenIDConnectProvider",
                            [("OpenIDConnectProviderArn", arn), ("ClientID", "app")])
                    ]
                let replies = try await server.iamReleasedTogether(calls)
                #expect(replies.acknowledged == calls.count, "trial \(trial): \(replies.errorCodes)")
                let provider = try await Self.oidcProvider(server, trial)
                #expect(
                    Self.memberTexts("ThumbprintList", in: provider) == [Self.newThumbprint],
                    "trial \(trial): thumbprint lost")
                #expect(Self.tagKeys(in: provider) == Set(keys), "trial \(trial)")
                #expect(Self.memberTexts("ClientIDList", in: provider) == ["app"], "trial \(trial)")
            }
        }
    }

    @Test(
        "from 95 OIDC providers, twenty CreateOpenIDConnectProvider calls at once: exactly five succeed and the account holds 100"
    )
    func oidcProviderQuotaHolds() async throws {
        try await TestServer.run { server in
            for index in 0..<95 {
                _ = try await server.send(try Self.createOIDC(index).request(date: server.now)).result(
                    "CreateOpenIDConnectProvider")
            }
            for round in 0..<Self.quotaRounds {
                let indices = (0..<20).map { 100 + 20 * round + $0 }
                let replies = try await server.iamReleasedTogether(indices.map { Self.createOIDC($0) })
                #expect(replies.acknowledged == 5, "round \(round): \(replies.errorCodes)")
                #expect(replies.errorCodes == Array(repeating: "LimitExceeded", count: 15), "round \(round)")
                let listed = try await server.iam("ListOpenIDConnectProviders").result("ListOpenIDConnectProviders")
                let arns = Set(listed.members(of: "OpenIDConnectProviderList").compactMap { $0.text("Arn") })
                #expect(arns.count == 100, "round \(round)")
                let created = zip(indices, replies).filter { $0.1.status == 200 }.map { Self.oidcArn($0.0) }
                #expect(Set(created).isSubset(of: arns), "round \(round)")
                // Back to 95 for the next round.
                for arn in created {
                    try await server.iam("DeleteOpenIDConnectProvider", ["OpenIDConnectProviderArn": arn])
                        .expectSuccess("DeleteOpenIDConnectProvider")
                }
            }

            // Six deletes and then six creates of one provider (below the quota): one of each is acknowledged.
            let delete = IAMCall("DeleteOpenIDConnectProvider", [("OpenIDConnectProviderArn", Self.oidcArn(0))])
            let deleted = try await server.iamReleasedTogether(Array(repeating: delete, count: 6))
            #expect(deleted.acknowledged == 1)
            #expect(deleted.errorCodes == Array(repeating: "NoSuchEntity", count: 5))
            try await server.iam("DeleteOpenIDConnectProvider", ["OpenIDConnectProviderArn": Self.oidcArn(1)])
                .expectSuccess("DeleteOpenIDConnectProvider")
            let recreated = try await server.iamReleasedTogether(Array(repeating: Self.createOIDC(0), count: 6))
            #expect(recreated.acknowledged == 1)
            #expect(recreated.errorCodes == Array(repeating: "EntityAlreadyExists", count: 5))
        }
    }

    // MARK: SAML

    @Test(
        "UpdateSAMLProvider racing TagSAMLProvider, and UntagSAMLProvider racing TagSAMLProvider: every change is kept")
    func samlUpdatesRacingTagsKeepBoth() async throws {
        try await TestServer.run { server in
            let updated = IAMParityTests.samlMetadata(validUntil: "2030-01-01T00:00:00Z")
            for trial in 0..<Self.trials {
                let name = "idp\(trial)"
                _ = try await server.send(try Self.createSAML(name).request(date: server.now)).result(
                    "CreateSAMLProvider")
                try await RoleFixtures.iam(
                    server, "TagSAMLProvider",
                    [("SAMLProviderArn", Self.samlArn(name))] + Self.tagParams(["gone", "kept"])
                )
                .expectSuccess("TagSAMLProvider")
                let keys = Self.raceTagKeys(trial)
                let calls =
                    [
                        IAMCall(
                            "UpdateSAMLProvider",
                            [("SAMLProviderArn", Self.samlArn(name)), ("SAMLMetadataDocument", updated)]),
                        IAMCall(
                            "UntagSAMLProvider", [("SAMLProviderArn", Self.samlArn(name))] + Self.tagKeyParams(["gone"])
                        ),
                    ] + keys.map { Self.tagSAML(name, $0) }
                let replies = try await server.iamReleasedTogether(calls)
                #expect(replies.acknowledged == calls.count, "trial \(trial): \(replies.errorCodes)")
                let provider = try await server.iam("GetSAMLProvider", ["SAMLProviderArn": Self.samlArn(name)]).result(
                    "GetSAMLProvider")
                #expect(
                    provider.text("SAMLMetadataDocument")?.contains("validUntil=\"2030-01-01T00:00:00Z\"") == true,
                    "trial \(trial): metadata lost")
                #expect(provider.text("ValidUntil")?.hasPrefix("2030-01-01T00:00:00") == true, "trial \(trial)")
                #expect(Self.tagKeys(in: provider) == Set(keys + ["kept"]), "trial \(trial)")
            }
        }
    }

    @Test("twenty TagSAMLProvider calls with distinct keys released together keep all twenty tags")
    func concurrentTagSAMLProviderKeepsEveryTag() async throws {
        try await TestServer.run { server in
            _ = try await server.send(try Self.createSAML("idp").request(date: server.now)).result("CreateSAMLProvider")
            let keys = (0..<Self.burst).map { "k\($0)" }
            let replies = try await server.iamReleasedTogether(keys.map { Self.tagSAML("idp", $0) })
            #expect(replies.acknowledged == Self.burst, "\(replies.errorCodes)")
            #expect(
                try await Self.listedTagKeys(server, "ListSAMLProviderTags", [("SAMLProviderArn", Self.samlArn("idp"))])
                    == Set(keys))
        }
    }

    @Test(
        "from 95 SAML providers, twenty CreateSAMLProvider calls at once: exactly five succeed and the account holds 100"
    )
    func samlProviderQuotaHolds() async throws {
        try await TestServer.run { server in
            for index in 0..<95 {
                _ = try await server.send(try Self.createSAML("idp\(index)").request(date: server.now)).result(
                    "CreateSAMLProvider")
            }
            for round in 0..<Self.quotaRounds {
                let names = (0..<20).map { "idp\(100 + 20 * round + $0)" }
                let replies = try await server.iamReleasedTogether(names.map { Self.createSAML($0) })
                #expect(replies.acknowledged == 5, "round \(round): \(replies.errorCodes)")
                #expect(replies.errorCodes == Array(repeating: "LimitExceeded", count: 15), "round \(round)")
                let listed = try await server.iam("ListSAMLProviders").result("ListSAMLProviders")
                let arns = Set(listed.members(of: "SAMLProviderList").compactMap { $0.text("Arn") })
                #expect(arns.count == 100, "round \(round)")
                let created = zip(names, replies).filter { $0.1.status == 200 }.map { Self.samlArn($0.0) }
                #expect(Set(created).isSubset(of: arns), "round \(round)")
                // Back to 95 for the next round.
                for arn in created {
                    try await server.iam("DeleteSAMLProvider", ["SAMLProviderArn": arn]).expectSuccess(
                        "DeleteSAMLProvider")
                }
            }

            // Six deletes and then six creates of one provider (below the quota): one of each is acknowledged.
            let delete = IAMCall("DeleteSAMLProvider", [("SAMLProviderArn", Self.samlArn("idp0"))])
            let deleted = try await server.iamReleasedTogether(Array(repeating: delete, count: 6))
            #expect(deleted.acknowledged == 1)
            #expect(deleted.errorCodes == Array(repeating: "NoSuchEntity", count: 5))
            try await server.iam("DeleteSAMLProvider", ["SAMLProviderArn": Self.samlArn("idp1")]).expectSuccess(
                "DeleteSAMLProvider")
            let recreated = try await server.iamReleasedTogether(Array(repeating: Self.createSAML("idp0"), count: 6))
            #expect(recreated.acknowledged == 1)
            #expect(recreated.errorCodes == Array(repeating: "EntityAlreadyExists", count: 5))
        }
    }

    // MARK: Outbound web identity federation

    @Test("six EnableOutboundWebIdentityFederation calls at once enable it once; six disables disable it once")
    func outboundFederationTogglesOnce() async throws {
        try await TestServer.run { server in
            let enabled = try await server.iamReleasedTogether(
                Array(repeating: IAMCall("EnableOutboundWebIdentityFederation"), count: 6))
            #expect(enabled.acknowledged == 1, "\(enabled.errorCodes)")
            #expect(enabled.errorCodes == Array(repeating: "FeatureEnabled", count: 5))
            let disabled = try await server.iamReleasedTogether(
                Array(repeating: IAMCall("DisableOutboundWebIdentityFederation"), count: 6))
            #expect(disabled.acknowledged == 1, "\(disabled.errorCodes)")
            #expect(disabled.errorCodes == Array(repeating: "FeatureDisabled", count: 5))
            let info = try await server.iam("GetOutboundWebIdentityFederationInfo").result(
                "GetOutboundWebIdentityFederationInfo")
            #expect(info.text("JwtVendingEnabled") == "false")
        }
    }
}
