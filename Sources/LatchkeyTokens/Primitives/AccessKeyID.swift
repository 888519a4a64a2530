/// AWS-style access key IDs that carry the owning account, as AWS's own do.
///
/// An ID is a 4-letter prefix (`AKIA` long-term, `ASIA` temporary) and 16 base32 characters holding 80 bits. The
/// first 48 bits, read big-endian as `z`, hold a generation flag in bit 47, the 40-bit account ID in bits 46...7 and
/// random bits below; the last 32 bits are random too. `account = (z & 0x7fff_ffff_ff80) >> 7`.
public enum AccessKeyID {
    /// Which kind of access key an ID names, shown by its prefix.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        /// The 4-letter prefix, `AKIA` or `ASIA`.
        public let prefix: String

        private init(uncheckedPrefix: String) { self.prefix = uncheckedPrefix }

        /// A long-term key of an IAM user or root (`AKIA`).
        public static let longTerm = Kind(uncheckedPrefix: "AKIA")
        /// A temporary key issued by STS (`ASIA`).
        public static let temporary = Kind(uncheckedPrefix: "ASIA")

        /// The kind named by `prefix`, or `nil` for any other prefix.
        public init?(prefix candidate: some StringProtocol) {
            switch candidate {
            case "AKIA": self = .longTerm
            case "ASIA": self = .temporary
            default: return nil
            }
        }

        public var description: String { prefix }
    }

    /// The length of every access key ID.
    public static let length = 20

    /// Whether `account` is a 12-digit account ID, the only kind `generate` accepts.
    public static func isValidAccountID(_ account: some StringProtocol) -> Bool {
        AccountIDBits.parse(account: account) != nil
    }

    /// Generates a new access key ID of `kind` for `account` (12 decimal digits, see `isValidAccountID`).
    ///
    /// The generation flag is set as in the IDs AWS issues today, so new IDs start with a letter from `Q` on or a
    /// digit; the 39 low bits come from `generator`. Passing an account that is not 12 digits is a programming error.
    public static func generate(
        kind: Kind,
        account: String,
        using generator: inout some RandomNumberGenerator
    ) -> String {
        AccountIDBits.encode(prefix: kind.prefix, account: account, extra: nil, using: &generator)
    }

    /// Generates a new access key ID of `kind` for `account` with the process's secure random pool
    /// (`SecureRandom.shared`: the kernel's CSPRNG, fetched in bulk).
    public static func generate(kind: Kind, account: String) -> String {
        var generator = SecureRandomGenerator()
        return generate(kind: kind, account: account, using: &generator)
    }

    /// The 12-digit account encoded in `id`, or `nil` when `id` is not 20 characters made of a 4-letter upper-case
    /// prefix and 16 upper-case base32 characters. Any prefix of four letters is accepted (AWS has several), and
    /// legacy IDs decode to whatever their bits say (40 bits can exceed 12 digits; such values come back unpadded).
    public static func account(of id: some StringProtocol) -> String? {
        AccountIDBits.account(of: id, totalLength: length)
    }

    /// The kind named by the prefix of `id`, when `id` is a well-formed access key ID with a known prefix.
    public static func kind(of id: some StringProtocol) -> Kind? {
        guard account(of: id) != nil else { return nil }
        return Kind(prefix: id.prefix(4))
    }
}

/// IAM unique IDs (`AIDA` users, `AROA` roles, `ANPA` policies, `AGPA` groups) with the account encoded the same way
/// as in access key IDs, plus one extra random character: 21 characters, like `AIDACKCEVSQ6C2EXAMPLE`.
public enum UniqueID {
    /// The length of every unique ID.
    public static let length = 21

    /// The prefix of IAM user IDs.
    public static let userPrefix = "AIDA"
    /// The prefix of IAM role IDs.
    public static let rolePrefix = "AROA"
    /// The prefix of managed policy IDs.
    public static let policyPrefix = "ANPA"
    /// The prefix of IAM group IDs.
    public static let groupPrefix = "AGPA"

