import LatchkeyCore
import LatchkeyModel
import LatchkeyQuery

extension SecurityTokenService {
    /// `AssumeRoleWithWebIdentity` and `AssumeRoleWithSAML` (unsigned calls: the request's metadata instead of a
    /// caller), and `GetWebIdentityToken`.
    func registerFederationOperations(in registry: inout OperationRegistry) {
        registry.on(GetWebIdentityTokenInput.self) { input, context in
            try await self.getWebIdentityToken(input, caller: try context.signedCaller(), now: context.now)
        }
        registry.on(AssumeRoleWithWebIdentityInput.self) { input, context in
            try await self.assumeRoleWithWebIdentity(input, metadata: context.metadata, now: context.now)
        }
        registry.on(AssumeRoleWithSAMLInput.self) { input, context in
            try await self.assumeRoleWithSAML(input, metadata: context.metadata, now: context.now)
        }
    }
}
