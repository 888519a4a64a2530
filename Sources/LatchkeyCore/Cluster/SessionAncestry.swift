public import Foundation
public import LatchkeyDomain
public import LatchkeyModel

/// What a session descends from, carried sealed in its token (extension field ``extensionTag``) so that revoking an
/// ancestor refuses the session too, with no store read: the access key IDs (`ASIA` sessions, the `AKIA` long-term
/// key the chain started from) and the principal ARNs (user, root, role, assumed-role and federated-user ARNs) of
/// every credential between the long-term key or identity provider and the session, each with the issue time of the
/// session derived from it.
///
/// A session's own identifiers are not in the field: ``identifiers(of:)`` reads them from the claims.
///
/// Bounded: an identifier met twice keeps its earliest time (a role juggled a hundred times is one entry), only the
/// ``maximumSessionIDs`` most recent `ASIA` IDs of a chain are kept (older sessions of a long chain are still reached
/// through their role or user ARN), and the encoded field is at most ``maximumEncodedBytes``; a chain that would
/// need more is refused when the session is issued (ValidationError), never truncated silently.
public struct SessionAncestry: Sendable, Hashable {
    /// One credential the session descends from: an access key ID or a principal ARN, and the issue time (whole
    /// seconds since 1970) of the first session derived through it.
    public struct Ancestor: Sendable, Hashable {
        public var identifier: String
        public var issuedAt: Int64

        public init(identifier: String, issuedAt: Int64) {
            self.identifier = identifier
            self.issuedAt = issuedAt
        }
    }

    /// The claims extension field that holds the ancestry (above the tags the claims format knows itself).
    public static let extensionTag: UInt16 = 64
    /// Most `ASIA` IDs kept from a role chain.
    public static let maximumSessionIDs = 16
    /// Largest encoded ancestry.
    public static let maximumEncodedBytes = 4096
    static let formatVersion: UInt8 = 1

    public var ancestors: [Ancestor]

    public init(ancestors: [Ancestor] = []) {
        self.ancestors = ancestors
    }

    // MARK: Building

    /// The encoded ancestry of a session that `caller` (whose ARN is `callerArn`) obtains at `issuedAt`, for the
    /// claims' extension field ``extensionTag``, or nil when it has none (web identity and SAML sessions start a
    /// chain: their caller is not a Latchkey credential).
    /// - Throws: `ValidationError` when the chain is too long to track, `InvalidClientTokenId` when the caller's own
    ///   ancestry cannot be read.
    public static func derived(from caller: Caller?, callerArn: String, issuedAt: Date) throws(STSError) -> [UInt8]? {
        guard let caller else { return nil }
        let time = Int64(issuedAt.timeIntervalSince1970.rounded(.down))
        let encoded: [UInt8]
        switch caller.credentials {
        case .root, .user:
            // The common case (AssumeRole with a user's key): written straight, one allocation.
            var bytes: [UInt8] = []
            bytes.reserveCapacity(1 + 2 * 10 + caller.accessKeyId.utf8.count + callerArn.utf8.count)
            bytes.append(formatVersion)
            append(caller.accessKeyId, issuedAt: time, to: &bytes)
            append(callerArn, issuedAt: time, to: &bytes)
            encoded = bytes
        case .temporary(let claims):
            guard let inherited = identifiers(of: claims) else {
                throw STSError(.invalidClientTokenId, CredentialResolver.invalidToken)
            }
            var ancestry = SessionAncestry(ancestors: inherited)
            ancestry.normalize()
            encoded = ancestry.encoded()
        }
        guard encoded.count <= maximumEncodedBytes else {
            throw STSError(
                .validationError,
                "The role chain is too long: Latchkey cannot track the ancestry of a session derived from it.")
        }
        return encoded
    }

