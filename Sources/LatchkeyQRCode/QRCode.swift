/// A QR code symbol (ISO/IEC 18004 model 2) holding its module matrix.
///
/// Built by ``encode(_:errorCorrection:)`` in byte mode from the UTF-8 of a string, at the smallest version
/// (1...40) that fits, with all eight masks scored by the standard penalty rules and the lowest one kept.
/// ``png(scale:border:)`` renders it for an authenticator app to scan.
public struct QRCode: Sendable, Hashable {
    /// The error-correction level: how much of the symbol can be damaged and still decode.
    public enum ErrorCorrection: Sendable, Hashable, CaseIterable {
        /// About 7% of codewords can be restored (L).
        case low
        /// About 15% of codewords can be restored (M).
        case medium
        /// About 25% of codewords can be restored (Q).
        case quartile
        /// About 30% of codewords can be restored (H).
        case high
    }

    /// The symbol version, 1...40.
    public let version: Int
    /// The error-correction level the symbol was built with.
    public let errorCorrection: ErrorCorrection
    /// The data mask pattern applied, 0...7.
    public let mask: Int
    /// The number of modules along one side: `17 + 4 × version`, without any quiet zone.
    public let size: Int
    /// The modules row by row (`y × size + x`); `true` is dark.
    public let modules: [Bool]

    /// The smallest and largest versions.
    public static let versions: ClosedRange<Int> = 1...40
    /// The largest number of bytes a symbol can carry (version 40, level L).
    public static let maximumByteCount = 2953

    init(version: Int, errorCorrection: ErrorCorrection, mask: Int, modules: [Bool]) {
        self.version = version
        self.errorCorrection = errorCorrection
        self.mask = mask
        self.size = 17 + 4 * version
        self.modules = modules
    }

    /// Whether the module at column `x`, row `y` is dark. Coordinates outside the symbol are light (quiet zone).
    public func isDark(x: Int, y: Int) -> Bool {
        guard x >= 0, y >= 0, x < size, y < size else { return false }
        return modules[y * size + x]
    }

    /// Encodes `text` (as UTF-8, in byte mode) at the smallest version that fits.
    ///
    /// - Throws: ``QRCodeError/Code/dataTooLong`` when the text does not fit in version 40 at this level.
    public static func encode(
        _ text: String,
        errorCorrection: ErrorCorrection = .medium
    ) throws(QRCodeError) -> QRCode {
        let count = text.utf8.count
        guard count <= maximumByteCount else {
            throw QRCodeError(.dataTooLong, "\(count) bytes exceed the QR code maximum of \(maximumByteCount).")
        }
        return try encode(bytes: Array(text.utf8), errorCorrection: errorCorrection)
    }

    /// Encodes raw bytes in byte mode.
    ///
    /// - Parameters:
    ///   - bytes: The payload; a decoder reads it back byte for byte.
    ///   - errorCorrection: The error-correction level.
    ///   - version: A fixed version, or `nil` for the smallest that fits.
    ///   - mask: A fixed mask pattern, or `nil` to score all eight and keep the lowest penalty.
    /// - Throws: ``QRCodeError/Code/dataTooLong`` when the bytes do not fit (in `version`, if given, else in
    ///   version 40); ``QRCodeError/Code/invalidVersion`` or ``QRCodeError/Code/invalidMask`` for out-of-range
    ///   parameters.
    public static func encode(
        bytes: [UInt8],
        errorCorrection: ErrorCorrection = .medium,
        version: Int? = nil,
        mask: Int? = nil
    ) throws(QRCodeError) -> QRCode {
        if let version, !versions.contains(version) {
            throw QRCodeError(.invalidVersion, "Version \(version) is outside 1...40.")
        }
        if let mask, !(0...7).contains(mask) {
            throw QRCodeError(.invalidMask, "Mask \(mask) is outside 0...7.")
        }
        let chosen = try chooseVersion(byteCount: bytes.count, errorCorrection: errorCorrection, fixed: version)
        let data = dataCodewords(bytes, version: chosen, errorCorrection: errorCorrection)
        let codewords = interleavedCodewords(data, version: chosen, errorCorrection: errorCorrection)
        var symbol = SymbolBuilder(version: chosen)
        symbol.drawFunctionPatterns()
        symbol.drawCodewords(codewords)
        let chosenMask = mask ?? symbol.bestMask(errorCorrection: errorCorrection)
        symbol.applyMask(chosenMask)
        symbol.drawFormatBits(errorCorrection: errorCorrection, mask: chosenMask)
        return QRCode(version: chosen, errorCorrection: errorCorrection, mask: chosenMask, modules: symbol.modules)
    }

    /// The smallest version from 1 (or exactly `fixed`) whose data capacity holds `byteCount` bytes.
    static func chooseVersion(
        byteCount: Int,
        errorCorrection: ErrorCorrection,
        fixed: Int?
    ) throws(QRCodeError) -> Int {
        let candidates = fixed.map { $0...$0 } ?? versions
        for version in candidates where byteCount <= byteCapacity(version: version, errorCorrection: errorCorrection) {
            return version
        }
        let limit = byteCapacity(version: candidates.upperBound, errorCorrection: errorCorrection)
        throw QRCodeError(
            .dataTooLong,
            "\(byteCount) bytes exceed the \(limit)-byte capacity of version \(candidates.upperBound) at this level."
        )
    }
}
