#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// A credential scope: `date/region/service/terminator`.
public struct SigV4Scope: Sendable, Hashable, CustomStringConvertible {
    /// The scope date, `YYYYMMDD`.
    public let date: String
    /// The region, e.g. `us-east-1`.
    public let region: String
    /// The service, e.g. `sts`.
    public let service: String
    /// The terminator; valid scopes use `aws4_request`.
    public let terminator: String

    /// Creates a scope.
    public init(date: String, region: String, service: String, terminator: String = SigV4.terminator) {
        self.date = date
        self.region = region
        self.service = service
        self.terminator = terminator
    }

    /// `date/region/service/terminator`, as in the string to sign.
    public var description: String {
        "\(date)/\(region)/\(service)/\(terminator)"
    }
}

/// The SigV4 authentication a request carries, parsed by ``SigV4/parseAuthorization(request:)``.
///
/// `description` leaves out the signature and the security token, so the value is safe to log.
public struct SigV4Authorization: Sendable, Hashable, CustomStringConvertible {
    /// Where the authentication came from.
    public enum Form: Sendable, Hashable {
        /// The `Authorization` header.
        case header
        /// Presigned query parameters, with the `X-Amz-Expires` value in seconds (not yet range-checked).
        case presigned(expiresSeconds: Int)
    }

    /// The access key ID from the credential.
    public let accessKeyID: String
    /// The credential scope.
    public let scope: SigV4Scope
    /// The signed header names: lowercase, sorted, unique.
    public let signedHeaders: [String]
    /// The signature, 64 lowercase hex digits.
    public let signature: String
    /// The request timestamp (from `X-Amz-Date`, or an ISO 8601 basic `Date` header).
    public let timestamp: Date
    /// The request timestamp exactly as sent, `YYYYMMDDTHHMMSSZ`; it is what the string to sign contains.
    public let timestampText: String
    /// Header or presigned form.
    public let form: Form
    /// The session token from `X-Amz-Security-Token` (header, or query parameter in presigned form), if any.
    public let securityToken: String?

    /// Creates a parsed authorization; `timestampText` must be a valid `YYYYMMDDTHHMMSSZ` value.
    public init(
        accessKeyID: String,
        scope: SigV4Scope,
        signedHeaders: [String],
        signature: String,
        timestampText: String,
        form: Form,
        securityToken: String? = nil
    ) throws(SigV4Error) {
        guard let seconds = AmzTimestamp.parse(timestampText) else {
            throw SigV4Error.badDateFormat(timestampText)
        }
        self.init(
            accessKeyID: accessKeyID, scope: scope, signedHeaders: signedHeaders, signature: signature,
            seconds: seconds, timestampText: timestampText, form: form, securityToken: securityToken)
    }

    init(
        accessKeyID: String,
        scope: SigV4Scope,
        signedHeaders: [String],
        signature: String,
        seconds: Int64,
        timestampText: String,
        form: Form,
        securityToken: String?
    ) {
        self.accessKeyID = accessKeyID
        self.scope = scope
        self.signedHeaders = signedHeaders
        self.signature = signature
        self.timestampSeconds = seconds
        self.timestamp = AmzTimestamp.date(seconds)
        self.timestampText = timestampText
        self.form = form
        self.securityToken = securityToken
    }

    /// Whole seconds since 1970 of ``timestamp``.
    let timestampSeconds: Int64

    /// The access key ID, scope, signed headers, timestamp and form; never the signature or token.
    public var description: String {
        let formText =
            switch form {
            case .header: "header"
            case .presigned(let expires): "presigned(\(expires)s)"
            }
        return "SigV4Authorization(accessKeyID: \(accessKeyID), scope: \(scope), signedHeaders: "
            + "\(signedHeaders.joined(separator: ";")), timestamp: \(timestampText), form: \(formText), "
            + "securityToken: \(securityToken == nil ? "none" : "present"))"
    }
}

extension SigV4Error {
    static func badDateFormat(_ value: String) -> SigV4Error {
        let shown = value.utf8.count <= 64 && value.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F } ? value : "..."
        return incomplete(
            "Date must be in ISO-8601 'basic format'. Got '\(shown)'. See http://en.wikipedia.org/wiki/ISO_8601")
    }
}
