import LatchkeyCore
import LatchkeyModel
import LatchkeyQuery

extension SecurityTokenService {
    /// Registers every STS operation: the signed calls here, the federation calls in
    /// ``registerFederationOperations(in:)``. Operations Latchkey does not offer (`AssumeRoot`,
    /// `GetDelegatedAccessToken`) are validated by the endpoint like the others, then answer that Latchkey does not
    /// offer them, and why.
    func registerOperations(in registry: inout OperationRegistry) {
        registry.on(GetCallerIdentityInput.self) { input, context in
            self.getCallerIdentity(input, caller: try context.signedCaller())
        }
        registry.on(GetAccessKeyInfoInput.self) { input, context in
            try await self.getAccessKeyInfo(input, caller: try context.signedCaller())
        }
        registry.on(AssumeRoleInput.self) { input, context in
            try await self.assumeRole(input, caller: try context.signedCaller(), now: context.now)
        }
        registry.on(GetFederationTokenInput.self) { input, context in
            try await self.getFederationToken(input, caller: try context.signedCaller(), now: context.now)
        }
        registry.on(DecodeAuthorizationMessageInput.self) { input, context in
            try await self.decodeAuthorizationMessage(input, caller: try context.signedCaller(), now: context.now)
        }
        registry.on(GetSessionTokenInput.self) { input, context in
            try await self.getSessionToken(input, caller: try context.signedCaller(), now: context.now)
        }
        registry.on(AssumeRootInput.self) { input, context in
            try self.assumeRoot(input, caller: try context.signedCaller())
        }
        registry.on(GetDelegatedAccessTokenInput.self) { input, context in
            try self.getDelegatedAccessToken(input, caller: try context.signedCaller())
        }
        registerFederationOperations(in: &registry)
    }
}
