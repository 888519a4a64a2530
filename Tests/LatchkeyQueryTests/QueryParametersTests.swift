import LatchkeyQuery
import Testing

@Suite struct QueryParametersTests {
    struct Rejection: Sendable, CustomTestStringConvertible {
        let name: String
        let input: String
        let limits: QueryLimits
        let code: QueryDecodingError.Code

        init(_ name: String, _ input: String, limits: QueryLimits = .default, _ code: QueryDecodingError.Code) {
            self.name = name
            self.input = input
            self.limits = limits
            self.code = code
        }

        var testDescription: String { name }
    }

    static let rejections: [Rejection] = [
        Rejection("duplicate key", "Action=GetCallerIdentity&Version=2011-06-15&Action=AssumeRole", .duplicateKey),
        Rejection("duplicate key once decoded", "Role%41rn=a&RoleArn=b", .duplicateKey),
        Rejection("duplicate key without values", "a&a", .duplicateKey),
        Rejection("non-hex escape %zz", "Action=%zz", .badPercentEncoding),
        Rejection("truncated escape %4", "Action=%4", .badPercentEncoding),
        Rejection("lone percent", "Action=%", .badPercentEncoding),
        Rejection("lone percent in key", "Act%ion=x", .badPercentEncoding),
        Rejection("half-hex escape %4g", "Action=%4g", .badPercentEncoding),
        Rejection("invalid UTF-8 %C3%28", "Action=%C3%28", .invalidUTF8),
        Rejection("invalid UTF-8 in key", "%FF=x", .invalidUTF8),
        Rejection("overlong UTF-8 encoding", "Action=%C0%AF", .invalidUTF8),
        Rejection("encoded surrogate", "Action=%ED%A0%80", .invalidUTF8),
        Rejection("code point above U+10FFFF", "Action=%F4%90%80%80", .invalidUTF8),
        Rejection("truncated sequence", "Action=%E2%82", .invalidUTF8),
        Rejection("lone continuation byte", "Action=%80", .invalidUTF8),
        Rejection("empty key =x", "=x", .emptyKey),
        Rejection("empty key after a pair", "Action=A&=x", .emptyKey),
        Rejection("bare equals sign", "Action=A&=", .emptyKey),
        Rejection(
            "too many parameters", (1...4).map { "k\($0)=v" }.joined(separator: "&"),
            limits: QueryLimits(maxParameters: 3), .tooManyParameters
        ),
        Rejection("501 parameters", (1...501).map { "k\($0)=v" }.joined(separator: "&"), .tooManyParameters),
        Rejection("key too long", String(repeating: "k", count: 257) + "=v", .keyTooLong),
        Rejection(
            "encoded key too long once decoded", String(repeating: "%41", count: 9) + "=v",
            limits: QueryLimits(maxKeyLength: 8), .keyTooLong
        ),
        Rejection("value too long", "Policy=" + String(repeating: "v", count: 200_001), .valueTooLong),
        Rejection(
            "encoded value too long once decoded", "Policy=" + String(repeating: "+", count: 9),
            limits: QueryLimits(maxValueLength: 8), .valueTooLong
        ),
        Rejection("huge input", "Policy=" + String(repeating: "v", count: 512 * 1024), .inputTooLarge),
        Rejection("input just over the limit", "a=12345", limits: QueryLimits(maxInputLength: 6), .inputTooLarge),
    ]

