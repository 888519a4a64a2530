import Testing

@testable import LatchkeyQRCode

/// Reed–Solomon over GF(2⁸) against published codewords.
@Suite struct ReedSolomonTests {
    /// α^e in GF(2⁸) mod 0x11D.
    static func alphaPower(_ exponent: Int) -> UInt8 {
        var value: UInt8 = 1
        for _ in 0..<exponent {
            value = ReedSolomon.multiply(value, 2)
        }
        return value
    }

    @Test("the ISO/IEC 18004 Annex I example \"01234567\" at 1-M has the published error-correction codewords")
    func isoAnnexExample() {
        let data: [UInt8] = [
            0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11,
        ]
        let ecc: [UInt8] = [0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55]
        #expect(ReedSolomon(degree: 10).remainder(data) == ecc)
    }

    @Test("the alphanumeric \"HELLO WORLD\" 1-M example has the widely published error-correction codewords")
    func helloWorldAlphanumericExample() {
        let data: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
        let ecc: [UInt8] = [196, 35, 39, 119, 235, 215, 231, 226, 93, 23]
        #expect(ReedSolomon(degree: 10).remainder(data) == ecc)
    }

    @Test("the degree-7 generator is α⁰x⁷ + α⁸⁷x⁶ + α²²⁹x⁵ + α¹⁴⁶x⁴ + α¹⁴⁹x³ + α²³⁸x² + α¹⁰²x + α²¹ (Annex A)")
    func generatorPolynomialDegreeSeven() {
        let exponents = [87, 229, 146, 149, 238, 102, 21]
        #expect(ReedSolomon(degree: 7).generator == exponents.map(Self.alphaPower))
    }

    @Test("α generates the multiplicative group: α²⁵⁵ = 1 and no smaller power is 1")
    func alphaHasOrder255() {
        var value: UInt8 = 1
        var order = 0
        repeat {
            value = ReedSolomon.multiply(value, 2)
            order += 1
        } while value != 1 && order < 300
        #expect(order == 255)
    }

    @Test("field multiplication is commutative and distributes over addition (XOR)")
    func multiplicationIsAField() {
        for x in stride(from: 0, through: 255, by: 17) {
            for y in stride(from: 0, through: 255, by: 13) {
                let a = UInt8(x)
                let b = UInt8(y)
                let c: UInt8 = 0x53
                #expect(ReedSolomon.multiply(a, b) == ReedSolomon.multiply(b, a))
                #expect(
                    ReedSolomon.multiply(a, b ^ c) == ReedSolomon.multiply(a, b) ^ ReedSolomon.multiply(a, c))
            }
        }
        #expect(ReedSolomon.multiply(0x80, 2) == 0x1D)
    }

    @Test("a codeword with its remainder appended is divisible by the generator")
    func codewordIsMultipleOfGenerator() {
        let data: [UInt8] = Array("otpauth://totp/x@1?secret=ABC".utf8)
        let rs = ReedSolomon(degree: 22)
        let codeword = data + rs.remainder(data)
        #expect(rs.remainder(codeword) == [UInt8](repeating: 0, count: 22))
    }
}
