import LatchkeyCore
import LatchkeyModel

extension IAMService {
    /// OpenID Connect and SAML identity providers, and outbound web identity federation. (Their Tag..., Untag...
    /// and List...Tags operations are registered with every other kind's, in `registerTaggingOperations`.)
    func registerProviderOperations(in registry: inout OperationRegistry) {
        registry.on(CreateOpenIDConnectProviderInput.self) { input, context in
            try await self.createOpenIDConnectProvider(input, caller: try context.signedCaller(), now: context.now)
        }
        registry.on(GetOpenIDConnectProviderInput.self) { input, context in
            try await self.getOpenIDConnectProvider(input, caller: try context.signedCaller())
        }
        registry.on(ListOpenIDConnectProvidersInput.self) { input, context in
            try await self.listOpenIDConnectProviders(input, caller: try context.signedCaller())
        }
        registry.on(DeleteOpenIDConnectProviderInput.self) { input, context in
            try await self.deleteOpenIDConnectProvider(input, caller: try context.signedCaller())
        }
        registry.on(AddClientIDToOpenIDConnectProviderInput.self) { input, context in
            try await self.addClientIDToOpenIDConnectProvider(input, caller: try context.signedCaller())
        }
        registry.on(RemoveClientIDFromOpenIDConnectProviderInput.self) { input, context in
            try await self.removeClientIDFromOpenIDConnectProvider(input, caller: try context.signedCaller())
        }
        registry.on(UpdateOpenIDConnectProviderThumbprintInput.self) { input, context in
            try await self.updateOpenIDConnectProviderThumbprint(input, caller: try context.signedCaller())
        }

        registry.on(CreateSAMLProviderInput.self) { input, context in
            try await self.createSAMLProvider(input, caller: try context.signedCaller(), now: context.now)
        }
        registry.on(GetSAMLProviderInput.self) { input, context in
            try await self.getSAMLProvider(input, caller: try context.signedCaller())
        }
        registry.on(ListSAMLProvidersInput.self) { input, context in
            try await self.listSAMLProviders(input, caller: try context.signedCaller())
        }
        registry.on(UpdateSAMLProviderInput.self) { input, context in
            try await self.updateSAMLProvider(input, caller: try context.signedCaller())
        }
        registry.on(DeleteSAMLProviderInput.self) { input, context in
            try await self.deleteSAMLProvider(input, caller: try context.signedCaller())
        }

        registry.on(EnableOutboundWebIdentityFederationInput.self) { input, context in
            try await self.enableOutboundWebIdentityFederation(
                input, caller: try context.signedCaller(), now: context.now)
        }
        registry.on(DisableOutboundWebIdentityFederationInput.self) { input, context in
            try await self.disableOutboundWebIdentityFederation(input, caller: try context.signedCaller())
        }
        registry.on(GetOutboundWebIdentityFederationInfoInput.self) { input, context in
            try await self.getOutboundWebIdentityFederationInfo(input, caller: try context.signedCaller())
        }
    }
}
