import LatchkeyModel
import LatchkeyPolicy

extension IAMService {
    /// Checks a policy document a caller is writing, as IAM checks it for `use` (a role trust policy, a managed
    /// policy version, an inline policy): the policy grammar plus IAM's write-time rules, such as the `Version` a
    /// managed policy needs or the only actions a trust policy may name.
    ///
    /// - Throws: `MalformedPolicyDocument` (400) with AWS's message, or `LimitExceeded` (409) over the size quota.
    static func validatePolicyDocument(_ text: String, as use: PolicyUse) throws(STSError) {
        do {
            _ = try PolicyDocument.validate(text, as: use)
        } catch {
            throw error.stsError
        }
    }
}
