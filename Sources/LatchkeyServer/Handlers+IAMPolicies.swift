import Foundation
import LatchkeyCore
import LatchkeyModel
import LatchkeyQuery
import LatchkeyDomain

extension IAMService {
    /// Managed policies and their versions, groups, user policies and user permissions boundaries.
    func policyHandlers() -> [String: OperationHandler] {
        managedPolicyHandlers().merging(userPolicyHandlers()) { first, _ in first }
            .merging(groupHandlers()) { first, _ in first }
    }

    /// Customer managed policies, their versions and tags.
    func managedPolicyHandlers() -> [String: OperationHandler] {
        [
            "CreatePolicy": { request in
                let input = request.input
                let policy = try await self.createPolicy(
                    caller: try request.signedCaller(), policyName: input.string("PolicyName") ?? "",
                    path: input.string("Path"), document: input.string("PolicyDocument") ?? "",
                    description: input.string("Description"), tags: input.tags("Tags"), now: request.now)
                return .result([policy.node(name: "Policy", style: .created)])
            },
            "GetPolicy": { request in
                let policy = try await self.getPolicy(
                    caller: try request.signedCaller(), policyArn: request.input.string("PolicyArn") ?? "")
                return .result([policy.node(name: "Policy", style: .get)])
            },
            "DeletePolicy": { request in
                try await self.deletePolicy(caller: try request.signedCaller(), policyArn: request.input.string("PolicyArn") ?? "")
                return nil
            },
            "ListPolicies": { request in
                let input = request.input
                let page = try await self.listPolicies(
                    caller: try request.signedCaller(), scope: input.string("Scope").flatMap(PolicyScope.init(rawValue:)),
                    onlyAttached: input.bool("OnlyAttached"), pathPrefix: input.string("PathPrefix"),
                    usage: input.string("PolicyUsageFilter").flatMap(PolicyUsage.init(rawValue:)),
                    marker: input.string("Marker"), maxItems: input.int("MaxItems"))
                return .result([.list("Policies", page.items.map { $0.node(name: "member", style: .listing) })] + page.trailer)
            },
            "GetPolicyVersion": { request in
                let version = try await self.getPolicyVersion(
                    caller: try request.signedCaller(), policyArn: request.input.string("PolicyArn") ?? "",
                    versionId: request.input.string("VersionId") ?? "")
                return .result([version.node(name: "PolicyVersion", withDocument: true)])
            },
            "CreatePolicyVersion": { request in
                let version = try await self.createPolicyVersion(
                    caller: try request.signedCaller(), policyArn: request.input.string("PolicyArn") ?? "",
                    document: request.input.string("PolicyDocument") ?? "",
                    setAsDefault: request.input.bool("SetAsDefault") ?? false, now: request.now)
                return .result([version.node(name: "PolicyVersion", withDocument: false)])
            },
            "DeletePolicyVersion": { request in
                try await self.deletePolicyVersion(
                    caller: try request.signedCaller(), policyArn: request.input.string("PolicyArn") ?? "",
                    versionId: request.input.string("VersionId") ?? "")
                return nil
            },
            "SetDefaultPolicyVersion": { request in
                try await self.setDefaultPolicyVersion(
                    caller: try request.signedCaller(), policyArn: request.input.string("PolicyArn") ?? "",
                    versionId: request.input.string("VersionId") ?? "")
                return nil
            },
            "ListPolicyVersions": { request in
                let page = try await self.listPolicyVersions(
                    caller: try request.signedCaller(), policyArn: request.input.string("PolicyArn") ?? "",
                    marker: request.input.string("Marker"), maxItems: request.input.int("MaxItems"))
                return .result(
                    [.list("Versions", page.items.map { $0.node(name: "member", withDocument: false) })] + page.trailer)
            },
            "TagPolicy": { request in
                try await self.tagPolicy(
                    caller: try request.signedCaller(), policyArn: request.input.string("PolicyArn") ?? "",
                    tags: request.input.tags("Tags"))
                return nil
            },
            "UntagPolicy": { request in
                try await self.untagPolicy(
                    caller: try request.signedCaller(), policyArn: request.input.string("PolicyArn") ?? "",
                    tagKeys: request.input.strings("TagKeys"))
                return nil
            },
            "ListPolicyTags": { request in
                let page = try await self.listPolicyTags(
                    caller: try request.signedCaller(), policyArn: request.input.string("PolicyArn") ?? "",
                    marker: request.input.string("Marker"), maxItems: request.input.int("MaxItems"))
                return .result([.list("Tags", page.items.map(\.node))] + page.trailer)
            },
        ]
    }

