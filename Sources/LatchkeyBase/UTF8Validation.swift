/// A non-generic UTF-8 validator (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
///
/// `String(validating:as:)` is generic and goes through runtime metadata lookups on every call; this is
/// the hot-path replacement, followed by the specialised `String(decoding:as:)`. It accepts and refuses exactly
/// what `String(validating:as: UTF8.self)` does.
public enum UTF8Validation {
    /// `bytes` as a `String` if they are valid UTF-8, else nil.
    @inlinable @inline(__always)
    public static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        isValid(bytes) ? String(decoding: bytes, as: UTF8.self) : nil
    }

    /// `bytes` as a `String` if they are valid UTF-8, else nil.
    @inlinable
    public static func string(_ bytes: some Collection<UInt8>) -> String? {
        if let result = bytes.withContiguousStorageIfAvailable({ string($0) }) { return result }
        return Array(bytes).withUnsafeBufferPointer { string($0) }
    }

    /// Whether `bytes` are valid UTF-8.
    @inlinable
    public static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        let count = bytes.count
        while index < count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            func continuation(_ offset: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool {
                index + offset < count && range.contains(bytes[index + offset])
            }
            switch lead {
            case 0xC2...0xDF:
                guard continuation(1) else { return false }
                index += 2
            case 0xE0:
                guard continuation(1, 0xA0...0xBF), continuation(2) else { return false }
                index += 3
            case 0xE1...0xEC, 0xEE...0xEF:
                guard continuation(1), continuation(2) else { return false }
                index += 3
            case 0xED:
                guard continuation(1, 0x80...0x9F), continuation(2) else { return false }
                index += 3
            case 0xF0:
                guard continuation(1, 0x90...0xBF), continuation(2), continuation(3) else { return false }
                index += 4
            case 0xF1...0xF3:
                guard continuation(1), continuation(2), continuation(3) else { return false }
                index += 4
            case 0xF4:
                guard continuation(1, 0x80...0x8F), continuation(2), continuation(3) else { return false }
                index += 4
            default:
                return false
            }
        }
        return true
    }
}
