import LatchkeyCore

extension IAMService {
    /// Managed policies and their versions, groups, user policies and user permissions boundaries.
    func policyHandlers() -> [String: OperationHandler] {
        [:]
    }
}
