import Foundation
import Testing

@testable import LatchkeyTokens

@Suite struct Base32Tests {
    /// RFC 4648 section 10 test vectors, padding removed on the encoded side.
    static let vectors: [(String, String)] = [
        ("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"),
        ("foobar", "MZXW6YTBOI"),
    ]

    @Test("encodes the RFC 4648 vectors without padding", arguments: vectors)
    func encodesRFCVectors(plain: String, encoded: String) {
        #expect(Base32.encode(Array(plain.utf8)) == encoded)
    }

    @Test("decodes the RFC 4648 vectors with or without padding and in either case", arguments: vectors)
    func decodesRFCVectors(plain: String, encoded: String) throws {
        let padded = encoded + String(repeating: "=", count: (8 - encoded.count % 8) % 8)
        #expect(Base32.decode(encoded) == Array(plain.utf8))
        #expect(Base32.decode(padded) == Array(plain.utf8))
        #expect(Base32.decode(encoded.lowercased()) == Array(plain.utf8))
    }

    @Test("round-trips every byte value")
    func roundTripsAllBytes() {
        let bytes = (0...255).map { UInt8($0) }
        #expect(Base32.decode(Base32.encode(bytes)) == bytes)
    }

    @Test(
        "rejects text that is not canonical base32",
        arguments: [
            "M",  // impossible length (1 mod 8)
            "MZX",  // impossible length (3 mod 8)
            "MZXW6Y",  // impossible length (6 mod 8)
            "MZ",  // valid length but non-zero trailing bits ("f" is MY)
            "MZXW6===X",  // padding inside
            "MY=====",  // too little padding
            "MY=======",  // too much padding
            "MZXW6YTB========",  // a whole group of padding
            "MZXW6YT1",  // '1' is not in the alphabet
            "MZXW 6YTB",  // whitespace
            "MZXW6YT8",  // '8' is not in the alphabet
        ]
    )
    func nonCanonicalTextIsRejected(text: String) {
        #expect(Base32.decode(text) == nil)
    }
}

@Suite struct Base64Tests {
    @Test("round-trips every length up to 64 bytes and matches known encodings")
    func roundTripsAndMatchesKnownEncodings() {
        #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(Base64.encode(Array("fooba".utf8)) == "Zm9vYmE=")
        #expect(Base64.encode(Array("foob".utf8)) == "Zm9vYg==")
        #expect(Base64.encode([0xfb, 0xff]) == "+/8=")
        var generator = PrimitivesSeededGenerator(seed: 64)
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
        var generator = PrimitivesSeededGenerator(seed: 0xba5e64)
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
