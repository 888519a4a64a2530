public import LatchkeyModel

/// Why an `application/x-www-form-urlencoded` input was rejected.
///
/// The ``message`` is safe to put on the wire: it may name a key (bounded and sanitised), never a value.
/// Equality and hashing consider the ``code`` alone, so tests can compare thrown errors by code.
public struct QueryDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of rejection. Opaque so that new kinds can be added without breaking callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case duplicateKey
            case badPercentEncoding
            case invalidUTF8
            case emptyKey
            case tooManyParameters
            case keyTooLong
            case valueTooLong
            case inputTooLarge
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The same key appears twice (`Action=A&Action=B`).
        public static let duplicateKey = Code(.duplicateKey)
        /// A `%` not followed by two hexadecimal digits.
        public static let badPercentEncoding = Code(.badPercentEncoding)
        /// A key or value whose decoded bytes are not valid UTF-8.
        public static let invalidUTF8 = Code(.invalidUTF8)
        /// A pair with an empty key (`=x`).
        public static let emptyKey = Code(.emptyKey)
        /// More pairs than ``QueryLimits/maxParameters``.
        public static let tooManyParameters = Code(.tooManyParameters)
        /// A decoded key longer than ``QueryLimits/maxKeyLength``.
        public static let keyTooLong = Code(.keyTooLong)
        /// A decoded value longer than ``QueryLimits/maxValueLength``.
        public static let valueTooLong = Code(.valueTooLong)
        /// An input longer than ``QueryLimits/maxInputLength``.
        public static let inputTooLarge = Code(.inputTooLarge)

        public var description: String { base.rawValue }
    }

    /// The kind of rejection.
    public let code: Code
    /// A message safe for the wire: it may name a key, never a value.
    public let message: String

    /// Creates an error; `message` must not contain any decoded value.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public static func == (lhs: QueryDecodingError, rhs: QueryDecodingError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String { "\(code): \(message)" }

    /// The error as the server answers it. Never a 5xx.
    ///
    /// AWS documents `InvalidQueryParameter` (400, "The AWS query string is malformed or does not adhere
    /// to AWS standards") and `MalformedQueryString` (404, "The query string contains a syntax error").
    /// A form body is not a resource lookup, so a 404 would mislead clients and caches; every syntactic or
    /// structural rejection (duplicate key, bad percent-encoding, invalid UTF-8, empty key, too many
    /// parameters, key or value too long) therefore maps to `InvalidQueryParameter`/400 with this error's
    /// message. An input over the total size limit maps to `RequestEntityTooLarge`/413, the status an HTTP
    /// body limit gives.
    public var stsError: STSError {
        let stsCode: STSError.Code = code == .inputTooLarge ? .requestEntityTooLarge : .invalidQueryParameter
        return STSError(stsCode, message, cause: self)
    }
}

extension QueryDecodingError {
    /// A key made fit for a message: at most 64 characters, control characters replaced by `?`.
    static func displayKey(_ key: String) -> String {
        var result = ""
        result.reserveCapacity(min(key.utf8.count, 64))
        var count = 0
        for scalar in key.unicodeScalars {
            if count == 64 {
                result += "..."
                break
            }
            let value = scalar.value
            if value < 0x20 || (value >= 0x7F && value < 0xA0) {
                result += "?"
            } else {
                result.unicodeScalars.append(scalar)
            }
            count += 1
        }
        return result
    }

    static func duplicate(_ key: String) -> QueryDecodingError {
        QueryDecodingError(.duplicateKey, "The parameter \(displayKey(key)) is specified more than once.")
    }

    static let percentEncoding = QueryDecodingError(
        .badPercentEncoding, "Invalid percent-encoding in query parameter name or value."
    )

    static let utf8 = QueryDecodingError(
        .invalidUTF8, "Query parameter name or value is not valid UTF-8."
    )

    static let empty = QueryDecodingError(.emptyKey, "Query parameter with an empty name.")

    static func tooMany(_ limit: Int) -> QueryDecodingError {
        QueryDecodingError(.tooManyParameters, "Too many query parameters; at most \(limit) are accepted.")
    }

    static func keyLength(_ limit: Int) -> QueryDecodingError {
        QueryDecodingError(.keyTooLong, "A query parameter name is longer than \(limit) bytes.")
    }

    static func valueLength(_ key: String, _ limit: Int) -> QueryDecodingError {
        QueryDecodingError(
            .valueTooLong, "The value of query parameter \(displayKey(key)) is longer than \(limit) bytes."
        )
    }

    static func inputLength(_ limit: Int) -> QueryDecodingError {
        QueryDecodingError(.inputTooLarge, "The request body or query string is longer than \(limit) bytes.")
    }
}
