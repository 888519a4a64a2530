import LatchkeyBase
import Testing

@Suite struct GregorianCalendarTests {
    @Test("days from civil dates and back agree over a wide range, around leap days and eras")
    func roundTrip() {
        for days in stride(from: Int64(-1_000_000), through: 3_000_000, by: 97) {
            let (year, month, day) = GregorianCalendar.civil(fromDays: days)
            #expect(GregorianCalendar.isValidDate(year: year, month: month, day: day))
            #expect(GregorianCalendar.days(fromCivil: year, month: month, day: day) == days)
        }
        #expect(GregorianCalendar.days(fromCivil: 1970, month: 1, day: 1) == 0)
        #expect(GregorianCalendar.days(fromCivil: 2000, month: 3, day: 1) == 11_017)
        #expect(GregorianCalendar.civil(fromDays: 11_016) == (2000, 2, 29))
        #expect(GregorianCalendar.civil(fromDays: -1) == (1969, 12, 31))
    }

    @Test("leap years and month lengths")
    func leapYears() {
        #expect(GregorianCalendar.isLeapYear(2000))
        #expect(GregorianCalendar.isLeapYear(2024))
        #expect(!GregorianCalendar.isLeapYear(1900))
        #expect(!GregorianCalendar.isLeapYear(2025))
        #expect(GregorianCalendar.daysInMonth(year: 2024, month: 2) == 29)
        #expect(GregorianCalendar.daysInMonth(year: 2100, month: 2) == 28)
        #expect(
            (1...12).map { GregorianCalendar.daysInMonth(year: 2025, month: $0) }
                == [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
        #expect(!GregorianCalendar.isValidDate(year: 2025, month: 13, day: 1))
        #expect(!GregorianCalendar.isValidDate(year: 2025, month: 4, day: 31))
        #expect(!GregorianCalendar.isValidDate(year: 2025, month: 4, day: 0))
    }

    @Test("epoch seconds split into days and the second of the day, rounded toward the past")
    func split() {
        #expect(GregorianCalendar.split(epochSeconds: 0) == (0, 0))
        #expect(GregorianCalendar.split(epochSeconds: -1) == (-1, 86_399))
        #expect(GregorianCalendar.split(epochSeconds: -86_400) == (-1, 0))
        #expect(GregorianCalendar.split(epochSeconds: 86_401) == (1, 1))
        #expect(GregorianCalendar.split(epochSeconds: .min).secondOfDay >= 0)
        #expect(
            GregorianCalendar.epochSeconds(year: 2019, month: 11, day: 9, hour: 13, minute: 34, second: 41)
                == 1_573_306_481)
    }
}

@Suite struct HexTests {
    @Test("encodes lowercase, or uppercase on request")
    func encodes() {
        #expect(Hex.encode([0x00, 0x0f, 0xa5, 0xff]) == "000fa5ff")
        var output: [UInt8] = []
        Hex.append([0x00, 0x0f, 0xa5, 0xff], to: &output, uppercase: true)
        #expect(String(decoding: output, as: UTF8.self) == "000FA5FF")
        #expect(Hex.encodeBytes([0xab]) == Array("ab".utf8))
        #expect(Hex.encode([]) == "")
    }

    @Test("reads digits in either case and nothing else")
    func reads() {
        for byte in UInt8.min...UInt8.max {
            let expected = Int(String(UnicodeScalar(byte)), radix: 16).map(UInt8.init)
            #expect(Hex.value(of: byte) == expected, "byte \(byte)")
        }
        #expect(Hex.value(of: Unicode.Scalar("F")) == 15)
        #expect(Hex.value(of: Unicode.Scalar(0xFF21)!) == nil)  // fullwidth A
        #expect(Hex.value(of: Unicode.Scalar(0x141)!) == nil)  // 0x41 in the low byte
    }

    @Test("isLowercaseHex checks the exact count and lowercase digits")
    func isLowercaseHex() {
        #expect(Hex.isLowercaseHex("00ff", count: 4))
        #expect(!Hex.isLowercaseHex("00FF", count: 4))
        #expect(!Hex.isLowercaseHex("00f", count: 4))
        #expect(!Hex.isLowercaseHex("00fff", count: 4))
        #expect(!Hex.isLowercaseHex("00fg", count: 4))
        #expect(Hex.isLowercaseHex("", count: 0))
    }
}

@Suite struct ConstantTimeTests {
    @Test(
        "equals is true only for equal byte sequences",
        arguments: [
            ([UInt8](), [UInt8](), true), ([1, 2, 3], [1, 2, 3], true), ([1, 2, 3], [1, 2, 4], false),
            ([0x80, 2, 3], [0, 2, 3], false), ([1, 2, 3], [1, 2], false), ([1, 2], [1, 2, 3], false), ([], [0], false),
        ] as [([UInt8], [UInt8], Bool)])
    func bytes(lhs: [UInt8], rhs: [UInt8], equal: Bool) {
        #expect(ConstantTime.equals(lhs, rhs) == equal)
        #expect(ConstantTime.equals(lhs[...], rhs) == equal)
    }

    @Test("TOTP codes: constant-time equality agrees with ordinary equality (moved from TOTPTests)")
    func totpCodes() {
        #expect(ConstantTime.equals("287082", "287082"))
        #expect(!ConstantTime.equals("287082", "287083"))
        #expect(!ConstantTime.equals("287082", "28708"))
        #expect(!ConstantTime.equals("", "0"))
        #expect(ConstantTime.equals("", ""))
        // Lengths that differ by a multiple of 256 must still differ.
        #expect(!ConstantTime.equals("", String(repeating: "a", count: 256)))
    }

