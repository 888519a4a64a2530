import LatchkeyBase
import LatchkeyModel
import Testing

@testable import LatchkeyQuery

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The byte writer (`QueryResponse.xmlBytes`, `errorXMLBytes`) against the `String` writer it replaced, kept here
/// verbatim as the reference: every document of a corpus of hostile and ordinary responses must be identical, byte
/// for byte.
@Suite struct XMLWriterTests {
    /// Texts that exercise every escaping rule: entities, CR, C0 controls, U+FFFE/U+FFFF and their neighbours,
    /// multi-byte characters, an escape at the very start and end, and plain ASCII.
    static let texts: [String] = [
        "", "plain", "arn:aws:iam::123456789012:role/bench-role", "a&b<c>d\"e'f", "&", "<<>>", "line\nfeed\ttab",
        "carriage\r\nreturn", "\u{0}\u{1}\u{8}\u{B}\u{C}\u{1F}", "\u{FFFE}\u{FFFF}\u{FFFD}\u{FFFC}",
        "\u{EFFF}x\u{FEFF}",
        "naïve café — 東京 🔑", "ends with &", "'quoted'", String(repeating: "x<", count: 300),
        "\u{7F}\u{80}\u{2028}\u{2029}", "tail\u{FFFF}",
    ]

    static let timestamps: [Int64] = [
        0, 1_800_000_000, -1, -62_167_219_200, -99_999_999_999, 253_402_300_799, 999_999_999_999, 951_782_400,
    ]

    static var corpus: [ResponseNode?] {
        var nodes: [ResponseNode?] = [nil, .result([])]
        for text in texts {
            nodes.append(.result([.string("Text", text)]))
            nodes.append(.result([.list("Items", strings: [text, "b", text])]))
        }
        for seconds in timestamps {
            nodes.append(.result([.timestamp("At", epochSeconds: seconds)]))
        }
        nodes.append(.result([.timestamp("At", Date(timeIntervalSince1970: 1_234_567_890.987))]))
        nodes.append(
            .result([
                .structure(
                    "Credentials",
                    [
                        .string("AccessKeyId", "ASIAQNZGKIQY56JQ7WML"), .string("SessionToken", texts[3]),
                        .timestamp("Expiration", epochSeconds: 1_800_000_000), nil,
                    ]),
                .integer("PackedPolicySize", -42), .integer("Big", Int.max), .boolean("IsTruncated", true),
                .boolean("Other", false),
                .list(
                    "Roles",
                    [
                        .structure("member", [.string("RoleName", "r&1"), .list("Tags", [])]),
                        .structure("ignored", [.structure("Inner", [.string("Deep", "\u{FFFE}")])]),
                    ]),
            ]))
        return nodes
    }

    @Test("success documents are the String writer's, byte for byte")
    func successDocuments() {
        for (index, node) in Self.corpus.enumerated() {
            for (action, namespace) in [
                ("AssumeRole", QueryResponse.stsNamespace), ("ListRoles", QueryResponse.iamNamespace),
            ] {
                for requestId in ["c6104cbe-af31-11e0-8154-cbc7ccf896c7", "id&<\u{1}>"] {
                    let bytes = QueryResponse.xmlBytes(
                        action: action, namespace: namespace, result: node, requestId: requestId)
                    let expected = Reference.xml(
                        action: action, namespace: namespace, result: node, requestId: requestId)
                    #expect(bytes == Array(expected.utf8), "corpus item \(index)")
                    #expect(
                        QueryResponse.xml(action: action, namespace: namespace, result: node, requestId: requestId)
                            == expected)
                }
            }
        }
    }

    @Test("the escaping scan's bit mask flags exactly the bytes the escaper handles")
    func escapeMask() {
        for byte in UInt8.min...UInt8.max {
            #expect(TextEscaping.needsXMLEscapeFast(byte) == Reference.needsXMLEscape(byte), "byte \(byte)")
        }
    }

    @Test("error documents are the String writer's, byte for byte")
    func errorDocuments() {
        let codes: [STSError.Code] = [.validationError, .internalFailure, .invalidParameterValue]
        for text in Self.texts {
            for code in codes {
                let error = STSError(code, text)
                for namespace in [QueryResponse.stsNamespace, QueryResponse.iamNamespace, "ns\"&"] {
                    let bytes = QueryResponse.errorXMLBytes(error, namespace: namespace, requestId: text)
                    let expected = Reference.errorXML(error, namespace: namespace, requestId: text)
                    #expect(bytes == Array(expected.utf8))
                    #expect(QueryResponse.errorXML(error, namespace: namespace, requestId: text) == expected)
                }
            }
        }
    }
}

