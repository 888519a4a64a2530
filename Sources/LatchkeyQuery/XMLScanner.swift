import LatchkeyBase

/// The byte-level parser behind ``XMLReader``: one pass, an explicit stack, no recursion.
struct XMLScanner {
    private struct OpenElement {
        var element: XMLReader.Element
        var text: [UInt8] = []
    }

    let buffer: UnsafeBufferPointer<UInt8>
    let limits: XMLReader.Limits
    var position = 0
    private var stack: [OpenElement] = []
    private var elementCount = 0

    init(buffer: UnsafeBufferPointer<UInt8>, limits: XMLReader.Limits) {
        self.buffer = buffer
        self.limits = limits
    }

    // MARK: Errors

    static func tooLarge(_ limit: Int) -> XMLReaderError {
        XMLReaderError(.inputTooLarge, "The XML document is longer than \(limit) bytes.")
    }

    func error(_ code: XMLReaderError.Code, _ what: String) -> XMLReaderError {
        XMLReaderError(code, "\(what) at byte \(position).")
    }

    // MARK: Document

    mutating func parseDocument() throws(XMLReaderError) -> XMLReader.Element {
        if buffer.count > limits.maxInputLength { throw Self.tooLarge(limits.maxInputLength) }
        try validateCharacters()
        if starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        if starts(with: Array("<?xml".utf8)), position + 5 < buffer.count, isWhitespace(buffer[position + 5]) {
            guard let end = find(Array("?>".utf8), from: position + 5) else {
                throw error(.malformed, "Unterminated XML declaration")
            }
            position = end + 2
        }
        try skipMisc()
        guard position < buffer.count, buffer[position] == UInt8(ascii: "<") else {
            throw error(.malformed, "Expected the root element")
        }
        var root: XMLReader.Element?
        try parseStartTag(into: &root)
        while !stack.isEmpty {
            try parseContent(into: &root)
        }
        try skipMisc()
        if position != buffer.count { throw error(.malformed, "Unexpected content after the root element") }
        guard let root else { throw error(.malformed, "Missing root element") }
        return root
    }

    /// Rejects invalid UTF-8 and characters XML 1.0 forbids anywhere in the document.
    private func validateCharacters() throws(XMLReaderError) {
        var index = 0
        while index < buffer.count {
            let byte = buffer[index]
            if byte < 0x20, byte != 0x09, byte != 0x0A, byte != 0x0D {
                throw XMLReaderError(.invalidCharacter, "A control character XML 1.0 forbids at byte \(index).")
            }
            if byte == 0xEF, index + 2 < buffer.count, buffer[index + 1] == 0xBF,
                buffer[index + 2] == 0xBE || buffer[index + 2] == 0xBF
            {
                throw XMLReaderError(.invalidCharacter, "U+FFFE or U+FFFF at byte \(index).")
            }
            index += 1
        }
        if !UTF8Validation.isValid(buffer) {
            throw XMLReaderError(.invalidUTF8, "The XML document is not valid UTF-8.")
        }
    }

    /// Skips whitespace and comments outside the root; rejects DOCTYPE and processing instructions.
    private mutating func skipMisc() throws(XMLReaderError) {
        while position < buffer.count {
            let byte = buffer[position]
            if isWhitespace(byte) {
                position += 1
            } else if starts(with: Array("<!--".utf8)) {
                try skipComment()
            } else if starts(with: Array("<!".utf8)) {
                throw markupDeclarationError()
            } else if starts(with: Array("<?".utf8)) {
                throw error(.processingInstructionNotAllowed, "Processing instruction")
            } else {
                return
            }
        }
    }

    private func markupDeclarationError() -> XMLReaderError {
        if starts(with: Array("<!DOCTYPE".utf8)) { return error(.doctypeNotAllowed, "DOCTYPE declaration") }
        return error(.malformed, "Markup declaration")
    }

    private mutating func skipComment() throws(XMLReaderError) {
        guard let end = find(Array("--".utf8), from: position + 4) else {
            throw error(.malformed, "Unterminated comment")
        }
        guard end + 2 < buffer.count, buffer[end + 2] == UInt8(ascii: ">") else {
            throw error(.malformed, "'--' inside a comment")
        }
        position = end + 3
    }

    // MARK: Content

