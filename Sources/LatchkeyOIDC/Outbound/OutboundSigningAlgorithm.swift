public import LatchkeyModel

/// The algorithms `GetWebIdentityToken` signs with: the request's `SigningAlgorithm`.
///
/// The STS model constrains `jwtAlgorithmType` to exactly 5 characters only, so `RS512` passes validation
/// and is refused here by ``init(parameter:)``.
public enum OutboundSigningAlgorithm: String, Sendable, Hashable, CaseIterable, Comparable {
    /// RSASSA-PKCS1-v1_5 with SHA-256 over an RSA 2048 key.
    case rs256 = "RS256"
    /// ECDSA over P-384 with SHA-384.
    case es384 = "ES384"

    /// Reads the `SigningAlgorithm` parameter; anything but `RS256` or `ES384` (case-sensitive) is a
    /// `ValidationError` naming the accepted values.
    public init(parameter: String) throws(STSError) {
        guard let algorithm = OutboundSigningAlgorithm(rawValue: parameter) else {
            throw STSError(
                .validationError,
                "1 validation error detected: Value at 'signingAlgorithm' failed to satisfy constraint: "
                    + "Member must satisfy enum value set: [RS256, ES384]")
        }
        self = algorithm
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }
}
