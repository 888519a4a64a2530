import LatchkeyBase

extension SigV4 {
    /// Extracts the SigV4 authentication a request carries, without checking the signature.
    ///
    /// Returns nil when the request carries no SigV4 authentication at all: no `Authorization` header and no
    /// `X-Amz-Algorithm`, `X-Amz-Credential` or `X-Amz-Signature` query parameter. Otherwise parses, strictly:
    /// - header form: `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` (each component exactly once,
    ///   commas with optional spaces, at most ``maximumAuthorizationLength`` bytes), the timestamp from
    ///   `X-Amz-Date` or else an ISO 8601 basic `Date` header, and `X-Amz-Security-Token` if present;
    /// - presigned form: the `X-Amz-*` query parameters (each at most once). A missing `X-Amz-Expires` is read as
    ///   900 seconds, the longest validity Latchkey grants anyway; its range is checked by ``verify``.
    ///
    /// Both at once are rejected. The signature must be exactly 64 lowercase hex digits (anything else can never
    /// match, and fails as `SignatureDoesNotMatch`); signed header names must be lowercase, sorted, unique,
    /// `;`-separated and at most ``maximumSignedHeaders``.
    public static func parseAuthorization(request: SignableRequest) throws(SigV4Error) -> SigV4Authorization? {
        let headers = AuthenticationHeaders(request.headers)
        let query = PresignedQuery(rawQuery: request.rawQuery)
        if headers.authorizationCount == 0 && !query.hasAuthentication { return nil }
        if headers.authorizationCount > 0 && query.hasAuthentication {
            throw SigV4Error.incomplete(
                "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string "
                    + "parameter or the Authorization header should be specified")
        }
        if let authorization = headers.authorization {
            guard headers.authorizationCount == 1 else {
                throw SigV4Error.incomplete("Authorization header must appear only once.")
            }
            return try parseHeaderForm(authorization, headers: headers)
        }
        return try query.authorization()
    }

    /// Parses the `Authorization` value in place: its components are ranges of the value's own bytes, and only
    /// the parts the result keeps become strings (component benchmark `SigV4.Verify.Header`).
    private static func parseHeaderForm(
        _ value: String,
        headers: AuthenticationHeaders
    ) throws(SigV4Error) -> SigV4Authorization {
        guard value.utf8.count <= maximumAuthorizationLength else {
            throw SigV4Error.incomplete("Authorization header exceeds the maximum length of 8192 bytes.")
        }
        return try value.withUTF8Bytes { (bytes) throws(SigV4Error) -> SigV4Authorization in
            let components = try AuthorizationHeader.parse(bytes)
            let timestamp = try headerTimestamp(headers)
            var missing: [String] = []
            if components.credential == nil {
                missing.append("Authorization header requires 'Credential' parameter.")
            }
            if components.signature == nil { missing.append("Authorization header requires 'Signature' parameter.") }
            if components.signedHeaders == nil {
                missing.append("Authorization header requires 'SignedHeaders' parameter.")
            }
            if !missing.isEmpty {
                if timestamp == nil { missing.append(SigV4Error.missingDateText) }
                throw SigV4Error.incomplete(missing.joined(separator: " "))
            }
            guard let (seconds, timestampText) = timestamp else {
                throw SigV4Error(.missingDate, SigV4Error.missingDateText)
            }
            guard let credential = components.credential, let signedHeaderList = components.signedHeaders,
                let signatureRange = components.signature
            else { throw SigV4Error.incomplete(SigV4Error.invalidCredentialText) }
            let (accessKeyID, scope) = try Credential.parse(UnsafeBufferPointer(rebasing: bytes[credential]))
            let signedHeaders = try SignedHeaders.parse(UnsafeBufferPointer(rebasing: bytes[signedHeaderList]))
            let signatureBytes = UnsafeBufferPointer(rebasing: bytes[signatureRange])
            guard isLowercaseHex(signatureBytes, count: 64) else { throw SigV4Error.signatureDoesNotMatch }
            guard headers.securityTokenCount <= 1 else {
                throw SigV4Error.incomplete("X-Amz-Security-Token header must appear only once.")
            }
            return SigV4Authorization(
                accessKeyID: accessKeyID, scope: scope, signedHeaders: signedHeaders,
                signature: String(decoding: signatureBytes, as: UTF8.self), seconds: seconds,
                timestampText: timestampText, form: .header, securityToken: headers.securityToken.map(trimmed))
        }
    }

    /// Whether `bytes` are exactly `count` lowercase hex digits.
    static func isLowercaseHex(_ bytes: UnsafeBufferPointer<UInt8>, count: Int) -> Bool {
        bytes.count == count
            && bytes.allSatisfy {
                ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9"))
                    || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f"))
            }
    }

    /// The timestamp from `X-Amz-Date`, else from a `Date` header; nil when neither is present.
    private static func headerTimestamp(_ headers: AuthenticationHeaders) throws(SigV4Error) -> (Int64, String)? {
        let (raw, count, name) =
            headers.amzDateCount == 0
            ? (headers.date, headers.dateCount, "Date") : (headers.amzDate, headers.amzDateCount, "X-Amz-Date")
        guard let raw else { return nil }
        guard count == 1 else { throw SigV4Error.incomplete("\(name) header must appear only once.") }
        let text = trimmed(raw)
        guard let seconds = AmzTimestamp.parse(text) else { throw SigV4Error.badDateFormat(text) }
        return (seconds, text)
    }

