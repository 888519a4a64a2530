import LatchkeyBase
import Testing

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

@Suite struct ISO8601ParserTests {
    typealias Timestamp = ISO8601Parser.Timestamp

    @Test(
        "every preset reads the plain UTC form and its fraction in nanoseconds",
        arguments: [ISO8601Parser.aws, .rfc3339, .xmlSchema, .w3c])
    func plainUTC(parser: ISO8601Parser) {
        #expect(parser.parse("2019-11-09T13:34:41Z") == Timestamp(epochSeconds: 1_573_306_481, nanoseconds: 0))
        #expect(
            parser.parse("2012-05-08T23:34:01.495Z") == Timestamp(epochSeconds: 1_336_520_041, nanoseconds: 495_000_000)
        )
        #expect(parser.parse("2000-02-29T00:00:00.000000001Z") == Timestamp(epochSeconds: 951_782_400, nanoseconds: 1))
        #expect(parser.parse("1969-12-31T23:59:59Z")?.epochSeconds == -1)
        #expect(parser.parse("0000-01-01T00:00:00Z")?.epochSeconds == -62_167_219_200)
        #expect(parser.parse("9999-12-31T23:59:59Z")?.epochSeconds == 253_402_300_799)
    }

    @Test(
        "every preset refuses impossible fields and stray text",
        arguments: [
            "", "2019-11-09 13:34:41Z", "2019-13-09T13:34:41Z", "2019-00-09T13:34:41Z", "2019-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z", "2019-11-31T00:00:00Z", "2019-11-00T00:00:00Z", "2019-11-09T24:00:00Z",
            "2019-11-09T13:60:41Z", "2019-11-09T13:34:60Z", "2019-11-09T13:34:41.Z", "+019-11-09T13:34:41Z",
            "2019-1-09T13:34:41Z", "2019-11-09T13:34:4xZ", "2019-11-09T13:34:41Zjunk", "2019-11-09T13:34:41ZZ",
            "2019-11-09T13:34:41+24:00", "2019-11-09T13:34:41+01:60", "2019-11-09T13:34:41+0100",
            "２０１９-11-09T13:34:41Z",
        ])
    func refusedByAll(text: String) {
        for parser in [ISO8601Parser.aws, .rfc3339, .xmlSchema, .w3c] {
            #expect(parser.parse(text) == nil)
        }
    }

    @Test("zone: aws takes Z only, rfc3339 and xmlSchema require a zone, w3c reads none as UTC")
    func zones() {
        let offset = "2025-06-01T14:00:00+02:00"
        let negative = "2025-06-01T07:00:00-05:00"
        let none = "2025-06-01T12:00:00"
        #expect(ISO8601Parser.aws.parse(offset) == nil)
        #expect(ISO8601Parser.aws.parse(none) == nil)
        for parser in [ISO8601Parser.rfc3339, .xmlSchema, .w3c] {
            #expect(parser.parse(offset)?.epochSeconds == 1_748_779_200)
            #expect(parser.parse(negative)?.epochSeconds == 1_748_779_200)
        }
        #expect(ISO8601Parser.rfc3339.parse(none) == nil)
        #expect(ISO8601Parser.xmlSchema.parse(none) == nil)
        #expect(ISO8601Parser.w3c.parse(none)?.epochSeconds == 1_748_779_200)
    }

    @Test("fraction digits: at most 9 for aws and rfc3339, any number (within the length) for xmlSchema and w3c")
    func fractionDigits() {
        let ten = "2019-11-09T13:34:41.1234567891Z"
        #expect(ISO8601Parser.aws.parse(ten) == nil)
        #expect(ISO8601Parser.rfc3339.parse(ten) == nil)
        #expect(ISO8601Parser.xmlSchema.parse(ten) == Timestamp(epochSeconds: 1_573_306_481, nanoseconds: 123_456_789))
        #expect(ISO8601Parser.w3c.parse(ten) == Timestamp(epochSeconds: 1_573_306_481, nanoseconds: 123_456_789))
        // xmlSchema stops at 40 bytes, w3c at 64.
        let forty = "2019-11-09T13:34:41." + String(repeating: "1", count: 19) + "Z"
        let fortyOne = "2019-11-09T13:34:41." + String(repeating: "1", count: 20) + "Z"
        #expect(forty.utf8.count == 40)
        #expect(ISO8601Parser.xmlSchema.parse(forty) != nil)
        #expect(ISO8601Parser.xmlSchema.parse(fortyOne) == nil)
        #expect(ISO8601Parser.w3c.parse(fortyOne) != nil)
    }

    @Test("reduced precision and lowercase designators are w3c's alone")
    func reducedAndLowercase() {
        for text in ["2020-01", "2020-01-01", "2020-01-01T00:00Z", "2020-01-01t00:00:00z", "2020-01-01T00:00"] {
            #expect(ISO8601Parser.w3c.parse(text) == Timestamp(epochSeconds: 1_577_836_800, nanoseconds: 0))
            #expect(ISO8601Parser.aws.parse(text) == nil)
            #expect(ISO8601Parser.rfc3339.parse(text) == nil)
            #expect(ISO8601Parser.xmlSchema.parse(text) == nil)
        }
        #expect(ISO8601Parser.w3c.parse("2020") == nil)
        #expect(ISO8601Parser.w3c.parse("2020-01-") == nil)
        #expect(ISO8601Parser.w3c.parse("2020-01-01T00") == nil)
        #expect(ISO8601Parser.w3c.parse("2020-01-01T00:00.5Z") == nil)
    }

    @Test("the timestamp converts to a Date with its fraction")
    func dates() throws {
        let timestamp = try #require(ISO8601Parser.aws.parse("2012-05-08T23:34:01.495Z"))
        #expect(abs(timestamp.timeIntervalSince1970 - 1_336_520_041.495) < 0.000_01)
        #expect(timestamp.date.timeIntervalSince1970 == timestamp.timeIntervalSince1970)
    }
}
