/// Why a session token could not be sealed or opened.
///
/// The server answers every `open` failure with `InvalidClientTokenId`; the codes exist for logs and tests. Expiry is
/// not an error here: the caller checks `SessionTokenClaims.expiresAt` against its own clock.
public struct SessionTokenError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: Hashable { case malformed, unknownKey, authenticationFailed, tooLarge }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// Not a token: bad base64, too short or too long, unknown format version, or bad claims encoding.
        public static let malformed = Code(.malformed)
        /// Sealed under a key ID the ring does not accept.
        public static let unknownKey = Code(.unknownKey)
        /// The authentication tag does not verify: altered, truncated, or sealed under another master key.
        public static let authenticationFailed = Code(.authenticationFailed)
        /// `seal` only: the claims exceed the token's bounds (field length, list counts or total size).
        public static let tooLarge = Code(.tooLarge)

        public var description: String {
            switch base {
            case .malformed: "malformed"
            case .unknownKey: "unknownKey"
            case .authenticationFailed: "authenticationFailed"
            case .tooLarge: "tooLarge"
            }
        }
    }

    /// The kind of failure.
    public let code: Code

    /// An error with `code`.
    public init(_ code: Code) { self.code = code }

    public var description: String { "SessionTokenError.\(code)" }
}
