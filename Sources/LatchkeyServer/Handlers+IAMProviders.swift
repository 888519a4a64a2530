import LatchkeyCore
import LatchkeyModel
import LatchkeyQuery
import LatchkeyDomain

extension IAMService {
    /// OpenID Connect and SAML identity providers.
    func providerHandlers() -> [String: OperationHandler] {
        oidcProviderHandlers().merging(samlProviderHandlers()) { first, _ in first }
            .merging(outboundHandlers()) { first, _ in first }
    }

    private func outboundHandlers() -> [String: OperationHandler] {
        [
            "EnableOutboundWebIdentityFederation": { request in
                let issuer = try await self.enableOutboundWebIdentityFederation(
                    caller: try request.signedCaller(), now: request.now)
                return .result([.string("IssuerIdentifier", issuer)])
            },
            "DisableOutboundWebIdentityFederation": { request in
                try await self.disableOutboundWebIdentityFederation(caller: try request.signedCaller())
                return nil
            },
            "GetOutboundWebIdentityFederationInfo": { request in
                let info = try await self.getOutboundWebIdentityFederationInfo(caller: try request.signedCaller())
                return .result([.string("IssuerIdentifier", info.issuer), .boolean("JwtVendingEnabled", info.enabled)])
            },
        ]
    }

    private func oidcProviderHandlers() -> [String: OperationHandler] {
        [
            "CreateOpenIDConnectProvider": { request in
                let input = request.input
                let provider = try await self.createOpenIDConnectProvider(
                    caller: try request.signedCaller(), url: input.string("Url") ?? "",
                    clientIDs: input.strings("ClientIDList"), thumbprints: input.strings("ThumbprintList"),
                    tags: input.tags("Tags"), now: request.now)
                return .result([
                    .string("OpenIDConnectProviderArn", provider.arn),
                    provider.tags.isEmpty ? nil : .list("Tags", provider.tags.map(\.node)),
                ])
            },
            "GetOpenIDConnectProvider": { request in
                let provider = try await self.getOpenIDConnectProvider(
                    caller: try request.signedCaller(), arn: request.input.string("OpenIDConnectProviderArn") ?? "")
                // IAM answers the URL without its scheme.
                return .result([
                    .string("Url", provider.identity),
                    .list("ClientIDList", provider.clientIDs.map { .string("member", $0) }),
                    .list("ThumbprintList", provider.thumbprints.map { .string("member", $0) }),
                    .timestamp("CreateDate", provider.createDate),
                    .list("Tags", provider.tags.map(\.node)),
                ])
            },
            "ListOpenIDConnectProviders": { request in
                let providers = try await self.listOpenIDConnectProviders(caller: try request.signedCaller())
                return .result([
                    .list("OpenIDConnectProviderList", providers.map { .structure("member", [.string("Arn", $0.arn)]) })
                ])
            },
            "DeleteOpenIDConnectProvider": { request in
                try await self.deleteOpenIDConnectProvider(
                    caller: try request.signedCaller(), arn: request.input.string("OpenIDConnectProviderArn") ?? "")
                return nil
            },
            "AddClientIDToOpenIDConnectProvider": { request in
                try await self.addClientIDToOpenIDConnectProvider(
                    caller: try request.signedCaller(), arn: request.input.string("OpenIDConnectProviderArn") ?? "",
                    clientID: request.input.string("ClientID") ?? "")
                return nil
            },
            "RemoveClientIDFromOpenIDConnectProvider": { request in
                try await self.removeClientIDFromOpenIDConnectProvider(
                    caller: try request.signedCaller(), arn: request.input.string("OpenIDConnectProviderArn") ?? "",
                    clientID: request.input.string("ClientID") ?? "")
                return nil
            },
            "UpdateOpenIDConnectProviderThumbprint": { request in
                try await self.updateOpenIDConnectProviderThumbprint(
                    caller: try request.signedCaller(), arn: request.input.string("OpenIDConnectProviderArn") ?? "",
                    thumbprints: request.input.strings("ThumbprintList"))
                return nil
            },
            "TagOpenIDConnectProvider": { request in
                try await self.tagOpenIDConnectProvider(
                    caller: try request.signedCaller(), arn: request.input.string("OpenIDConnectProviderArn") ?? "",
                    tags: request.input.tags("Tags"))
                return nil
            },
            "UntagOpenIDConnectProvider": { request in
                try await self.untagOpenIDConnectProvider(
                    caller: try request.signedCaller(), arn: request.input.string("OpenIDConnectProviderArn") ?? "",
                    tagKeys: request.input.strings("TagKeys"))
                return nil
            },
            "ListOpenIDConnectProviderTags": { request in
                let page = try await self.listOpenIDConnectProviderTags(
                    caller: try request.signedCaller(), arn: request.input.string("OpenIDConnectProviderArn") ?? "",
                    marker: request.input.string("Marker"), maxItems: request.input.int("MaxItems"))
                return .result([.list("Tags", page.items.map(\.node))] + page.trailer)
            },
        ]
    }

