import LatchkeyBase
import LatchkeyDomain

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Decodes the claims format written by `SessionTokenEncoder`. Every read is bounds-checked and every rule of the
/// format is enforced (increasing tags, minimal varints, canonical booleans, non-empty lists, valid UTF-8, required
/// fields present); any violation is `.malformed`, never a trap.
///
/// It reads the opened plaintext in place (a buffer, not an array): strings are made straight from their bytes and
/// lists straight into the claims' arrays, with no intermediate array per field (`SessionToken.Open` benchmark).
struct SessionTokenDecoder {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index: Int
    private let end: Int

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        self.index = 0
        self.end = bytes.count
    }

    static func decode(_ bytes: [UInt8]) throws(SessionTokenError) -> SessionTokenClaims {
        try decode(bytes, range: 0..<bytes.count)
    }

    /// Decodes the claims held in `bytes[range]`.
    static func decode(_ bytes: [UInt8], range: Range<Int>) throws(SessionTokenError) -> SessionTokenClaims {
        guard range.lowerBound >= 0, range.upperBound <= bytes.count else { throw malformed }
        return try bytes.withUnsafeBufferPointer { buffer throws(SessionTokenError) in
            try decode(UnsafeBufferPointer(rebasing: buffer[range]))
        }
    }

    /// Decodes the claims held in `bytes` (the reader does not outlive the call).
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) throws(SessionTokenError) -> SessionTokenClaims {
        var reader = SessionTokenDecoder(bytes: bytes)
        return try reader.claims()
    }

    private static var malformed: SessionTokenError { SessionTokenError(.malformed) }

    private mutating func claims() throws(SessionTokenError) -> SessionTokenClaims {
        typealias Tag = SessionTokenFieldTag
        var accessKeyId: String?
        var secretAccessKey: String?
        var accountId: String?
        var kind: SessionTokenKind?
        var principalArn: String?
        var userId: String?
        var sourcePrincipalArn: String?
        var issuedAt: Date?
        var expiresAt: Date?
        var claims = SessionTokenClaims(
            accessKeyId: "", secretAccessKey: "", accountId: "", kind: .sessionToken, principalArn: "", userId: "",
            sourcePrincipalArn: "", issuedAt: Date(timeIntervalSince1970: 0), expiresAt: Date(timeIntervalSince1970: 0)
        )
        var previousTag: UInt16 = 0
        while index < end {
            let tag = try readUInt16()
            guard tag > previousTag else { throw Self.malformed }
            previousTag = tag
            let length = try readVarint()
            guard length <= SessionTokenLimits.maximumFieldLength, length <= end - index else { throw Self.malformed }
            let value = index..<(index + length)
            index += length
            switch tag {
            case Tag.accessKeyId: accessKeyId = try string(value)
            case Tag.secretAccessKey: secretAccessKey = try string(value)
            case Tag.accountId: accountId = try string(value)
            case Tag.kind:
                guard value.count == 1 else { throw Self.malformed }
                kind = SessionTokenKind(wireCode: bytes[value.lowerBound])
            case Tag.principalArn: principalArn = try string(value)
            case Tag.userId: userId = try string(value)
            case Tag.sourcePrincipalArn: sourcePrincipalArn = try string(value)
            case Tag.issuedAt: issuedAt = try date(value)
            case Tag.expiresAt: expiresAt = try date(value)
            case Tag.mfaAuthenticated: claims.mfaAuthenticated = try trueFlag(value)
            case Tag.mfaAuthenticatedAt: claims.mfaAuthenticatedAt = try date(value)
            case Tag.sourceIdentity: claims.sourceIdentity = try string(value)
            case Tag.sessionPolicy: claims.sessionPolicy = try string(value)
            case Tag.policyArns: claims.policyArns = try stringList(value)
            case Tag.tags: claims.tags = try tagList(value)
            case Tag.transitiveTagKeys: claims.transitiveTagKeys = try stringList(value)
            case Tag.isChained: claims.isChained = try trueFlag(value)
            case Tag.roleArn: claims.roleArn = try string(value)
            case Tag.roleId: claims.roleId = try string(value)
            case Tag.sessionName: claims.sessionName = try string(value)
            default:
                guard claims.extensions.count < SessionTokenLimits.maximumExtensionCount else { throw Self.malformed }
                claims.extensions[tag] = Array(UnsafeBufferPointer(rebasing: bytes[value]))
            }
        }
        guard let accessKeyId, let secretAccessKey, let accountId, let kind, let principalArn, let userId,
            let sourcePrincipalArn, let issuedAt, let expiresAt
        else { throw Self.malformed }
        claims.accessKeyId = accessKeyId
        claims.secretAccessKey = secretAccessKey
        claims.accountId = accountId
        claims.kind = kind
        claims.principalArn = principalArn
        claims.userId = userId
        claims.sourcePrincipalArn = sourcePrincipalArn
        claims.issuedAt = issuedAt
        claims.expiresAt = expiresAt
        return claims
    }

    private mutating func readUInt16() throws(SessionTokenError) -> UInt16 {
        guard end - index >= 2 else { throw Self.malformed }
        let value = UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
        index += 2
        return value
    }

    /// Minimal unsigned LEB128 of at most `maximumVarintBytes` bytes, read from the main cursor.
    private mutating func readVarint() throws(SessionTokenError) -> Int {
        try Self.readVarint(bytes, at: &index, end: end)
    }

    private static func readVarint(_ bytes: UnsafeBufferPointer<UInt8>, at index: inout Int, end: Int)
        throws(SessionTokenError) -> Int
    {
        var value = 0
        var shift = 0
        for position in 0..<SessionTokenLimits.maximumVarintBytes {
            guard index < end else { throw malformed }
            let byte = bytes[index]
            index += 1
            value |= Int(byte & 0x7f) << shift
            shift += 7
            if byte & 0x80 == 0 {
                // A zero final byte after the first is a non-minimal spelling.
                guard position == 0 || byte != 0 else { throw malformed }
                return value
            }
        }
        throw malformed
    }

    private func string(_ range: Range<Int>) throws(SessionTokenError) -> String {
        guard let value = UTF8Validation.string(UnsafeBufferPointer(rebasing: bytes[range])) else {
            throw Self.malformed
        }
        return value
    }

    private func date(_ range: Range<Int>) throws(SessionTokenError) -> Date {
        guard range.count == 8 else { throw Self.malformed }
        var value: UInt64 = 0
        for position in range { value = value << 8 | UInt64(bytes[position]) }
        return Date(timeIntervalSince1970: Double(Int64(bitPattern: value)))
    }

    /// Booleans are present only when true, spelled `0x01`.
    private func trueFlag(_ range: Range<Int>) throws(SessionTokenError) -> Bool {
        guard range.count == 1, bytes[range.lowerBound] == 1 else { throw Self.malformed }
        return true
    }

    /// A non-empty list of varint-prefixed strings.
    private func stringList(_ range: Range<Int>) throws(SessionTokenError) -> [String] {
        guard !range.isEmpty else { throw Self.malformed }
        var items: [String] = []
        var cursor = range.lowerBound
        while cursor < range.upperBound {
            guard items.count < SessionTokenLimits.maximumListCount else { throw Self.malformed }
            items.append(try part(&cursor, end: range.upperBound))
        }
        return items
    }

    /// A non-empty list of tags, each a varint-prefixed key then a varint-prefixed value.
    private func tagList(_ range: Range<Int>) throws(SessionTokenError) -> [SessionTag] {
        guard !range.isEmpty else { throw Self.malformed }
        var items: [SessionTag] = []
        var cursor = range.lowerBound
        while cursor < range.upperBound {
            guard items.count < SessionTokenLimits.maximumListCount else { throw Self.malformed }
            let key = try part(&cursor, end: range.upperBound)
            items.append(SessionTag(key: key, value: try part(&cursor, end: range.upperBound)))
        }
        return items
    }

    /// One varint-prefixed string of a list item, read at `cursor`.
    private func part(_ cursor: inout Int, end: Int) throws(SessionTokenError) -> String {
        let length = try Self.readVarint(bytes, at: &cursor, end: end)
        guard length <= end - cursor else { throw Self.malformed }
        let value = try string(cursor..<(cursor + length))
        cursor += length
        return value
    }
}
