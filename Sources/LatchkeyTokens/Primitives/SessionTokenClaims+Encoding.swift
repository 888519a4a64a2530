import LatchkeyDomain

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The binary claims format: a sequence of fields `tag (UInt16 BE) | length (minimal LEB128 varint) | value`, in
/// strictly increasing tag order, so each tag appears at most once and every claim set has one encoding.
///
/// Strings are UTF-8. Dates are seconds since 1970 as Int64 BE. Booleans are written only when true, as `0x01`.
/// Optional fields are left out when nil; lists are left out when empty and otherwise hold varint-prefixed items
/// (a tag is a prefixed key then a prefixed value).
enum SessionTokenFieldTag {
    static let accessKeyId: UInt16 = 1
    static let secretAccessKey: UInt16 = 2
    static let accountId: UInt16 = 3
    static let kind: UInt16 = 4
    static let principalArn: UInt16 = 5
    static let userId: UInt16 = 6
    static let sourcePrincipalArn: UInt16 = 7
    static let issuedAt: UInt16 = 8
    static let expiresAt: UInt16 = 9
    static let mfaAuthenticated: UInt16 = 10
    static let mfaAuthenticatedAt: UInt16 = 11
    static let sourceIdentity: UInt16 = 12
    static let sessionPolicy: UInt16 = 13
    static let policyArns: UInt16 = 14
    static let tags: UInt16 = 15
    static let transitiveTagKeys: UInt16 = 16
    static let isChained: UInt16 = 17
    static let roleArn: UInt16 = 18
    static let roleId: UInt16 = 19
    static let sessionName: UInt16 = 20

    /// Tags this build reads itself (and 0, which is reserved); anything above is an extension.
    static let lastKnown: UInt16 = 20

    static func isExtension(_ tag: UInt16) -> Bool { tag > lastKnown }
}

/// Bounds shared by the encoder and the decoder.
enum SessionTokenLimits {
    /// Longest token string `open` looks at.
    static let maximumTokenCharacters = 16 * 1024
    /// Longest value of one field (and of one list item).
    static let maximumFieldLength = 8 * 1024
    /// Most items in each list.
    static let maximumListCount = 64
    /// Most extension fields.
    static let maximumExtensionCount = 32
    /// Longest varint: 3 bytes hold 21 bits, more than `maximumFieldLength` needs.
    static let maximumVarintBytes = 3
}

struct SessionTokenEncoder {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    /// Encodes `claims`, or throws `.tooLarge` when a bound is exceeded.
    static func encode(_ claims: SessionTokenClaims) throws(SessionTokenError) -> [UInt8] {
        var encoder = SessionTokenEncoder(capacity: 512)
        try encoder.encode(claims)
        return encoder.bytes
    }

    private mutating func encode(_ claims: SessionTokenClaims) throws(SessionTokenError) {
        typealias Tag = SessionTokenFieldTag
        try string(Tag.accessKeyId, claims.accessKeyId)
        try string(Tag.secretAccessKey, claims.secretAccessKey)
        try string(Tag.accountId, claims.accountId)
        try field(Tag.kind, [claims.kind.wireCode])
        try string(Tag.principalArn, claims.principalArn)
        try string(Tag.userId, claims.userId)
        try string(Tag.sourcePrincipalArn, claims.sourcePrincipalArn)
        try date(Tag.issuedAt, claims.issuedAt)
        try date(Tag.expiresAt, claims.expiresAt)
        if claims.mfaAuthenticated { try field(Tag.mfaAuthenticated, [1]) }
        if let value = claims.mfaAuthenticatedAt { try date(Tag.mfaAuthenticatedAt, value) }
        if let value = claims.sourceIdentity { try string(Tag.sourceIdentity, value) }
        if let value = claims.sessionPolicy { try string(Tag.sessionPolicy, value) }
        try list(Tag.policyArns, claims.policyArns.map { [$0] })
        try list(Tag.tags, claims.tags.map { [$0.key, $0.value] })
        try list(Tag.transitiveTagKeys, claims.transitiveTagKeys.map { [$0] })
        if claims.isChained { try field(Tag.isChained, [1]) }
        if let value = claims.roleArn { try string(Tag.roleArn, value) }
        if let value = claims.roleId { try string(Tag.roleId, value) }
        if let value = claims.sessionName { try string(Tag.sessionName, value) }

        let extensions = claims.extensions.filter { Tag.isExtension($0.key) }
        guard extensions.count <= SessionTokenLimits.maximumExtensionCount else {
            throw SessionTokenError(.tooLarge)
        }
        for (tag, value) in extensions.sorted(by: { $0.key < $1.key }) {
            try field(tag, value)
        }
    }

    private mutating func string(_ tag: UInt16, _ value: String) throws(SessionTokenError) {
        try field(tag, Array(value.utf8))
    }

    private mutating func date(_ tag: UInt16, _ value: Date) throws(SessionTokenError) {
        let seconds = UInt64(bitPattern: Int64(clampingSeconds: value.timeIntervalSince1970))
        try field(tag, (0..<8).map { UInt8(truncatingIfNeeded: seconds >> UInt64(8 * (7 - $0))) })
    }

    /// A list field whose items are each one or more varint-prefixed strings; left out when empty.
    private mutating func list(_ tag: UInt16, _ items: [[String]]) throws(SessionTokenError) {
        guard !items.isEmpty else { return }
        guard items.count <= SessionTokenLimits.maximumListCount else { throw SessionTokenError(.tooLarge) }
        var value: [UInt8] = []
        for item in items {
            for part in item {
                let utf8 = Array(part.utf8)
                guard utf8.count <= SessionTokenLimits.maximumFieldLength else { throw SessionTokenError(.tooLarge) }
                Self.appendVarint(utf8.count, to: &value)
                value.append(contentsOf: utf8)
            }
        }
        try field(tag, value)
    }

    private mutating func field(_ tag: UInt16, _ value: [UInt8]) throws(SessionTokenError) {
        guard value.count <= SessionTokenLimits.maximumFieldLength else { throw SessionTokenError(.tooLarge) }
        bytes.append(UInt8(truncatingIfNeeded: tag >> 8))
        bytes.append(UInt8(truncatingIfNeeded: tag))
        Self.appendVarint(value.count, to: &bytes)
        bytes.append(contentsOf: value)
    }

    /// Minimal unsigned LEB128.
    static func appendVarint(_ value: Int, to bytes: inout [UInt8]) {
        var remaining = UInt(value)
        while remaining >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        bytes.append(UInt8(remaining))
    }
}
