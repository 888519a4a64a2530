import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Cryptographically secure random bytes for the request path, fetched from the kernel in bulk.
///
/// AssumeRole needs 58 random bytes (a 30-byte secret, 16 bytes for the access key ID, a 12-byte nonce); through
/// `SystemRandomNumberGenerator` and swift-crypto that was eight `getrandom` system calls of 8 bytes each. A pool
/// fetches `capacity` bytes with one call and hands them out in order.
///
/// Why it stays cryptographically secure: every byte comes straight from the kernel's CSPRNG (`getrandom(2)` on
/// Linux, through `getentropy`; `arc4random_buf` on Darwin), the source `SystemRandomNumberGenerator` reads; nothing is derived, stretched
/// or reseeded in user space, so the pool only changes how many bytes one call fetches. Each byte is handed out at
/// most once: the cursor moves forward under the lock and the pool is refilled from the kernel when it runs out.
/// A byte is zeroed in the pool as it is handed out, so a later read of the process memory does not show secrets
/// already issued (bytes not yet handed out are as secret as any key in memory). A forked child would share the
/// unused bytes; the server never forks.
public final class SecureRandom: Sendable {
    /// The process-wide pool the request path draws from.
    public static let shared = SecureRandom()

    /// Bytes fetched from the kernel per refill unless `init` says otherwise.
    public static let defaultCapacity = 4096

    struct State {
        var bytes: [UInt8]
        /// The first byte not yet handed out; `bytes.count` when the pool is used up.
        var next: Int
        /// How many times the pool was filled from the source, for tests.
        var refills = 0
    }

    private let state: Mutex<State>
    private let source: @Sendable (UnsafeMutableRawBufferPointer) -> Void

    /// A pool of `capacity` bytes, filled on first use; `source` (the kernel's CSPRNG unless a test says otherwise)
    /// fills a whole buffer with random bytes.
    init(
        capacity: Int = defaultCapacity,
        source: @escaping @Sendable (UnsafeMutableRawBufferPointer) -> Void = SecureRandom.systemFill
    ) {
        precondition(capacity > 0, "a random pool needs room for at least one byte")
        self.state = Mutex(State(bytes: [UInt8](repeating: 0, count: capacity), next: capacity))
        self.source = source
    }

    /// A pool with the default capacity over the kernel's CSPRNG.
    public convenience init() {
        self.init(capacity: Self.defaultCapacity)
    }

    /// Fills `buffer` with random bytes no other call receives.
    public func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        guard var target = buffer.baseAddress else { return }
        var remaining = buffer.count
        state.withLock { state in
            let capacity = state.bytes.count
            guard remaining <= capacity else {
                // Larger than the whole pool: straight from the source, the pool untouched.
                source(buffer)
                return
            }
            state.bytes.withUnsafeMutableBytes { pool in
                while remaining > 0 {
                    if state.next == capacity {
                        source(pool)
                        state.next = 0
                        state.refills += 1
                    }
                    let count = min(remaining, capacity - state.next)
                    let start = pool.baseAddress! + state.next
                    target.copyMemory(from: start, byteCount: count)
                    // Handed out: wipe the pool's copy.
                    start.initializeMemory(as: UInt8.self, repeating: 0, count: count)
                    state.next += count
                    target += count
                    remaining -= count
                }
            }
        }
    }

    /// A random `UInt64` no other call receives.
    public func next() -> UInt64 {
        var value: UInt64 = 0
        withUnsafeMutableBytes(of: &value) { fill($0) }
        return value
    }

    /// Calls `body` with `count` fresh random bytes in a temporary buffer, wiped afterwards. Inlinable so callers in
    /// other modules get it specialized (the AssumeRole profile showed the generic closures).
    @inlinable
    public func withBytes<Result, Failure: Error>(
        count: Int,
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try withUnsafeTemporaryAllocation(byteCount: count, alignment: 8) { buffer throws(Failure) -> Result in
            fill(buffer)
            defer { buffer.initializeMemory(as: UInt8.self, repeating: 0) }
            return try body(UnsafeRawBufferPointer(buffer))
        }
    }

    /// How many times the pool was filled from its source.
    var refillCount: Int { state.withLock { $0.refills } }

    /// The pool's bytes and cursor, for tests.
    var snapshot: (bytes: [UInt8], next: Int) { state.withLock { ($0.bytes, $0.next) } }

    /// Fills `buffer` from the kernel's CSPRNG. Traps if the kernel cannot supply randomness, which does not happen
    /// on a supported system (the call blocks only until the kernel's generator is first seeded at boot).
    public static func systemFill(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress else { return }
        #if canImport(Darwin)
            arc4random_buf(base, buffer.count)
        #elseif canImport(Glibc) || canImport(Musl)
            // getentropy(3) is getrandom(2) in calls of at most 256 bytes (Glibc does not export getrandom to Swift).
            var offset = 0
            while offset < buffer.count {
                let count = min(256, buffer.count - offset)
                guard getentropy(base + offset, count) == 0 else {
                    preconditionFailure("getentropy failed with errno \(errno)")
                }
                offset += count
            }
        #else
            var generator = SystemRandomNumberGenerator()
            var offset = 0
            while offset < buffer.count {
                let word = generator.next()
                let count = min(8, buffer.count - offset)
                withUnsafeBytes(of: word) { (base + offset).copyMemory(from: $0.baseAddress!, byteCount: count) }
                offset += count
            }
        #endif
    }
}

/// A `RandomNumberGenerator` over a `SecureRandom` pool, for APIs that take a generator.
public struct SecureRandomGenerator: RandomNumberGenerator, Sendable {
    private let pool: SecureRandom

    /// A generator drawing from `pool` (the process-wide one unless given).
    public init(pool: SecureRandom = .shared) { self.pool = pool }

    public mutating func next() -> UInt64 { pool.next() }
}
