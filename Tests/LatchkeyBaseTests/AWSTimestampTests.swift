import LatchkeyBase
import Testing

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

@Suite struct AWSTimestampTests {
    @Test(
        "epoch seconds format as AWS ISO 8601",
        arguments: [
            (Int64(0), "1970-01-01T00:00:00Z"), (1_573_306_481, "2019-11-09T13:34:41Z"),
            (951_782_400, "2000-02-29T00:00:00Z"), (-1, "1969-12-31T23:59:59Z"),
            (-86_400, "1969-12-31T00:00:00Z"), (4_107_542_399, "2100-02-28T23:59:59Z"),
            (253_402_300_799, "9999-12-31T23:59:59Z"), (-62_167_219_200, "0000-01-01T00:00:00Z"),
            (Int64.max, "9999-12-31T23:59:59Z"), (Int64.min, "0000-01-01T00:00:00Z"),
        ]
    )
    func formatsEpochSeconds(_ seconds: Int64, _ expected: String) {
        #expect(AWSTimestamp.string(epochSeconds: seconds) == expected)
    }

    @Test("dates drop their fraction toward the past")
    func datesDropFraction() {
        #expect(AWSTimestamp.string(from: Date(timeIntervalSince1970: 1_573_306_481.999)) == "2019-11-09T13:34:41Z")
        #expect(AWSTimestamp.string(from: Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59Z")
        #expect(AWSTimestamp.string(from: .distantFuture) == "4001-01-01T00:00:00Z")
    }

    @Test("formatting agrees with parsing over a wide range of days")
    func formatParseAgree() {
        for seconds in stride(from: Int64(-5_000_000_000), through: 10_000_000_000, by: 7_777_777) {
            let text = AWSTimestamp.string(epochSeconds: seconds)
            #expect(AWSTimestamp.epochSeconds(from: text) == seconds)
        }
    }

    @Test("fractional seconds are accepted when parsing")
    func parsesFraction() throws {
        let date = try #require(AWSTimestamp.date(from: "2012-05-08T23:34:01.495Z"))
        #expect(abs(date.timeIntervalSince1970 - 1_336_520_041.495) < 0.000_01)
        #expect(AWSTimestamp.epochSeconds(from: "2012-05-08T23:34:01.495Z") == 1_336_520_041)
    }

    @Test(
        "malformed timestamps are rejected",
        arguments: [
            "", "2019-11-09 13:34:41Z", "2019-11-09T13:34:41", "2019-11-09T13:34:41+00:00", "2019-13-09T13:34:41Z",
            "2019-02-29T00:00:00Z", "2019-11-31T00:00:00Z", "2019-11-09T24:00:00Z", "2019-11-09T13:60:41Z",
            "2019-11-09T13:34:60Z", "2019-11-09t13:34:41z", "2019-11-09T13:34:41.Z", "2019-11-09T13:34:41.1234567890Z",
            "+019-11-09T13:34:41Z", "2019-1-09T13:34:41Z", "2019-11-09T13:34:4xZ",
        ]
    )
    func malformedTimestampIsRejected(_ text: String) {
        #expect(AWSTimestamp.date(from: text) == nil)
    }
}
