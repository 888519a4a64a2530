import LatchkeyModel
import Testing

/// `\p{L}`, `\p{Z}` and `\p{N}` answer ASCII without the Unicode tables: the answers must be the tables' own.
@Suite struct ConstraintPatternASCIITests {
    @Test("\\p{L}, \\p{Z} and \\p{N} agree with the general categories on every ASCII scalar")
    func asciiProperties() throws {
        let letter = ConstraintPattern(#"\p{L}"#)
        let separator = ConstraintPattern(#"\p{Z}"#)
        let number = ConstraintPattern(#"\p{N}"#)
        for value in UInt8(0)...UInt8(0x7F) {
            let scalar = Unicode.Scalar(value)
            let category = scalar.properties.generalCategory
            let isLetter = [.uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter]
                .contains(category)
            let isSeparator = [.spaceSeparator, .lineSeparator, .paragraphSeparator].contains(category)
            let isNumber = [.decimalNumber, .letterNumber, .otherNumber].contains(category)
            let text = String(Character(scalar))
            #expect(letter.matches(text) == isLetter, "U+\(String(value, radix: 16))")
            #expect(separator.matches(text) == isSeparator, "U+\(String(value, radix: 16))")
            #expect(number.matches(text) == isNumber, "U+\(String(value, radix: 16))")
        }
        // Beyond ASCII the tables still answer.
        #expect(letter.matches("é") && number.matches("٣") && separator.matches("\u{00A0}"))
    }
}
