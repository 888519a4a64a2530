import LatchkeyBase
import Testing

@testable import LatchkeyPolicy

/// The strict JSON reader and the typed values of condition operators.
@Suite struct ValueParsingTests {
    @Test(
        "the JSON reader refuses what RFC 8259 does not allow",
        arguments: [
            "", " ", "{", "{]", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "[1,]", "[01]", "[1.]", "[.5]", "[1e]", "[-]",
            "[+1]", "[NaN]", "[tru]", "[nul]", "['a']", "[\"a\u{1}\"]", "[\"\\x\"]", "[\"\\u12\"]", "[\"\\udc00\"]",
            "[\"\\ud800\\u0041\"]", "{\"a\":1}{}", "{\"a\":1,\"a\":2}", "\u{FEFF}{}", "[1 2]", "{\"a\" 1}",
        ]
    )
    func invalidJSONIsRefused(text: String) {
        #expect(throws: JSONReader.Failure.self) { try JSONReader.read(text) }
    }

    @Test("the JSON reader keeps member order, number lexemes and decoded escapes")
    func jsonReaderKeepsDetails() throws {
        let value = try JSONReader.read(#" {"z": -1.50e+3, "a": [true, false, null, "\u00e9\ud83d\ude00\n\/"]} "#)
        guard case .object(let object) = value else {
            Issue.record("not an object")
            return
        }
        #expect(object.members.map(\.key) == ["z", "a"])
        #expect(object["z"] == .number("-1.50e+3"))
        #expect(object["a"] == .array([.bool(true), .bool(false), .null, .string("é😀\n/")]))
        #expect(value.serialized == #"{"z":-1.50e+3,"a":[true,false,null,"é😀\n/"]}"#)
    }

    @Test("the JSON reader caps depth and the number of values")
    func jsonReaderBounds() {
        #expect(throws: JSONReader.Failure.self) { try JSONReader.read("[[[[]]]]", maxDepth: 3) }
        #expect((try? JSONReader.read("[[[]]]", maxDepth: 3)) != nil)
        #expect(throws: JSONReader.Failure.self) { try JSONReader.read("[1,2,3,4]", maxNodes: 4) }
    }

    @Test(
        "dates in W3C ISO 8601 forms and epoch seconds",
        arguments: [
            ("1970-01-01T00:00:00Z", 0.0), ("2020-01-01T00:00:01Z", 1_577_836_801), ("2020-01-01", 1_577_836_800),
            ("2020-01", 1_577_836_800), ("2020-01-01T00:00Z", 1_577_836_800), ("2020-01-01t00:00:00z", 1_577_836_800),
            ("2020-01-01T01:00:00+01:00", 1_577_836_800), ("2019-12-31T19:00:00-05:00", 1_577_836_800),
            ("2020-01-01T00:00:00.25Z", 1_577_836_800.25), ("2020-01-01T00:00:00", 1_577_836_800),
            ("1577836800", 1_577_836_800), ("2024-02-29", 1_709_164_800), ("1900-03-01", -2_203_891_200),
        ]
    )
    func validDates(text: String, seconds: Double) {
        #expect(DateValue.seconds(text) == seconds)
    }

    @Test(
        "impossible or malformed dates are refused",
        arguments: [
            "2020-13-01", "2023-02-29", "2020-04-31", "2020-01-01T24:00:00Z", "2020-01-01T00:60:00Z",
            "2020-01-01T00:00:60Z", "2020-01-01T00:00:00.Z", "2020-01-01T00:00:00+0100", "2020-01-01T00:00:00ZZ",
            "20-01-01", "2020/01/01", "", "1e9", "-5", "2020-1-1", "1234567890123456", "2020-01-01T",
        ]
    )
    func invalidDates(text: String) {
        #expect(DateValue.seconds(text) == nil)
    }

    @Test(
        "CIDR ranges contain addresses",
        arguments: [
            ("203.0.113.0/24", "203.0.113.9", true), ("203.0.113.0/24", "203.0.112.9", false),
            ("0.0.0.0/0", "8.8.8.8", true), ("10.0.0.0/9", "10.127.0.1", true), ("10.0.0.0/9", "10.128.0.1", false),
            ("192.0.2.10", "192.0.2.10", true), ("192.0.2.10/32", "192.0.2.11", false),
            ("2001:DB8:1234:5678::/64", "2001:db8:1234:5678:ffff:ffff:ffff:ffff", true),
            ("2001:db8::/32", "2001:db9::1", false), ("::/0", "::1", true), ("::1", "::1", true),
            ("::ffff:10.0.0.0/104", "10.1.1.1", true), ("10.0.0.0/8", "::ffff:10.2.3.4", true),
            ("10.0.0.0/8", "2001:db8::1", false), ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8", true),
            ("1::8", "1:0:0:0:0:0:0:8", true), ("10.0.0.0/8", "10.0.0.0/7", false), ("10.0.0.0/7", "10.0.0.0/8", true),
        ]
    )
    func ipRanges(range: String, address: String, contained: Bool) throws {
        let cidr = try #require(IPRange(range))
        let candidate = try #require(IPRange(address))
        #expect(cidr.contains(candidate) == contained)
    }

    @Test(
        "malformed addresses are refused",
        arguments: [
            "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4/33", "1.2.3.4/", "1.2.3.4/-1", "::/129",
            "1:2:3:4:5:6:7:8:9", "1::2::3", ":::", "12345::", "g::1", "1.2.3.4 ", "1:2:3:4:5:6:7", "::1.2.3",
        ]
    )
    func invalidAddresses(text: String) {
        #expect(IPRange(text) == nil)
    }

    @Test(
        "decimal numbers compare exactly",
        arguments: [
            ("10", "10.0", 0), ("-0", "0", 0), ("0.1", "0.10", 0), ("9", "10", -1), ("-10", "-9", -1),
            ("1.0001", "1.001", -1), (".5", "0.5", 0),
            ("123456789012345678901234567890", "123456789012345678901234567891", -1),
            ("-1.5", "1", -1), ("+3", "3", 0),
        ]
    )
    func decimals(left: String, right: String, order: Int) throws {
        let lhs = try #require(DecimalValue(left))
        let rhs = try #require(DecimalValue(right))
        #expect((lhs < rhs ? -1 : lhs == rhs ? 0 : 1) == order)
    }

    @Test("non-numbers are refused", arguments: ["", "-", ".", "1.", "1e3", "0x10", "1,000", "--1", "1.2.3", " 1"])
    func invalidDecimals(text: String) {
        #expect(DecimalValue(text) == nil)
    }

    @Test(
        "base64 decoding is strict",
        arguments: [("", [UInt8]()), ("AA==", [0]), ("AAE=", [0, 1]), ("AAEC", [0, 1, 2]), ("/w==", [255])]
    )
    func base64(text: String, bytes: [UInt8]) {
        #expect(Base64.decode(text) == bytes)
    }

    @Test("invalid base64 is refused", arguments: ["A", "AA=", "A===", "AA==AA==", "A=AA", "AA!A", "AAAA\n"])
    func invalidBase64(text: String) {
        #expect(Base64.decode(text) == nil)
    }
}
