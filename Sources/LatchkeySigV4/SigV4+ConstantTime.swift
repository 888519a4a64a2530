import LatchkeyBase

extension SigV4 {
    /// Compares two byte sequences in time that depends only on their lengths, not on their contents.
    ///
    /// Inputs of different lengths compare unequal at once: lengths are not secret (a SigV4 signature is always
    /// 64 characters). Use this for signatures, MACs and any other secret-derived value. The same as
    /// `LatchkeyBase.ConstantTime.equals`, kept for the users of this library.
    public static func constantTimeEquals<A: Collection, B: Collection>(_ lhs: A, _ rhs: B) -> Bool
    where A.Element == UInt8, B.Element == UInt8 {
        ConstantTime.equals(lhs, rhs)
    }

    /// Compares the UTF-8 bytes of two strings in time that depends only on their lengths.
    public static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        ConstantTime.equals(lhs, rhs)
    }
}
