extension QRCode {
    /// The data codewords for a byte-mode segment (ISO/IEC 18004:2015 7.4): mode indicator `0100`, the character
    /// count, the bytes, a terminator of up to four zero bits, zero bits to a byte boundary, then the pad
    /// codewords `0xEC 0x11` alternately. The caller has checked that `bytes` fit.
    static func dataCodewords(_ bytes: [UInt8], version: Int, errorCorrection: ErrorCorrection) -> [UInt8] {
        let capacity = dataCodewordCount(version: version, errorCorrection: errorCorrection)
        var writer = BitWriter()
        writer.append(0b0100, bits: 4)
        writer.append(bytes.count, bits: characterCountBits(version: version))
        for byte in bytes {
            writer.append(Int(byte), bits: 8)
        }
        let capacityBits = capacity * 8
        writer.append(0, bits: min(4, capacityBits - writer.bitCount))
        writer.append(0, bits: (8 - writer.bitCount % 8) % 8)
        var codewords = writer.bytes
        var pad: UInt8 = 0xEC
        while codewords.count < capacity {
            codewords.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return codewords
    }

    /// Splits data codewords into blocks, appends each block's Reed–Solomon codewords, and interleaves them
    /// (7.6): the data codewords column by column across blocks (short blocks first), then the error-correction
    /// codewords the same way.
    static func interleavedCodewords(_ data: [UInt8], version: Int, errorCorrection: ErrorCorrection) -> [UInt8] {
        let blockCount = errorCorrection.blockCounts[version]
        let eccLength = errorCorrection.eccCodewordsPerBlock[version]
        let total = totalCodewords(version: version)
        let shortBlockCount = blockCount - total % blockCount
        let shortDataLength = total / blockCount - eccLength
        let reedSolomon = ReedSolomon(degree: eccLength)

        var dataBlocks: [ArraySlice<UInt8>] = []
        var eccBlocks: [[UInt8]] = []
        var start = data.startIndex
        for block in 0..<blockCount {
            let length = shortDataLength + (block < shortBlockCount ? 0 : 1)
            let slice = data[start..<(start + length)]
            start += length
            dataBlocks.append(slice)
            eccBlocks.append(reedSolomon.remainder(slice))
        }

        var result: [UInt8] = []
        result.reserveCapacity(total)
        for column in 0...shortDataLength {
            for block in dataBlocks where column < block.count {
                result.append(block[block.startIndex + column])
            }
        }
        for column in 0..<eccLength {
            for block in eccBlocks {
                result.append(block[column])
            }
        }
        return result
    }
}

/// Appends bit fields most-significant bit first and packs them into bytes.
struct BitWriter: Sendable {
    private(set) var bytes: [UInt8] = []
    private(set) var bitCount = 0

    /// Appends the low `bits` bits of `value`, most significant first.
    mutating func append(_ value: Int, bits: Int) {
        var remaining = bits
        while remaining > 0 {
            remaining -= 1
            let bit = (value >> remaining) & 1
            if bitCount % 8 == 0 {
                bytes.append(0)
            }
            if bit == 1 {
                bytes[bytes.count - 1] |= UInt8(0x80 >> (bitCount % 8))
            }
            bitCount += 1
        }
    }
}
