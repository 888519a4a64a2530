import Testing

@testable import LatchkeyQRCode

/// Whole symbols compared with python-qrcode and segno output (see `Fixtures/PROVENANCE.md`).
@Suite struct QRCodeGoldenTests {
    @Test("the fixtures are present and cover short text, an otpauth URI and versions of 7 and above")
    func fixturesArePresent() throws {
        let cases = Fixtures.cases
        #expect(cases.count == 6)
        #expect(cases.contains { $0.text == "HELLO WORLD" })
        #expect(cases.contains { $0.text.hasPrefix("otpauth://totp/") && $0.text.utf8.count >= 100 })
        #expect(cases.contains { $0.version >= 7 })
        #expect(cases.contains { $0.version >= 10 })
        #expect(Set(cases.map(\.level)) == ["L", "M", "Q", "H"])
        #expect(Fixtures.versionRows.count == 160)
    }

    @Test("encoding a string yields the reference matrix, version and lowest-penalty mask", arguments: Fixtures.cases)
    func encodeMatchesReference(_ fixture: Fixtures.Case) throws {
        let code = try QRCode.encode(fixture.text, errorCorrection: fixture.errorCorrection)
        let expected = try fixture.matrix()
        #expect(code.version == fixture.version)
        #expect(code.size == expected.count)
        #expect(code.mask == fixture.mask)
        #expect(code.rows == expected, "\(describeDifference(code.rows, expected))")
    }

    @Test("each mask's penalty equals segno's score of the same finished symbol", arguments: Fixtures.cases)
    func penaltiesMatchReference(_ fixture: Fixtures.Case) throws {
        try #require(fixture.penalties.count == 8)
        for mask in 0..<8 {
            let code = try QRCode.encode(
                bytes: Array(fixture.text.utf8), errorCorrection: fixture.errorCorrection, mask: mask)
            let penalty = Penalty(modules: code.modules, size: code.size)
            let scores = [penalty.runs, penalty.blocks, penalty.finderLike, penalty.balance]
            #expect(scores == fixture.penalties[mask], "mask \(mask)")
        }
    }

    @Test("the automatic mask is the lowest total penalty, the lowest number on ties", arguments: Fixtures.cases)
    func automaticMaskIsLowestPenalty(_ fixture: Fixtures.Case) throws {
        let totals = fixture.penalties.map { $0.reduce(0, +) }
        let lowest = try #require(totals.min())
        let code = try QRCode.encode(fixture.text, errorCorrection: fixture.errorCorrection)
        #expect(code.mask == totals.firstIndex(of: lowest))
    }

    @Test(
        "every version and level at full byte capacity matches the reference symbol",
        arguments: Fixtures.versionRows)
    func everyVersionAndLevelMatches(_ row: Fixtures.VersionRow) throws {
        #expect(QRCode.byteCapacity(version: row.version, errorCorrection: row.errorCorrection) == row.capacity)
        let code = try QRCode.encode(
            bytes: row.payload, errorCorrection: row.errorCorrection, version: row.version, mask: row.mask)
        #expect(code.version == row.version)
        #expect(code.size == 17 + 4 * row.version)
        #expect(Checksum.crc32(code.packedModules) == row.crc32)
    }

    @Test("a payload one byte over a version's capacity is rejected at that version", arguments: Fixtures.versionRows)
    func overCapacityIsRejectedAtFixedVersion(_ row: Fixtures.VersionRow) {
        #expect(throws: QRCodeError(.dataTooLong, "")) {
            try QRCode.encode(
                bytes: row.payload + [0], errorCorrection: row.errorCorrection, version: row.version)
        }
    }
}
