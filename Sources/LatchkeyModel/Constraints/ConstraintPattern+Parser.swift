import LatchkeyBase

/// The syntax tree of a supported Java pattern.
indirect enum PatternNode: Sendable {
    case set(ScalarClass)
    case sequence([PatternNode])
    case alternation([PatternNode])
    case repeated(PatternNode, Quantifier)

    enum Quantifier: Sendable { case zeroOrOne, zeroOrMore, oneOrMore }
}

/// A set of Unicode scalars: ranges, ASCII shorthands and general-category properties, possibly negated.
struct ScalarClass: Sendable {
    /// A Java `\p{…}` property, by general category.
    enum Property: Sendable {
        case letter, separator, number

        init?(name: String) {
            switch name {
            case "L": self = .letter
            case "Z": self = .separator
            case "N": self = .number
            default: return nil
            }
        }

        func contains(_ scalar: Unicode.Scalar) -> Bool {
            // ASCII without the Unicode tables (`_swift_stdlib_getGeneralCategory` was 4% of `QueryForm.AssumeRole`,
            // tag keys and values): its letters are A-Z and a-z, its only separator the space, its numbers 0-9.
            if scalar.isASCII {
                let value = scalar.value
                switch self {
                case .letter: return (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value)
                case .separator: return value == 0x20
                case .number: return (0x30...0x39).contains(value)
                }
            }
            return switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
                self == .letter
            case .spaceSeparator, .lineSeparator, .paragraphSeparator:
                self == .separator
            case .decimalNumber, .letterNumber, .otherNumber:
                self == .number
            default:
                false
            }
        }
    }

    var ranges: [ClosedRange<UInt32>] = []
    var properties: [Property] = []
    var negated = false

    static func single(_ scalar: UInt32) -> ScalarClass { ScalarClass(ranges: [scalar...scalar]) }

    /// Java `\w`: `[a-zA-Z_0-9]`, ASCII only.
    static let word = ScalarClass(ranges: [0x61...0x7A, 0x41...0x5A, 0x5F...0x5F, 0x30...0x39])
    /// Java `\d`: `[0-9]`.
    static let digit = ScalarClass(ranges: [0x30...0x39])
    /// Java `\s`: `[ \t\n\x0B\f\r]`.
    static let space = ScalarClass(ranges: [0x20...0x20, 0x09...0x0D])

    mutating func formUnion(_ other: ScalarClass) {
        ranges += other.ranges
        properties += other.properties
    }

    func contains(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        let found = ranges.contains { $0.contains(value) } || properties.contains { $0.contains(scalar) }
        return found != negated
    }
}

struct PatternSyntaxError: Error, Sendable {
    let offset: Int
}

/// A recursive-descent parser for the supported subset of `java.util.regex` syntax.
struct PatternParser {
    private let scalars: [Unicode.Scalar]
    private var position = 0
    private var depth = 0

    init(_ source: String) {
        self.scalars = Array(source.unicodeScalars)
    }

    mutating func parse() throws(PatternSyntaxError) -> PatternNode {
        let node = try parseAlternation()
        guard position == scalars.count else { throw PatternSyntaxError(offset: position) }
        return node
    }

    private var peek: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    private mutating func next() throws(PatternSyntaxError) -> Unicode.Scalar {
        guard let scalar = peek else { throw PatternSyntaxError(offset: position) }
        position += 1
        return scalar
    }

    private mutating func parseAlternation() throws(PatternSyntaxError) -> PatternNode {
        var branches = [try parseSequence()]
        while peek == "|" {
            position += 1
            branches.append(try parseSequence())
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func parseSequence() throws(PatternSyntaxError) -> PatternNode {
        var items: [PatternNode] = []
        while let scalar = peek, scalar != "|", scalar != ")" {
            var atom = try parseAtom()
            while let quantifier = peek.flatMap(Self.quantifier) {
                position += 1
                atom = .repeated(atom, quantifier)
            }
            items.append(atom)
        }
        return items.count == 1 ? items[0] : .sequence(items)
    }

    private static func quantifier(_ scalar: Unicode.Scalar) -> PatternNode.Quantifier? {
        switch scalar {
        case "*": .zeroOrMore
        case "+": .oneOrMore
        case "?": .zeroOrOne
        default: nil
        }
    }

    private mutating func parseAtom() throws(PatternSyntaxError) -> PatternNode {
        let start = position
        switch try next() {
        case "(":
            depth += 1
            guard depth <= 8 else { throw PatternSyntaxError(offset: start) }
            let inner = try parseAlternation()
            guard try next() == ")" else { throw PatternSyntaxError(offset: position) }
            depth -= 1
            return inner
        case "[":
            return .set(try parseClass())
        case "\\":
            return .set(try parseEscape())
        case "*", "+", "?", "{", "}", "]", ".", "^", "$":
            // Unsupported or dangling metacharacters: not in the subset.
            throw PatternSyntaxError(offset: start)
        case let literal:
            return .set(.single(literal.value))
        }
    }

    /// Parses a class after its `[`, through the closing `]`.
    private mutating func parseClass() throws(PatternSyntaxError) -> ScalarClass {
        var result = ScalarClass()
        if peek == "^" {
            position += 1
            result.negated = true
        }
        var first = true
        while true {
            let start = position
            let scalar = try next()
            if scalar == "]" && !first { return result }
            first = false
            let item: ScalarClass
            switch scalar {
            case "\\": item = try parseEscape()
            case "[", "&": throw PatternSyntaxError(offset: start)  // nested classes and intersections
            default: item = .single(scalar.value)
            }
            // A range needs single scalars on both ends; a '-' before ']' is a literal.
            if let low = Self.singleValue(item), peek == "-", position + 1 < scalars.count, scalars[position + 1] != "]"
            {
                position += 1
                let upperStart = position
                let upperScalar = try next()
                let upper = upperScalar == "\\" ? try parseEscape() : .single(upperScalar.value)
                guard let high = Self.singleValue(upper), low <= high else {
                    throw PatternSyntaxError(offset: upperStart)
                }
                result.ranges.append(low...high)
            } else {
                result.formUnion(item)
            }
        }
    }

    private static func singleValue(_ set: ScalarClass) -> UInt32? {
        guard set.properties.isEmpty, !set.negated, set.ranges.count == 1, let range = set.ranges.first,
            range.lowerBound == range.upperBound
        else { return nil }
        return range.lowerBound
    }

    /// Parses an escape after its backslash.
    private mutating func parseEscape() throws(PatternSyntaxError) -> ScalarClass {
        let start = position
        let scalar = try next()
        switch scalar {
        case "w": return .word
        case "d": return .digit
        case "s": return .space
        case "t": return .single(0x09)
        case "n": return .single(0x0A)
        case "r": return .single(0x0D)
        case "u":
            // Java: exactly four hex digits.
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let digit = Hex.value(of: try next()) else { throw PatternSyntaxError(offset: start) }
                value = value * 16 + UInt32(digit)
            }
            return .single(value)
        case "p":
            guard try next() == "{" else { throw PatternSyntaxError(offset: start) }
            var name = ""
            while let character = peek, character != "}" {
                name.unicodeScalars.append(character)
                position += 1
            }
            guard try next() == "}", let property = ScalarClass.Property(name: name) else {
                throw PatternSyntaxError(offset: start)
            }
            return ScalarClass(properties: [property])
        default:
            // Java allows escaping any non-alphabetic character to mean itself.
            guard scalar.isASCII, !scalar.properties.isAlphabetic, !("0"..."9").contains(scalar) else {
                throw PatternSyntaxError(offset: start)
            }
            return .single(scalar.value)
        }
    }
}
