public import LatchkeyDomain
public import LatchkeyModel

// One implementation of Tag.../Untag.../List...Tags for every IAM entity that carries tags. What differs between
// the kinds is declared once per kind in a `TaggableKind`; the rules are the same for all of them:
// - Tag: keys unique within one request, compared case-insensitively (`InvalidInput`); a key already on the entity
//   (in any case) has its value replaced; at most `maxTags` on the entity, counted against the tags actually stored
//   inside the store's transaction (`LimitExceeded` 409), so concurrent calls cannot lose an update or overshoot.
// - Untag: removes the named keys (case-insensitively); absent keys are ignored.
// - List: sorted by key (case-insensitively), paged with `MaxItems` (1...1000, default 100) and `Marker`s bound to the
//   listing operation.
// The action authorized is the operation's own (`iam:TagRole`, from its declaration), against the kind's resource.

/// One kind of IAM entity that carries tags (users, roles, managed policies, OIDC and SAML providers): how an
/// operation finds the entity named by its request, which resource it is authorized against, what "not found" says,
/// the store's atomic change of its tags, and the tag rules of the kind.
public struct TaggableKind: Sendable, CustomStringConvertible {
    /// What the operations call it: `Role` in `TagRole`, `UntagRole`, `ListRoleTags`.
    public let name: String
    /// At most this many tags on one entity (IAM's quota: 50 for every kind).
    public let maxTags: Int
    /// Whether keys are compared ignoring case (IAM: always).
    public let caseInsensitiveKeys: Bool
    /// The resource an operation on the entity named `id` in `accountId` is authorized against.
    let resource: @Sendable (_ iam: IAMService, _ accountId: String, _ id: String) async throws(STSError) -> String
    /// The error for an entity that does not exist.
    let notFound: @Sendable (_ iam: IAMService, _ id: String) -> STSError
    /// The entity's tags, or nil when it does not exist; may throw an `STSError` (a malformed ARN, or not found).
    let read: @Sendable (_ store: any LatchkeyStore, _ accountId: String, _ id: String) async throws -> [ResourceTag]?
    /// Changes the entity's tags with the store's atomic modify call (read, change, write in one transaction); the
    /// store's `notFound` becomes ``notFound``, an `STSError` (thrown by `change` or by the lookup) comes back as it is.
    let modify:
        @Sendable (
            _ store: any LatchkeyStore, _ accountId: String, _ id: String,
            _ change: @escaping @Sendable (inout [ResourceTag]) throws -> Void
        ) async throws -> Void
    /// Runs after the tags changed (drops cached state that carries them).
    let changed: @Sendable (_ iam: IAMService) -> Void

    public var description: String { name }

    /// The form of `key` compared with others.
    func identity(ofKey key: String) -> String {
        caseInsensitiveKeys ? key.lowercased() : key
    }
}

extension TaggableKind {
    /// IAM users, named by `UserName`; authorized against `user/NAME`.
    public static let user = TaggableKind(
        name: "User", maxTags: 50, caseInsensitiveKeys: true,
        resource: { iam, accountId, name in iam.userArn(accountId, name) },
        notFound: { iam, name in iam.noSuchUser(name) },
        read: { store, accountId, name in try await store.user(accountId: accountId, userName: name)?.tags },
        modify: { store, accountId, name, change in
            _ = try await store.modifyUser(accountId: accountId, userName: name) { try change(&$0.tags) }
        },
        // Cached callers carry the user, with its tags.
        changed: { iam in iam.resolver?.invalidateAll() })

    /// IAM roles, named by `RoleName`; authorized against the stored role's ARN (with its path), `role/NAME` when
    /// there is no such role.
    public static let role = TaggableKind(
        name: "Role", maxTags: 50, caseInsensitiveKeys: true,
        resource: { (iam, accountId, name) async throws(STSError) -> String in
            try await iam.roleResource(accountId, name)
        },
        notFound: { iam, name in iam.noSuchRole(name) },
        read: { store, accountId, name in try await store.role(accountId: accountId, roleName: name)?.tags },
        modify: { store, accountId, name, change in
            _ = try await store.modifyRole(accountId: accountId, roleName: name) { try change(&$0.tags) }
        },
        changed: { _ in })

