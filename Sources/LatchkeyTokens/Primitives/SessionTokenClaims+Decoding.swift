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
struct SessionTokenDecoder {
    private let bytes: [UInt8]
    private var index: Int
    private let end: Int

    private init(bytes: [UInt8], range: Range<Int>) {
        self.bytes = bytes
        self.index = range.lowerBound
        self.end = range.upperBound
    }

    static func decode(_ bytes: [UInt8]) throws(SessionTokenError) -> SessionTokenClaims {
        try decode(bytes, range: 0..<bytes.count)
    }

    /// Decodes the claims held in `bytes[range]`.
    static func decode(_ bytes: [UInt8], range: Range<Int>) throws(SessionTokenError) -> SessionTokenClaims {
        guard range.lowerBound >= 0, range.upperBound <= bytes.count else { throw malformed }
        var reader = SessionTokenDecoder(bytes: bytes, range: range)
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
            case Tag.policyArns: claims.policyArns = try list(value, partsPerItem: 1).map { $0[0] }
            case Tag.tags: claims.tags = try list(value, partsPerItem: 2).map { SessionTag(key: $0[0], value: $0[1]) }
            case Tag.transitiveTagKeys: claims.transitiveTagKeys = try list(value, partsPerItem: 1).map { $0[0] }
            case Tag.isChained: claims.isChained = try trueFlag(value)
            case Tag.roleArn: claims.roleArn = try string(value)
            case Tag.roleId: claims.roleId = try string(value)
            case Tag.sessionName: claims.sessionName = try string(value)
            default:
                guard claims.extensions.count < SessionTokenLimits.maximumExtensionCount else { throw Self.malformed }
                claims.extensions[tag] = Array(bytes[value])
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

    private static func readVarint(_ bytes: [UInt8], at index: inout Int, end: Int) throws(SessionTokenError) -> Int {
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
        guard let value = UTF8Validation.string(bytes[range]) else { throw Self.malformed }
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

    /// A non-empty list of items made of `partsPerItem` varint-prefixed strings each.
    private func list(_ range: Range<Int>, partsPerItem: Int) throws(SessionTokenError) -> [[String]] {
        guard !range.isEmpty else { throw Self.malformed }
        var items: [[String]] = []
        var cursor = range.lowerBound
        while cursor < range.upperBound {
            guard items.count < SessionTokenLimits.maximumListCount else { throw Self.malformed }
            var parts: [String] = []
            parts.reserveCapacity(partsPerItem)
            for _ in 0..<partsPerItem {
                let length = try Self.readVarint(bytes, at: &cursor, end: range.upperBound)
                guard length <= range.upperBound - cursor else { throw Self.malformed }
                parts.append(try string(cursor..<(cursor + length)))
                cursor += length
            }
            items.append(parts)
        }
        return items
    }
}
