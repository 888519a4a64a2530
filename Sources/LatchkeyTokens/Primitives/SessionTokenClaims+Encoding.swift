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

/// Writes the claims format. Encoding is two passes over the claims with one traversal (`visit`): a `Measure` pass
/// finds the exact size and enforces the bounds, then a `Write` pass fills a buffer of exactly that size, so sealing
/// builds the plaintext without an intermediate array per field (the `SessionToken.Seal` component benchmark).
enum SessionTokenEncoder {
    /// Encodes `claims`, or throws `.tooLarge` when a bound is exceeded.
    static func encode(_ claims: SessionTokenClaims) throws(SessionTokenError) -> [UInt8] {
        let count = try encodedCount(claims)
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = write(claims, into: UnsafeMutableRawBufferPointer(buffer))
        }
    }

    /// The exact size of `claims` encoded, or throws `.tooLarge` when a bound is exceeded.
    static func encodedCount(_ claims: SessionTokenClaims) throws(SessionTokenError) -> Int {
        var measure = Measure()
        try visit(claims, &measure)
        return measure.count
    }

    /// Writes `claims` into the start of `buffer`, which must hold at least `encodedCount(claims)` bytes (it traps
    /// otherwise), and returns the bytes written. Call `encodedCount` first: it is what enforces the bounds.
    static func write(_ claims: SessionTokenClaims, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        var writer = Write(buffer: buffer)
        do {
            try visit(claims, &writer)
        } catch {
            preconditionFailure("claims measured by encodedCount failed to encode: \(error)")
        }
        return writer.offset
    }

    /// Every field of `claims` in tag order: a header with the value's length, then the value.
    private static func visit(_ claims: SessionTokenClaims, _ sink: inout some Sink) throws(SessionTokenError) {
        typealias Tag = SessionTokenFieldTag
        try string(Tag.accessKeyId, claims.accessKeyId, &sink)
        try string(Tag.secretAccessKey, claims.secretAccessKey, &sink)
        try string(Tag.accountId, claims.accountId, &sink)
        try sink.header(Tag.kind, length: 1)
        sink.byte(claims.kind.wireCode)
        try string(Tag.principalArn, claims.principalArn, &sink)
        try string(Tag.userId, claims.userId, &sink)
        try string(Tag.sourcePrincipalArn, claims.sourcePrincipalArn, &sink)
        try date(Tag.issuedAt, claims.issuedAt, &sink)
        try date(Tag.expiresAt, claims.expiresAt, &sink)
        if claims.mfaAuthenticated { try trueFlag(Tag.mfaAuthenticated, &sink) }
        if let value = claims.mfaAuthenticatedAt { try date(Tag.mfaAuthenticatedAt, value, &sink) }
        if let value = claims.sourceIdentity { try string(Tag.sourceIdentity, value, &sink) }
        if let value = claims.sessionPolicy { try string(Tag.sessionPolicy, value, &sink) }
        try stringList(Tag.policyArns, claims.policyArns, &sink)
        if !claims.tags.isEmpty {
            try listHeader(Tag.tags, claims.tags, &sink) { tag, length throws(SessionTokenError) in
                try itemLength(tag.key, &length)
                try itemLength(tag.value, &length)
            }
            for tag in claims.tags {
                sink.varint(tag.key.utf8.count)
                sink.utf8(tag.key)
                sink.varint(tag.value.utf8.count)
                sink.utf8(tag.value)
            }
        }
        try stringList(Tag.transitiveTagKeys, claims.transitiveTagKeys, &sink)
        if claims.isChained { try trueFlag(Tag.isChained, &sink) }
        if let value = claims.roleArn { try string(Tag.roleArn, value, &sink) }
        if let value = claims.roleId { try string(Tag.roleId, value, &sink) }
        if let value = claims.sessionName { try string(Tag.sessionName, value, &sink) }

        // Unknown fields are rare: only they pay for the filtered, sorted copy. One extension field (a session's
        // ancestry) is written without the copy.
        guard !claims.extensions.isEmpty else { return }
        if claims.extensions.count == 1, let (tag, value) = claims.extensions.first {
            guard Tag.isExtension(tag) else { return }
            try sink.header(tag, length: value.count)
            sink.bytes(value)
            return
        }
        let extensions = claims.extensions.filter { Tag.isExtension($0.key) }
        guard extensions.count <= SessionTokenLimits.maximumExtensionCount else {
            throw SessionTokenError(.tooLarge)
        }
        for (tag, value) in extensions.sorted(by: { $0.key < $1.key }) {
            try sink.header(tag, length: value.count)
            sink.bytes(value)
        }
    }

    private static func string(_ tag: UInt16, _ value: String, _ sink: inout some Sink) throws(SessionTokenError) {
        try sink.header(tag, length: value.utf8.count)
        sink.utf8(value)
    }

    private static func date(_ tag: UInt16, _ value: Date, _ sink: inout some Sink) throws(SessionTokenError) {
        try sink.header(tag, length: 8)
        sink.uint64(UInt64(bitPattern: Int64(clampingSeconds: value.timeIntervalSince1970)))
    }

    private static func trueFlag(_ tag: UInt16, _ sink: inout some Sink) throws(SessionTokenError) {
        try sink.header(tag, length: 1)
        sink.byte(1)
    }

    /// A list of single strings; left out when empty.
    private static func stringList(_ tag: UInt16, _ items: [String], _ sink: inout some Sink)
        throws(SessionTokenError)
    {
        guard !items.isEmpty else { return }
        try listHeader(tag, items, &sink) { item, length throws(SessionTokenError) in
            try itemLength(item, &length)
        }
        for item in items {
            sink.varint(item.utf8.count)
            sink.utf8(item)
        }
    }

    /// Checks a list's item count and each part's length, and writes the header with the list value's length.
    private static func listHeader<Item>(
        _ tag: UInt16, _ items: [Item], _ sink: inout some Sink,
        measure: (Item, inout Int) throws(SessionTokenError) -> Void
    ) throws(SessionTokenError) {
        guard items.count <= SessionTokenLimits.maximumListCount else { throw SessionTokenError(.tooLarge) }
        var length = 0
        for item in items { try measure(item, &length) }
        try sink.header(tag, length: length)
    }

    /// Adds one varint-prefixed part to a list value's `length`.
    private static func itemLength(_ part: String, _ length: inout Int) throws(SessionTokenError) {
        let count = part.utf8.count
        guard count <= SessionTokenLimits.maximumFieldLength else { throw SessionTokenError(.tooLarge) }
        length += varintCount(count) + count
    }

    /// Bytes of the minimal LEB128 spelling of `value`.
    static func varintCount(_ value: Int) -> Int {
        var count = 1
        var remaining = UInt(value) >> 7
        while remaining != 0 {
            count += 1
            remaining >>= 7
        }
        return count
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

    /// What a pass does with each field: `header` checks the value's length (and counts or writes the tag and
    /// length); the value calls that follow write exactly `length` bytes.
    private protocol Sink {
        mutating func header(_ tag: UInt16, length: Int) throws(SessionTokenError)
        mutating func byte(_ value: UInt8)
        mutating func uint64(_ value: UInt64)
        mutating func varint(_ value: Int)
        mutating func utf8(_ value: String)
        mutating func bytes(_ value: [UInt8])
    }

    /// The sizing pass: headers add tag, length and value; values add nothing more.
    private struct Measure: Sink {
        var count = 0

        mutating func header(_ tag: UInt16, length: Int) throws(SessionTokenError) {
            guard length <= SessionTokenLimits.maximumFieldLength else { throw SessionTokenError(.tooLarge) }
            count += 2 + SessionTokenEncoder.varintCount(length) + length
        }
        func byte(_ value: UInt8) {}
        func uint64(_ value: UInt64) {}
        func varint(_ value: Int) {}
        func utf8(_ value: String) {}
        func bytes(_ value: [UInt8]) {}
    }

    /// The writing pass, into a buffer sized by `Measure`; every write is bounds-checked.
    private struct Write: Sink {
        let buffer: UnsafeMutableRawBufferPointer
        var offset = 0

        init(buffer: UnsafeMutableRawBufferPointer) { self.buffer = buffer }

        mutating func header(_ tag: UInt16, length: Int) throws(SessionTokenError) {
            byte(UInt8(truncatingIfNeeded: tag >> 8))
            byte(UInt8(truncatingIfNeeded: tag))
            varint(length)
        }

        mutating func byte(_ value: UInt8) {
            precondition(offset < buffer.count, "session token encoding overran its measured size")
            buffer[offset] = value
            offset += 1
        }

        mutating func uint64(_ value: UInt64) {
            precondition(buffer.count - offset >= 8, "session token encoding overran its measured size")
            buffer.storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt64.self)
            offset += 8
        }

        mutating func varint(_ value: Int) {
            var remaining = UInt(value)
            while remaining >= 0x80 {
                byte(UInt8(truncatingIfNeeded: remaining) | 0x80)
                remaining >>= 7
            }
            byte(UInt8(remaining))
        }

        mutating func utf8(_ value: String) {
            let copied: Void? = value.utf8.withContiguousStorageIfAvailable { utf8 in
                copy(UnsafeRawBufferPointer(utf8))
            }
            if copied == nil {
                for unit in value.utf8 { byte(unit) }
            }
        }

        mutating func bytes(_ value: [UInt8]) {
            value.withUnsafeBytes { copy($0) }
        }

        private mutating func copy(_ source: UnsafeRawBufferPointer) {
            guard let base = source.baseAddress, !source.isEmpty else { return }
            precondition(buffer.count - offset >= source.count, "session token encoding overran its measured size")
            (buffer.baseAddress! + offset).copyMemory(from: base, byteCount: source.count)
            offset += source.count
        }
    }
}
