import Testing

@testable import LatchkeyQRCode

/// Version choice, data codewords, format and version information, and input rejection.
@Suite struct QRCodeEncodingTests {
    @Test("\"HELLO WORLD\" in byte mode at 1-M: mode 0100, count 11, the bytes, terminator, pad codewords")
    func byteModeDataCodewords() {
        let codewords = QRCode.dataCodewords(Array("HELLO WORLD".utf8), version: 1, errorCorrection: .medium)
        #expect(
            codewords == [
                0x40, 0xB4, 0x84, 0x54, 0xC4, 0xC4, 0xF2, 0x05, 0x74, 0xF5, 0x24, 0xC4, 0x40, 0xEC, 0x11, 0xEC,
            ])
    }

    @Test("versions 10 and up use a 16-bit character count")
    func sixteenBitCountFromVersionTen() {
        let codewords = QRCode.dataCodewords([0xAB], version: 10, errorCorrection: .medium)
        #expect(Array(codewords.prefix(4)) == [0x40, 0x00, 0x1A, 0xB0])
        #expect(codewords.count == QRCode.dataCodewordCount(version: 10, errorCorrection: .medium))
    }

    @Test(
        "the smallest version that fits is chosen, and one more byte moves to the next version",
        arguments: QRCode.ErrorCorrection.allCases)
    func smallestVersionIsChosen(_ level: QRCode.ErrorCorrection) throws {
        // Whole symbols at every capacity are built by the golden tests; this sweep checks the choice alone.
        for version in 1...39 {
            let capacity = QRCode.byteCapacity(version: version, errorCorrection: level)
            #expect(try QRCode.chooseVersion(byteCount: capacity, errorCorrection: level, fixed: nil) == version)
            #expect(
                try QRCode.chooseVersion(byteCount: capacity + 1, errorCorrection: level, fixed: nil) == version + 1)
        }
        let boundary = QRCode.byteCapacity(version: 9, errorCorrection: level)
        #expect(
            try QRCode.encode(bytes: [UInt8](repeating: 0x61, count: boundary), errorCorrection: level).version == 9)
        #expect(
            try QRCode.encode(bytes: [UInt8](repeating: 0x61, count: boundary + 1), errorCorrection: level).version
                == 10)
    }

    @Test("the published byte-mode capacities of versions 1, 7 and 40 (ISO/IEC 18004 Table 7)")
    func publishedCapacities() {
        #expect(QRCode.byteCapacity(version: 1, errorCorrection: .low) == 17)
        #expect(QRCode.byteCapacity(version: 1, errorCorrection: .high) == 7)
        #expect(QRCode.byteCapacity(version: 7, errorCorrection: .medium) == 122)
        #expect(QRCode.byteCapacity(version: 40, errorCorrection: .low) == 2953)
        #expect(QRCode.byteCapacity(version: 40, errorCorrection: .medium) == 2331)
        #expect(QRCode.byteCapacity(version: 40, errorCorrection: .quartile) == 1663)
        #expect(QRCode.byteCapacity(version: 40, errorCorrection: .high) == 1273)
        #expect(QRCode.maximumByteCount == 2953)
    }

    @Test(
        "text too long for version 40 is rejected, not a crash",
        arguments: [
            (QRCode.ErrorCorrection.low, 2954), (.medium, 2332), (.quartile, 1664), (.high, 1274), (.medium, 100_000),
        ])
    func tooLongInputIsRejected(_ level: QRCode.ErrorCorrection, _ count: Int) {
        let text = String(repeating: "a", count: count)
        #expect(throws: QRCodeError(.dataTooLong, "")) {
            try QRCode.encode(text, errorCorrection: level)
        }
    }

    @Test(
        "the largest input that fits version 40 is accepted at each level",
        arguments: [
            (QRCode.ErrorCorrection.low, 2953), (.medium, 2331), (.quartile, 1663), (.high, 1273),
        ])
    func largestInputIsAccepted(_ level: QRCode.ErrorCorrection, _ count: Int) throws {
        let code = try QRCode.encode(String(repeating: "a", count: count), errorCorrection: level)
        #expect(code.version == 40)
        #expect(code.size == 177)
    }

    @Test("multi-byte UTF-8 counts bytes, not characters")
    func utf8CountsBytes() throws {
        // 6 × "€" is 18 bytes: over the 17-byte capacity of 1-L.
        let code = try QRCode.encode(String(repeating: "€", count: 6), errorCorrection: .low)
        #expect(code.version == 2)
        let empty = try QRCode.encode("", errorCorrection: .high)
        #expect(empty.version == 1)
    }

    @Test("a version outside 1...40 is rejected", arguments: [0, -1, 41, Int.max])
    func outOfRangeVersionIsRejected(_ version: Int) {
        #expect(throws: QRCodeError(.invalidVersion, "")) { try QRCode.encode(bytes: [1], version: version) }
    }

    @Test("a mask outside 0...7 is rejected", arguments: [-1, 8, Int.min])
    func outOfRangeMaskIsRejected(_ mask: Int) {
        #expect(throws: QRCodeError(.invalidMask, "")) { try QRCode.encode(bytes: [1], mask: mask) }
    }

    @Test(
        "format information matches ISO/IEC 18004 Table C.1",
        arguments: [
            (QRCode.ErrorCorrection.medium, 0, 0b101010000010010), (.medium, 5, 0b100000011001110),
            (.low, 0, 0b111011111000100), (.low, 7, 0b110100101110110), (.quartile, 2, 0b011111100110001),
            (.high, 0, 0b001011010001001), (.high, 7, 0b000100000111011),
        ])
    func formatInformation(_ level: QRCode.ErrorCorrection, _ mask: Int, _ expected: Int) {
        #expect(SymbolBuilder.formatInformation(errorCorrection: level, mask: mask) == expected)
    }

    @Test(
        "version information matches ISO/IEC 18004 Table D.1",
        arguments: [
            (7, 0x07C94), (8, 0x085BC), (21, 0x15683), (32, 0x209D5), (40, 0x28C69),
        ])
    func versionInformation(_ version: Int, _ expected: Int) {
        #expect(SymbolBuilder.versionInformation(version: version) == expected)
    }

    @Test(
        "alignment pattern centres match ISO/IEC 18004 Table E.1",
        arguments: [
            (1, []), (2, [6, 18]), (7, [6, 22, 38]), (15, [6, 26, 48, 70]), (32, [6, 34, 60, 86, 112, 138]),
            (36, [6, 24, 50, 76, 102, 128, 154]), (40, [6, 30, 58, 86, 114, 142, 170]),
        ])
    func alignmentPositions(_ version: Int, _ expected: [Int]) {
        #expect(QRCode.alignmentPositions(version: version) == expected)
    }

    @Test("modules outside the symbol read as light")
    func outsideIsLight() throws {
        let code = try QRCode.encode("HELLO WORLD")
        #expect(code.isDark(x: 0, y: 0))
        #expect(!code.isDark(x: -1, y: 0))
        #expect(!code.isDark(x: 0, y: code.size))
        #expect(!code.isDark(x: Int.min, y: Int.max))
        #expect(code.modules.count == code.size * code.size)
    }

    @Test("the dark module sits at (8, size − 8) and timing patterns alternate", arguments: [1, 7, 40])
    func fixedPatterns(_ version: Int) throws {
        let code = try QRCode.encode(bytes: [0x41], version: version)
        #expect(code.isDark(x: 8, y: code.size - 8))
        for i in 8..<(code.size - 8) {
            #expect(code.isDark(x: i, y: 6) == (i % 2 == 0))
            #expect(code.isDark(x: 6, y: i) == (i % 2 == 0))
        }
    }

    @Test("an error's description names the code and its message, and equality ignores the message")
    func errorDescription() {
        let error = QRCodeError(.dataTooLong, "3000 bytes exceed the QR code maximum of 2953.")
        #expect(error.description == "dataTooLong: 3000 bytes exceed the QR code maximum of 2953.")
        #expect(error == QRCodeError(.dataTooLong, "other"))
        #expect(error != QRCodeError(.invalidMask, "3000 bytes exceed the QR code maximum of 2953."))
    }
}