    /// Merges duplicates (earliest time wins), then keeps only the most recent ``maximumSessionIDs`` `ASIA` IDs.
    mutating func normalize() {
        var earliest: [String: Int64] = [:]
        var order: [String] = []
        for ancestor in ancestors {
            if let known = earliest[ancestor.identifier] {
                earliest[ancestor.identifier] = min(known, ancestor.issuedAt)
            } else {
                earliest[ancestor.identifier] = ancestor.issuedAt
                order.append(ancestor.identifier)
            }
        }
        var merged = order.map { Ancestor(identifier: $0, issuedAt: earliest[$0] ?? 0) }
        let sessions = merged.filter { $0.identifier.hasPrefix("ASIA") }
        if sessions.count > Self.maximumSessionIDs {
            let kept = Set(
                sessions.sorted { ($0.issuedAt, $0.identifier) > ($1.issuedAt, $1.identifier) }
                    .prefix(Self.maximumSessionIDs).map(\.identifier))
            merged.removeAll { $0.identifier.hasPrefix("ASIA") && !kept.contains($0.identifier) }
        }
        ancestors = merged
    }

    // MARK: Reading a session

    /// The session's own identifiers: its access key ID, its principal ARN and (for a role session) its role's ARN,
    /// at its issue time.
    public static func ownIdentifiers(of claims: SessionTokenClaims) -> [Ancestor] {
        let time = Int64(claims.issuedAt.timeIntervalSince1970.rounded(.down))
        var result = [
            Ancestor(identifier: claims.accessKeyId, issuedAt: time),
            Ancestor(identifier: claims.principalArn, issuedAt: time),
        ]
        if let roleArn = claims.roleArn { result.append(Ancestor(identifier: roleArn, issuedAt: time)) }
        return result
    }

    /// Everything a revocation can name in this session: its own identifiers, then its ancestry. Nil when the
    /// ancestry field cannot be read (a token this build did not seal correctly): treat the session as revoked.
    public static func identifiers(of claims: SessionTokenClaims) -> [Ancestor]? {
        var result = ownIdentifiers(of: claims)
        if let bytes = claims.extensions[extensionTag] {
            guard let ancestry = SessionAncestry(decoding: bytes) else { return nil }
            result += ancestry.ancestors
        }
        return result
    }

    // MARK: Encoding

    /// `version (1) | { issuedAt (Int64 BE) | length (UInt16 BE) | UTF-8 identifier }*`.
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = [Self.formatVersion]
        for ancestor in ancestors { Self.append(ancestor.identifier, issuedAt: ancestor.issuedAt, to: &bytes) }
        return bytes
    }

    private static func append(_ identifier: String, issuedAt: Int64, to bytes: inout [UInt8]) {
        let time = UInt64(bitPattern: issuedAt)
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: time >> shift)) }
        // Identifiers are access key IDs and ARNs (at most 2048 characters): far below the 16-bit length.
        let utf8 = identifier.utf8.prefix(Int(UInt16.max))
        bytes.append(UInt8(truncatingIfNeeded: utf8.count >> 8))
        bytes.append(UInt8(truncatingIfNeeded: utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// Reads ``encoded()``'s format; nil when the bytes are not in it.
    public init?(decoding bytes: [UInt8]) {
        guard bytes.first == Self.formatVersion, bytes.count <= Self.maximumEncodedBytes else { return nil }
        var ancestors: [Ancestor] = []
        var offset = 1
        while offset < bytes.count {
            guard bytes.count - offset >= 10 else { return nil }
            var time: UInt64 = 0
            for index in offset..<(offset + 8) { time = time << 8 | UInt64(bytes[index]) }
            let length = Int(bytes[offset + 8]) << 8 | Int(bytes[offset + 9])
            offset += 10
            guard length > 0, bytes.count - offset >= length,
                let identifier = String(validating: bytes[offset..<(offset + length)], as: UTF8.self)
            else { return nil }
            ancestors.append(Ancestor(identifier: identifier, issuedAt: Int64(bitPattern: time)))
            offset += length
        }
        self.ancestors = ancestors
    }
}

extension SessionTokenClaims {
    /// Records an encoded ancestry (``SessionAncestry/derived(from:callerArn:issuedAt:)``) in the claims' extension
    /// field (nothing when nil).
    mutating func setAncestry(_ encoded: [UInt8]?) {
        guard let encoded else { return }
        extensions[SessionAncestry.extensionTag] = encoded
    }
}
