import Foundation
import Testing

@testable import LatchkeyOIDC

/// The token's JSON is read by `ClaimsReader` straight into claim values. These cases pin that it accepts and
/// refuses exactly what the strict `JSONReader` with the conversion to `JSONClaimValue` did before it (the same
/// limits: 16 levels, duplicate names refused by `String` equality, finite numbers only, valid UTF-8 only).
@Suite struct ClaimsReaderTests {
    static func token(payload: [UInt8], header: String = #"{"alg":"RS256"}"#) -> String {
        "\(TestKeys.b64url(Array(header.utf8))).\(TestKeys.b64url(payload)).c2ln"
    }

    static func claims(_ payload: String) throws -> [String: JSONClaimValue] {
        try WebIdentityTokenVerifier.parse(token(payload: Array(payload.utf8))).jwt.claims
    }

    static func isRefused(_ payload: [UInt8]) -> Bool {
        do {
            _ = try WebIdentityTokenVerifier.parse(token(payload: payload))
            return false
        } catch {
            return error.code == .invalidToken && error.message == "The token payload is not a JSON object"
        }
    }

    @Test("objects, arrays, strings, literals and whitespace are read into claim values")
    func acceptedDocuments() throws {
        #expect(try Self.claims(#"{"iss":"a"}"#) == ["iss": .string("a")])
        #expect(
            try Self.claims("{ \"iss\" : \"a\" ,\n\t\"x\" : [ ] , \"o\" : { } }\r\n ")
                == ["iss": .string("a"), "x": .array([]), "o": .object([:])])
        #expect(
            try Self.claims(#"{"iss":"a","o":{"k":[1,"x",true,false,null,{"z":[]}]}}"#)
                == [
                    "iss": .string("a"),
                    "o": .object([
                        "k": .array([
                            .number(1), .string("x"), .bool(true), .bool(false), .null, .object(["z": .array([])]),
                        ])
                    ]),
                ])
        #expect(try Self.claims(#"{"iss":"é ü","k\u00e9":"x"}"#) == ["iss": .string("é ü"), "ké": .string("x")])
    }

    @Test("escapes decode, surrogate pairs join, and NUL may be escaped")
    func escapes() throws {
        let claims = try Self.claims(#"{"iss":"a","s":"\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00\u0000x"}"#)
        #expect(claims["s"] == .string("\"\\/\u{8}\u{c}\n\r\t\u{e9}\u{1F600}\u{0}x"))
    }

    @Test("numbers become the Double their text parses to")
    func numbers() throws {
        let claims = try Self.claims(
            #"{"iss":"a","exp":1750000000,"neg":-42,"zero":0,"negzero":-0,"frac":1.5,"exp3":1e3,"e":-2.5E-3,"#
                + #""long":999999999999999,"big":12345678901234567890}"#)
        #expect(claims["exp"] == .number(1_750_000_000))
        #expect(claims["neg"] == .number(-42))
        #expect(claims["zero"] == .number(0))
        if case .number(let negativeZero)? = claims["negzero"] {
            #expect(negativeZero == 0 && negativeZero.sign == .minus)
        } else {
            Issue.record("negzero is not a number: \(String(describing: claims["negzero"]))")
        }
        #expect(claims["frac"] == .number(1.5))
        #expect(claims["exp3"] == .number(1000))
        #expect(claims["e"] == .number(-0.0025))
        #expect(claims["long"] == .number(999_999_999_999_999))
        #expect(claims["big"] == .number(Double("12345678901234567890")!))
    }

    @Test(
        "malformed or non-strict JSON is refused",
        arguments: [
            #"{"iss":"a","iss":"b"}"#, #"{"iss":"a","o":{"k":1,"k":2}}"#, #"{"iss":"a","é":1,"e\u0301":2}"#,
            #"{"iss":"a",}"#, #"{"iss":"a"} x"#, #" {"iss":"a"}"#, #"{"iss":"a""#, #"{"iss":"a","#, #"{"iss" "a"}"#,
            #"{iss:"a"}"#, #"{"iss":'a'}"#, #"[{"iss":"a"}]"#, #"{"iss":"a","x":[1,]}"#, #"{"iss":"a","x":[1 2]}"#,
            #"{"iss":"a","n":01}"#, #"{"iss":"a","n":1.}"#, #"{"iss":"a","n":-}"#, #"{"iss":"a","n":1e}"#,
            #"{"iss":"a","n":.5}"#, #"{"iss":"a","n":+1}"#, #"{"iss":"a","n":1e400}"#, #"{"iss":"a","n":-1e400}"#,
            #"{"iss":"a","n":NaN}"#, #"{"iss":"a","s":"\ud800"}"#, #"{"iss":"a","s":"\udc00"}"#,
            #"{"iss":"a","s":"\ud800\u0041"}"#, #"{"iss":"a","s":"\x"}"#, #"{"iss":"a","s":"\u12"}"#,
            "{\"iss\":\"a\",\"s\":\"tab\there\"}", #"{"iss":"a","t":tru}"#, #"{"iss":"a","t":nul}"#,
            #"{"iss":"a","t":True}"#,
        ])
    func refusedDocuments(payload: String) {
        #expect(Self.isRefused(Array(payload.utf8)))
    }

    @Test("invalid UTF-8 is refused, inside a string or out of one")
    func invalidUTF8() {
        let prefix = Array(#"{"iss":"a","s":""#.utf8)
        let suffix = Array(#""}"#.utf8)
        #expect(Self.isRefused(prefix + [0xFF] + suffix))
        #expect(Self.isRefused(prefix + [0xC0, 0xAF] + suffix))
        #expect(Self.isRefused(prefix + [0xED, 0xA0, 0x80] + suffix))
        #expect(Self.isRefused(Array(#"{"iss":"a"}"#.utf8) + [0xE9]))
        #expect(!Self.isRefused(prefix + [0xC3, 0xA9] + suffix))
    }

    @Test("nesting is limited to 16 levels, the claims object being the first")
    func depthLimit() throws {
        func nested(_ arrays: Int) -> String {
            #"{"iss":"a","d":"# + String(repeating: "[", count: arrays) + "1"
                + String(repeating: "]", count: arrays) + "}"
        }
        // The object is level 1, `d`'s array level 2, ..., the number inside 14 arrays level 16.
        #expect(try Self.claims(nested(14))["d"] != nil)
        #expect(Self.isRefused(Array(nested(15).utf8)))
    }
}