    /// Inline and attached policies of users, and their permissions boundaries.
    func userPolicyHandlers() -> [String: OperationHandler] {
        [
            "PutUserPolicy": { request in
                try await self.putUserPolicy(
                    caller: try request.signedCaller(), userName: request.input.string("UserName") ?? "",
                    policyName: request.input.string("PolicyName") ?? "",
                    document: request.input.string("PolicyDocument") ?? "")
                return nil
            },
            "GetUserPolicy": { request in
                let policy = try await self.getUserPolicy(
                    caller: try request.signedCaller(), userName: request.input.string("UserName") ?? "",
                    policyName: request.input.string("PolicyName") ?? "")
                return .result(policy.resultNodes(ownerMember: "UserName"))
            },
            "DeleteUserPolicy": { request in
                try await self.deleteUserPolicy(
                    caller: try request.signedCaller(), userName: request.input.string("UserName") ?? "",
                    policyName: request.input.string("PolicyName") ?? "")
                return nil
            },
            "ListUserPolicies": { request in
                let page = try await self.listUserPolicies(
                    caller: try request.signedCaller(), userName: request.input.string("UserName") ?? "",
                    marker: request.input.string("Marker"), maxItems: request.input.int("MaxItems"))
                return .result([.list("PolicyNames", strings: page.items)] + page.trailer)
            },
            "AttachUserPolicy": { request in
                try await self.attachUserPolicy(
                    caller: try request.signedCaller(), userName: request.input.string("UserName") ?? "",
                    policyArn: request.input.string("PolicyArn") ?? "")
                return nil
            },
            "DetachUserPolicy": { request in
                try await self.detachUserPolicy(
                    caller: try request.signedCaller(), userName: request.input.string("UserName") ?? "",
                    policyArn: request.input.string("PolicyArn") ?? "")
                return nil
            },
            "ListAttachedUserPolicies": { request in
                let page = try await self.listAttachedUserPolicies(
                    caller: try request.signedCaller(), userName: request.input.string("UserName") ?? "",
                    pathPrefix: request.input.string("PathPrefix"), marker: request.input.string("Marker"),
                    maxItems: request.input.int("MaxItems"))
                return .result([.list("AttachedPolicies", page.items.map(\.node))] + page.trailer)
            },
            "PutUserPermissionsBoundary": { request in
                try await self.putUserPermissionsBoundary(
                    caller: try request.signedCaller(), userName: request.input.string("UserName") ?? "",
                    policyArn: request.input.string("PermissionsBoundary") ?? "")
                return nil
            },
            "DeleteUserPermissionsBoundary": { request in
                try await self.deleteUserPermissionsBoundary(
                    caller: try request.signedCaller(), userName: request.input.string("UserName") ?? "")
                return nil
            },
        ]
    }
}

/// Which members of `Policy` a response carries, as IAM answers (recorded from AWS in 2026).
enum PolicyNodeStyle {
    /// CreatePolicy: no `Description` (IAM does not echo it); tags only when there are some.
    case created
    /// GetPolicy: the description, and `Tags` always, an empty list for an untagged policy.
    case get
    /// ListPolicies: neither description nor tags.
    case listing
}

extension ManagedPolicy {
    /// `Policy` in the model's member order.
    func node(name: String, style: PolicyNodeStyle) -> ResponseNode {
        .structure(name, [
            .string("PolicyName", policyName), .string("PolicyId", policyId), .string("Arn", arn), .string("Path", path),
            .string("DefaultVersionId", defaultVersionId), .integer("AttachmentCount", attachmentCount),
            .integer("PermissionsBoundaryUsageCount", permissionsBoundaryUsageCount),
            .boolean("IsAttachable", isAttachable),
            style == .get ? description.map { .string("Description", $0) } : nil,
            .timestamp("CreateDate", createDate), .timestamp("UpdateDate", updateDate),
            tagsNode(style),
        ])
    }
}

extension ManagedPolicy {
    /// GetPolicy answers `Tags` even when empty; CreatePolicy only when there are some; listings never.
    fileprivate func tagsNode(_ style: PolicyNodeStyle) -> ResponseNode? {
        switch style {
        case .get: .list("Tags", tags.map(\.node))
        case .created: tags.isEmpty ? nil : .list("Tags", tags.map(\.node))
        case .listing: nil
        }
    }
}

extension PolicyVersion {
    /// `PolicyVersion`: the document (URL-encoded, as IAM sends it) only where IAM includes it (GetPolicyVersion).
    func node(name: String, withDocument: Bool) -> ResponseNode {
        .structure(name, [
            withDocument ? .string("Document", PolicyDocumentEncoding.encode(document)) : nil,
            .string("VersionId", versionId), .boolean("IsDefaultVersion", isDefaultVersion),
            .timestamp("CreateDate", createDate),
        ])
    }
}

extension InlinePolicy {
    /// `Get{User,Group}Policy`'s members: the owner's name under `ownerMember`, the name, the URL-encoded document.
    fileprivate func resultNodes(ownerMember: String) -> [ResponseNode?] {
        [
            .string(ownerMember, owner.name), .string("PolicyName", policyName),
            .string("PolicyDocument", PolicyDocumentEncoding.encode(document)),
        ]
    }
}

extension AttachedPolicy {
    fileprivate var node: ResponseNode { .structure("member", [.string("PolicyName", policyName), .string("PolicyArn", policyArn)]) }
}

/// IAM returns policy documents percent-encoded (RFC 3986) and SDKs decode them.
private enum PolicyDocumentEncoding {
    static func encode(_ document: String) -> String {
        var output = ""
        QueryParameters.percentEncode(document, into: &output)
        return output
    }
}
