import LatchkeyBase

/// Strict base64 as SAML messages and metadata carry it: the standard alphabet with padding; ASCII whitespace (line
/// breaks from IdPs and form posts) is ignored, anything else is refused, and so is text that decodes to nothing.
/// Nonzero unused bits in the last character are tolerated, as they always were.
enum SAMLBase64 {
    static func decode(_ text: some StringProtocol) -> [UInt8]? {
        guard let bytes = Base64.decode(text, options: [.ignoringWhitespace, .allowingNonzeroTrailingBits]),
            !bytes.isEmpty
        else { return nil }
        return bytes
    }
}
