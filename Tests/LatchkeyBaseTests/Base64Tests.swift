import LatchkeyBase
import Testing

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

@Suite struct Base64Tests {
    @Test("standard base64 matches the RFC 4648 test vectors and round-trips every length up to 64 bytes")
    func standardVectors() {
        let vectors = [
            "": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=",
            "foobar": "Zm9vYmFy",
        ]
        for (plain, encoded) in vectors {
            #expect(Base64.encode(Array(plain.utf8)) == encoded)
            #expect(Base64.decode(encoded) == Array(plain.utf8))
        }
        #expect(Base64.encode([0xfb, 0xff]) == "+/8=")
        var generator = SeededGenerator(seed: 64)
        for length in 0...64 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(Base64.decode(Array(Base64.encode(bytes).utf8)) == bytes)
            #expect(Base64.decodeURL(Base64.encodeURL(bytes)) == bytes)
            #expect(Base64.encode(bytes) == Data(bytes).base64EncodedString())
        }
    }

    @Test("base64url uses - and _ and no padding")
    func urlAlphabet() {
        #expect(Base64.encodeURL([0xfb, 0xff]) == "-_8")
        #expect(Base64.encodeURL(Array("foob".utf8)) == "Zm9vYg")
        #expect(Base64.encodeURL(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(Base64.decodeURL("-_8") == [0xfb, 0xff])
        #expect(Base64.decodeURL("") == [])
    }

    @Test(
        "strict standard decoding refuses non-canonical text",
        arguments: [
            "Zm9vYmE", "Zm9vYg=", "Zm9vYh==", "Zm9vYmF=", "Zm9v YmFy", "Zm9v-_Fy", "Zg==Zm9v", "====", "A===",
            "QQ=A", "Zm9vYmFy\n", "Zg=", "Z",
        ])
    func strictStandardRefuses(text: String) {
        #expect(Base64.decode(text) == nil)
    }

    @Test(
        "strict base64url decoding refuses padding, the standard alphabet and impossible lengths",
        arguments: ["Zm9vYg==", "Zm9vYg=", "+/8", "Zm9vY", "Zm9vYh", "Zm9vYmF", "Zm9v YmFy"])
    func strictURLRefuses(text: String) {
        #expect(Base64.decodeURL(text) == nil)
    }

    @Test("allowingNonzeroTrailingBits accepts what Foundation accepts in the last character")
    func nonzeroTrailingBits() {
        #expect(Base64.decode("QR==") == nil)
        #expect(Base64.decode("QR==", options: .allowingNonzeroTrailingBits) == [0x41])
        #expect(Base64.decode("QUJ=", options: .allowingNonzeroTrailingBits) == [0x41, 0x42])
        #expect(Base64.decodeURL("QR") == nil)
        #expect(Base64.decodeURL("QR", options: .allowingNonzeroTrailingBits) == [0x41])
        // Only the trailing bits: everything else stays strict.
        #expect(Base64.decode("QQ=A", options: .allowingNonzeroTrailingBits) == nil)
        #expect(Base64.decode("====", options: .allowingNonzeroTrailingBits) == nil)
        #expect(Base64.decodeURL("Q", options: .allowingNonzeroTrailingBits) == nil)
    }

    @Test("ignoringWhitespace skips space, tab, CR and LF and nothing else")
    func whitespace() {
        #expect(Base64.decode("Zm9v\r\nYmFy\n", options: .ignoringWhitespace) == Array("foobar".utf8))
        #expect(Base64.decode(" Zm 9v\tYg= = ", options: .ignoringWhitespace) == Array("foob".utf8))
        #expect(Base64.decode("Zm9v\u{0B}YmFy", options: .ignoringWhitespace) == nil)
        #expect(Base64.decode("Zm9v\u{A0}YmFy", options: .ignoringWhitespace) == nil)
        #expect(Base64.decode(" \n ", options: .ignoringWhitespace) == [])
    }

    @Test("with nonzero trailing bits allowed, padded decoding agrees with Foundation on random and mutated input")
    func agreesWithFoundation() {
        var generator = SeededGenerator(seed: 0xba5e64)
        let characters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_".utf8)
        for round in 0..<2000 {
            let bytes = (0..<Int.random(in: 1...40, using: &generator)).map { _ in
                UInt8.random(in: 0...255, using: &generator)
            }
            var text = Array(Data(bytes).base64EncodedString().utf8)
            if round % 2 == 1 {
                // Not the padding: Foundation reads `QQ=A` as two bytes, which no base64 decoder should.
                let position = Int.random(
                    in: 0..<(text.firstIndex(of: UInt8(ascii: "=")) ?? text.count), using: &generator)
                text[position] = characters[Int.random(in: 0..<characters.count, using: &generator)]
            }
            let ours = Base64.decode(text, options: .allowingNonzeroTrailingBits)
            #expect(ours == Data(base64Encoded: Data(text)).map { Array($0) })
        }
    }
}

/// SplitMix64: a small deterministic generator, so random tests repeat exactly.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Moved from LatchkeyTokensTests with the session tokens' base64 (the strict default of ``Base64``).
@Suite struct CanonicalBase64Tests {
    @Test("round-trips every length up to 64 bytes and matches known encodings")
    func roundTripsAndMatchesKnownEncodings() {
        #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(Base64.encode(Array("fooba".utf8)) == "Zm9vYmE=")
        #expect(Base64.encode(Array("foob".utf8)) == "Zm9vYg==")
        #expect(Base64.encode([0xfb, 0xff]) == "+/8=")
        var generator = SeededGenerator(seed: 64)
        for length in 0...64 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(Base64.decode(Array(Base64.encode(bytes).utf8)) == bytes)
        }
    }

    @Test(
        "rejects text that is not canonical padded base64",
        arguments: ["Zm9vYmE", "Zm9vYg=", "Zm9vYh==", "Zm9vYmF=", "Zm9v YmFy", "Zm9v-_Fy", "Zg==Zm9v", "====", "A==="]
    )
    func nonCanonicalBase64IsRejected(text: String) {
        #expect(Base64.decode(Array(text.utf8)) == nil)
    }

    @Test("agrees with Foundation on random and mutated input, accepting only canonical spellings")
    func agreesWithFoundation() {
        var generator = SeededGenerator(seed: 0xba5e64)
        let characters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ \n".utf8)
        for round in 0..<2000 {
            let bytes = (0..<Int.random(in: 0...40, using: &generator)).map { _ in
                UInt8.random(in: 0...255, using: &generator)
            }
            var text = Array(Data(bytes).base64EncodedString().utf8)
            if round % 2 == 1, !text.isEmpty {
                let position = Int.random(in: 0..<text.count, using: &generator)
                text[position] = characters[Int.random(in: 0..<characters.count, using: &generator)]
            }
            let ours = Base64.decode(text)
            if let ours {
                // Whatever we accept, Foundation decodes the same way, and it is the one canonical spelling.
                #expect(Data(base64Encoded: Data(text)).map { Array($0) } == ours)
                #expect(Array(Base64.encode(ours).utf8) == text)
            } else {
                #expect(text != Array(Data(bytes).base64EncodedString().utf8))
            }
            #expect(Base64.decode(String(decoding: text, as: UTF8.self)) == ours)
        }
    }
}