    /// Parses one piece of content of the innermost open element.
    private mutating func parseContent(into root: inout XMLReader.Element?) throws(XMLReaderError) {
        guard position < buffer.count else { throw error(.malformed, "Unexpected end of document") }
        let byte = buffer[position]
        if byte == UInt8(ascii: "<") {
            guard position + 1 < buffer.count else { throw error(.malformed, "Unexpected end of document") }
            switch buffer[position + 1] {
            case UInt8(ascii: "/"):
                try parseEndTag(into: &root)
            case UInt8(ascii: "!"):
                if starts(with: Array("<!--".utf8)) {
                    try skipComment()
                } else if starts(with: Array("<![CDATA[".utf8)) {
                    guard let end = find(Array("]]>".utf8), from: position + 9) else {
                        throw error(.malformed, "Unterminated CDATA section")
                    }
                    appendText(position + 9..<end)
                    position = end + 3
                } else {
                    throw markupDeclarationError()
                }
            case UInt8(ascii: "?"):
                throw error(.processingInstructionNotAllowed, "Processing instruction")
            default:
                try parseStartTag(into: &root)
            }
        } else if byte == UInt8(ascii: "&") {
            var decoded: [UInt8] = []
            try parseReference(into: &decoded)
            stack[stack.count - 1].text.append(contentsOf: decoded)
        } else {
            var end = position
            while end < buffer.count, buffer[end] != UInt8(ascii: "<"), buffer[end] != UInt8(ascii: "&") {
                end += 1
            }
            appendText(position..<end)
            position = end
        }
    }

    /// Appends raw character data to the innermost open element, turning CR LF and lone CR into LF.
    private mutating func appendText(_ range: Range<Int>) {
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = buffer[index]
            if byte == 0x0D {
                stack[stack.count - 1].text.append(0x0A)
                if index + 1 < range.upperBound, buffer[index + 1] == 0x0A { index += 1 }
            } else {
                stack[stack.count - 1].text.append(byte)
            }
            index += 1
        }
    }

    private mutating func parseStartTag(into root: inout XMLReader.Element?) throws(XMLReaderError) {
        position += 1
        let name = try parseName()
        if stack.count >= limits.maxDepth { throw error(.tooDeep, "Elements nested deeper than \(limits.maxDepth)") }
        elementCount += 1
        if elementCount > limits.maxElements {
            throw error(.tooManyElements, "More than \(limits.maxElements) elements")
        }
        var element = XMLReader.Element(name: name)
        while true {
            let hadWhitespace = skipWhitespace()
            guard position < buffer.count else { throw error(.malformed, "Unterminated start tag") }
            let byte = buffer[position]
            if byte == UInt8(ascii: ">") {
                position += 1
                stack.append(OpenElement(element: element))
                return
            }
            if byte == UInt8(ascii: "/") {
                guard position + 1 < buffer.count, buffer[position + 1] == UInt8(ascii: ">") else {
                    throw error(.malformed, "Expected '/>'")
                }
                position += 2
                attach(element, to: &root)
                return
            }
            guard hadWhitespace else { throw error(.malformed, "Expected whitespace before an attribute") }
            let attribute = try parseAttribute()
            if element.attributes.contains(where: { $0.name == attribute.name }) {
                throw error(.malformed, "Duplicate attribute")
            }
            element.attributes.append(attribute)
        }
    }

    private mutating func parseEndTag(into root: inout XMLReader.Element?) throws(XMLReaderError) {
        position += 2
        let name = try parseName()
        _ = skipWhitespace()
        guard position < buffer.count, buffer[position] == UInt8(ascii: ">") else {
            throw error(.malformed, "Expected '>' to close an end tag")
        }
        guard let open = stack.popLast(), open.element.name == name else {
            throw error(.mismatchedTag, "End tag does not match the open element")
        }
        position += 1
        var element = open.element
        element.text = String(decoding: open.text, as: UTF8.self)
        attach(element, to: &root)
    }

    /// Adds a finished element to its parent, or makes it the root.
    private mutating func attach(_ element: XMLReader.Element, to root: inout XMLReader.Element?) {
        if stack.isEmpty {
            root = element
        } else {
            stack[stack.count - 1].element.children.append(element)
        }
    }
}
