import LatchkeyBase

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// AWS credentials for signing. `description` never shows the secret or the session token.
public struct SigV4Credentials: Sendable, Hashable, CustomStringConvertible {
    /// The access key ID.
    public var accessKeyID: String
    /// The secret access key.
    public var secretAccessKey: String
    /// The session token of temporary credentials, if any.
    public var sessionToken: String?

    /// Creates credentials.
    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    /// The access key ID only.
    public var description: String {
        "SigV4Credentials(accessKeyID: \(accessKeyID), sessionToken: \(sessionToken == nil ? "none" : "present"))"
    }
}

/// A signed request together with the intermediate stages that produced it.
public struct SigV4SignedRequest: Sendable {
    /// The request with the signing headers or query parameters added.
    public let request: SignableRequest
    /// The canonical request that was signed.
    public let canonicalRequest: String
    /// The string to sign.
    public let stringToSign: String
    /// The signature, 64 lowercase hex digits.
    public let signature: String
}

/// Signs requests with SigV4, in header form or as a presigned URL, for one region and service.
public struct SigV4Signer: Sendable {
    /// Signing choices.
    public struct Options: Sendable, Hashable {
        /// Normalize the path before signing (true for every service but S3).
        public var normalizePath: Bool
        /// Add and sign an `x-amz-content-sha256` header carrying the payload hash (header form only).
        public var addContentSHA256Header: Bool
        /// Add the session token after signing, so it is not covered by the signature (some services, such as
        /// IoT, want this). Latchkey's verifier expects a signed token in presigned URLs.
        public var omitSessionTokenFromSignature: Bool

        /// Creates options; the defaults suit STS.
        public init(
            normalizePath: Bool = true,
            addContentSHA256Header: Bool = false,
            omitSessionTokenFromSignature: Bool = false
        ) {
            self.normalizePath = normalizePath
            self.addContentSHA256Header = addContentSHA256Header
            self.omitSessionTokenFromSignature = omitSessionTokenFromSignature
        }
    }

    /// The signing credentials.
    public var credentials: SigV4Credentials
    /// The region, e.g. `us-east-1`.
    public var region: String
    /// The service, e.g. `sts`.
    public var service: String
    /// Signing choices.
    public var options: Options

