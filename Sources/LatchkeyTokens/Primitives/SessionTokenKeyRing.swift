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

    /// Seals `claims` under the active key and a fresh random nonce.
    ///
    /// Throws `.tooLarge` when the claims exceed the format's bounds: a field over 8 KiB, a list over 64 items, more
    /// than 32 extensions, or a token over 16 KiB. Callers normally reject such input earlier
    /// (`PackedPolicyTooLarge`).
    public func seal(_ claims: SessionTokenClaims) throws(SessionTokenError) -> String {
        let plaintext = try SessionTokenEncoder.encode(claims)
        let tokenBytes = plaintext.count + Self.overhead
        guard (tokenBytes + 2) / 3 * 4 <= SessionTokenLimits.maximumTokenCharacters else {
            throw SessionTokenError(.tooLarge)
        }
        guard let key = keys[activeKeyID] else {
            preconditionFailure("the active key is validated to be in the ring")
        }
        var token: [UInt8] = [Self.version]
        token.reserveCapacity(tokenBytes)
        for shift in stride(from: 24, through: 0, by: -8) {
            token.append(UInt8(truncatingIfNeeded: activeKeyID >> UInt32(shift)))
        }
        let box: AES.GCM.SealedBox
        do {
            box = try AES.GCM.seal(plaintext, using: key, nonce: AES.GCM.Nonce(), authenticating: token)
        } catch {
            preconditionFailure("AES-GCM seal failed with a validated 256-bit key: \(error)")
        }
        box.nonce.withUnsafeBytes { token.append(contentsOf: $0) }
        token.append(contentsOf: box.ciphertext)
        token.append(contentsOf: box.tag)
        return Base64.encode(token)
    }

    /// Opens a token made by `seal` under any key of the ring. Expiry is not checked.
    public func open(_ token: String) throws(SessionTokenError) -> SessionTokenClaims {
        let utf8 = token.utf8
        guard utf8.count <= SessionTokenLimits.maximumTokenCharacters else { throw SessionTokenError(.malformed) }
        guard let bytes = Base64.decode(token), bytes.count >= Self.overhead else {
            throw SessionTokenError(.malformed)
        }
        guard bytes[0] == Self.version else { throw SessionTokenError(.malformed) }
        let keyID = UInt32(bytes[1]) << 24 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 8 | UInt32(bytes[4])
        guard let key = keys[keyID] else { throw SessionTokenError(.unknownKey) }
        let plaintext: [UInt8]
        do {
            let box = try AES.GCM.SealedBox(combined: bytes[Self.headerLength...])
            plaintext = try AES.GCM.open(box, using: key, authenticating: bytes[0..<Self.headerLength]).withUnsafeBytes
            {
                Array($0)
            }
        } catch {
            throw SessionTokenError(.authenticationFailed)
        }
        return try SessionTokenDecoder.decode(plaintext)
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
