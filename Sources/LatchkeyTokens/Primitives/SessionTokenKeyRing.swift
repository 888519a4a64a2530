public import Crypto
import LatchkeyBase
public import LatchkeyDomain

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Seals `SessionTokenClaims` into opaque session tokens and opens them again without any store read.
///
/// A token is standard base64 of `version (1) | key ID (UInt32 BE) | nonce (12) | ciphertext | tag (16)`, sealed
/// with AES-256-GCM under the ring key named by the key ID, with the version and key ID as authenticated data.
/// New tokens use the active key; tokens under any other key in the ring still open, so keys can rotate while
/// older tokens stay valid until they expire.
public struct SessionTokenKeyRing: Sendable {
    /// The token format version written by `seal`.
    public static let version: UInt8 = 1
    /// Bytes of the header: version and key ID.
    static let headerLength = 5
    /// Bytes of a token around the ciphertext.
    static let overhead = headerLength + 12 + 16

    /// The key ID new tokens are sealed under.
    public let activeKeyID: UInt32
    private let keys: [UInt32: SymmetricKey]

    /// A ring of 256-bit `keys` by ID; throws unless `activeKeyID` is among them, every key is 256 bits and there are
    /// at most `maximumKeyCount` keys.
    public init(keys: [UInt32: SymmetricKey], activeKeyID: UInt32) throws(SessionTokenKeyRingError) {
        guard keys[activeKeyID] != nil else { throw SessionTokenKeyRingError(.activeKeyMissing) }
        guard keys.values.allSatisfy({ $0.bitCount == 256 }) else { throw SessionTokenKeyRingError(.invalidKeySize) }
        guard keys.count <= Self.maximumKeyCount else { throw SessionTokenKeyRingError(.tooManyKeys) }
        self.keys = keys
        self.activeKeyID = activeKeyID
    }

    private init(validatedKeys keys: [UInt32: SymmetricKey], activeKeyID: UInt32) {
        self.keys = keys
        self.activeKeyID = activeKeyID
    }

    /// Most keys a ring holds, so a mistaken key ID range can't make startup derive millions of keys.
    public static let maximumKeyCount = 256

    /// A ring whose keys are derived from `masterKey` with the label `MasterKey.sessionTokenLabel(keyID:)`, holding
    /// the active key and every accepted key ID; throws `.tooManyKeys` beyond `maximumKeyCount` distinct IDs.
    public static func derived(
        from masterKey: MasterKey,
        activeKeyID: UInt32,
        acceptedKeyIDs: some Sequence<UInt32> = []
    ) throws(SessionTokenKeyRingError) -> SessionTokenKeyRing {
        var keyIDs: Set<UInt32> = [activeKeyID]
        for keyID in acceptedKeyIDs {
            keyIDs.insert(keyID)
            guard keyIDs.count <= maximumKeyCount else { throw SessionTokenKeyRingError(.tooManyKeys) }
        }
        var keys: [UInt32: SymmetricKey] = [:]
        for keyID in keyIDs {
            keys[keyID] = masterKey.derivedKey(label: MasterKey.sessionTokenLabel(keyID: keyID))
        }
        return SessionTokenKeyRing(validatedKeys: keys, activeKeyID: activeKeyID)
    }

    /// The key IDs whose tokens this ring opens.
    public var acceptedKeyIDs: Set<UInt32> { Set(keys.keys) }

