import Synchronization
import Testing

@testable import LatchkeyTokens

@Suite struct SecureRandomTests {
    /// A source that writes consecutive big-endian `UInt32` counters, continuing across calls, so every 4-byte group
    /// handed out names the one position of the source's stream it came from.
    final class CountingSource: Sendable {
        let next = Mutex<UInt32>(0)
        let calls = Mutex<[Int]>([])

        func fill(_ buffer: UnsafeMutableRawBufferPointer) {
            precondition(buffer.count % 4 == 0, "the counting source fills whole counters")
            calls.withLock { $0.append(buffer.count) }
            next.withLock { next in
                for offset in stride(from: 0, to: buffer.count, by: 4) {
                    buffer.storeBytes(of: next.bigEndian, toByteOffset: offset, as: UInt32.self)
                    next += 1
                }
            }
        }
    }

    static func counters(_ bytes: [UInt8]) -> [UInt32] {
        stride(from: 0, to: bytes.count, by: 4).map { offset in
            bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | UInt32($1) }
        }
    }

    static func draw(_ pool: SecureRandom, _ count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            pool.fill(UnsafeMutableRawBufferPointer(buffer))
            initialized = count
        }
    }

    @Test("draws never overlap: every byte of the source is handed out once, in order, across refills")
    func drawsNeverOverlap() {
        let source = CountingSource()
        let pool = SecureRandom(capacity: 64, source: { source.fill($0) })
        var seen: [UInt32] = []
        for count in [4, 8, 12, 40, 16, 28, 64, 4, 60, 8] {
            seen += Self.counters(Self.draw(pool, count))
        }
        // 244 bytes: 61 counters, each exactly once; a refill tops up, it never skips or repeats.
        #expect(seen == Array(0..<61))
        #expect(pool.refillCount == 4)
        #expect(source.calls.withLock { $0 } == [64, 64, 64, 64])
    }

    @Test("a refill happens only once the pool is used up, and a draw larger than the pool bypasses it")
    func refills() {
        let source = CountingSource()
        let pool = SecureRandom(capacity: 32, source: { source.fill($0) })
        #expect(pool.refillCount == 0)
        _ = Self.draw(pool, 32)
        #expect(pool.refillCount == 1)
        _ = Self.draw(pool, 4)
        #expect(pool.refillCount == 2)
        let large = Self.counters(Self.draw(pool, 40))
        #expect(pool.refillCount == 2)
        #expect(large == Array(16..<26))
        #expect(Self.counters(Self.draw(pool, 4)) == [9])
    }

    @Test("bytes handed out are wiped from the pool; the rest are left for later draws")
    func handedOutBytesAreWiped() {
        let source = CountingSource()
        let pool = SecureRandom(capacity: 64, source: { source.fill($0) })
        _ = Self.draw(pool, 20)
        let (bytes, next) = pool.snapshot
        #expect(next == 20)
        #expect(bytes[..<20].allSatisfy { $0 == 0 })
        #expect(Self.counters(Array(bytes[20...])) == Array(5..<16))
    }

    @Test("withBytes and next draw from the pool like fill")
    func withBytesAndNext() {
        let source = CountingSource()
        let pool = SecureRandom(capacity: 64, source: { source.fill($0) })
        let first = pool.withBytes(count: 8) { Self.counters(Array($0)) }
        #expect(first == [0, 1])
        #expect(withUnsafeBytes(of: pool.next()) { Self.counters(Array($0)) } == [2, 3])
        var generator = SecureRandomGenerator(pool: pool)
        #expect(withUnsafeBytes(of: generator.next()) { Self.counters(Array($0)) } == [4, 5])
    }

    @Test("the kernel source fills buffers longer than one getentropy call, and the shared pool never repeats")
    func systemSource() {
        var bytes = [UInt8](repeating: 0, count: 1000)
        bytes.withUnsafeMutableBytes { SecureRandom.systemFill($0) }
        // Each 256-byte call's output is all zero with probability 2^-2048.
        for chunk in stride(from: 0, to: 1000, by: 256) {
            #expect(bytes[chunk..<min(chunk + 256, 1000)].contains { $0 != 0 })
        }
        let draws = (0..<2000).map { _ in Self.draw(SecureRandom.shared, 16) }
        #expect(Set(draws).count == draws.count)
    }
}
