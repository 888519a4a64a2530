public import Foundation
import LatchkeyBase
public import LatchkeyDomain
import LatchkeyModel
import LatchkeyPolicy
public import LatchkeySAMLModel
public import LatchkeyTokens

/// The IAM operations Latchkey serves, authorized with the caller's policies.
public struct IAMService: Sendable {
    let store: any LatchkeyStore
    let secretBox: SecretBox
    let resolver: CredentialResolver?
    let mfa: MFAVerifier
    let authorizer: Authorizer
    let clock: @Sendable () -> Date
    /// Latchkey's own OIDC issuer, for the outbound federation operations.
    public var outbound: OutboundIssuerService?
    /// Reads IdP metadata for the SAML provider operations (the server passes LatchkeySAML's libxmlsec1 parser);
    /// nil refuses them.
    public var samlMetadata: (any SAMLMetadataReading)?

    /// - Parameter resolver: the credential cache to invalidate when keys or users change.
    /// - Parameter mfa: the MFA verifier shared with `SecurityTokenService`.
    public init(
        store: any LatchkeyStore, secretBox: SecretBox, resolver: CredentialResolver? = nil, mfa: MFAVerifier? = nil,
        authorizer: Authorizer? = nil, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.secretBox = secretBox
        self.resolver = resolver
        self.mfa = mfa ?? MFAVerifier(store: store, secretBox: secretBox)
        self.authorizer = authorizer ?? Authorizer(store: store)
        self.clock = clock
    }

    /// Authorizes an IAM call with the caller's policies (the root may do anything in its account). Credentials
    /// from GetSessionToken obtained without MFA, and federation tokens, cannot call IAM at all; AWS answers them as
    /// if the token were invalid.
    func authorize(_ caller: Caller, _ operation: OperationDeclaration, resource: String) async throws(STSError) {
        let action = operation.iamAction
        if let claims = caller.sessionClaims {
            if (claims.kind == .sessionToken || claims.kind == .rootSession) && !claims.mfaAuthenticated
                || claims.kind == .federatedUser
            {
                throw STSError(.invalidClientTokenId, CredentialResolver.invalidToken)
            }
        }
        let (decision, context) = try await authorizer.decide(
            caller: caller, action: action, resource: resource, resourceAccount: caller.accountId, now: clock()
        )
        guard decision.isAllowed else {
            throw authorizer.denial(
                caller: caller, action: action, resource: resource, decision: decision, context: context)
        }
    }

    func userArn(_ accountId: String, _ name: String, path: String = "/") -> String {
        "arn:aws:iam::\(accountId):user\(path)\(name)"
    }

    /// Runs a store call, turning store failures into AWS errors.
    func storeCall<T>(_ body: () async throws -> T, mapping: (StoreError) -> STSError? = { _ in nil })
        async throws(STSError) -> T
    {
        do {
            return try await body()
        } catch let error as STSError {
            // Thrown by a `modify...` change closure, which the store rethrows unchanged.
            throw error
        } catch let error as StoreError {
            if let mapped = mapping(error) { throw mapped }
            if error.code == .unavailable {
                // The database is down or did not answer in time: retryable, as AWS says with a 503.
                throw STSError(.serviceUnavailable, "The identity store is unavailable. Please retry.", cause: error)
            }
            throw STSError(
                .serviceFailure, "The request processing has failed because of an unknown error.", cause: error)
        } catch {
            throw STSError(
                .serviceFailure, "The request processing has failed because of an unknown error.", cause: error)
        }
    }

    func noSuchUser(_ name: String) -> STSError {
        STSError(.noSuchEntity, "The user with name \(name) cannot be found.")
    }

    /// Loads a user of the account or throws `NoSuchEntity`.
    func requireUser(_ accountId: String, _ name: String) async throws(STSError) -> IAMUser {
        guard let user = try await storeCall({ try await store.user(accountId: accountId, userName: name) }) else {
            throw noSuchUser(name)
        }
        return user
    }

