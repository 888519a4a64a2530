import LatchkeyQuery
import Testing

@Suite struct XMLReaderTests {
    @Test("the reference GetCallerIdentity sample reads into a tree")
    func readsReferenceSample() throws {
        let root = try XMLReader.parse(Golden.getCallerIdentity)
        #expect(root.name == "GetCallerIdentityResponse")
        #expect(root.attribute("xmlns") == "https://sts.amazonaws.com/doc/2011-06-15/")
        #expect(root.element(at: "GetCallerIdentityResult", "Arn")?.text == "arn:aws:iam::123456789012:user/Alice")
        #expect(root.element(at: "ResponseMetadata", "RequestId")?.text == "01234567-89ab-cdef-0123-456789abcdef")
        #expect(root.children.map(\.name) == ["GetCallerIdentityResult", "ResponseMetadata"])
    }

    @Test("declaration, comments, CDATA, entities, attributes and self-closing tags are read")
    func readsAcceptedSubset() throws {
        let xml = """
            \u{FEFF}<?xml version="1.0" encoding="UTF-8"?>
            <!-- leading comment -->
            <r:Root xmlns:r="urn:x" a='1 &amp; 2' b="x&#10;y&#x41;">
              <Text>a &lt;b&gt; &quot;c&quot; &apos;d&apos; &#233;&#x1F511;</Text>
              <CData><![CDATA[<not & markup>]]></CData>
              <Empty/>
              <Empty />
              <!-- inner comment -->
              <Mixed>one<i>two</i>three</Mixed>
              <Lines>a\r\nb\rc</Lines>
            </r:Root>
            <!-- trailing comment -->

            """
        let root = try XMLReader.parse(xml)
        #expect(root.name == "r:Root")
        #expect(root.localName == "Root")
        #expect(root.attribute("a") == "1 & 2")
        #expect(root.attribute("b") == "x\nyA")
        #expect(root.child("Text")?.text == "a <b> \"c\" 'd' é🔑")
        #expect(root.child("CData")?.text == "<not & markup>")
        #expect(root.children(named: "Empty").count == 2)
        #expect(root.child("Mixed")?.text == "onethree")
        #expect(root.element(at: "Mixed", "i")?.text == "two")
        #expect(root.child("Lines")?.text == "a\nb\nc")
    }

    @Test("a raw tab or newline in an attribute value is normalised to a space")
    func attributeWhitespaceIsNormalised() throws {
        let root = try XMLReader.parse("<a v=\"x\ty\nz\"/>")
        #expect(root.attribute("v") == "x y z")
    }

    struct Rejection: Sendable, CustomTestStringConvertible {
        let name: String
        let xml: String
        let code: XMLReaderError.Code
        var testDescription: String { name }
        init(_ name: String, _ xml: String, _ code: XMLReaderError.Code) {
            self.name = name
            self.xml = xml
            self.code = code
        }
    }

    static let billionLaughs = """
        <?xml version="1.0"?>
        <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
        <lolz>&lol2;</lolz>
        """

    static let externalEntity = """
        <?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><r>&xxe;</r>
        """

