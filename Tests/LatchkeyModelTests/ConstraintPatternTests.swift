import LatchkeyModel
import Testing

@Suite struct ConstraintPatternTests {
    static let sessionName = ConstraintPattern(#"[\w+=,.@-]*"#)
    static let tagValue = ConstraintPattern(#"[\p{L}\p{Z}\p{N}_.:/=+\-@]*"#)
    static let tagKey = ConstraintPattern(#"[\p{L}\p{Z}\p{N}_.:/=+\-@]+"#)
    static let path = ConstraintPattern(#"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)"#)
    static let arn = ConstraintPattern(
        #"[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+"#)

    @Test("every pattern in every table compiles")
    func everyTablePatternCompiles() {
        var seen = 0
        func visit(_ shape: ShapeSchema) {
            if let pattern = shape.pattern {
                seen += 1
                #expect(pattern.isCompiled, "\(shape.name): \(pattern.source)")
            }
            shape.element.map(visit)
            shape.members.forEach { visit($0.shape) }
        }
        OperationSchema.all.forEach { visit($0.input) }
        #expect(seen > 40)
    }

    @Test(
        "Java \\w is ASCII: letters, digits and underscore only",
        arguments: [("Session_1+=,.@-", true), ("", true), ("é", false), ("a b", false), ("日本", false), ("a/b", false)])
    func javaWordIsASCII(value: String, matches: Bool) {
        #expect(Self.sessionName.matches(value) == matches)
    }

    @Test(
        "\\p{L}, \\p{Z} and \\p{N} accept Unicode letters, separators and numbers",
        arguments: [
            ("café", true), ("标签值", true), ("Ünïcödé 123", true), ("٣", true), ("a\u{00A0}b", true),
            ("emoji😀", false), ("tab\t", false), ("semi;colon", false), ("", true),
        ])
    func unicodePropertiesInTagValues(value: String, matches: Bool) {
        #expect(Self.tagValue.matches(value) == matches)
    }

    @Test("the whole value must match: a valid prefix followed by junk is rejected")
    func matchIsWholeString() {
        #expect(Self.tagKey.matches("Project"))
        #expect(!Self.tagKey.matches("Project#"))
        #expect(!Self.tagKey.matches("#Project"))
        #expect(!Self.tagKey.matches(""))
        let digits = ConstraintPattern(#"[\d]*"#)
        #expect(digits.matches("123456"))
        #expect(!digits.matches("123456x"))
        #expect(!digits.matches("１２３"))  // fullwidth digits are not Java \d
    }

    @Test(
        "IAM paths: alternation of a lone slash or slash-delimited printable ASCII",
        arguments: [
            ("/", true), ("/division/", true), ("/a/b/", true), ("//", false), ("/a", false), ("a/", false),
            ("/a b/", false), ("", false), ("/é/", false),
        ])
    func iamPathAlternation(value: String, matches: Bool) {
        #expect(Self.path.matches(value) == matches)
    }

    @Test("\\uXXXX takes exactly four hex digits, as in Java: \\u10000-\\u10FFFF does not reach past U+FFFF")
    func unicodeEscapeTakesFourDigits() {
        #expect(Self.arn.matches("arn:aws:iam::123456789012:role/demo"))
        #expect(Self.arn.matches("\u{00E9}\u{4E2D}\u{FFFD}"))
        #expect(!Self.arn.matches("\u{0001}"))
        #expect(!Self.arn.matches("\u{1F600}"))
    }

    @Test("escaped punctuation and a trailing hyphen are literals in a class")
    func classLiterals() {
        let externalId = ConstraintPattern(#"[\w+=,.@:\/-]*"#)
        #expect(externalId.matches("a/b:c-d"))
        #expect(!externalId.matches("a\\b"))
    }

    @Test(
        "patterns outside the supported subset do not compile and match nothing",
        arguments: [#"[a-z"#, #"a{2}"#, #"(a"#, #"\k"#, #"[z-a]"#, #"\p{Greek}"#, #"^a$"#, #"."#, #"\1"#])
    func unsupportedPatternsFailClosed(source: String) {
        let pattern = ConstraintPattern(source)
        #expect(!pattern.isCompiled)
        #expect(!pattern.matches("a"))
        #expect(!pattern.matches(""))
    }

    @Test("matching stays linear on long adversarial input")
    func linearTimeOnLongInput() {
        let nested = ConstraintPattern(#"(a*)*b"#)
        let input = String(repeating: "a", count: 50_000)
        #expect(nested.isCompiled)
        #expect(!nested.matches(input))
        #expect(nested.matches(input + "b"))
    }

    @Test("the source is kept verbatim for messages and equality")
    func sourceKeptVerbatim() {
        #expect(Self.sessionName.source == #"[\w+=,.@-]*"#)
        #expect(Self.sessionName.description == #"[\w+=,.@-]*"#)
        #expect(ConstraintPattern(#"[\d]*"#) == ConstraintPattern(#"[\d]*"#))
    }
}