    /// Seals `claims` under the active key and a fresh random nonce (from `SecureRandom.shared`).
    ///
    /// Throws `.tooLarge` when the claims exceed the format's bounds: a field over 8 KiB, a list over 64 items, more
    /// than 32 extensions, or a token over 16 KiB. Callers normally reject such input earlier
    /// (`PackedPolicyTooLarge`).
    ///
    /// The plaintext and the token bytes live in temporary (stack) buffers of their exact sizes; the only heap copies
    /// are swift-crypto's sealed box and the token string (`SessionToken.Seal` component benchmark).
    public func seal(_ claims: SessionTokenClaims) throws(SessionTokenError) -> String {
        let plaintextBytes = try SessionTokenEncoder.encodedCount(claims)
        let tokenBytes = plaintextBytes + Self.overhead
        guard (tokenBytes + 2) / 3 * 4 <= SessionTokenLimits.maximumTokenCharacters else {
            throw SessionTokenError(.tooLarge)
        }
        guard let key = keys[activeKeyID] else {
            preconditionFailure("the active key is validated to be in the ring")
        }
        let header = Self.header(keyID: activeKeyID)
        let nonce = SecureRandom.shared.withBytes(count: 12) { bytes in
            // 12 bytes is the one length `Nonce(data:)` accepts here; nothing else can fail.
            guard let nonce = try? AES.GCM.Nonce(data: bytes) else { preconditionFailure("a 12-byte nonce") }
            return nonce
        }
        let box = withUnsafeTemporaryAllocation(byteCount: plaintextBytes, alignment: 1) { plaintext in
            let written = SessionTokenEncoder.write(claims, into: plaintext)
            precondition(written == plaintextBytes, "session token encoding differs from its measured size")
            defer { plaintext.initializeMemory(as: UInt8.self, repeating: 0) }
            return withUnsafeBytes(of: header) { header in
                do {
                    return try AES.GCM.seal(
                        UnsafeRawBufferPointer(plaintext), using: key, nonce: nonce, authenticating: header)
                } catch {
                    preconditionFailure("AES-GCM seal failed with a validated 256-bit key: \(error)")
                }
            }
        }
        // `combined` (nonce, ciphertext, tag) is there for every 12-byte nonce.
        guard let combined = box.combined, combined.count == tokenBytes - Self.headerLength else {
            preconditionFailure("AES-GCM sealed box without its combined form")
        }
        return withUnsafeTemporaryAllocation(byteCount: tokenBytes, alignment: 1) { token in
            withUnsafeBytes(of: header) { token.copyMemory(from: $0) }
            combined.withUnsafeBytes { sealed in
                UnsafeMutableRawBufferPointer(rebasing: token[Self.headerLength...]).copyMemory(from: sealed)
            }
            return Base64.encode(UnsafeRawBufferPointer(token))
        }
    }

    /// The authenticated header: version, then the key ID big-endian.
    private static func header(keyID: UInt32) -> (UInt8, UInt8, UInt8, UInt8, UInt8) {
        (
            version, UInt8(truncatingIfNeeded: keyID >> 24), UInt8(truncatingIfNeeded: keyID >> 16),
            UInt8(truncatingIfNeeded: keyID >> 8), UInt8(truncatingIfNeeded: keyID)
        )
    }

    /// Opens a token made by `seal` under any key of the ring. Expiry is not checked.
    ///
    /// The claims are decoded straight from the opened plaintext, with no copy of it (`SessionToken.Open` benchmark).
    public func open(_ token: String) throws(SessionTokenError) -> SessionTokenClaims {
        let utf8 = token.utf8
        guard utf8.count <= SessionTokenLimits.maximumTokenCharacters else { throw SessionTokenError(.malformed) }
        guard let bytes = Base64.decode(token), bytes.count >= Self.overhead else {
            throw SessionTokenError(.malformed)
        }
        guard bytes[0] == Self.version else { throw SessionTokenError(.malformed) }
        let keyID = UInt32(bytes[1]) << 24 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 8 | UInt32(bytes[4])
        guard let key = keys[keyID] else { throw SessionTokenError(.unknownKey) }
        let plaintext: Data
        do {
            let box = try AES.GCM.SealedBox(combined: bytes[Self.headerLength...])
            plaintext = try AES.GCM.open(box, using: key, authenticating: bytes[0..<Self.headerLength])
        } catch {
            throw SessionTokenError(.authenticationFailed)
        }
        // `Data.withUnsafeBytes` rethrows untyped errors: the decoder's result comes out as a `Result`.
        let claims = plaintext.withUnsafeBytes { raw in
            raw.withMemoryRebound(to: UInt8.self) { buffer in
                Result { () throws(SessionTokenError) in try SessionTokenDecoder.decode(buffer) }
            }
        }
        return try claims.get()
    }
}

/// Why a `SessionTokenKeyRing` could not be built.
public struct SessionTokenKeyRingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: Hashable { case activeKeyMissing, invalidKeySize, tooManyKeys }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The active key ID has no key in the ring.
        public static let activeKeyMissing = Code(.activeKeyMissing)
        /// A key is not 256 bits long.
        public static let invalidKeySize = Code(.invalidKeySize)
        /// More than `SessionTokenKeyRing.maximumKeyCount` keys.
        public static let tooManyKeys = Code(.tooManyKeys)

        public var description: String {
            switch base {
            case .activeKeyMissing: "activeKeyMissing"
            case .invalidKeySize: "invalidKeySize"
            case .tooManyKeys: "tooManyKeys"
            }
        }
    }

    /// The kind of failure.
    public let code: Code

    /// An error with `code`.
    public init(_ code: Code) { self.code = code }

    public var description: String { "SessionTokenKeyRingError.\(code)" }
}
