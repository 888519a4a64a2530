import Crypto
import Foundation
import Testing

@testable import LatchkeyTokens

@Suite struct TOTPTests {
    /// The RFC 4226 and RFC 6238 (SHA-1) test secret.
    static let secret = Array("12345678901234567890".utf8)

    /// RFC 6238 appendix B, SHA-1 rows: time and the 8-digit TOTP.
    static let rfc6238: [(Int64, UInt32)] = [
        (59, 94_287_082), (1_111_111_109, 7_081_804), (1_111_111_111, 14_050_471), (1_234_567_890, 89_005_924),
        (2_000_000_000, 69_279_037), (20_000_000_000, 65_353_130),
    ]

    /// RFC 4226 appendix D: counter, truncated 31-bit value, 6-digit HOTP.
    static let rfc4226: [(UInt64, UInt32, String)] = [
        (0, 1_284_755_224, "755224"), (1, 1_094_287_082, "287082"), (2, 137_359_152, "359152"),
        (3, 1_726_969_429, "969429"), (4, 1_640_338_314, "338314"), (5, 868_254_676, "254676"),
        (6, 1_918_287_922, "287922"), (7, 82_162_583, "162583"), (8, 673_399_871, "399871"),
        (9, 645_520_489, "520489"),
    ]

    @Test("matches the RFC 6238 SHA-1 vectors truncated to 6 digits", arguments: rfc6238)
    func matchesRFC6238(time: Int64, eightDigits: UInt32) {
        let expected = String(format: "%06u", eightDigits % 1_000_000)
        let totp = TOTP(secret: Self.secret)
        #expect(totp.code(at: Date(timeIntervalSince1970: Double(time))) == expected)
        #expect(totp.code(step: time / 30) == expected)
        #expect(
            TOTP.hotp(key: SymmetricKey(data: Self.secret), counter: UInt64(time / 30)) % 100_000_000 == eightDigits)
    }

    @Test("matches the RFC 4226 HOTP vectors", arguments: rfc4226)
    func matchesRFC4226(counter: UInt64, truncated: UInt32, code: String) {
        #expect(TOTP.hotp(key: SymmetricKey(data: Self.secret), counter: counter) == truncated)
        #expect(TOTP(secret: Self.secret).code(step: Int64(counter)) == code)
    }

    @Test("accepts codes of the previous, current and next step and says which matched")
    func acceptsWindowEdges() {
        let totp = TOTP(secret: Self.secret)
        let now = Date(timeIntervalSince1970: 1_111_111_111)  // step 37037037, 1 s into the step
        let step = TOTP.step(at: now)
        #expect(step == 37_037_037)
        for offset in Int64(-1)...1 {
            #expect(totp.matchingStep(code: totp.code(step: step + offset), at: now) == step + offset)
        }
    }

    @Test("refuses codes two steps away, and honours a wider window only when asked")
    func refusesOutsideWindow() {
        let totp = TOTP(secret: Self.secret)
        let now = Date(timeIntervalSince1970: 1_111_111_111)
        let step = TOTP.step(at: now)
        #expect(totp.matchingStep(code: totp.code(step: step - 2), at: now) == nil)
        #expect(totp.matchingStep(code: totp.code(step: step + 2), at: now) == nil)
        #expect(totp.matchingStep(code: totp.code(step: step + 2), at: now, window: 2) == step + 2)
        #expect(totp.matchingStep(code: totp.code(step: step + 1), at: now, window: 0) == nil)
    }

    @Test("step boundaries fall on multiples of 30 seconds, also before 1970")
    func stepBoundaries() {
        #expect(TOTP.step(at: Date(timeIntervalSince1970: 29.999)) == 0)
        #expect(TOTP.step(at: Date(timeIntervalSince1970: 30)) == 1)
        #expect(TOTP.step(at: Date(timeIntervalSince1970: -1)) == -1)
        #expect(TOTP.step(at: Date(timeIntervalSince1970: -30)) == -1)
        #expect(TOTP.step(at: Date(timeIntervalSince1970: -30.5)) == -2)
        #expect(TOTP.step(at: Date(timeIntervalSince1970: .infinity)) > 0)
        #expect(TOTP.step(at: Date(timeIntervalSince1970: 1e30)) > 0)
    }

    @Test(
        "malformed codes are rejected",
        arguments: ["12345", "1234567", "abcdef", "", "28708a", " 28708", "287082 ", "-87082", "２８７０８２"]
    )
    func malformedCodeIsRejected(code: String) {
        let totp = TOTP(secret: Self.secret)
        let now = Date(timeIntervalSince1970: 59)  // current code 287082
        #expect(totp.matchingStep(code: code, at: now) == nil)
    }

    @Test("a wrong code of the right shape is rejected")
    func wrongCodeIsRejected() {
        let totp = TOTP(secret: Self.secret)
        let now = Date(timeIntervalSince1970: 59)
        #expect(totp.matchingStep(code: "287082", at: now) == 1)
        #expect(totp.matchingStep(code: "287083", at: now) == nil)
        #expect(TOTP(secret: Array("another secret".utf8)).matchingStep(code: "287082", at: now) == nil)
    }

    @Test("generated secrets are 20 random bytes that round-trip through base32")
    func generatedSecrets() {
        let first = TOTP.generateSecret()
        let second = TOTP.generateSecret()
        #expect(first.count == 20)
        #expect(first != second)
        #expect(Base32.encode(first).count == 32)
        #expect(Base32.decode(Base32.encode(first)) == first)
    }
}
