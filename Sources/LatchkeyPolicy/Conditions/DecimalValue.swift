/// An exact decimal number for the `Numeric*` operators: an optional sign, digits, and an optional fraction
/// (`10`, `-3`, `0.25`). Compared exactly, digit by digit, so large integers and long fractions never lose
/// precision. Exponents are not accepted.
struct DecimalValue: Sendable, Hashable, Comparable {
    private let negative: Bool
    /// Integer digits without leading zeros (empty for zero).
    private let integer: [UInt8]
    /// Fraction digits without trailing zeros.
    private let fraction: [UInt8]

    init?(_ text: String) {
        var bytes = Substring(text).utf8[...]
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        var integer: [UInt8] = []
        var fraction: [UInt8] = []
        var seenPoint = false
        var digits = 0
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard !seenPoint else { return nil }
                seenPoint = true
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            digits += 1
            if seenPoint { fraction.append(byte) } else { integer.append(byte) }
        }
        guard digits > 0, !(seenPoint && fraction.isEmpty), !integer.isEmpty || seenPoint,
            integer.count + fraction.count <= 400
        else { return nil }
        while let first = integer.first, first == UInt8(ascii: "0") { integer.removeFirst() }
        while let last = fraction.last, last == UInt8(ascii: "0") { fraction.removeLast() }
        self.negative = negative && !(integer.isEmpty && fraction.isEmpty)
        self.integer = integer
        self.fraction = fraction
    }

    static func < (lhs: DecimalValue, rhs: DecimalValue) -> Bool {
        if lhs.negative != rhs.negative { return lhs.negative }
        let order = lhs.magnitudeCompare(rhs)
        return lhs.negative ? order > 0 : order < 0
    }

    /// -1, 0 or 1 comparing absolute values.
    private func magnitudeCompare(_ other: DecimalValue) -> Int {
        if integer.count != other.integer.count { return integer.count < other.integer.count ? -1 : 1 }
        for (left, right) in zip(integer, other.integer) where left != right { return left < right ? -1 : 1 }
        for index in 0..<max(fraction.count, other.fraction.count) {
            let left = index < fraction.count ? fraction[index] : UInt8(ascii: "0")
            let right = index < other.fraction.count ? other.fraction[index] : UInt8(ascii: "0")
            if left != right { return left < right ? -1 : 1 }
        }
        return 0
    }
}
