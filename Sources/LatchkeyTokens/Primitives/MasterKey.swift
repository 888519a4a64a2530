public import Crypto
import LatchkeyBase

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The 32-byte root secret from which every at-rest and session-token key is derived with HKDF-SHA256.
///
/// Nodes that share the master key share every derived key. Its `description` never shows the key.
public struct MasterKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// Length of a master key in bytes.
    public static let byteCount = 32

    /// HKDF purpose label of the at-rest encryption key.
    public static let atRestLabel = "latchkey at-rest v1"

    /// HKDF purpose label of the session-token key with ID `keyID`.
    public static func sessionTokenLabel(keyID: UInt32) -> String {
        "latchkey session-token v1 key \(keyID)"
    }

    private let key: SymmetricKey

    private init(key: SymmetricKey) {
        self.key = key
    }

    /// A new random master key from the system's secure generator.
    public static func generate() -> MasterKey {
        MasterKey(key: SymmetricKey(size: .bits256))
    }

    /// The master key encoded as `base64` (standard alphabet, padded); throws unless it decodes to 32 bytes.
    public init(base64: String) throws(MasterKeyError) {
        guard let bytes = Base64.decode(base64) else { throw MasterKeyError(.invalidBase64) }
        try self.init(bytes: bytes)
    }

    /// The master key from 32 raw bytes; throws for any other length.
    public init(bytes: [UInt8]) throws(MasterKeyError) {
        guard bytes.count == Self.byteCount else { throw MasterKeyError(.wrongLength) }
        self.init(key: SymmetricKey(data: bytes))
    }

    /// The key as standard padded base64, for configuration files and environment variables.
    public var base64: String {
        key.withUnsafeBytes { Base64.encode($0) }
    }

    /// A 32-byte key for one purpose, derived with HKDF-SHA256 (no salt, `label` as info).
    public func derivedKey(label: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Array(label.utf8), outputByteCount: 32)
    }

    public var description: String { "MasterKey(redacted)" }
    public var debugDescription: String { description }
}

/// Why a master key could not be read.
public struct MasterKeyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: Hashable { case invalidBase64, wrongLength }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The text is not canonical padded standard base64.
        public static let invalidBase64 = Code(.invalidBase64)
        /// The key is not 32 bytes long.
        public static let wrongLength = Code(.wrongLength)

        public var description: String {
            switch base {
            case .invalidBase64: "invalidBase64"
            case .wrongLength: "wrongLength"
            }
        }
    }

    /// The kind of failure.
    public let code: Code

    /// An error with `code`.
    public init(_ code: Code) { self.code = code }

    public var description: String {
        switch code {
        case .invalidBase64: "the master key is not valid base64"
        default: "the master key must be \(MasterKey.byteCount) bytes"
        }
    }
}
