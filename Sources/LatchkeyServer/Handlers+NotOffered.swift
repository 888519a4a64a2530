import LatchkeyModel

extension OperationRegistry {
    /// Declared operations Latchkey validates but does not perform yet: authenticated, parameters checked, then
    /// `InvalidAction` saying so (rather than "Could not find operation", which would suggest a typo).
    mutating func notOffered() {
        on(SimulatePrincipalPolicyInput.self) { _, context in
            _ = try context.signedCaller()
            throw STSError(
                .invalidAction,
                "Latchkey does not offer SimulatePrincipalPolicy yet. The request was authenticated and its parameters are valid."
            )
        }
    }
}