    /// Customer managed policies, named by `PolicyArn`: a malformed ARN is `ValidationError` (after authorization).
    public static let managedPolicy = TaggableKind(
        name: "Policy", maxTags: IAMService.maxTagsPerPolicy, caseInsensitiveKeys: true,
        resource: { _, _, arn in arn },
        notFound: { _, arn in IAMService.policyNotFound(arn) },
        read: { store, _, arn in
            try IAMService.checkPolicyArn(arn)
            return try await store.managedPolicy(arn: arn)?.tags
        },
        modify: { store, _, arn, change in
            try IAMService.checkPolicyArn(arn)
            _ = try await store.modifyManagedPolicyTags(policyArn: arn, change)
        },
        changed: { _ in })

    /// OpenID Connect providers, named by `OpenIDConnectProviderArn`; an ARN of another account, or not an OIDC
    /// provider's, names none.
    public static let openIDConnectProvider = TaggableKind(
        name: "OpenIDConnectProvider", maxTags: 50, caseInsensitiveKeys: true,
        resource: { _, _, arn in arn },
        notFound: { _, arn in IAMService.noSuchOIDCProvider(arn) },
        read: { store, accountId, arn in
            guard let identity = IAMService.oidcIdentity(arn: arn, account: accountId) else { return nil }
            return try await store.oidcProvider(accountId: accountId, identity: identity)?.tags
        },
        modify: { store, accountId, arn, change in
            guard let identity = IAMService.oidcIdentity(arn: arn, account: accountId) else {
                throw IAMService.noSuchOIDCProvider(arn)
            }
            _ = try await store.modifyOIDCProvider(accountId: accountId, identity: identity) { try change(&$0.tags) }
        },
        changed: { _ in })

    /// SAML providers, named by `SAMLProviderArn`: the lookup ignores the name's case, the ARN must match the stored
    /// name's case.
    public static let samlProvider = TaggableKind(
        name: "SAMLProvider", maxTags: 50, caseInsensitiveKeys: true,
        resource: { _, _, arn in arn },
        notFound: { _, arn in IAMService.noSuchSAMLProvider(arn) },
        read: { store, accountId, arn in
            guard let (account, name) = SecurityTokenService.parseSAMLProviderArn(arn), account == accountId,
                let provider = try await store.samlProvider(accountId: accountId, name: name), provider.arn == arn
            else { return nil }
            return provider.tags
        },
        modify: { store, accountId, arn, change in
            guard let (account, name) = SecurityTokenService.parseSAMLProviderArn(arn), account == accountId else {
                throw IAMService.noSuchSAMLProvider(arn)
            }
            _ = try await store.modifySAMLProvider(accountId: accountId, name: name) { provider in
                guard provider.arn == arn else { throw IAMService.noSuchSAMLProvider(arn) }
                try change(&provider.tags)
            }
        },
        changed: { _ in })

    /// Every taggable kind.
    public static let all: [TaggableKind] = [.user, .role, .managedPolicy, .openIDConnectProvider, .samlProvider]
}

// MARK: The typed operations

/// `TagUser`, `TagRole`, `TagPolicy`, `TagOpenIDConnectProvider`, `TagSAMLProvider`.
public protocol TagResourceInput: OperationInput where Output: EmptyTaggingOutput {
    static var taggableKind: TaggableKind { get }
    /// The request's name or ARN of the entity (`RoleName`, `PolicyArn`, ...).
    var taggedEntity: String { get }
    var tags: [IAM.Tag] { get }
}

/// `UntagUser`, `UntagRole`, `UntagPolicy`, `UntagOpenIDConnectProvider`, `UntagSAMLProvider`.
public protocol UntagResourceInput: OperationInput where Output: EmptyTaggingOutput {
    static var taggableKind: TaggableKind { get }
    var taggedEntity: String { get }
    var tagKeys: [String] { get }
}

/// `ListUserTags`, `ListRoleTags`, `ListPolicyTags`, `ListOpenIDConnectProviderTags`, `ListSAMLProviderTags`.
public protocol ListResourceTagsInput: OperationInput where Output: ListTagsOutput {
    static var taggableKind: TaggableKind { get }
    var taggedEntity: String { get }
    var marker: String? { get }
    var maxItems: Int? { get }
}

