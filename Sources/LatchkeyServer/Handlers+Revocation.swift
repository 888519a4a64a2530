import LatchkeyCore
import LatchkeyModel

extension IAMService {
    /// `RevokeSessions`, Latchkey's extension: sessions refused before they expire.
    func registerRevocationOperations(in registry: inout OperationRegistry) {
        registry.on(RevokeSessionsInput.self) { input, context in
            try await self.revokeSessions(input, caller: try context.signedCaller(), now: context.now)
        }
    }
}