    /// `value` without leading and trailing spaces and tabs; `value` itself (no copy) when it has none.
    static func trimmed(_ value: String) -> String {
        let bytes = value.utf8
        guard let firstByte = bytes.first, let lastByte = bytes.last else { return "" }
        if firstByte != 0x20 && firstByte != 0x09 && lastByte != 0x20 && lastByte != 0x09 { return value }
        guard let first = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }),
            let last = bytes.lastIndex(where: { $0 != 0x20 && $0 != 0x09 })
        else { return "" }
        return String(value[first...last])
    }
}

/// The headers SigV4 authentication reads, collected in one pass: the first value of each and how many there are.
struct AuthenticationHeaders {
    var authorization: String?
    var authorizationCount = 0
    var amzDate: String?
    var amzDateCount = 0
    var date: String?
    var dateCount = 0
    var securityToken: String?
    var securityTokenCount = 0

    init(_ headers: [SignableRequest.Header]) {
        for header in headers {
            switch header.name.utf8.count {
            case 4 where ASCII.equalsIgnoringCase(header.name, "date"):
                if dateCount == 0 { date = header.value }
                dateCount += 1
            case 10 where ASCII.equalsIgnoringCase(header.name, "x-amz-date"):
                if amzDateCount == 0 { amzDate = header.value }
                amzDateCount += 1
            case 13 where ASCII.equalsIgnoringCase(header.name, "authorization"):
                if authorizationCount == 0 { authorization = header.value }
                authorizationCount += 1
            case 20 where ASCII.equalsIgnoringCase(header.name, "x-amz-security-token"):
                if securityTokenCount == 0 { securityToken = header.value }
                securityTokenCount += 1
            default: continue
            }
        }
    }
}

/// The three components of an `Authorization` header value, each as a range of the value's bytes.
struct AuthorizationHeader {
    var credential: Range<Int>?
    var signedHeaders: Range<Int>?
    var signature: Range<Int>?

    private static let space = UInt8(ascii: " ")
    private static let comma = UInt8(ascii: ",")

    private static let malformedText =
        "Authorization header components must be 'key=value' pairs separated by commas."

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(SigV4Error) -> AuthorizationHeader {
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == space || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == space || bytes[end - 1] == 0x09 { end -= 1 }
        guard start < end else { throw SigV4Error.missingAuthenticationToken }
        var index = start
        while index < end, bytes[index] != space { index += 1 }
        let algorithm = UnsafeBufferPointer(rebasing: bytes[start..<index])
        guard equals(algorithm, "AWS4-HMAC-SHA256") else {
            // A header that is one token is never echoed back, whatever it holds.
            guard index < end else { throw SigV4Error.incomplete("Unsupported AWS 'algorithm'.") }
            throw SigV4Error.unsupportedAlgorithm(String(decoding: algorithm, as: UTF8.self))
        }
        var result = AuthorizationHeader()
        while index < end, bytes[index] == space { index += 1 }
        while index < end {
            let nameStart = index
            while index < end, bytes[index] != UInt8(ascii: "="), bytes[index] != comma, bytes[index] != space {
                index += 1
            }
            guard index < end, bytes[index] == UInt8(ascii: "="), index > nameStart else {
                throw SigV4Error.incomplete(malformedText)
            }
            let name = UnsafeBufferPointer(rebasing: bytes[nameStart..<index])
            index += 1
            let valueStart = index
            while index < end, bytes[index] != comma, bytes[index] != space { index += 1 }
            try result.set(name, valueStart..<index)
            while index < end, bytes[index] == space { index += 1 }
            guard index < end else { break }
            guard bytes[index] == comma else { throw SigV4Error.incomplete(malformedText) }
            index += 1
            while index < end, bytes[index] == space { index += 1 }
            guard index < end else { throw SigV4Error.incomplete(malformedText) }
        }
        return result
    }

    private mutating func set(_ name: UnsafeBufferPointer<UInt8>, _ value: Range<Int>) throws(SigV4Error) {
        if Self.equals(name, "Credential") {
            guard credential == nil else { throw Self.duplicate("Credential") }
            credential = value
        } else if Self.equals(name, "SignedHeaders") {
            guard signedHeaders == nil else { throw Self.duplicate("SignedHeaders") }
            signedHeaders = value
        } else if Self.equals(name, "Signature") {
            guard signature == nil else { throw Self.duplicate("Signature") }
            signature = value
        } else {
            let key = String(decoding: name, as: UTF8.self)
            let isName = name.count <= 32 && name.allSatisfy { ASCII.lower($0) >= 0x61 && ASCII.lower($0) <= 0x7A }
            throw SigV4Error.incomplete(
                isName
                    ? "Authorization header has an unsupported parameter: '\(key)'."
                    : "Authorization header has an unsupported parameter.")
        }
    }

    /// Whether `bytes` are exactly `text`, compared as raw bytes (not through a `String`'s UTF-8 view).
    @inline(__always)
    static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ text: StaticString) -> Bool {
        bytes.count == text.utf8CodeUnitCount
            && UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount).elementsEqual(bytes)
    }

    private static func duplicate(_ name: String) -> SigV4Error {
        SigV4Error.incomplete("Authorization header has duplicate '\(name)' parameter.")
    }
}
