/// Why ``XMLReader`` rejected a document, or why a document is not the expected awsQuery shape.
///
/// The ``message`` names the rule and a byte offset, never document content. Equality and hashing consider
/// the ``code`` alone.
public struct XMLReaderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of rejection. Opaque so that new kinds can be added without breaking callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case malformed
            case invalidUTF8
            case invalidCharacter
            case doctypeNotAllowed
            case processingInstructionNotAllowed
            case undefinedEntity
            case mismatchedTag
            case tooDeep
            case tooManyElements
            case inputTooLarge
            case unexpectedDocument
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// Not well-formed: a syntax error, trailing data, a missing root, a duplicate attribute, …
        public static let malformed = Code(.malformed)
        /// The bytes are not valid UTF-8.
        public static let invalidUTF8 = Code(.invalidUTF8)
        /// A character XML 1.0 does not allow, raw or as a character reference.
        public static let invalidCharacter = Code(.invalidCharacter)
        /// A `<!DOCTYPE` (and so any internal subset, entity declaration or external reference).
        public static let doctypeNotAllowed = Code(.doctypeNotAllowed)
        /// A processing instruction other than the XML declaration at the very start.
        public static let processingInstructionNotAllowed = Code(.processingInstructionNotAllowed)
        /// An entity reference other than the five predefined ones and numeric references.
        public static let undefinedEntity = Code(.undefinedEntity)
        /// An end tag that does not match the open element.
        public static let mismatchedTag = Code(.mismatchedTag)
        /// Elements nested deeper than ``XMLReader/Limits/maxDepth``.
        public static let tooDeep = Code(.tooDeep)
        /// More elements than ``XMLReader/Limits/maxElements``.
        public static let tooManyElements = Code(.tooManyElements)
        /// More bytes than ``XMLReader/Limits/maxInputLength``.
        public static let inputTooLarge = Code(.inputTooLarge)
        /// Well-formed XML, but not the awsQuery document that was expected.
        public static let unexpectedDocument = Code(.unexpectedDocument)

        public var description: String { base.rawValue }
    }

    /// The kind of rejection.
    public let code: Code
    /// What was wrong and where (a byte offset); never document content.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public static func == (lhs: XMLReaderError, rhs: XMLReaderError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String { "\(code): \(message)" }
}
