import LatchkeyBase
import Testing

/// A byte collection that counts how many of its elements are read, to prove that a comparison reads all of them.
struct CountingBytes: Collection {
    /// A reference, so the count survives the copies the comparison makes of the collection.
    final class Reads {
        var count = 0
    }

    let bytes: [UInt8]
    let reads: Reads

    var startIndex: Int { bytes.startIndex }
    var endIndex: Int { bytes.endIndex }
    func index(after index: Int) -> Int { index + 1 }
    subscript(position: Int) -> UInt8 {
        reads.count += 1
        return bytes[position]
    }
}

@Suite("ConstantTime.equals reads every byte, wherever the first difference is")
struct ConstantTimeNoEarlyExitTests {
    static let length = 64

    /// Inputs equal except at `difference` (nil: equal).
    static func pair(differingAt difference: Int?) -> (CountingBytes, CountingBytes) {
        let left = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37) }
        var right = left
        if let difference { right[difference] ^= 0x5A }
        return (CountingBytes(bytes: left, reads: .init()), CountingBytes(bytes: right, reads: .init()))
    }

    @Test(
        "no early exit: a difference in the first, a middle or the last byte reads as many bytes as equal inputs",
        arguments: [nil, 0, 1, 31, 63])
    func readsEveryByte(difference: Int?) {
        let (left, right) = Self.pair(differingAt: difference)
        let equal = ConstantTime.equals(left, right)
        #expect(equal == (difference == nil))
        #expect(left.reads.count == Self.length, "every byte of the first input is read once")
        #expect(right.reads.count == Self.length, "every byte of the second input is read once")
    }

    @Test("the counting collection itself would catch an early exit")
    func countingCatchesEarlyExit() {
        // A comparison that stops at the first difference, as `==` on arrays does: the counter sees it.
        let (left, right) = Self.pair(differingAt: 0)
        let earlyExit = left.elementsEqual(right)
        #expect(!earlyExit)
        #expect(left.reads.count < Self.length)
    }

    @Test("lengths are not secret: different lengths compare unequal without reading the bytes")
    func differentLengths() {
        let left = CountingBytes(bytes: [1, 2, 3], reads: .init())
        let right = CountingBytes(bytes: [1, 2], reads: .init())
        #expect(!ConstantTime.equals(left, right))
        #expect(left.reads.count == 0 && right.reads.count == 0)
    }

    @Test("strings compare by their UTF-8 bytes, without Unicode normalization")
    func strings() {
        #expect(ConstantTime.equals("abc", "abc"))
        #expect(!ConstantTime.equals("abc", "abd"))
        #expect(!ConstantTime.equals("abc", "ab"))
        // "é" precomposed and decomposed are equal Strings in Swift but different bytes: a secret is its bytes.
        #expect("\u{E9}" == "e\u{301}")
        #expect(!ConstantTime.equals("\u{E9}", "e\u{301}"))
    }
}
