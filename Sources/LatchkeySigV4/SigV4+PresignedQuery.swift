import LatchkeyBase

/// The `X-Amz-*` authentication parameters of a presigned query string, found by one scan of the raw query and
/// kept as ranges of it: only the values the authorization keeps are decoded into strings.
struct PresignedQuery {
    enum Name: Int, CaseIterable {
        case algorithm, credential, signature, date, signedHeaders, expires, securityToken

        var text: String {
            switch self {
            case .algorithm: "X-Amz-Algorithm"
            case .credential: "X-Amz-Credential"
            case .signature: "X-Amz-Signature"
            case .date: "X-Amz-Date"
            case .signedHeaders: "X-Amz-SignedHeaders"
            case .expires: "X-Amz-Expires"
            case .securityToken: "X-Amz-Security-Token"
            }
        }

        /// The longest name, `X-Amz-Security-Token`.
        private static let maximumLength = 20

        /// The name `rawKey` spells once percent-decoded, or nil (also when its percent-encoding is invalid).
        init?(rawKey: UnsafeBufferPointer<UInt8>) {
            // Each decoded byte takes one to three raw bytes; every name starts with `X` (raw `X` or `%58`).
            guard rawKey.count >= 10, rawKey.count <= 3 * Self.maximumLength,
                rawKey[0] == UInt8(ascii: "X") || rawKey[0] == UInt8(ascii: "%")
            else { return nil }
            let found = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: rawKey.count) { buffer -> Name? in
                guard let count = PresignedQuery.decode(rawKey, into: buffer) else { return nil }
                let decoded = UnsafeBufferPointer(rebasing: buffer[..<count])
                return Name.allCases.first { decoded.elementsEqual($0.text.utf8) }
            }
            guard let found else { return nil }
            self = found
        }
    }

    private let rawQuery: String
    /// The raw value range of each name (by raw value), or nil; empty until the first authentication parameter is
    /// seen (most requests have none).
    private var values: [Range<Int>?] = []
    private(set) var duplicate: Name?
    private(set) var malformed = false

    /// Scans `rawQuery` for the authentication parameters; never throws, so that a request without query
    /// authentication is not rejected here for unrelated query problems.
    init(rawQuery: String) {
        self.rawQuery = rawQuery
        guard !rawQuery.isEmpty else { return }
        rawQuery.withUTF8Bytes { bytes in
            QueryScanner.forEach(bytes) { key, value in
                guard let name = Name(rawKey: UnsafeBufferPointer(rebasing: bytes[key])) else { return }
                if !Self.isValidEncoding(UnsafeBufferPointer(rebasing: bytes[value])) {
                    // Still recorded as present, so the request is rejected rather than treated as unauthenticated.
                    malformed = true
                }
                if values.isEmpty { values = Array(repeating: nil, count: Name.allCases.count) }
                if values[name.rawValue] != nil {
                    if duplicate == nil { duplicate = name }
                    return
                }
                values[name.rawValue] = value
            }
        }
    }

    private func has(_ name: Name) -> Bool { !values.isEmpty && values[name.rawValue] != nil }

    /// Whether the query carries `X-Amz-Algorithm`, `X-Amz-Credential` or `X-Amz-Signature`.
    var hasAuthentication: Bool {
        has(.algorithm) || has(.credential) || has(.signature)
    }

    func authorization() throws(SigV4Error) -> SigV4Authorization {
        if malformed { throw SigV4Error.malformedQuery }
        if let duplicate {
            throw SigV4Error.incomplete("Query-string parameter '\(duplicate.text)' must appear only once.")
        }
        guard has(.algorithm), has(.credential), has(.signature), has(.date), has(.signedHeaders) else {
            throw SigV4Error.incomplete(SigV4Error.queryParametersText)
        }
        return try rawQuery.withUTF8Bytes { (bytes) throws(SigV4Error) -> SigV4Authorization in
            let algorithmMatches = withDecoded(.algorithm, bytes) { $0.elementsEqual(SigV4.algorithm.utf8) }
            guard algorithmMatches else {
                throw SigV4Error.unsupportedAlgorithm(string(.algorithm, bytes) ?? "")
            }
            let (accessKeyID, scope) = try withDecoded(.credential, bytes) {
                (credential) throws(SigV4Error) in try Credential.parse(credential)
            }
            let signedHeaders = try withDecoded(.signedHeaders, bytes) {
                (list) throws(SigV4Error) in try SignedHeaders.parse(list)
            }
            let date = string(.date, bytes) ?? ""
            guard let seconds = AmzTimestamp.parse(date) else { throw SigV4Error.badDateFormat(date) }
            var expires = SigV4.maximumSkewSeconds
            if has(.expires) {
                let value = withDecoded(.expires, bytes) { text -> Int? in
                    guard (1...7).contains(text.count), text.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                        return nil
                    }
                    return text.reduce(0) { $0 * 10 + Int($1 - 0x30) }
                }
                guard let value else { throw SigV4Error.incomplete("X-Amz-Expires should be a number") }
                expires = value
            }
            let signatureIsHex = withDecoded(.signature, bytes) { SigV4.isLowercaseHex($0, count: 64) }
            guard signatureIsHex else { throw SigV4Error.signatureDoesNotMatch }
            return SigV4Authorization(
                accessKeyID: accessKeyID, scope: scope, signedHeaders: signedHeaders,
                signature: string(.signature, bytes) ?? "", seconds: seconds, timestampText: date,
                form: .presigned(expiresSeconds: expires), securityToken: string(.securityToken, bytes))
        }
    }

    /// Runs `body` over the decoded value of `name` (present, with valid encoding: checked by the scan).
    private func withDecoded<R, E: Error>(
        _ name: Name,
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R
    ) throws(E) -> R {
        let raw = values.isEmpty ? UnsafeBufferPointer(rebasing: bytes[0..<0]) : rawValue(name, bytes)
        guard raw.contains(UInt8(ascii: "%")) else { return try body(raw) }
        return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: raw.count) {
            (buffer) throws(E) -> R in
            let count = Self.decode(raw, into: buffer) ?? 0
            return try body(UnsafeBufferPointer(rebasing: buffer[..<count]))
        }
    }

    /// The decoded value of `name` as a string, decoded straight into the string's storage; nil when absent.
    private func string(_ name: Name, _ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard has(name) else { return nil }
        let raw = rawValue(name, bytes)
        guard raw.contains(UInt8(ascii: "%")) else { return String(decoding: raw, as: UTF8.self) }
        return String(unsafeUninitializedCapacity: raw.count) { buffer in Self.decode(raw, into: buffer) ?? 0 }
    }

    private func rawValue(_ name: Name, _ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard let range = values[name.rawValue] else { return UnsafeBufferPointer(rebasing: bytes[0..<0]) }
        return UnsafeBufferPointer(rebasing: bytes[range])
    }

    /// Percent-decodes `raw` into `output` (at least `raw.count` long); `+` stays a literal `+`. Returns the
    /// decoded length, or nil on a truncated or non-hex escape.
    static func decode(_ raw: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        var index = 0
        var count = 0
        while index < raw.count {
            let byte = raw[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < raw.count, let high = Hex.value(of: raw[index + 1]),
                    let low = Hex.value(of: raw[index + 2])
                else { return nil }
                output[count] = high << 4 | low
                index += 3
            } else {
                output[count] = byte
                index += 1
            }
            count += 1
        }
        return count
    }

    /// Whether every `%` in `raw` starts a complete two-hex-digit escape.
    static func isValidEncoding(_ raw: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index < raw.count {
            if raw[index] == UInt8(ascii: "%") {
                guard index + 2 < raw.count, Hex.value(of: raw[index + 1]) != nil, Hex.value(of: raw[index + 2]) != nil
                else { return false }
                index += 3
            } else {
                index += 1
            }
        }
        return true
    }
}
