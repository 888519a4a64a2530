/// Why ``QRCode`` could not encode its input.
///
/// The ``message`` names the rule that was broken and the numbers involved, never the input text (which may be an
/// MFA seed). Equality and hashing consider the ``code`` alone.
public struct QRCodeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure. Opaque so that new kinds can be added without breaking callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case dataTooLong
            case invalidVersion
            case invalidMask
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The input does not fit in the largest allowed version at the requested error-correction level.
        public static let dataTooLong = Code(.dataTooLong)
        /// A requested version outside 1...40.
        public static let invalidVersion = Code(.invalidVersion)
        /// A requested mask outside 0...7.
        public static let invalidMask = Code(.invalidMask)

        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// What was wrong, with sizes and limits; never the input itself.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public static func == (lhs: QRCodeError, rhs: QRCodeError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String { "\(code): \(message)" }
}
