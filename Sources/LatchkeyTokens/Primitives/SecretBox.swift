public import Crypto

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Authenticated encryption of secrets at rest (secret access keys, MFA seeds) with AES-256-GCM.
///
/// A sealed value is `version (1) | nonce (12) | ciphertext | tag (16)`. The `context` names the row the secret
/// belongs to (`"access-key:AKIA…"`, `"mfa-seed:arn:…"`) and is authenticated with the version byte, so a
/// ciphertext copied to another row fails to open.
public struct SecretBox: Sendable {
    /// The format version written by `seal`.
    public static let version: UInt8 = 1
    /// Bytes `seal` adds to the plaintext.
    public static let overhead = 1 + 12 + 16

    private let key: SymmetricKey

    /// A box using the key derived from `masterKey` with the label `MasterKey.atRestLabel`.
    public init(masterKey: MasterKey) {
        self.key = masterKey.derivedKey(label: MasterKey.atRestLabel)
    }

    /// A box using `key` directly, or `nil` unless it is 256 bits long.
    public init?(key: SymmetricKey) {
        guard key.bitCount == 256 else { return nil }
        self.key = key
    }

    /// Encrypts `plaintext` under a fresh random nonce, binding it to `context`.
    public func seal(_ plaintext: [UInt8], context: String) -> [UInt8] {
        let aad = Self.authenticatedData(context: context)
        let box: AES.GCM.SealedBox
        do {
            box = try AES.GCM.seal(plaintext, using: key, nonce: AES.GCM.Nonce(), authenticating: aad)
        } catch {
            // Only reachable with an invalid key or nonce size, which the initialisers rule out.
            preconditionFailure("AES-GCM seal failed with a 256-bit key: \(error)")
        }
        var output: [UInt8] = [Self.version]
        output.reserveCapacity(plaintext.count + Self.overhead)
        box.nonce.withUnsafeBytes { output.append(contentsOf: $0) }
        output.append(contentsOf: box.ciphertext)
        output.append(contentsOf: box.tag)
        return output
    }

    /// Decrypts a value made by `seal` with the same key and `context`.
    public func open(_ sealed: [UInt8], context: String) throws(SecretBoxError) -> [UInt8] {
        guard let version = sealed.first else { throw SecretBoxError(.malformed) }
        guard version == Self.version else { throw SecretBoxError(.unsupportedVersion) }
        guard sealed.count >= Self.overhead else { throw SecretBoxError(.malformed) }
        let aad = Self.authenticatedData(context: context)
        do {
            let box = try AES.GCM.SealedBox(combined: sealed[1...])
            return Array(try AES.GCM.open(box, using: key, authenticating: aad))
        } catch {
            throw SecretBoxError(.authenticationFailed)
        }
    }

    private static func authenticatedData(context: String) -> [UInt8] {
        [version] + Array(context.utf8)
    }
}

/// Why `SecretBox.open` refused a value.
public struct SecretBoxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: Hashable { case malformed, unsupportedVersion, authenticationFailed }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// Too short to hold a version, nonce and tag.
        public static let malformed = Code(.malformed)
        /// The version byte is not one this build reads.
        public static let unsupportedVersion = Code(.unsupportedVersion)
        /// Wrong key, wrong context, or the bytes were altered.
        public static let authenticationFailed = Code(.authenticationFailed)

        public var description: String {
            switch base {
            case .malformed: "malformed"
            case .unsupportedVersion: "unsupportedVersion"
            case .authenticationFailed: "authenticationFailed"
            }
        }
    }

    /// The kind of failure.
    public let code: Code

    /// An error with `code`.
    public init(_ code: Code) { self.code = code }

    public var description: String { "SecretBoxError.\(code)" }
}
