import LatchkeyBase
import LatchkeyDomain
import LatchkeyModel

// The wire forms shared by users, roles, groups and managed policies: policy documents as IAM returns them, a
// principal's permissions boundary, attached policies.

/// IAM returns policy documents (trust policies, inline policies, policy versions) percent-encoded (RFC 3986,
/// unreserved characters kept), and SDKs decode them.
enum PolicyDocumentEncoding {
    static func encode(_ document: String) -> String {
        PercentEncoding.encode(document)
    }
}

extension IAM.AttachedPermissionsBoundary {
    /// A user's or role's permissions boundary: always a managed policy (`PermissionsBoundaryPolicy`).
    init(policyArn: String) {
        self.init(permissionsBoundaryType: "PermissionsBoundaryPolicy", permissionsBoundaryArn: policyArn)
    }
}

extension AttachedPolicy {
    /// An entry of `ListAttached{User,Role,Group}Policies`.
    var wire: IAM.AttachedPolicy {
        IAM.AttachedPolicy(policyName: policyName, policyArn: policyArn)
    }
}