    static let rejections: [Rejection] = [
        Rejection("billion laughs DOCTYPE", billionLaughs, .doctypeNotAllowed),
        Rejection("external entity DOCTYPE", externalEntity, .doctypeNotAllowed),
        Rejection("DOCTYPE without subset", "<!DOCTYPE r><r/>", .doctypeNotAllowed),
        Rejection("DOCTYPE inside the root", "<r><!DOCTYPE r></r>", .doctypeNotAllowed),
        Rejection("undefined entity", "<r>&lol;</r>", .undefinedEntity),
        Rejection("undefined entity in attribute", "<r a='&xxe;'/>", .undefinedEntity),
        Rejection("ENTITY declaration in content", "<r><!ENTITY x \"y\"></r>", .malformed),
        Rejection("processing instruction", "<?xml-stylesheet href='x'?><r/>", .processingInstructionNotAllowed),
        Rejection("processing instruction inside", "<r><?php echo 1; ?></r>", .processingInstructionNotAllowed),
        Rejection("XML declaration not at start", " <?xml version='1.0'?><r/>", .processingInstructionNotAllowed),
        Rejection("mismatched end tag", "<a><b></a></b>", .mismatchedTag),
        Rejection("unclosed root", "<a><b></b>", .malformed),
        Rejection("two roots", "<a/><b/>", .malformed),
        Rejection("text after root", "<a/>x", .malformed),
        Rejection("text before root", "x<a/>", .malformed),
        Rejection("empty document", "", .malformed),
        Rejection("only whitespace", "  \n", .malformed),
        Rejection("duplicate attribute", "<a x='1' x='2'/>", .malformed),
        Rejection("attributes without whitespace", "<a x='1'y='2'/>", .malformed),
        Rejection("unquoted attribute", "<a x=1/>", .malformed),
        Rejection("less-than in attribute", "<a x='<'/>", .malformed),
        Rejection("unterminated comment", "<a><!-- x</a>", .malformed),
        Rejection("double hyphen in comment", "<a><!-- x -- y --></a>", .malformed),
        Rejection("unterminated CDATA", "<a><![CDATA[x</a>", .malformed),
        Rejection("bare ampersand", "<a>fish & chips</a>", .malformed),
        Rejection("unterminated reference", "<a>&amp</a>", .malformed),
        Rejection("reference to NUL", "<a>&#0;</a>", .invalidCharacter),
        Rejection("reference to a control character", "<a>&#x1;</a>", .invalidCharacter),
        Rejection("reference to a surrogate", "<a>&#xD800;</a>", .invalidCharacter),
        Rejection("reference beyond Unicode", "<a>&#x110000;</a>", .invalidCharacter),
        Rejection("reference with bad digits", "<a>&#12a;</a>", .invalidCharacter),
        Rejection("raw control character", "<a>\u{1}</a>", .invalidCharacter),
        Rejection("raw U+FFFF", "<a>\u{FFFF}</a>", .invalidCharacter),
        Rejection("name starting with a digit", "<1a/>", .malformed),
        Rejection("end tag with garbage", "<a></a x>", .malformed),
    ]

    @Test("malformed and dangerous documents are rejected", arguments: rejections)
    func dangerousDocumentIsRejected(_ rejection: Rejection) {
        #expect(throws: XMLReaderError(rejection.code, "")) {
            try XMLReader.parse(rejection.xml)
        }
    }

    @Test("invalid UTF-8 is rejected")
    func invalidUTF8IsRejected() {
        #expect(throws: XMLReaderError(.invalidUTF8, "")) {
            try XMLReader.parse([UInt8]("<a>".utf8) + [0xC3, 0x28] + [UInt8]("</a>".utf8))
        }
    }

    @Test("nesting is bounded at the configured depth")
    func deepNestingIsRejected() throws {
        func nested(_ depth: Int) -> String {
            String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
        }
        _ = try XMLReader.parse(nested(64))
        #expect(throws: XMLReaderError(.tooDeep, "")) { try XMLReader.parse(nested(65)) }
        #expect(throws: XMLReaderError(.tooDeep, "")) { try XMLReader.parse(nested(100_000)) }
        let selfClosing = String(repeating: "<a>", count: 64) + "<b/>" + String(repeating: "</a>", count: 64)
        #expect(throws: XMLReaderError(.tooDeep, "")) { try XMLReader.parse(selfClosing) }
    }

    @Test("size and element count are bounded")
    func sizeAndCountAreBounded() {
        let many = "<r>" + String(repeating: "<a/>", count: 11) + "</r>"
        #expect(throws: XMLReaderError(.tooManyElements, "")) {
            try XMLReader.parse(many, limits: XMLReader.Limits(maxElements: 11))
        }
        #expect(throws: XMLReaderError(.inputTooLarge, "")) {
            try XMLReader.parse(
                "<r>" + String(repeating: "x", count: 100) + "</r>", limits: XMLReader.Limits(maxInputLength: 100))
        }
    }

    @Test("error messages carry no document content")
    func errorMessagesCarryNoContent() throws {
        let error = try #require(throws: XMLReaderError.self) { try XMLReader.parse("<secret>&token123;</secret>") }
        #expect(!error.message.contains("secret"))
        #expect(!error.message.contains("token123"))
    }
}
