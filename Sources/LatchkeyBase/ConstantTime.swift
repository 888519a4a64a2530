/// Comparison of secrets in time that depends only on their lengths, not on their contents.
public enum ConstantTime {
    /// Whether two byte sequences are equal, comparing every byte whatever the first difference.
    ///
    /// Inputs of different lengths compare unequal at once: lengths are not secret (a SigV4 signature is always
    /// 64 characters, a TOTP code 6). Use this for signatures, MACs, codes and any other secret-derived value.
    @inlinable
    public static func equals<A: Collection, B: Collection>(_ lhs: A, _ rhs: B) -> Bool
    where A.Element == UInt8, B.Element == UInt8 {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(lhs, rhs) {
            difference |= left ^ right
        }
        return difference == 0
    }

    /// Whether two strings have the same UTF-8 bytes (no Unicode normalization), in time that depends only on
    /// their lengths.
    public static func equals(_ lhs: String, _ rhs: String) -> Bool {
        equals(Array(lhs.utf8), Array(rhs.utf8))
    }
}
