extension QRCode {
    /// The allowed pixel sizes of one module in ``png(scale:border:)``.
    public static let pngScales: ClosedRange<Int> = 1...16
    /// The allowed quiet-zone widths, in modules, in ``png(scale:border:)``.
    public static let pngBorders: ClosedRange<Int> = 0...16

    /// The symbol as a 1-bit greyscale PNG: dark modules black, light modules and the quiet zone white.
    ///
    /// The image is `(size + 2 × border) × scale` pixels square. The zlib stream uses stored (uncompressed)
    /// deflate blocks. Out-of-range arguments are clamped to ``pngScales`` and ``pngBorders``, which bounds the
    /// image at 3,344 pixels square (about 1.4 MB) for version 40.
    ///
    /// - Parameters:
    ///   - scale: Pixels per module, 1...16.
    ///   - border: Quiet-zone width in modules, 0...16; scanners expect at least 4.
    public func png(scale: Int = 4, border: Int = 4) -> [UInt8] {
        let scale = min(max(scale, Self.pngScales.lowerBound), Self.pngScales.upperBound)
        let border = min(max(border, Self.pngBorders.lowerBound), Self.pngBorders.upperBound)
        let dimension = (size + 2 * border) * scale
        let rowBytes = (dimension + 7) / 8

        // Filter type 0 then the packed pixels for each scanline; 1 is white.
        var raw: [UInt8] = []
        raw.reserveCapacity((rowBytes + 1) * dimension)
        var scanline = [UInt8](repeating: 0, count: rowBytes)
        for moduleY in 0..<(size + 2 * border) {
            for index in scanline.indices {
                scanline[index] = 0
            }
            for pixelX in 0..<dimension where !isDark(x: pixelX / scale - border, y: moduleY - border) {
                scanline[pixelX >> 3] |= UInt8(0x80 >> (pixelX & 7))
            }
            for _ in 0..<scale {
                raw.append(0)
                raw.append(contentsOf: scanline)
            }
        }

        var header: [UInt8] = []
        header.appendBigEndian(UInt32(dimension))
        header.appendBigEndian(UInt32(dimension))
        header += [1, 0, 0, 0, 0]  // bit depth 1, greyscale, deflate, adaptive filtering, no interlace

        var png: [UInt8] = PNG.signature
        PNG.appendChunk("IHDR", header, to: &png)
        PNG.appendChunk("IDAT", PNG.zlibStored(raw), to: &png)
        PNG.appendChunk("IEND", [], to: &png)
        return png
    }
}

/// PNG container pieces (ISO/IEC 15948) and the zlib wrapper (RFC 1950) around stored deflate blocks (RFC 1951).
enum PNG {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Appends length, type, data and the CRC-32 of type and data.
    static func appendChunk(_ type: String, _ data: [UInt8], to png: inout [UInt8]) {
        png.appendBigEndian(UInt32(data.count))
        let typeAndData = Array(type.utf8) + data
        png += typeAndData
        png.appendBigEndian(Checksum.crc32(typeAndData))
    }

    /// A zlib stream holding `data` in stored blocks of at most 65,535 bytes, ending with its Adler-32.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var stream: [UInt8] = [0x78, 0x01]  // deflate, 32 KiB window, no dictionary; 0x7801 % 31 == 0
        var start = 0
        repeat {
            let end = min(start + 65_535, data.count)
            let length = UInt16(end - start)
            stream.append(end == data.count ? 1 : 0)  // BFINAL on the last block, BTYPE 00
            stream.append(UInt8(truncatingIfNeeded: length))
            stream.append(UInt8(truncatingIfNeeded: length >> 8))
            stream.append(UInt8(truncatingIfNeeded: ~length))
            stream.append(UInt8(truncatingIfNeeded: ~length >> 8))
            stream += data[start..<end]
            start = end
        } while start < data.count
        stream.appendBigEndian(Checksum.adler32(data))
        return stream
    }
}

/// The two checksums a PNG needs.
enum Checksum {
    private static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 {
            c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1
        }
        return c
    }

    /// CRC-32 (ISO 3309, as used by PNG and zlib's `crc32`).
    static func crc32(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return ~crc
    }

    /// Adler-32 (RFC 1950).
    static func adler32(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return b << 16 | a
    }
}

extension [UInt8] {
    mutating func appendBigEndian(_ value: UInt32) {
        append(UInt8(truncatingIfNeeded: value >> 24))
        append(UInt8(truncatingIfNeeded: value >> 16))
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }
}
