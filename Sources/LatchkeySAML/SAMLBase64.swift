#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LatchkeySAMLModel

/// Strict base64: the standard alphabet with padding; ASCII whitespace (line breaks from IdPs and form posts) is
/// ignored, anything else is refused.
enum SAMLBase64 {
    static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var compact: [UInt8] = []
        compact.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                continue
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="):
                compact.append(byte)
            default:
                return nil
            }
        }
        guard !compact.isEmpty, compact.count % 4 == 0 else { return nil }
        guard let data = Data(base64Encoded: Data(compact)) else { return nil }
        return Array(data)
    }
}
