import CXMLSec
import LatchkeySAMLModel

typealias XMLNodePointer = UnsafeMutablePointer<xmlNode>

/// A libxml2 document owned by one call: parsed safely, freed on deinit. Not `Sendable`: it never leaves the call
/// that parsed it.
final class XMLDocumentHandle {
    let doc: xmlDocPtr

    private init(doc: xmlDocPtr) { self.doc = doc }
    deinit { xmlFreeDoc(doc) }

    /// The most elements a document may have (a SAML response has a few dozen).
    static let maximumElements = 20_000

    /// The root element.
    var root: XMLNodePointer? { xmlDocGetRootElement(doc) }

    /// Parses UTF-8 bytes with no network, no DTD loading, no entity substitution, and refuses any markup
    /// declaration (`<!DOCTYPE`, `<!ENTITY`, ...) before libxml2 sees it.
    static func parse(_ bytes: [UInt8], invalid: SAMLError.Code) throws(SAMLError) -> XMLDocumentHandle {
        guard XMLSecLibrary.isReady else { throw SAMLError(invalid, "The XML security library is unavailable") }
        guard !bytes.isEmpty, bytes.count < Int(Int32.max) else { throw SAMLError(invalid, "The document is empty") }
        if containsMarkupDeclaration(bytes) {
            throw SAMLError(.documentTypeDeclaration, "Document type and entity declarations are not allowed")
        }
        let options = Int32(
            bitPattern: XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
        )
        let parsed = bytes.withUnsafeBufferPointer { buffer -> xmlDocPtr? in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                // The encoding argument overrides any declared encoding: the bytes are UTF-8 or refused.
                xmlReadMemory(chars.baseAddress, Int32(chars.count), nil, "UTF-8", options)
            }
        }
        guard let parsed else { throw SAMLError(invalid, "The document is not well-formed XML") }
        let handle = XMLDocumentHandle(doc: parsed)
        guard parsed.pointee.intSubset == nil, parsed.pointee.extSubset == nil else {
            throw SAMLError(.documentTypeDeclaration, "Document type declarations are not allowed")
        }
        return handle
    }

    /// Whether the bytes contain `<!` that does not start a comment or a CDATA section.
    static func containsMarkupDeclaration(_ bytes: [UInt8]) -> Bool {
        let comment: [UInt8] = Array("--".utf8)
        let cdata: [UInt8] = Array("[CDATA[".utf8)
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "<"), bytes[index + 1] == UInt8(ascii: "!") {
                let rest = bytes[(index + 2)...]
                if !rest.starts(with: comment), !rest.starts(with: cdata) { return true }
            }
            index += 1
        }
        return false
    }

    /// Every element in document order, refusing entity references and documents over the element limit.
    func allElements(invalid: SAMLError.Code) throws(SAMLError) -> [XMLNodePointer] {
        guard let root else { throw SAMLError(invalid, "The document has no root element") }
        var result: [XMLNodePointer] = []
        var stack: [XMLNodePointer] = [root]
        while let node = stack.popLast() {
            result.append(node)
            guard result.count <= Self.maximumElements else {
                throw SAMLError(.oversizedInput, "The document has too many elements")
            }
            var children: [XMLNodePointer] = []
            var child = node.pointee.children
            while let current = child {
                if current.pointee.type == XML_ENTITY_REF_NODE || current.pointee.type == XML_ENTITY_NODE {
                    throw SAMLError(.documentTypeDeclaration, "Entity references are not allowed")
                }
                if current.isElement { children.append(current) }
                child = current.pointee.next
            }
            stack.append(contentsOf: children.reversed())
        }
        return result
    }
}

extension UnsafeMutablePointer where Pointee == xmlNode {
    var isElement: Bool { pointee.type == XML_ELEMENT_NODE }

    var localName: String { pointee.name.map { String(cString: $0) } ?? "" }

    var namespaceURI: String? { pointee.ns?.pointee.href.map { String(cString: $0) } }

    func isElement(_ name: String, in namespace: String) -> Bool {
        isElement && localName == name && namespaceURI == namespace
    }

    var parentElement: XMLNodePointer? {
        guard let parent = pointee.parent, parent.pointee.type == XML_ELEMENT_NODE else { return nil }
        return parent
    }

    var childElements: [XMLNodePointer] {
        var result: [XMLNodePointer] = []
        var child = pointee.children
        while let current = child {
            if current.isElement { result.append(current) }
            child = current.pointee.next
        }
        return result
    }

    func children(_ name: String, in namespace: String) -> [XMLNodePointer] {
        childElements.filter { $0.isElement(name, in: namespace) }
    }

    /// The value of the attribute with this name and no namespace.
    func attribute(_ name: String) -> String? {
        attributeNode(name).map { attributeValue($0) }
    }

    func attributeNode(_ name: String) -> xmlAttrPtr? {
        var attribute = pointee.properties
        while let current = attribute {
            if current.pointee.ns == nil, let attributeName = current.pointee.name,
                String(cString: attributeName) == name
            {
                return current
            }
            attribute = current.pointee.next
        }
        return nil
    }

    private func attributeValue(_ attribute: xmlAttrPtr) -> String {
        var value = ""
        var child = attribute.pointee.children
        while let current = child {
            if let content = current.pointee.content { value += String(cString: content) }
            child = current.pointee.next
        }
        return value
    }

    /// The full text of an element with only character data inside: every text and CDATA child concatenated,
    /// comments and processing instructions skipped (so `a<!---->b` reads `ab`). `nil` if it has child elements.
    var textContent: String? {
        var value = ""
        var child = pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content { value += String(cString: content) }
            case XML_COMMENT_NODE, XML_PI_NODE:
                break
            default:
                return nil
            }
            child = current.pointee.next
        }
        return value
    }

    /// ``textContent`` without leading and trailing XML whitespace.
    var trimmedText: String? { textContent.map(trimXMLWhitespace) }
}
