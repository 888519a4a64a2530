import LatchkeyBase

extension SessionTokenKeyRing {
    /// The key ID written in a token's header, or nil if the token does not start like one of this format. Nothing
    /// is authenticated: use it only to decide which keys to look for, never to trust the token.
    public static func keyID(ofToken token: String) -> UInt32? {
        // The first 8 base64 characters are the first 6 bytes: the version, the key ID and a nonce byte.
        guard let bytes = Base64.decode(token.utf8.prefix(8)), bytes.count == 6, bytes[0] == version else { return nil }
        return UInt32(bytes[1]) << 24 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 8 | UInt32(bytes[4])
    }
}
