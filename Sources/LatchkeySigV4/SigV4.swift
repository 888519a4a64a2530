/// AWS Signature Version 4 (`AWS4-HMAC-SHA256`), transport-neutral.
///
/// The work is split into the stages AWS defines, each usable and testable on its own:
/// ``canonicalRequest(for:signedHeaders:normalizePath:)``, ``stringToSign(canonicalRequest:timestamp:scope:)``,
/// ``signingKey(secretAccessKey:date:region:service:)`` and ``signature(stringToSign:signingKey:)``.
/// ``SigV4Signer`` signs requests for clients; ``parseAuthorization(request:)`` and
/// ``verify(_:request:secretAccessKey:now:expectedService:normalizePath:)`` authenticate them on the server,
/// canonicalizing from the request exactly as it was received.
public enum SigV4 {
    /// The only supported algorithm name, `AWS4-HMAC-SHA256`.
    public static let algorithm = "AWS4-HMAC-SHA256"

    /// The credential scope terminator, `aws4_request`.
    public static let terminator = "aws4_request"

    /// The allowed clock skew for header-signed requests, and the longest validity of a presigned URL: 15 minutes.
    public static let maximumSkewSeconds = 900

    /// The largest `X-Amz-Expires` AWS accepts: one week.
    public static let maximumExpiresSeconds = 604_800

    /// The largest `Authorization` header value accepted, in bytes (8 KiB).
    public static let maximumAuthorizationLength = 8192

    /// The largest number of names accepted in `SignedHeaders`.
    public static let maximumSignedHeaders = 64

    /// The lowercase hex SHA-256 of an empty payload.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
}
