import CXMLSec

@testable import LatchkeySAML

/// Signs every empty `ds:Signature` template in a document with xmlsec (deepest first, so a Response signature
/// covers an already signed assertion) and serialises the result.
enum SAMLTestSigner {
    static func sign(_ xml: String, with identity: SAMLTestIdentity) -> String {
        precondition(XMLSecLibrary.isReady)
        let bytes = Array(xml.utf8)
        guard
            let doc = bytes.withUnsafeBufferPointer({ buffer in
                buffer.withMemoryRebound(to: CChar.self) {
                    xmlReadMemory($0.baseAddress, Int32($0.count), nil, "UTF-8", 0)
                }
            })
        else { fatalError("template is not XML:\n\(xml)") }
        defer { xmlFreeDoc(doc) }
        var signatures: [(depth: Int, node: XMLNodePointer)] = []
        guard let root = xmlDocGetRootElement(doc) else { fatalError("no root") }
        var stack: [(Int, XMLNodePointer)] = [(0, root)]
        while let (depth, node) = stack.popLast() {
            if let attribute = node.attributeNode("ID"), let value = node.attribute("ID") {
                _ = xmlAddID(nil, doc, value, attribute)
            }
            if node.isElement("Signature", in: SAMLNamespace.dsig) { signatures.append((depth, node)) }
            for child in node.childElements { stack.append((depth + 1, child)) }
        }
        for (_, signature) in signatures.sorted(by: { $0.depth > $1.depth }) {
            guard let context = xmlSecDSigCtxCreate(nil) else { fatalError("no dsig context") }
            defer { xmlSecDSigCtxDestroy(context) }
            context.pointee.signKey = identity.signingKey()
            guard xmlSecDSigCtxSign(context, signature) == 0 else { fatalError("signing failed") }
        }
        return serialise(doc)
    }

    static func serialise(_ doc: xmlDocPtr) -> String {
        guard let buffer = xmlBufferCreate() else { fatalError("no buffer") }
        defer { xmlBufferFree(buffer) }
        _ = xmlNodeDump(buffer, doc, xmlDocGetRootElement(doc), 0, 0)
        return String(cString: xmlBufferContent(buffer))
    }
}