    /// Generates a unique ID with `prefix` (4 upper-case letters) for `account` (12 decimal digits).
    ///
    /// Passing a malformed prefix or account is a programming error.
    public static func generate(
        prefix: String,
        account: String,
        using generator: inout some RandomNumberGenerator
    ) -> String {
        precondition(AccountIDBits.isValidPrefix(prefix.utf8), "unique ID prefix must be 4 upper-case letters")
        let extra = Base32.alphabet[Int(generator.next(upperBound: UInt8(32)))]
        return AccountIDBits.encode(prefix: prefix, account: account, extra: extra, using: &generator)
    }

    /// Generates a unique ID with `prefix` for `account` with the process's secure random pool.
    public static func generate(prefix: String, account: String) -> String {
        var generator = SecureRandomGenerator()
        return generate(prefix: prefix, account: account, using: &generator)
    }

    /// The 12-digit account encoded in a 21-character unique ID, or `nil` when `id` is malformed.
    public static func account(of id: some StringProtocol) -> String? {
        AccountIDBits.account(of: id, totalLength: length)
    }
}

/// The shared bit layout of access key IDs and unique IDs.
enum AccountIDBits {
    /// Bit 47 of `z`: set in the IDs AWS issues today, clear in legacy IDs.
    static let generationFlag: UInt64 = 1 << 47
    static let accountMask: UInt64 = 0x7fff_ffff_ff80
    static let maximumAccount: UInt64 = 999_999_999_999

    static func parse(account: some StringProtocol) -> UInt64? {
        var value: UInt64 = 0
        var count = 0
        for byte in account.utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), count < 12 else { return nil }
            value = value * 10 + UInt64(byte - UInt8(ascii: "0"))
            count += 1
        }
        return count == 12 ? value : nil
    }

    /// `prefix`, then 16 base32 characters (flag, the account and 39 random bits), then `extra` if given, written
    /// straight into the string (one allocation, no intermediate arrays: this runs for every AssumeRole).
    static func encode(
        prefix: String,
        account: String,
        extra: UInt8?,
        using generator: inout some RandomNumberGenerator
    ) -> String {
        guard let accountValue = parse(account: account) else {
            preconditionFailure("account ID must be 12 decimal digits")
        }
        let z = generationFlag | (accountValue << 7) | (generator.next() & 0x7f)
        let low = UInt32(truncatingIfNeeded: generator.next())
        // The 80 bits `z (48) | low (32)` as two 40-bit halves of 8 characters each.
        let count = prefix.utf8.count + 16 + (extra == nil ? 0 : 1)
        return Base32.alphabet.withUnsafeBufferPointer { alphabet in
            String(unsafeUninitializedCapacity: count) { output in
                var index = 0
                for byte in prefix.utf8 {
                    output[index] = byte
                    index += 1
                }
                func put(_ half: UInt64) {
                    for shift in stride(from: 35, through: 0, by: -5) {
                        output[index] = alphabet[Int(truncatingIfNeeded: half >> UInt64(shift)) & 0x1f]
                        index += 1
                    }
                }
                put(z >> 8)
                put((z & 0xff) << 32 | UInt64(low))
                if let extra {
                    output[index] = extra
                    index += 1
                }
                return index
            }
        }
    }

    static func isValidPrefix(_ prefix: some Collection<UInt8>) -> Bool {
        prefix.count == 4 && prefix.allSatisfy { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
    }

    /// Decodes the account from `prefix(4) + 16 base32 + (totalLength - 20) more base32 characters`.
    static func account(of id: some StringProtocol, totalLength: Int) -> String? {
        let utf8 = Array(id.utf8)
        guard utf8.count == totalLength, isValidPrefix(utf8[0..<4]) else { return nil }
        // Upper case only: the case-insensitive decoder must not accept `akia...`-style spellings.
        var z: UInt64 = 0
        for (offset, character) in utf8[4...].enumerated() {
            guard character < UInt8(ascii: "a"), let value = Base32.value(of: character) else { return nil }
            // The first 10 characters carry 50 bits; `z` is the first 48 of them.
            if offset < 10 { z = (z << 5) | UInt64(value) }
        }
        let account = ((z >> 2) & accountMask) >> 7
        return zeroPadded(account)
    }

    static func zeroPadded(_ value: UInt64) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, 12 - digits.count)) + digits
    }
}