    /// Tags: keys unique case-insensitively within one request (`InvalidInput`), at most 50 on an entity.
    static func checkTagKeysUnique(_ tags: [ResourceTag]) throws(STSError) {
        var seen = Set<String>()
        for tag in tags where !seen.insert(tag.key.lowercased()).inserted {
            throw STSError(.invalidInput, "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
        }
    }

    /// The 51st tag on an entity: `LimitExceeded` 409.
    static let tooManyTags = STSError(.limitExceeded, "The number of tags has reached the maximum limit.")
}

/// A page of a listing: items and the marker for the next page, if any.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var marker: String?
    public var isTruncated: Bool { marker != nil }

    public init(items: [Item], marker: String?) {
        self.items = items
        self.marker = marker
    }
}

extension IAMService {
    /// Pages `all` (already sorted by `key`) after `marker`, `maxItems` at a time, with markers bound to `listing`.
    func page<Item>(_ all: [Item], listing: String, key: (Item) -> String, marker: String?, maxItems: Int?)
        throws(STSError) -> Page<Item>
    {
        try Page.paginate(
            all, key: key, marker: marker, maxItems: maxItems,
            markers: PageMarkers(secretBox: secretBox, listing: listing))
    }
}

extension Page {
    /// Pages `all` (already sorted by `key`) after `marker`, `maxItems` at a time (IAM's 1...1000, default 100).
    /// Resuming after a key rather than a position keeps pages consistent while items are added or removed
    /// between calls.
    static func paginate(_ all: [Item], key: (Item) -> String, marker: String?, maxItems: Int?, markers: PageMarkers)
        throws(STSError) -> Page
    {
        let limit = maxItems ?? 100
        var start = 0
        if let marker {
            switch try markers.open(marker) {
            case .after(let after): start = all.firstIndex(where: { key($0) > after }) ?? all.count
            case .position(let position): start = min(position, all.count)
            }
        }
        let end = min(start + limit, all.count)
        let items = Array(all[start..<end])
        var next: String?
        if end < all.count, let last = items.last {
            let lastKey = key(last)
            next = markers.seal(lastKey.utf8.count <= PageMarkers.longestKey ? .after(lastKey) : .position(end))
        }
        return Page(items: items, marker: next)
    }
}

/// IAM's opaque `Marker`s: the key of the last item returned (or its position, for a key over ``longestKey``
/// bytes), sealed by the server's `SecretBox` and bound to one listing. A marker Latchkey did not issue, or issued
/// for another listing, is `ValidationError` "Invalid Marker.", as IAM answers.
struct PageMarkers: Sendable {
    let secretBox: SecretBox
    /// The operation whose markers these are (`ListUsers`).
    let listing: String

    /// The answer to a `Marker` Latchkey did not issue: `ValidationError` 400.
    static let invalidMarker = STSError(.validationError, "Invalid Marker.")
    /// Keys longer than this (in UTF-8 bytes) are carried by position instead, so that every marker fits the
    /// model's 320 characters: 1 + 160 bytes sealed (29 bytes of overhead) is 254 base64url characters.
    static let longestKey = 160

    /// Where a marker resumes: after a key, or at a position.
    enum Position: Equatable {
        case after(String)
        case position(Int)
    }

    private var context: String { "iam-marker:\(listing)" }

    func seal(_ position: Position) -> String {
        let plaintext: [UInt8] =
            switch position {
            case .after(let key): [UInt8(ascii: "k")] + Array(key.utf8)
            case .position(let index): [UInt8(ascii: "i")] + Array(String(index).utf8)
            }
        return Base64.encodeURL(secretBox.seal(plaintext, context: context))
    }

    func open(_ marker: String) throws(STSError) -> Position {
        guard let sealed = Base64.decodeURL(marker), let plaintext = try? secretBox.open(sealed, context: context),
            let kind = plaintext.first, let value = UTF8Validation.string(plaintext.dropFirst())
        else { throw Self.invalidMarker }
        switch kind {
        case UInt8(ascii: "k"): return .after(value)
        case UInt8(ascii: "i"):
            guard let index = Int(value), index >= 0 else { throw Self.invalidMarker }
            return .position(index)
        default: throw Self.invalidMarker
        }
    }
}