    /// Creates a signer.
    public init(credentials: SigV4Credentials, region: String, service: String, options: Options = Options()) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.options = options
    }

    /// Headers never signed: they are added or changed on the way (as botocore and aws-c-auth skip them).
    private static let unsignedHeaders: Set<String> = ["authorization", "user-agent", "expect", "x-amzn-trace-id"]

    /// Signs `request` in header form: appends `X-Amz-Security-Token` (with a session token), `X-Amz-Date`,
    /// `x-amz-content-sha256` (if ``Options/addContentSHA256Header``) and `Authorization`, after removing any
    /// earlier values of those headers. Every other header is signed, except `User-Agent`, `Expect` and
    /// `X-Amzn-Trace-Id`; a `Host` header is required.
    public func sign(_ request: SignableRequest, date: Date) throws(SigV4Error) -> SigV4SignedRequest {
        let timestamp = AmzTimestamp.format(AmzTimestamp.seconds(date))
        var owned: Set<String> = ["authorization", "x-amz-date", "x-amz-security-token"]
        if options.addContentSHA256Header { owned.insert("x-amz-content-sha256") }
        var signed = request
        signed.headers.removeAll { owned.contains(ASCII.lowercased($0.name)) }
        if let token = credentials.sessionToken {
            signed.headers.append(.init(name: "X-Amz-Security-Token", value: token))
        }
        signed.headers.append(.init(name: "X-Amz-Date", value: timestamp))
        if options.addContentSHA256Header {
            signed.headers.append(.init(name: "x-amz-content-sha256", value: request.payloadHash))
        }
        let signedHeaders = signedHeaderNames(signed.headers)
        let stages = try computeStages(signed, signedHeaders: signedHeaders, timestamp: timestamp)
        signed.headers.append(
            .init(
                name: "Authorization",
                value: "\(SigV4.algorithm) Credential=\(credentials.accessKeyID)/\(stages.scope), "
                    + "SignedHeaders=\(signedHeaders.joined(separator: ";")), Signature=\(stages.signature)"))
        return SigV4SignedRequest(
            request: signed, canonicalRequest: stages.canonicalRequest, stringToSign: stages.stringToSign,
            signature: stages.signature)
    }

    /// Presigns `request`: appends `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-SignedHeaders`,
    /// `X-Amz-Expires`, `X-Amz-Security-Token` (with a session token) and `X-Amz-Signature` to the query, after
    /// removing any earlier values of those parameters and any `Authorization` header.
    /// - Parameter expires: `X-Amz-Expires` in seconds, 1...604800 (Latchkey honours at most 900).
    public func presign(_ request: SignableRequest, date: Date, expires: Int) throws(SigV4Error) -> SigV4SignedRequest {
        guard (1...SigV4.maximumExpiresSeconds).contains(expires) else {
            throw SigV4Error.incomplete("X-Amz-Expires must be between 1 and 604800 seconds")
        }
        let timestamp = AmzTimestamp.format(AmzTimestamp.seconds(date))
        var signed = request
        signed.headers.removeAll { ASCII.equalsIgnoringCase($0.name, "authorization") }
        let signedHeaders = signedHeaderNames(signed.headers)
        let scope = SigV4Scope(date: String(timestamp.prefix(8)), region: region, service: service)
        var parameters: [(String, String)] = [
            ("X-Amz-Algorithm", SigV4.algorithm),
            ("X-Amz-Credential", "\(credentials.accessKeyID)/\(scope)"),
            ("X-Amz-Date", timestamp),
            ("X-Amz-SignedHeaders", signedHeaders.joined(separator: ";")),
            ("X-Amz-Expires", String(expires)),
        ]
        let tokenParameter = credentials.sessionToken.map { ("X-Amz-Security-Token", $0) }
        if let tokenParameter, !options.omitSessionTokenFromSignature { parameters.append(tokenParameter) }
        signed.rawQuery = Self.appending(parameters, to: Self.removingAuthenticationParameters(request.rawQuery))
        let stages = try computeStages(signed, signedHeaders: signedHeaders, timestamp: timestamp)
        var trailing: [(String, String)] = []
        if let tokenParameter, options.omitSessionTokenFromSignature { trailing.append(tokenParameter) }
        trailing.append(("X-Amz-Signature", stages.signature))
        signed.rawQuery = Self.appending(trailing, to: signed.rawQuery)
        return SigV4SignedRequest(
            request: signed, canonicalRequest: stages.canonicalRequest, stringToSign: stages.stringToSign,
            signature: stages.signature)
    }

    private struct Stages {
        var scope: SigV4Scope
        var canonicalRequest: String
        var stringToSign: String
        var signature: String
    }

    private func computeStages(
        _ request: SignableRequest,
        signedHeaders: [String],
        timestamp: String
    ) throws(SigV4Error) -> Stages {
        guard signedHeaders.contains("host") else { throw SigV4Error.incomplete(SigV4Error.hostNotSignedText) }
        let scope = SigV4Scope(date: String(timestamp.prefix(8)), region: region, service: service)
        let canonical = try SigV4.canonicalRequestBytes(
            for: request, signedHeaders: signedHeaders, normalizePath: options.normalizePath)
        let toSign = SigV4.stringToSignBytes(canonicalRequest: canonical, timestamp: timestamp, scope: scope)
        let key = SigV4.signingKey(
            secretAccessKey: credentials.secretAccessKey, date: scope.date, region: region, service: service)
        let signature = SigV4.signatureBytes(stringToSign: toSign, signingKey: key)
        return Stages(
            scope: scope,
            canonicalRequest: String(decoding: canonical, as: UTF8.self),
            stringToSign: String(decoding: toSign, as: UTF8.self),
            signature: String(decoding: signature, as: UTF8.self))
    }

    /// The lowercase, sorted, unique names of the headers to sign.
    private func signedHeaderNames(_ headers: [SignableRequest.Header]) -> [String] {
        var names = Set<String>()
        for header in headers {
            let name = ASCII.lowercased(SigV4.trimmed(header.name))
            if Self.unsignedHeaders.contains(name) { continue }
            if options.omitSessionTokenFromSignature && name == "x-amz-security-token" { continue }
            names.insert(name)
        }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    private static func appending(_ parameters: [(String, String)], to query: String) -> String {
        var result = query
        for (name, value) in parameters {
            if !result.isEmpty { result += "&" }
            result += name
            result += "="
            result += PercentEncoding.encode(value)
        }
        return result
    }

    /// `rawQuery` without any `X-Amz-*` authentication parameters (other parts kept byte for byte).
    private static func removingAuthenticationParameters(_ rawQuery: String) -> String {
        guard !rawQuery.isEmpty else { return rawQuery }
        return rawQuery.withUTF8Bytes { bytes in
            var kept: [String] = []
            var removedAny = false
            QueryScanner.forEach(bytes) { key, value in
                if PresignedQuery.Name(rawKey: UnsafeBufferPointer(rebasing: bytes[key])) != nil {
                    removedAny = true
                } else {
                    kept.append(
                        String(
                            decoding: UnsafeBufferPointer(rebasing: bytes[key.lowerBound..<value.upperBound]),
                            as: UTF8.self))
                }
            }
            guard removedAny else { return rawQuery }
            return kept.joined(separator: "&")
        }
    }
}
