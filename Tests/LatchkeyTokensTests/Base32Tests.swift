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
