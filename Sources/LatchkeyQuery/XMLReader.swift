/// A strict, bounded reader for the XML that awsQuery services send back.
///
/// It accepts a well-formed subset of XML 1.0 in UTF-8: one root element, elements, attributes, character
/// data, comments, CDATA sections, the predefined entities (`&amp; &lt; &gt; &quot; &apos;`) and numeric
/// character references, and an optional XML declaration at the very start. It rejects any `<!DOCTYPE`
/// (so no entity can be declared, expanded or fetched), any other processing instruction, undefined
/// entities, characters XML 1.0 forbids, and input beyond its ``Limits``. Nesting is tracked on an explicit
/// stack, so depth is bounded without recursion. Namespace prefixes are kept as part of names.
public enum XMLReader {
    /// Hard bounds on a document.
    public struct Limits: Sendable, Hashable {
        /// The deepest element nesting accepted; the root is at depth 1.
        public var maxDepth: Int
        /// The most elements accepted in one document.
        public var maxElements: Int
        /// The longest input accepted, in bytes.
        public var maxInputLength: Int

        /// Creates limits; every argument defaults to the value in ``default``.
        public init(maxDepth: Int = 64, maxElements: Int = 100_000, maxInputLength: Int = 4 * 1024 * 1024) {
            self.maxDepth = maxDepth
            self.maxElements = maxElements
            self.maxInputLength = maxInputLength
        }

        /// Depth 64, 100 000 elements, 4 MiB.
        public static let `default` = Limits()
    }

    /// An attribute, with its value decoded.
    public struct Attribute: Sendable, Hashable {
        /// The qualified name, e.g. `xmlns` or `xsi:type`.
        public var name: String
        /// The decoded value.
        public var value: String

        /// Creates an attribute.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// An element: its name, attributes in document order, child elements, and its text.
    public struct Element: Sendable, Hashable {
        /// The qualified name as written, e.g. `GetCallerIdentityResponse` or `ns2:Foo`.
        public var name: String
        /// The attributes in document order (namespace declarations included).
        public var attributes: [Attribute]
        /// The child elements in document order.
        public var children: [Element]
        /// The concatenated character data directly inside this element (entities and CDATA decoded),
        /// whitespace between child elements included.
        public var text: String

        /// Creates an element.
        public init(name: String, attributes: [Attribute] = [], children: [Element] = [], text: String = "") {
            self.name = name
            self.attributes = attributes
            self.children = children
            self.text = text
        }

        /// The name without its namespace prefix.
        public var localName: String {
            guard let colon = name.utf8.lastIndex(of: UInt8(ascii: ":")) else { return name }
            return String(name[name.utf8.index(after: colon)...])
        }

        /// The value of the attribute with this qualified name.
        public func attribute(_ name: String) -> String? {
            attributes.first { $0.name == name }?.value
        }

        /// The first child element with this local name.
        public func child(_ name: String) -> Element? {
            children.first { $0.name == name || $0.localName == name }
        }

        /// All child elements with this local name, in order.
        public func children(named name: String) -> [Element] {
            children.filter { $0.name == name || $0.localName == name }
        }

        /// The element reached by following child names, e.g. `element(at: "Error", "Code")`.
        public func element(at path: String...) -> Element? {
            var current = self
            for name in path {
                guard let next = current.child(name) else { return nil }
                current = next
            }
            return current
        }
    }

    /// Parses a document from UTF-8 bytes and returns its root element.
    public static func parse(
        _ bytes: some Collection<UInt8>,
        limits: Limits = .default
    ) throws(XMLReaderError) -> Element {
        if let result = bytes.withContiguousStorageIfAvailable({ parse(buffer: $0, limits: limits) }) {
            return try result.get()
        }
        if bytes.count > limits.maxInputLength { throw XMLScanner.tooLarge(limits.maxInputLength) }
        let copy = Array(bytes)
        return try copy.withUnsafeBufferPointer { parse(buffer: $0, limits: limits) }.get()
    }

    /// Parses a document from a string and returns its root element.
    public static func parse(_ text: String, limits: Limits = .default) throws(XMLReaderError) -> Element {
        var text = text
        return try text.withUTF8 { parse(buffer: $0, limits: limits) }.get()
    }

    private static func parse(buffer: UnsafeBufferPointer<UInt8>, limits: Limits) -> Result<Element, XMLReaderError> {
        do {
            var parser = XMLScanner(buffer: buffer, limits: limits)
            return .success(try parser.parseDocument())
        } catch {
            return .failure(error)
        }
    }
}
