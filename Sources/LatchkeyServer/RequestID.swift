import LatchkeyBase
import Synchronization

/// Request IDs in UUID form (`8-4-4-4-12` lowercase hex), unique per process without a syscall per request:
/// 64 random bits chosen at start, then a counter. Random enough to be unique across nodes; not a secret.
enum RequestID {
    private static let prefix: UInt64 = {
        var generator = SystemRandomNumberGenerator()
        return generator.next()
    }()
    private static let counter = Atomic<UInt64>(0)

    static func next() -> String {
        let sequence = counter.wrappingAdd(1, ordering: .relaxed).newValue
        // Mix the counter so consecutive IDs do not share long prefixes (splitmix64 finalizer, a bijection).
        var mixed = sequence &+ 0x9E37_79B9_7F4A_7C15
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        mixed ^= mixed >> 31
        return String(unsafeUninitializedCapacity: 36) { buffer in
            var index = 0
            func put(_ value: UInt64, nibbles: Int) {
                for shift in stride(from: (nibbles - 1) * 4, through: 0, by: -4) {
                    buffer[index] = Hex.digit(UInt8(truncatingIfNeeded: value >> UInt64(shift)) & 0xF)
                    index += 1
                }
            }
            func dash() {
                buffer[index] = UInt8(ascii: "-")
                index += 1
            }
            put(prefix >> 32, nibbles: 8)
            dash()
            put(prefix >> 16, nibbles: 4)
            dash()
            put(prefix, nibbles: 4)
            dash()
            put(mixed >> 48, nibbles: 4)
            dash()
            put(mixed, nibbles: 12)
            return index
        }
    }
}