/// The output of a Tag... or Untag... operation (none on the wire).
public protocol EmptyTaggingOutput: OperationOutput {
    init()
}

/// The output of a List...Tags operation.
public protocol ListTagsOutput: OperationOutput {
    init(tags: [IAM.Tag]?, isTruncated: Bool?, marker: String?)
    var tags: [IAM.Tag]? { get }
    var isTruncated: Bool? { get }
    var marker: String? { get }
}

extension IAMService {
    /// `Tag<Kind>`: adds or replaces tags.
    public func tag<Input: TagResourceInput>(_ input: Input, caller: Caller) async throws(STSError) -> Input.Output {
        let kind = Input.taggableKind
        try await tag(
            kind, input.taggedEntity, tags: input.tags.map(ResourceTag.init), operation: Input.operation,
            caller: caller)
        return Input.Output()
    }

    /// `Untag<Kind>`: removes the named keys; absent keys are ignored.
    public func untag<Input: UntagResourceInput>(_ input: Input, caller: Caller) async throws(STSError) -> Input.Output
    {
        try await untag(
            Input.taggableKind, input.taggedEntity, keys: input.tagKeys, operation: Input.operation, caller: caller)
        return Input.Output()
    }

    /// `List<Kind>Tags`: a page of the entity's tags, sorted by key.
    public func listTags<Input: ListResourceTagsInput>(_ input: Input, caller: Caller) async throws(STSError)
        -> Input.Output
    {
        let page = try await listTags(
            Input.taggableKind, input.taggedEntity, marker: input.marker, maxItems: input.maxItems,
            operation: Input.operation, caller: caller)
        return Input.Output(tags: page.items.map(IAM.Tag.init), isTruncated: page.isTruncated, marker: page.marker)
    }

    // MARK: The rules, once for every kind

