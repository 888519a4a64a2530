import Testing

@testable import LatchkeyQRCode

/// PNG structure, checksums and pixels, read back by a small independent reader.
@Suite struct PNGTests {
    struct Chunk {
        var type: String
        var data: [UInt8]
        var crc: UInt32
    }

    static func bigEndian(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }

    static func chunks(_ png: [UInt8]) throws -> [Chunk] {
        var chunks: [Chunk] = []
        var offset = 8
        while offset < png.count {
            try #require(offset + 12 <= png.count)
            let length = Int(bigEndian(png[offset..<(offset + 4)]))
            try #require(offset + 12 + length <= png.count)
            let type = String(decoding: png[(offset + 4)..<(offset + 8)], as: UTF8.self)
            let data = Array(png[(offset + 8)..<(offset + 8 + length)])
            let crc = bigEndian(png[(offset + 8 + length)..<(offset + 12 + length)])
            chunks.append(Chunk(type: type, data: data, crc: crc))
            offset += 12 + length
        }
        return chunks
    }

    /// Inflates a zlib stream made only of stored blocks, checking the header, block lengths and Adler-32.
    static func inflateStored(_ stream: [UInt8]) throws -> [UInt8] {
        try #require(stream.count >= 6)
        #expect(stream[0] & 0x0F == 8, "CM = deflate")
        #expect((Int(stream[0]) << 8 | Int(stream[1])) % 31 == 0, "FCHECK")
        #expect(stream[1] & 0x20 == 0, "no preset dictionary")
        var output: [UInt8] = []
        var offset = 2
        var final = false
        while !final {
            try #require(offset + 5 <= stream.count)
            final = stream[offset] & 1 == 1
            try #require(stream[offset] >> 1 & 3 == 0, "stored block")
            let length = Int(stream[offset + 1]) | Int(stream[offset + 2]) << 8
            let complement = Int(stream[offset + 3]) | Int(stream[offset + 4]) << 8
            #expect(length ^ complement == 0xFFFF)
            offset += 5
            try #require(offset + length <= stream.count)
            output += stream[offset..<(offset + length)]
            offset += length
        }
        try #require(offset + 4 == stream.count)
        #expect(bigEndian(stream[offset...]) == Checksum.adler32(output))
        return output
    }

    /// A decoded 1-bit image.
    struct Image {
        var width: Int
        var height: Int
        var rowBytes: Int
        var raw: [UInt8]

        /// Whether the pixel at column `x`, row `y` is black.
        func isBlack(x: Int, y: Int) -> Bool {
            raw[y * (rowBytes + 1) + 1 + x / 8] & (0x80 >> UInt8(x % 8)) == 0
        }
    }

    static func decode(_ png: [UInt8]) throws -> Image {
        let chunks = try chunks(png)
        let header = try #require(chunks.first { $0.type == "IHDR" })
        let width = Int(bigEndian(header.data[0..<4]))
        let height = Int(bigEndian(header.data[4..<8]))
        let raw = try inflateStored(chunks.filter { $0.type == "IDAT" }.flatMap(\.data))
        let rowBytes = (width + 7) / 8
        try #require(raw.count == (rowBytes + 1) * height)
        for y in 0..<height where raw[y * (rowBytes + 1)] != 0 {
            Issue.record("row \(y) does not use filter type None")
        }
        return Image(width: width, height: height, rowBytes: rowBytes, raw: raw)
    }

    @Test("CRC-32 and Adler-32 give their standard check values")
    func checksumCheckValues() {
        #expect(Checksum.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(Checksum.crc32([UInt8]()) == 0)
        #expect(Checksum.crc32(Array("IEND".utf8)) == 0xAE42_6082)
        #expect(Checksum.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
        #expect(Checksum.adler32([UInt8]()) == 1)
        // Large enough for the modulo reduction to matter.
        #expect(Checksum.adler32([UInt8](repeating: 0xFF, count: 100_000)) == 0x149A_302C)
    }

    @Test("the file is signature, IHDR, IDAT, IEND, each chunk with a correct CRC-32")
    func chunkLayout() throws {
        let png = try QRCode.encode("HELLO WORLD").png()
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let chunks = try Self.chunks(png)
        #expect(chunks.map(\.type) == ["IHDR", "IDAT", "IEND"])
        for chunk in chunks {
            #expect(chunk.crc == Checksum.crc32(Array(chunk.type.utf8) + chunk.data), "\(chunk.type)")
        }
        #expect(chunks.last?.data.isEmpty == true)
        #expect(Array(png.suffix(12)) == [0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82])
    }

    @Test(
        "IHDR is (size + 2 × border) × scale square, 1-bit greyscale, no interlace",
        arguments: [
            (1, 0), (4, 4), (3, 2), (16, 16),
        ])
    func headerDimensions(_ scale: Int, _ border: Int) throws {
        let code = try QRCode.encode("otpauth://totp/a@123456789012?secret=JBSWY3DPEHPK3PXP")
        let header = try #require(try Self.chunks(code.png(scale: scale, border: border)).first)
        let side = UInt32((code.size + 2 * border) * scale)
        #expect(header.type == "IHDR")
        #expect(header.data.count == 13)
        #expect(Self.bigEndian(header.data[0..<4]) == side)
        #expect(Self.bigEndian(header.data[4..<8]) == side)
        #expect(Array(header.data[8...]) == [1, 0, 0, 0, 0])
    }

    @Test("every pixel shows its module: dark modules black, light modules and the quiet zone white")
    func pixelsMatchModules() throws {
        let code = try QRCode.encode("otpauth://totp/alice@111122223333?secret=GEZDGNBVGY3TQOJQ")
        let (scale, border) = (3, 4)
        let image = try Self.decode(code.png(scale: scale, border: border))
        #expect(image.width == (code.size + 2 * border) * scale)
        #expect(image.height == image.width)
        for y in 0..<image.height {
            for x in 0..<image.width {
                let dark = code.isDark(x: x / scale - border, y: y / scale - border)
                guard image.isBlack(x: x, y: y) == dark else {
                    Issue.record("pixel (\(x), \(y)) is wrong")
                    return
                }
            }
        }
    }

    @Test(
        "out-of-range scale and border are clamped to 1...16 and 0...16",
        arguments: [
            (0, -1, 1, 0), (-5, 4, 1, 4), (17, 4, 16, 4), (Int.max, Int.max, 16, 16), (Int.min, Int.min, 1, 0),
        ])
    func argumentsAreClamped(_ scale: Int, _ border: Int, _ clampedScale: Int, _ clampedBorder: Int) throws {
        let code = try QRCode.encode("HELLO WORLD")
        #expect(code.png(scale: scale, border: border) == code.png(scale: clampedScale, border: clampedBorder))
    }

    @Test("a version-40 symbol at scale 16 spans several stored deflate blocks and still reads back")
    func largestImage() throws {
        let code = try QRCode.encode(String(repeating: "A", count: 2953), errorCorrection: .low)
        let png = code.png(scale: 16, border: 16)
        let image = try Self.decode(png)
        #expect(image.width == (177 + 32) * 16)
        #expect(png.count < 1_500_000)
        #expect(image.isBlack(x: 16 * 16, y: 16 * 16), "top-left finder corner is black")
        #expect(!image.isBlack(x: 0, y: 0), "quiet zone is white")
        let lastModuleX = (16 + 176) * 16
        #expect(image.isBlack(x: lastModuleX + 15, y: 256 + 15), "top-right finder corner is black")
        #expect(!image.isBlack(x: lastModuleX + 16, y: 256), "right quiet zone is white")
    }
}
