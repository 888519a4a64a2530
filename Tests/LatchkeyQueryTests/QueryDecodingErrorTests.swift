import LatchkeyModel
import LatchkeyQuery
import Testing

@Suite struct QueryDecodingErrorTests {
    static let inputs: [(String, QueryLimits)] = [
        ("a=1&a=2", .default), ("a=%zz", .default), ("a=%C3%28", .default), ("=x", .default),
        ("a=1&b=2", QueryLimits(maxParameters: 1)), ("abc=1", QueryLimits(maxKeyLength: 2)),
        ("a=123", QueryLimits(maxValueLength: 2)),
    ]

    @Test("syntax and structure errors become InvalidQueryParameter (400, Sender)", arguments: inputs)
    func structuralErrorsMapToInvalidQueryParameter(_ input: String, _ limits: QueryLimits) throws {
        let error = try #require(throws: QueryDecodingError.self) {
            try QueryParameters.parse(input.utf8, limits: limits)
        }
        let sts = error.stsError
        #expect(sts.code == .invalidQueryParameter)
        #expect(sts.code.httpStatus == 400)
        #expect(sts.code.fault == .sender)
        #expect(sts.message == error.message)
    }

    @Test("an input over the size limit becomes RequestEntityTooLarge (413)")
    func inputTooLargeMapsToRequestEntityTooLarge() throws {
        let error = try #require(throws: QueryDecodingError.self) {
            try QueryParameters.parse("a=1234".utf8, limits: QueryLimits(maxInputLength: 3))
        }
        #expect(error.stsError.code == .requestEntityTooLarge)
        #expect(error.stsError.code.httpStatus == 413)
    }

    @Test("the messages match AWS wording")
    func messagesMatchAWSWording() throws {
        let encoding = try #require(throws: QueryDecodingError.self) { try QueryParameters.parse("a=%zz".utf8) }
        #expect(encoding.message == "Invalid percent-encoding in query parameter name or value.")
        let duplicate = try #require(throws: QueryDecodingError.self) {
            try QueryParameters.parse("Action&Action".utf8)
        }
        #expect(duplicate.message == "The parameter Action is specified more than once.")
    }

    @Test("a hostile key is shortened and stripped of control characters in messages")
    func hostileKeyIsSanitisedInMessages() throws {
        let key = "%0A%0D" + String(repeating: "K", count: 200)
        let error = try #require(throws: QueryDecodingError.self) {
            try QueryParameters.parse("\(key)=1&\(key)=2".utf8)
        }
        #expect(!error.message.contains("\n"))
        #expect(!error.message.contains("\r"))
        #expect(error.message.count < 120)
    }
}
