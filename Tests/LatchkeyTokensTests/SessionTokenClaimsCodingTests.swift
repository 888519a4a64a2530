import Foundation
import LatchkeyDomain
import Testing

@testable import LatchkeyTokens

/// The claims encoding below the cipher, where a bug in our own sealing (or a future format change) would show up.
@Suite struct SessionTokenClaimsCodingTests {
    /// A field: tag big-endian, one-byte length, value.
    static func field(_ tag: UInt16, _ value: [UInt8]) -> [UInt8] {
        var bytes = [UInt8(tag >> 8), UInt8(tag & 0xff)]
        SessionTokenEncoder.appendVarint(value.count, to: &bytes)
        return bytes + value
    }

    static func string(_ tag: UInt16, _ value: String) -> [UInt8] { field(tag, Array(value.utf8)) }

    static let seconds: [UInt8] = [0, 0, 0, 0, 0x65, 0x53, 0xf1, 0x00]

    /// Tags 1 to 7 and the two dates: the smallest valid claims.
    static let required: [[UInt8]] = [
        string(1, "ASIAY34FZKBOKMUTVV7A"), string(2, "secret"), string(3, "609629065308"), field(4, [1]),
        string(5, "arn:aws:iam::609629065308:user/alice"), string(6, "AIDA"), string(7, "arn"),
        field(8, seconds), field(9, seconds),
    ]

    static func decode(_ fields: [[UInt8]]) throws(SessionTokenError) -> SessionTokenClaims {
        try SessionTokenDecoder.decode(Array(fields.joined()))
    }

    @Test("decodes the hand-built minimal encoding and re-encodes it byte for byte")
    func minimalEncodingIsCanonical() throws {
        let claims = try Self.decode(Self.required)
        #expect(claims.accountId == "609629065308")
        #expect(claims.issuedAt == Date(timeIntervalSince1970: 1_700_000_000))
        #expect(try SessionTokenEncoder.encode(claims) == Array(Self.required.joined()))
    }

    @Test("a missing required field is rejected", arguments: 0..<9)
    func missingRequiredFieldIsRejected(index: Int) {
        var fields = Self.required
        fields.remove(at: index)
        #expect(throws: SessionTokenError(.malformed)) { try Self.decode(fields) }
    }

    @Test("a repeated or out-of-order tag is rejected")
    func tagOrderIsEnforced() {
        var repeated = Self.required
        repeated.insert(Self.string(1, "again"), at: 1)
        #expect(throws: SessionTokenError(.malformed)) { try Self.decode(repeated) }
        var swapped = Self.required
        swapped.swapAt(0, 1)
        #expect(throws: SessionTokenError(.malformed)) { try Self.decode(swapped) }
        #expect(throws: SessionTokenError(.malformed)) { try Self.decode([Self.field(0, [])] + Self.required) }
        #expect(throws: SessionTokenError(.malformed)) {
            try Self.decode(Self.required + [Self.field(300, [1]), Self.field(300, [2])])
        }
    }

    @Test(
        "field values that break the format are rejected",
        arguments: [
            [field(10, [0])],  // false is written by leaving the flag out
            [field(10, [2])],  // a flag other than 0x01
            [field(10, [1, 1])],  // a flag longer than one byte
            [field(11, [0, 1, 2])],  // a date that is not 8 bytes
            [field(12, [0xc3, 0x28])],  // invalid UTF-8
            [field(14, [])],  // an empty list is written by leaving it out
            [field(14, [5, 0x61])],  // a list item longer than the list
            [field(15, [1, 0x61])],  // a tag without its value
            [field(16, [0x80, 0x00])],  // a list item with a non-minimal length
        ]
    )
    func badFieldValueIsRejected(extra: [[UInt8]]) {
        #expect(throws: SessionTokenError(.malformed)) { try Self.decode(Self.required + extra) }
    }

    @Test("a kind that is not one byte is rejected")
    func badKindIsRejected() {
        var fields = Self.required
        fields[3] = Self.field(4, [1, 2])
        #expect(throws: SessionTokenError(.malformed)) { try Self.decode(fields) }
    }

    @Test(
        "lengths that are non-minimal, overlong or past the end are rejected",
        arguments: [
            [0x00, 0x15, 0x80, 0x00],  // non-minimal zero length
            [0x00, 0x15, 0x81, 0x00, 0x01],  // non-minimal length 1
            [0x00, 0x15, 0x80, 0x80, 0x80, 0x01],  // four-byte varint
            [0x00, 0x15, 0x81, 0x80, 0x01],  // 16 385 bytes, over the field limit
            [0x00, 0x15, 0x05, 0x01],  // value runs past the end
            [0x00, 0x15, 0x80],  // varint runs past the end
            [0x00],  // half a tag
        ] as [[UInt8]]
    )
    func badLengthIsRejected(trailer: [UInt8]) {
        #expect(throws: SessionTokenError(.malformed)) { try Self.decode(Self.required + [trailer]) }
    }

    @Test("more extensions than the limit are rejected")
    func tooManyExtensionsAreRejected() throws {
        let extensions = (0..<33).map { Self.field(UInt16(100 + $0), []) }
        #expect(throws: SessionTokenError(.malformed)) { try Self.decode(Self.required + extensions) }
        #expect(try Self.decode(Self.required + Array(extensions.prefix(32))).extensions.count == 32)
    }

    @Test("more list items than the limit are rejected")
    func tooManyListItemsAreRejected() throws {
        let item: [UInt8] = [1, 0x61]
        let over = Self.field(14, Array(Array(repeating: item, count: 65).joined()))
        #expect(throws: SessionTokenError(.malformed)) { try Self.decode(Self.required + [over]) }
        let limit = Self.field(14, Array(Array(repeating: item, count: 64).joined()))
        #expect(try Self.decode(Self.required + [limit]).policyArns.count == 64)
    }

    @Test("random bytes and mutations of a valid encoding never crash the decoder")
    func garbageNeverCrashes() throws {
        var generator = PrimitivesSeededGenerator(seed: 0xdec0de)
        let valid = try SessionTokenEncoder.encode(SessionTokenKeyRingTests.full)
        for round in 0..<1000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int.random(in: 0...600, using: &generator)).map { _ in
                    UInt8.random(in: 0...255, using: &generator)
                }
            } else {
                bytes = valid
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    let position = Int.random(in: 0..<bytes.count, using: &generator)
                    bytes[position] = UInt8.random(in: 0...255, using: &generator)
                }
                bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &generator)))
            }
            // Either outcome is fine; what matters is that it returns.
            _ = try? SessionTokenDecoder.decode(bytes)
        }
        #expect(try SessionTokenDecoder.decode(valid) == SessionTokenKeyRingTests.full)
    }
}
