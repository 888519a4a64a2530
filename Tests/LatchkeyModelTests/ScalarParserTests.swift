import Foundation
import Testing

@testable import LatchkeyModel

/// The scalar kinds no table member uses yet (booleans, timestamps, blobs) are tested on the parser.
@Suite struct ScalarParserTests {
    @Test(
        "timestamps are ISO 8601 as botocore sends them",
        arguments: [
            ("1970-01-01T00:00:00Z", 0.0), ("2011-06-15T12:30:45Z", 1_308_141_045),
            ("2024-02-29T00:00:00.5Z", 1_709_164_800.5),
            ("2011-06-15T14:30:45+02:00", 1_308_141_045), ("2011-06-15T07:30:45-05:00", 1_308_141_045),
        ])
    func timestampParses(text: String, seconds: Double) throws {
        let date = try #require(ScalarParser.timestamp(text))
        #expect(date.timeIntervalSince1970 == seconds)
    }

    @Test(
        "malformed timestamps are rejected",
        arguments: [
            "", "2011-06-15", "2011-06-15T12:30:45", "2011-13-01T00:00:00Z", "2023-02-29T00:00:00Z",
            "2011-06-15T24:00:00Z", "2011-06-15T12:30:45.Z", "2011-06-15 12:30:45Z", "2011-06-15T12:30:45Zjunk",
            "１９７０-01-01T00:00:00Z",
        ])
    func malformedTimestampRejected(text: String) {
        #expect(ScalarParser.timestamp(text) == nil)
    }

    @Test("booleans are exactly true or false")
    func booleans() throws {
        #expect(try ScalarParser.parse("true", as: .boolean, parameter: "P", redacted: false) == .boolean(true))
        #expect(try ScalarParser.parse("false", as: .boolean, parameter: "P", redacted: false) == .boolean(false))
        #expect(throws: STSError(.invalidParameterValue, "")) {
            try ScalarParser.parse("TRUE", as: .boolean, parameter: "P", redacted: false)
        }
    }

    @Test("blobs are base64 and a bad blob is rejected without echoing a redacted value")
    func blobs() throws {
        #expect(try ScalarParser.parse("aGk=", as: .blob, parameter: "P", redacted: false) == .blob(Data("hi".utf8)))
        do {
            _ = try ScalarParser.parse("not base64!", as: .blob, parameter: "Secret", redacted: true)
            Issue.record("expected a rejection")
        } catch {
            #expect(
                error.message
                    == "Value '*** Sensitive Data Redacted ***' for parameter Secret is invalid: it must be base64.")
        }
    }

    @Test(
        "blobs: padded standard base64, nonzero trailing bits accepted as before; padding inside the text refused",
        arguments: [
            ("aGk=", "hi"), ("aGl=", "hi"), ("", ""), ("QQ=A", nil), ("====", nil), ("aGk", nil), ("aG k=", nil),
        ]
            as [(String, String?)])
    func blobSpellings(text: String, decoded: String?) {
        let value = try? ScalarParser.parse(text, as: .blob, parameter: "P", redacted: false)
        #expect(value == decoded.map { .blob(Data($0.utf8)) })
    }

    @Test(
        "integers follow Integer.parseInt within 32 bits",
        arguments: [
            ("0", 0), ("-2147483648", -2_147_483_648), ("2147483647", 2_147_483_647), ("+7", 7), ("007", 7),
        ])
    func integerBounds(text: String, value: Int) {
        #expect(ScalarParser.integer(text) == value)
    }

    @Test(
        "integers outside 32 bits or with stray characters are rejected",
        arguments: [
            "2147483648", "-2147483649", "+", "-", "1_000", "٣", "1e3",
        ])
    func integerRejections(text: String) {
        #expect(ScalarParser.integer(text) == nil)
    }
}