    func tag(_ kind: TaggableKind, _ id: String, tags: [ResourceTag], operation: OperationDeclaration, caller: Caller)
        async throws(STSError)
    {
        let accountId = caller.accountId
        try await authorize(caller, operation, resource: try await kind.resource(self, accountId, id))
        var seen = Set<String>()
        for tag in tags where !seen.insert(kind.identity(ofKey: tag.key)).inserted {
            throw STSError(.invalidInput, "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
        }
        try await modifyTags(kind, id, accountId) { stored in
            // Counted against the tags actually stored, inside the store's transaction.
            var merged = stored
            for tag in tags {
                if let index = merged.firstIndex(where: {
                    kind.identity(ofKey: $0.key) == kind.identity(ofKey: tag.key)
                }) {
                    merged[index] = tag
                } else {
                    merged.append(tag)
                }
            }
            guard merged.count <= kind.maxTags else { throw Self.tooManyTags }
            stored = merged
        }
    }

    func untag(_ kind: TaggableKind, _ id: String, keys: [String], operation: OperationDeclaration, caller: Caller)
        async throws(STSError)
    {
        let accountId = caller.accountId
        try await authorize(caller, operation, resource: try await kind.resource(self, accountId, id))
        let removed = Set(keys.map(kind.identity(ofKey:)))
        try await modifyTags(kind, id, accountId) { stored in
            stored.removeAll { removed.contains(kind.identity(ofKey: $0.key)) }
        }
    }

    func listTags(
        _ kind: TaggableKind, _ id: String, marker: String?, maxItems: Int?, operation: OperationDeclaration,
        caller: Caller
    ) async throws(STSError) -> Page<ResourceTag> {
        let accountId = caller.accountId
        try await authorize(caller, operation, resource: try await kind.resource(self, accountId, id))
        let store = self.store
        guard let tags = try await storeCall({ try await kind.read(store, accountId, id) }) else {
            throw kind.notFound(self, id)
        }
        let sorted = tags.sorted { kind.identity(ofKey: $0.key) < kind.identity(ofKey: $1.key) }
        return try page(
            sorted, listing: operation.name, key: { kind.identity(ofKey: $0.key) }, marker: marker, maxItems: maxItems)
    }

    private func modifyTags(
        _ kind: TaggableKind, _ id: String, _ accountId: String,
        _ change: @escaping @Sendable (inout [ResourceTag]) throws -> Void
    ) async throws(STSError) {
        let store = self.store
        try await storeCall({ try await kind.modify(store, accountId, id, change) }) { error in
            error.code == .notFound ? kind.notFound(self, id) : nil
        }
        kind.changed(self)
    }
}

// MARK: The operations of each kind

extension TagUserInput: TagResourceInput {
    public static var taggableKind: TaggableKind { .user }
    public var taggedEntity: String { userName }
}
extension UntagUserInput: UntagResourceInput {
    public static var taggableKind: TaggableKind { .user }
    public var taggedEntity: String { userName }
}
extension ListUserTagsInput: ListResourceTagsInput {
    public static var taggableKind: TaggableKind { .user }
    public var taggedEntity: String { userName }
}

extension TagRoleInput: TagResourceInput {
    public static var taggableKind: TaggableKind { .role }
    public var taggedEntity: String { roleName }
}
extension UntagRoleInput: UntagResourceInput {
    public static var taggableKind: TaggableKind { .role }
    public var taggedEntity: String { roleName }
}
extension ListRoleTagsInput: ListResourceTagsInput {
    public static var taggableKind: TaggableKind { .role }
    public var taggedEntity: String { roleName }
}

extension TagPolicyInput: TagResourceInput {
    public static var taggableKind: TaggableKind { .managedPolicy }
    public var taggedEntity: String { policyArn }
}
extension UntagPolicyInput: UntagResourceInput {
    public static var taggableKind: TaggableKind { .managedPolicy }
    public var taggedEntity: String { policyArn }
}
extension ListPolicyTagsInput: ListResourceTagsInput {
    public static var taggableKind: TaggableKind { .managedPolicy }
    public var taggedEntity: String { policyArn }
}

extension TagOpenIDConnectProviderInput: TagResourceInput {
    public static var taggableKind: TaggableKind { .openIDConnectProvider }
    public var taggedEntity: String { openIDConnectProviderArn }
}
extension UntagOpenIDConnectProviderInput: UntagResourceInput {
    public static var taggableKind: TaggableKind { .openIDConnectProvider }
    public var taggedEntity: String { openIDConnectProviderArn }
}
extension ListOpenIDConnectProviderTagsInput: ListResourceTagsInput {
    public static var taggableKind: TaggableKind { .openIDConnectProvider }
    public var taggedEntity: String { openIDConnectProviderArn }
}

extension TagSAMLProviderInput: TagResourceInput {
    public static var taggableKind: TaggableKind { .samlProvider }
    public var taggedEntity: String { samlProviderArn }
}
extension UntagSAMLProviderInput: UntagResourceInput {
    public static var taggableKind: TaggableKind { .samlProvider }
    public var taggedEntity: String { samlProviderArn }
}
extension ListSAMLProviderTagsInput: ListResourceTagsInput {
    public static var taggableKind: TaggableKind { .samlProvider }
    public var taggedEntity: String { samlProviderArn }
}

extension TagUserOutput: EmptyTaggingOutput {}
extension UntagUserOutput: EmptyTaggingOutput {}
extension ListUserTagsOutput: ListTagsOutput {}
extension TagRoleOutput: EmptyTaggingOutput {}
extension UntagRoleOutput: EmptyTaggingOutput {}
extension ListRoleTagsOutput: ListTagsOutput {}
extension TagPolicyOutput: EmptyTaggingOutput {}
extension UntagPolicyOutput: EmptyTaggingOutput {}
extension ListPolicyTagsOutput: ListTagsOutput {}
extension TagOpenIDConnectProviderOutput: EmptyTaggingOutput {}
extension UntagOpenIDConnectProviderOutput: EmptyTaggingOutput {}
extension ListOpenIDConnectProviderTagsOutput: ListTagsOutput {}
extension TagSAMLProviderOutput: EmptyTaggingOutput {}
extension UntagSAMLProviderOutput: EmptyTaggingOutput {}
extension ListSAMLProviderTagsOutput: ListTagsOutput {}
