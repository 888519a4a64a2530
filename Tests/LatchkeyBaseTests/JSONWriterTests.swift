import LatchkeyBase
import Testing

/// The byte writer behind ``JSONValue/serialized`` against the String writer it replaced (kept here as the
/// reference): the same text for every value, escapes, Unicode and control characters included.
@Suite struct JSONWriterTests {
    /// The writer `JSONValue.serialized` had before it wrote bytes (commit 9211ac3), unchanged.
    static func reference(_ value: JSONValue) -> String {
        var out = ""
        write(value, into: &out)
        return out
    }

    private static func write(_ value: JSONValue, into out: inout String) {
        switch value {
        case .string(let text): writeString(text, into: &out)
        case .number(let lexeme): out += lexeme
        case .bool(let flag): out += flag ? "true" : "false"
        case .null: out += "null"
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                write(item, into: &out)
            }
            out += "]"
        case .object(let object):
            out += "{"
            for (index, member) in object.members.enumerated() {
                if index > 0 { out += "," }
                writeString(member.key, into: &out)
                out += ":"
                write(member.value, into: &out)
            }
            out += "}"
        }
    }

    private static func writeString(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    /// Strings with every kind of character the writer treats apart, at the start, middle and end, and in runs.
    static let strings: [String] = {
        var corpus = [
            "", "a", "plain ASCII text with spaces", "\"", "\\", "\"\"", "\\\\\\", "quote \" inside", "back\\slash",
            "\n", "\r\n", "\t", "line\nbreak", "tab\tand\rreturn", "\u{0}", "\u{1}", "\u{8}", "\u{C}", "\u{1B}",
            "\u{1F}", " ", "\u{7F}", "end\u{1F}", "\u{0}start", "mixed \"q\" \\ \n \u{2} é 漢字 🙂 done",
            "é", "naïve café", "日本語のテキスト", "🙂", "👩‍👩‍👧", "e\u{301}", "\u{FEFF}bom", "\u{2028}\u{2029}",
            "\u{10FFFF}", "\u{D7FF}\u{E000}", "arn:aws:iam::123456789012:role/Admin", "2026-12-07T20:00:00Z",
            "HIDDEN_DUE_TO_SECURITY_REASONS", "</script>", "{\"json\":[1,2]}",
        ]
        for value in UInt32(0)..<0x80 {
            let character = String(Character(Unicode.Scalar(UInt8(value))))
            corpus.append(character)
            corpus.append("x" + character + "y" + character)
        }
        corpus.append(String(repeating: "long run without escapes ", count: 200))
        corpus.append(String(repeating: "\"\\\n\u{3}é", count: 300))
        return corpus
    }()

    @Test("every string of the corpus is written as the String writer wrote it, through serialized and quoted")
    func stringsMatchReference() throws {
        for text in Self.strings {
            let value = JSONValue.string(text)
            #expect(value.serialized == Self.reference(value), "\(Array(text.unicodeScalars.map(\.value)))")
            #expect(JSONValue.quoted(text) == Self.reference(value))
            var bytes: [UInt8] = [0x41]
            JSONValue.writeString(text, into: &bytes)
            #expect(bytes == [0x41] + Array(Self.reference(value).utf8))
        }
    }

    @Test("control characters are escaped as \\u00xx in lower case, the named ones with their letter")
    func controlCharacters() {
        #expect(JSONValue.quoted("\u{1}\u{1F}\u{A}\u{D}\u{9}\u{8}\u{C}") == #""\u0001\u001f\n\r\t\u0008\u000c""#)
        #expect(JSONValue.quoted("a\"b\\c") == #""a\"b\\c""#)
        #expect(JSONValue.quoted("é🙂\u{7F}") == "\"é🙂\u{7F}\"")
    }

    @Test("nested documents (objects, arrays, numbers, booleans, null) are written as the String writer wrote them")
    func documentsMatchReference() throws {
        var documents: [JSONValue] = [
            .null, .bool(true), .bool(false), .number("0"), .number("-1.50"), .number("2e3"), .array([]),
            .object(JSONObject(members: [])),
        ]
        let strings = Self.strings
        for (index, text) in strings.enumerated() {
            let other = strings[(index * 7 + 3) % strings.count]
            documents.append(
                .object(
                    JSONObject(members: [
                        .init(key: text, value: .string(other)),
                        .init(key: "n\(index)", value: .number(String(index))),
                        .init(key: other + "!", value: .array([.string(text), .null, .bool(index % 2 == 0)])),
                        .init(
                            key: "nested",
                            value: .object(
                                JSONObject(members: [
                                    .init(
                                        key: "deep",
                                        value: .array([.array([.string(other)]), .object(JSONObject(members: []))]))
                                ]))),
                    ])))
        }
        let policy = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole"],\
            "Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Condition":{"StringEquals":{"a\\"b":"c\\\\d\\n"}}}]}
            """
        documents.append(try JSONReader.read(policy))
        for document in documents {
            #expect(document.serialized == Self.reference(document))
            var bytes: [UInt8] = []
            document.write(into: &bytes)
            #expect(bytes == Array(Self.reference(document).utf8))
            #expect(try JSONReader.read(document.serialized) == document)
        }
    }
}
