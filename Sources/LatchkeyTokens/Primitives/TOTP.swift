import Crypto

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// Time-based one-time passwords as virtual MFA devices use them: RFC 6238 over RFC 4226 HOTP with HMAC-SHA1,
/// 6 digits and 30-second steps.
///
/// The caller stores the last step it accepted for a device and refuses a code whose step is not newer, so a code
/// can't be used twice.
public struct TOTP: Sendable {
    /// Digits per code.
    public static let digits = 6
    /// Seconds per time step.
    public static let period: Int64 = 30
    /// Length of secrets made by `generateSecret()` (160 bits, as RFC 4226 recommends).
    public static let secretLength = 20
    /// The largest `window` `matchingStep` honours.
    public static let maximumWindow = 10

    private let key: SymmetricKey

    /// Creates a generator for the shared `secret` (the raw bytes, not their base32 text).
    public init(secret: [UInt8]) {
        self.key = SymmetricKey(data: secret)
    }

    /// A fresh random secret of `secretLength` bytes from the system's secure generator.
    public static func generateSecret() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<secretLength).map { _ in generator.next() }
    }

    /// The time step containing `date`: `floor(seconds since 1970 / 30)`, clamped for dates out of range.
    public static func step(at date: Date) -> Int64 {
        let seconds = date.timeIntervalSince1970
        guard seconds.isFinite else { return seconds > 0 ? .max / period : .min / period }
        let whole = seconds.rounded(.down)
        guard let value = Int64(exactly: whole) else { return whole > 0 ? .max / period : .min / period }
        // Floor division, so dates before 1970 land in the right step.
        let quotient = value / period
        return (value % period < 0) ? quotient - 1 : quotient
    }

    /// The 6-digit code for the step containing `date`.
    public func code(at date: Date) -> String {
        code(step: Self.step(at: date))
    }

    /// The 6-digit code for time step `step` (the HOTP counter).
    public func code(step: Int64) -> String {
        let value = Self.hotp(key: key, counter: UInt64(bitPattern: step)) % 1_000_000
        let digits = String(value)
        return String(repeating: "0", count: Self.digits - digits.count) + digits
    }

    /// The step whose code equals `code`, searching `window` steps either side of the step containing `date`,
    /// or `nil` when none matches or `code` is not exactly 6 ASCII digits.
    ///
    /// Codes are compared in constant time and every step in the window is computed, whichever matches. When two
    /// steps share a code, the current step wins, then the earlier one.
    public func matchingStep(code: String, at date: Date, window: Int = 1) -> Int64? {
        guard let candidate = Self.parse(code: code) else { return nil }
        let window = Int64(min(max(window, 0), Self.maximumWindow))
        let now = Self.step(at: date)
        var match: Int64?
        // Current step first, then earlier, then later.
        var steps: [Int64] = [now]
        for distance in stride(from: 1, through: window, by: 1) {
            steps.append(now &- distance)
            steps.append(now &+ distance)
        }
        for step in steps {
            let expected = Self.hotp(key: key, counter: UInt64(bitPattern: step)) % 1_000_000
            let equal = (expected ^ candidate) == 0
            if equal, match == nil { match = step }
        }
        return match
    }

    /// Parses exactly six ASCII digits, touching every byte.
    static func parse(code: String) -> UInt32? {
        var value: UInt32 = 0
        var count = 0
        var valid = true
        for byte in code.utf8 {
            count += 1
            guard count <= digits else { return nil }
            let digit = byte &- UInt8(ascii: "0")
            valid = valid && digit <= 9
            value = value &* 10 &+ UInt32(digit)
        }
        return valid && count == digits ? value : nil
    }

    /// RFC 4226 HOTP before reduction: the 31-bit dynamically truncated HMAC-SHA1 of the big-endian counter.
    static func hotp(key: SymmetricKey, counter: UInt64) -> UInt32 {
        var message = [UInt8](repeating: 0, count: 8)
        for index in 0..<8 {
            message[index] = UInt8(truncatingIfNeeded: counter >> UInt64(8 * (7 - index)))
        }
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: message, using: key)
        return mac.withUnsafeBytes { bytes -> UInt32 in
            let offset = Int(bytes[bytes.count - 1] & 0x0f)
            return (UInt32(bytes[offset] & 0x7f) << 24) | (UInt32(bytes[offset + 1]) << 16)
                | (UInt32(bytes[offset + 2]) << 8) | UInt32(bytes[offset + 3])
        }
    }
}
