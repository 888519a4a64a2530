import LatchkeyModel
import LatchkeyQuery
import Testing

@Suite struct QueryResponseXMLTests {
    static let callerIdentity = ResponseNode.result([
        .string("Arn", "arn:aws:iam::123456789012:user/Alice"),
        .string("UserId", "AIDACKCEVSQ6C2EXAMPLE"),
        .string("Account", "123456789012"),
    ])

    @Test("GetCallerIdentity matches the AWS reference sample")
    func getCallerIdentityMatchesReference() {
        let xml = QueryResponse.xml(
            action: "GetCallerIdentity", namespace: QueryResponse.stsNamespace, result: Self.callerIdentity,
            requestId: "01234567-89ab-cdef-0123-456789abcdef"
        )
        #expect(xml == Golden.compact(Golden.getCallerIdentity))
        #expect(!xml.contains("\n"))
    }

    @Test("a nil result leaves the Result element out")
    func nilResultOmitsResultElement() {
        let xml = QueryResponse.xml(
            action: "DeleteUser", namespace: QueryResponse.iamNamespace, result: nil, requestId: "req-1"
        )
        #expect(
            xml == #"<DeleteUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">"#
                + "<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></DeleteUserResponse>"
        )
    }

    @Test("an error document matches the AWS shape")
    func errorDocumentMatchesAWSShape() {
        let error = STSError(.invalidClientTokenId, "The security token included in the request is invalid.")
        let xml = QueryResponse.errorXML(
            error, namespace: QueryResponse.stsNamespace, requestId: "4d0cf5ec-892a-4d3f-84e4-30e9987d9bdd"
        )
        #expect(xml == Golden.compact(Golden.invalidClientTokenId))
    }

    @Test("a 5xx error is typed Receiver")
    func serverErrorIsReceiver() {
        let xml = QueryResponse.errorXML(
            STSError(.internalFailure, "x"), namespace: QueryResponse.stsNamespace, requestId: "r"
        )
        #expect(xml.contains("<Type>Receiver</Type><Code>InternalFailure</Code>"))
    }

    @Test("nested structures, lists, numbers, booleans and timestamps render as awsQuery does")
    func nestedShapesRender() {
        let result = ResponseNode.result([
            .structure(
                "Credentials",
                [
                    .string("AccessKeyId", "ASIAEXAMPLE"),
                    .timestamp("Expiration", epochSeconds: 1_573_306_481),
                ]),
            .integer("PackedPolicySize", 6),
            .list("Tags", [.structure("member", [.string("Key", "k"), .string("Value", "v")])]),
            .list("Names", strings: ["a", "b"]),
            .list("Empty", []),
            .boolean("IsTruncated", false),
            nil,
        ])
        let xml = QueryResponse.xml(action: "AssumeRole", namespace: "NS", result: result, requestId: "r")
        #expect(
            xml == #"<AssumeRoleResponse xmlns="NS"><AssumeRoleResult>"#
                + "<Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><Expiration>2019-11-09T13:34:41Z</Expiration>"
                + "</Credentials><PackedPolicySize>6</PackedPolicySize>"
                + "<Tags><member><Key>k</Key><Value>v</Value></member></Tags>"
                + "<Names><member>a</member><member>b</member></Names><Empty></Empty>"
                + "<IsTruncated>false</IsTruncated></AssumeRoleResult>"
                + "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>"
        )
    }

    @Test("hostile text cannot break out of its element")
    func hostileTextIsEscaped() {
        let error = STSError(.validationError, "</Message><Code>x</Code>&amp;\"'")
        let xml = QueryResponse.errorXML(error, namespace: QueryResponse.stsNamespace, requestId: "<r&>")
        #expect(
            xml.contains(
                "<Message>&lt;/Message&gt;&lt;Code&gt;x&lt;/Code&gt;&amp;amp;&quot;&apos;</Message>"
            )
        )
        #expect(xml.contains("<RequestId>&lt;r&amp;&gt;</RequestId>"))
    }

    @Test(
        "characters XML 1.0 cannot carry are replaced, carriage returns are encoded",
        arguments: [
            ("a\u{0}b", "a\u{FFFD}b"), ("a\u{1}\u{1F}b", "a\u{FFFD}\u{FFFD}b"),
            ("\u{FFFE}x\u{FFFF}", "\u{FFFD}x\u{FFFD}"),
            ("line\r\nnext\ttab", "line&#13;\nnext\ttab"), ("\u{EFFF}\u{FFFD}", "\u{EFFF}\u{FFFD}"),
            ("&\u{301}x", "&amp;\u{301}x"), ("é<é", "é&lt;é"), ("", ""),
        ]
    )
    func invalidXMLCharactersAreReplaced(_ input: String, _ expected: String) {
        let xml = QueryResponse.xml(action: "A", namespace: "N", result: .result([.string("V", input)]), requestId: "r")
        let whole =
            #"<AResponse xmlns="N"><AResult><V>"# + expected
            + "</V></AResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AResponse>"
        // Compare bytes: String equality is canonical equivalence and would hide a mangled combining mark.
        #expect(Array(xml.utf8) == Array(whole.utf8))
    }

    @Test("escaped output is readable back unchanged")
    func escapedOutputRoundTrips() throws {
        let hostile = "</Message><Code>x</Code> & \" ' > \r\n\t é 🔑 \u{2028}"
        let xml = QueryResponse.errorXML(
            STSError(.validationError, hostile), namespace: QueryResponse.stsNamespace, requestId: "r"
        )
        let parsed = try QueryResponse.parseError(xml: xml)
        #expect(parsed.message == hostile)
        #expect(parsed.code == "ValidationError")
    }
}