    @Test("malformed or oversized forms are rejected with the right code", arguments: rejections)
    func malformedFormIsRejected(_ rejection: Rejection) {
        #expect(throws: QueryDecodingError(rejection.code, "")) {
            try QueryParameters.parse(Array(rejection.input.utf8), limits: rejection.limits)
        }
    }

    @Test("the same rejections apply to non-contiguous input", arguments: rejections.prefix(6))
    func nonContiguousInputIsRejectedAlike(_ rejection: Rejection) {
        #expect(throws: QueryDecodingError(rejection.code, "")) {
            try QueryParameters.parse(rejection.input.utf8.lazy.map { $0 }, limits: rejection.limits)
        }
    }

    @Test(
        "raw bytes that are not UTF-8 are rejected",
        arguments: [[0xFF], [0xC3, 0x28], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80]] as [[UInt8]]
    )
    func rawInvalidUTF8IsRejected(_ bytes: [UInt8]) {
        #expect(throws: QueryDecodingError(.invalidUTF8, "")) {
            try QueryParameters.parse(Array("Action=".utf8) + bytes)
        }
        #expect(throws: QueryDecodingError(.invalidUTF8, "")) {
            try QueryParameters.parse(bytes + Array("=x".utf8))
        }
    }

    @Test("a repeated key names the key, never the value")
    func duplicateParameterIsRejected() throws {
        let error = try #require(throws: QueryDecodingError.self) {
            try QueryParameters.parse("Action=GetCallerIdentity&Action=secret-value".utf8)
        }
        #expect(error.code == .duplicateKey)
        #expect(error.message == "The parameter Action is specified more than once.")
        #expect(!error.message.contains("secret"))
    }

    @Test("a value too long names the key, never the value")
    func valueTooLongNamesKeyOnly() throws {
        let error = try #require(throws: QueryDecodingError.self) {
            try QueryParameters.parse("Token=secretsecret".utf8, limits: QueryLimits(maxValueLength: 4))
        }
        #expect(error.message.contains("Token"))
        #expect(!error.message.contains("secret"))
    }

    struct Acceptance: Sendable, CustomTestStringConvertible {
        let name: String
        let input: String
        let expected: [QueryParameter]

        init(_ name: String, _ input: String, _ expected: [(String, String)]) {
            self.name = name
            self.input = input
            self.expected = expected.map { QueryParameter(key: $0.0, value: $0.1) }
        }

        var testDescription: String { name }
    }

    static let acceptances: [Acceptance] = [
        Acceptance(
            "plain body", "Action=GetCallerIdentity&Version=2011-06-15",
            [("Action", "GetCallerIdentity"), ("Version", "2011-06-15")]
        ),
        Acceptance("plus is a space", "RoleSessionName=a+b+c", [("RoleSessionName", "a b c")]),
        Acceptance("%2B is a plus", "SerialNumber=a%2Bb", [("SerialNumber", "a+b")]),
        Acceptance("%20 is a space", "k=a%20b", [("k", "a b")]),
        Acceptance("lowercase hex", "k=%2b%2f", [("k", "+/")]),
        Acceptance("unicode, percent-encoded", "Tag=%C3%A9t%C3%A9%20%F0%9F%94%91", [("Tag", "été 🔑")]),
        Acceptance("unicode, raw UTF-8", "Tag=été", [("Tag", "été")]),
        Acceptance("empty value", "ExternalId=&Action=A", [("ExternalId", ""), ("Action", "A")]),
        Acceptance("key without equals sign", "Flag&Action=A", [("Flag", ""), ("Action", "A")]),
        Acceptance("trailing ampersand", "Action=A&", [("Action", "A")]),
        Acceptance("doubled and leading ampersands", "&&Action=A&&Version=V&", [("Action", "A"), ("Version", "V")]),
        Acceptance("equals signs inside a value", "Policy=a=b==", [("Policy", "a=b==")]),
        Acceptance("empty input", "", []),
        Acceptance("keys differing only in case", "Action=A&action=B", [("Action", "A"), ("action", "B")]),
        Acceptance(
            ".member.N keys kept as they are",
            "PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FA&Tags.member.1.Key=k&Tags.member.1.Value=v",
            [
                ("PolicyArns.member.1.arn", "arn:aws:iam::aws:policy/A"), ("Tags.member.1.Key", "k"),
                ("Tags.member.1.Value", "v"),
            ]
        ),
        Acceptance("encoded ampersand and equals", "k=a%26b%3Dc", [("k", "a&b=c")]),
    ]

    @Test("well-formed forms decode in order", arguments: acceptances)
    func wellFormedFormDecodes(_ acceptance: Acceptance) throws {
        let parameters = try QueryParameters.parse(acceptance.input.utf8)
        #expect(Array(parameters) == acceptance.expected)
        #expect(parameters.count == acceptance.expected.count)
        for pair in acceptance.expected {
            #expect(parameters[pair.key] == pair.value)
        }
    }

    @Test("lookups, dictionary and absence")
    func lookupsAndDictionary() throws {
        let parameters = try QueryParameters.parse("Action=A&Empty=&Version=V".utf8)
        #expect(parameters["Action"] == "A")
        #expect(parameters["Empty"] == "")
        #expect(parameters["Missing"] == nil)
        #expect(parameters.contains(key: "Empty"))
        #expect(!parameters.contains(key: "Missing"))
        #expect(parameters.dictionary == ["Action": "A", "Empty": "", "Version": "V"])
        #expect(parameters.map(\.key) == ["Action", "Empty", "Version"])
    }

    @Test("input exactly at every limit is accepted")
    func inputAtLimitsIsAccepted() throws {
        let limits = QueryLimits(maxParameters: 2, maxKeyLength: 3, maxValueLength: 4, maxInputLength: 16)
        let parameters = try QueryParameters.parse("abc=1234&def=%41".utf8, limits: limits)
        #expect(parameters["abc"] == "1234")
        #expect(parameters["def"] == "A")
    }

    @Test("empty pairs do not count toward the parameter limit")
    func emptyPairsAreNotCounted() throws {
        let parameters = try QueryParameters.parse("&&a=1&&b=2&&".utf8, limits: QueryLimits(maxParameters: 2))
        #expect(parameters.count == 2)
    }

    @Test("the form encoder percent-encodes everything but unreserved characters")
    func formEncoderEncodes() throws {
        let parameters = try QueryParameters([
            (key: "Action", value: "AssumeRole"),
            (key: "RoleSessionName", value: "a b+c/d~e_f.g-h"),
            (key: "Tags.member.1.Value", value: "été&="),
        ])
        #expect(
            parameters.formEncoded()
                == "Action=AssumeRole&RoleSessionName=a%20b%2Bc%2Fd~e_f.g-h&Tags.member.1.Value=%C3%A9t%C3%A9%26%3D"
        )
        #expect(try QueryParameters.parse(parameters.formEncoded().utf8) == parameters)
    }

    @Test("building parameters rejects a repeated or empty key")
    func builderRejectsRepeatedKey() {
        #expect(throws: QueryDecodingError(.duplicateKey, "")) {
            try QueryParameters([(key: "a", value: "1"), (key: "a", value: "2")])
        }
        #expect(throws: QueryDecodingError(.emptyKey, "")) {
            try QueryParameters([(key: "", value: "1")])
        }
    }
}