/// The `String` writer as it was before the byte writer (`QueryResponse.xml`, `errorXML` and
/// `TextEscaping.appendXML` at 87380c5), unchanged but for names.
private enum Reference {
    static func xml(action: String, namespace: String, result: ResponseNode?, requestId: String) -> String {
        var output = ""
        output += "<"
        output += action
        output += "Response xmlns=\""
        appendXML(namespace, to: &output)
        output += "\">"
        if let result {
            output += "<"
            output += action
            output += "Result>"
            appendXMLContent(of: result, to: &output)
            output += "</"
            output += action
            output += "Result>"
        }
        output += "<ResponseMetadata><RequestId>"
        appendXML(requestId, to: &output)
        output += "</RequestId></ResponseMetadata></"
        output += action
        output += "Response>"
        return output
    }

    static func errorXML(_ error: STSError, namespace: String, requestId: String) -> String {
        let code = error.code
        var output = ""
        output += "<ErrorResponse xmlns=\""
        appendXML(namespace, to: &output)
        output += "\"><Error><Type>"
        output += code.fault.rawValue
        output += "</Type><Code>"
        appendXML(code.wireCode, to: &output)
        output += "</Code><Message>"
        appendXML(error.message, to: &output)
        output += "</Message></Error><RequestId>"
        appendXML(requestId, to: &output)
        output += "</RequestId></ErrorResponse>"
        return output
    }

    static func appendXMLElement(_ node: ResponseNode, name: String, to output: inout String) {
        output += "<"
        output += name
        output += ">"
        appendXMLContent(of: node, to: &output)
        output += "</"
        output += name
        output += ">"
    }

    static func appendXMLContent(of node: ResponseNode, to output: inout String) {
        switch node.value {
        case .string(let text):
            appendXML(text, to: &output)
        case .scalar(let text):
            output += text
        case .timestamp(let seconds):
            AWSTimestamp.append(epochSeconds: seconds, to: &output)
        case .structure(let children):
            for child in children { appendXMLElement(child, name: child.name, to: &output) }
        case .list(let items):
            for item in items { appendXMLElement(item, name: "member", to: &output) }
        }
    }

    static func appendXML(_ text: String, to output: inout String) {
        let bytes = Array(text.utf8)
        guard let first = bytes.firstIndex(where: needsXMLEscape) else {
            output += text
            return
        }
        var escaped: [UInt8] = Array(bytes[..<first])
        var index = first
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "&"): escaped.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): escaped.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): escaped.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): escaped.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "'"): escaped.append(contentsOf: "&apos;".utf8)
            case 0x09, 0x0A: escaped.append(byte)
            case 0x0D: escaped.append(contentsOf: "&#13;".utf8)
            case 0x00..<0x20: escaped.append(contentsOf: [0xEF, 0xBF, 0xBD])
            case 0xEF:
                if index + 1 < bytes.count, bytes[index] == 0xBF, bytes[index + 1] == 0xBE || bytes[index + 1] == 0xBF {
                    escaped.append(contentsOf: [0xEF, 0xBF, 0xBD])
                    index += 2
                } else {
                    escaped.append(byte)
                }
            default: escaped.append(byte)
            }
        }
        output += String(decoding: escaped, as: UTF8.self)
    }

    static func needsXMLEscape(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x09, 0x0A: false
        case 0x00..<0x20, UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""),
            UInt8(ascii: "'"), 0xEF:
            true
        default: false
        }
    }
}