    @Test("strings compare by their UTF-8 bytes, without normalization")
    func strings() {
        #expect(ConstantTime.equals("287082", "287082"))
        #expect(!ConstantTime.equals("287082", "287083"))
        #expect(!ConstantTime.equals("287082", "28708"))
        #expect(ConstantTime.equals("", ""))
        #expect(!ConstantTime.equals("é", "e\u{301}"))
    }
}

@Suite struct UTF8ValidationTests {
    @Test(
        "accepts and refuses exactly what the standard library's validating initializer does",
        arguments: [
            [], [0x41], [0xC3, 0xA9], [0xE2, 0x82, 0xAC], [0xF0, 0x9F, 0x98, 0x80], [0xF4, 0x8F, 0xBF, 0xBF],
            [0x80], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF0, 0x80, 0x80, 0x80],
            [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFF], [0xC3], [0xE2, 0x82], [0xF0, 0x9F, 0x98],
            [0x41, 0xC3, 0x28], [0xEF, 0xBB, 0xBF, 0x00],
        ] as [[UInt8]])
    func agreesWithStandardLibrary(bytes: [UInt8]) {
        let expected = String(validating: bytes, as: UTF8.self)
        #expect(bytes.withUnsafeBufferPointer { UTF8Validation.string($0) } == expected)
        #expect(bytes.withUnsafeBufferPointer { UTF8Validation.isValid($0) } == (expected != nil))
        #expect(UTF8Validation.string(bytes[...]) == expected)
    }

    @Test("agrees with the standard library on every two-byte sequence")
    func everyPair() {
        for first in UInt8.min...UInt8.max {
            for second in UInt8.min...UInt8.max {
                let bytes = [first, second]
                #expect(
                    bytes.withUnsafeBufferPointer(UTF8Validation.isValid)
                        == (String(validating: bytes, as: UTF8.self) != nil))
            }
        }
    }
}

@Suite struct JSONReaderTests {
    @Test("reads a document, keeping member order and number lexemes; refuses duplicates and trailing text")
    func reads() throws {
        let value = try JSONReader.read(#"{"b": [1, -0.5e3], "a": {"x": null}}"#)
        guard case .object(let object) = value else {
            Issue.record("not an object")
            return
        }
        #expect(object.members.map(\.key) == ["b", "a"])
        #expect(object["b"] == .array([.number("1"), .number("-0.5e3")]))
        #expect(value.typeName == "object")
        #expect(value.serialized == #"{"b":[1,-0.5e3],"a":{"x":null}}"#)
        #expect(throws: JSONReader.Failure.self) { try JSONReader.read(#"{"a":1,"a":2}"#) }
        #expect(throws: JSONReader.Failure.self) { try JSONReader.read(#"{"a":1} x"#) }
        #expect(throws: JSONReader.Failure.self) { try JSONReader.read(#"["\u00g0"]"#) }
        #expect(try JSONReader.read(#"["\u00E9\u00e9"]"#) == .array([.string("éé")]))
    }
}

@Suite struct PercentEncodingTests {
    @Test("encodes everything but the RFC 3986 unreserved characters, in uppercase hex; keeps / on request")
    func encodes() {
        #expect(PercentEncoding.encode("AZaz09-._~") == "AZaz09-._~")
        #expect(PercentEncoding.encode("a b+c/d=é*") == "a%20b%2Bc%2Fd%3D%C3%A9%2A")
        var output: [UInt8] = []
        PercentEncoding.append(Array("/a b/".utf8), to: &output, keepSlash: true)
        #expect(String(decoding: output, as: UTF8.self) == "/a%20b/")
        for byte in UInt8.min...UInt8.max {
            let unreserved =
                (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || (byte >= 0x30 && byte <= 0x39) || [0x2D, 0x2E, 0x5F, 0x7E].contains(byte)
            #expect(PercentEncoding.isUnreserved(byte) == unreserved)
        }
    }

    @Test("decodes escapes in either case, keeps + literal, and refuses truncated or non-hex escapes")
    func decodes() {
        func decode(_ text: String) -> String? {
            let bytes = Array(text.utf8)
            var output: [UInt8] = []
            guard PercentEncoding.decode(bytes, 0..<bytes.count, into: &output) else { return nil }
            return String(decoding: output, as: UTF8.self)
        }
        #expect(decode("a%20b%2bc+d%C3%a9") == "a b+c+dé")
        #expect(decode("%41") == "A")
        #expect(decode("%4") == nil)
        #expect(decode("%") == nil)
        #expect(decode("%G1") == nil)
        let bytes = Array("x%41y".utf8)
        #expect(PercentEncoding.isCanonical(bytes, 0..<1))
        #expect(!PercentEncoding.isCanonical(bytes, 0..<5))
    }
}

@Suite struct JSONQuotingTests {
    @Test("quoted escapes quotes, backslashes and control characters, and reads back to the same text")
    func quoted() throws {
        #expect(JSONValue.quoted("a\"b\\c\nd\re\tf\u{1}g\u{1F}é/") == #""a\"b\\c\nd\re\tf\u0001g\u001fé/""#)
        for text in ["", "plain", "\u{0}\u{8}\u{C}\u{7F}", "😀 \u{2028}"] {
            #expect(try JSONReader.read("[\(JSONValue.quoted(text))]") == .array([.string(text)]))
        }
    }
}
