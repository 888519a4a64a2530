import LatchkeyCore

extension IAMService {
    /// Roles, their inline and attached policies, and their permissions boundaries.
    func roleHandlers() -> [String: OperationHandler] {
        [:]
    }
}
