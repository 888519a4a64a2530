public import LatchkeyDomain
public import LatchkeyModel

extension ManagedPolicy {
    /// Which members of `Policy` a response carries, as IAM answers (recorded from AWS in 2026).
    public enum WireStyle: Sendable {
        /// CreatePolicy: no `Description` (IAM does not echo it); tags only when there are some.
        case created
        /// GetPolicy: the description, and `Tags` always, an empty list for an untagged policy.
        case get
        /// ListPolicies: neither description nor tags.
        case listing
    }

    /// The policy as `style`'s operation answers it.
    public func wire(_ style: WireStyle) -> IAM.Policy {
        let wireTags: [IAM.Tag]? =
            switch style {
            case .get: tags.map(IAM.Tag.init)
            case .created: tags.isEmpty ? nil : tags.map(IAM.Tag.init)
            case .listing: nil
            }
        return IAM.Policy(
            policyName: policyName, policyId: policyId, arn: arn, path: path, defaultVersionId: defaultVersionId,
            attachmentCount: attachmentCount, permissionsBoundaryUsageCount: permissionsBoundaryUsageCount,
            isAttachable: isAttachable, description: style == .get ? description : nil, createDate: createDate,
            updateDate: updateDate,
            tags: wireTags)
    }
}

extension PolicyVersion {
    /// `PolicyVersion`: the document (URL-encoded, as IAM sends it) only where IAM includes it
    /// (`GetPolicyVersion`), not in `CreatePolicyVersion` or `ListPolicyVersions`.
    public func wire(withDocument: Bool) -> IAM.PolicyVersion {
        IAM.PolicyVersion(
            document: withDocument ? PolicyDocumentEncoding.encode(document) : nil, versionId: versionId,
            isDefaultVersion: isDefaultVersion, createDate: createDate)
    }
}