    private func samlProviderHandlers() -> [String: OperationHandler] {
        [
            "CreateSAMLProvider": { request in
                let input = request.input
                let provider = try await self.createSAMLProvider(
                    caller: try request.signedCaller(), name: input.string("Name") ?? "",
                    metadataDocument: input.string("SAMLMetadataDocument") ?? "", tags: input.tags("Tags"),
                    now: request.now)
                return .result([
                    .string("SAMLProviderArn", provider.arn),
                    provider.tags.isEmpty ? nil : .list("Tags", provider.tags.map(\.node)),
                ])
            },
            "GetSAMLProvider": { request in
                let provider = try await self.getSAMLProvider(
                    caller: try request.signedCaller(), arn: request.input.string("SAMLProviderArn") ?? "")
                return .result([
                    .string("SAMLProviderUUID", provider.uuid),
                    .string("SAMLMetadataDocument", provider.metadataDocument),
                    .timestamp("CreateDate", provider.createDate),
                    .timestamp("ValidUntil", IAMService.validUntil(of: provider)),
                    .list("Tags", provider.tags.map(\.node)),
                    .string("AssertionEncryptionMode", "Allowed"),
                    // Latchkey keeps no assertion-decryption keys: always empty, as IAM answers without them.
                    .list("PrivateKeyList", []),
                ])
            },
            "ListSAMLProviders": { request in
                let providers = try await self.listSAMLProviders(caller: try request.signedCaller())
                return .result([
                    .list(
                        "SAMLProviderList",
                        providers.map { provider in
                            .structure("member", [
                                .string("Arn", provider.arn),
                                .timestamp("ValidUntil", IAMService.validUntil(of: provider)),
                                .timestamp("CreateDate", provider.createDate),
                            ])
                        })
                ])
            },
            "UpdateSAMLProvider": { request in
                let provider = try await self.updateSAMLProvider(
                    caller: try request.signedCaller(), arn: request.input.string("SAMLProviderArn") ?? "",
                    metadataDocument: request.input.string("SAMLMetadataDocument"))
                return .result([.string("SAMLProviderArn", provider.arn)])
            },
            "DeleteSAMLProvider": { request in
                try await self.deleteSAMLProvider(
                    caller: try request.signedCaller(), arn: request.input.string("SAMLProviderArn") ?? "")
                return nil
            },
            "TagSAMLProvider": { request in
                try await self.tagSAMLProvider(
                    caller: try request.signedCaller(), arn: request.input.string("SAMLProviderArn") ?? "",
                    tags: request.input.tags("Tags"))
                return nil
            },
            "UntagSAMLProvider": { request in
                try await self.untagSAMLProvider(
                    caller: try request.signedCaller(), arn: request.input.string("SAMLProviderArn") ?? "",
                    tagKeys: request.input.strings("TagKeys"))
                return nil
            },
            "ListSAMLProviderTags": { request in
                let page = try await self.listSAMLProviderTags(
                    caller: try request.signedCaller(), arn: request.input.string("SAMLProviderArn") ?? "",
                    marker: request.input.string("Marker"), maxItems: request.input.int("MaxItems"))
                return .result([.list("Tags", page.items.map(\.node))] + page.trailer)
            },
        ]
    }
}
