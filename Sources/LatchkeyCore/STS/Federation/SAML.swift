public import Foundation
public import LatchkeyModel
import Crypto

/// A SAML assertion whose signature (by one of the provider's certificates), conditions, audience, recipient and
/// times were verified, and which was not seen before. Every field comes from the signed assertion.
public struct VerifiedSAMLAssertion: Sendable {
    public var issuer: String
    /// The `NameID` text.
    public var subject: String
    /// The `NameID` `Format`, in full (`urn:oasis:names:tc:SAML:2.0:nameid-format:persistent`).
    public var subjectFormat: String?
    /// `SubjectConfirmationData/@Recipient`: AWS's `Audience` response field and `saml:aud`.
    public var recipient: String
    /// The attributes by name, each with its values in document order.
    public var attributes: [String: [String]]
    /// `AuthnStatement/@SessionNotOnOrAfter`.
    public var sessionNotOnOrAfter: Date?

    public init(
        issuer: String, subject: String, subjectFormat: String?, recipient: String, attributes: [String: [String]],
        sessionNotOnOrAfter: Date?
    ) {
        self.issuer = issuer
        self.subject = subject
        self.subjectFormat = subjectFormat
        self.recipient = recipient
        self.attributes = attributes
        self.sessionNotOnOrAfter = sessionNotOnOrAfter
    }
}

/// What CreateSAMLProvider and UpdateSAMLProvider read from an IdP's metadata document.
public struct SAMLMetadataSummary: Sendable {
    public var entityId: String
    /// DER bytes of the signing certificates.
    public var signingCertificates: [[UInt8]]
    public var validUntil: Date?

    public init(entityId: String, signingCertificates: [[UInt8]], validUntil: Date?) {
        self.entityId = entityId
        self.signingCertificates = signingCertificates
        self.validUntil = validUntil
    }
}

/// Reads IdP metadata and verifies SAML responses: the server composes one from `LatchkeySAML` (libxmlsec1).
public protocol SAMLVerifier: Sendable {
    /// `InvalidInput` when the document is not SAML metadata with at least one signing certificate.
    func readMetadata(_ document: String) throws(STSError) -> SAMLMetadataSummary
    /// Verifies a base64 `SAMLResponse` against the provider's certificates only; refuses replays. Errors:
    /// `InvalidIdentityToken`, `ExpiredToken`.
    func verify(samlResponse: String, provider: SAMLProvider, now: Date) throws(STSError) -> VerifiedSAMLAssertion
}

/// The parameters of `AssumeRoleWithSAML`, validated against the model's constraints already.
public struct AssumeRoleWithSAMLRequest: Sendable {
    public var roleArn: String
    public var principalArn: String
    public var samlAssertion: String
    public var durationSeconds: Int?
    public var policy: String?
    public var policyArns: [String]

    public init(
        roleArn: String, principalArn: String, samlAssertion: String, durationSeconds: Int? = nil, policy: String? = nil,
        policyArns: [String] = []
    ) {
        self.roleArn = roleArn
        self.principalArn = principalArn
        self.samlAssertion = samlAssertion
        self.durationSeconds = durationSeconds
        self.policy = policy
        self.policyArns = policyArns
    }
}

/// What `AssumeRoleWithSAML` returns.
public struct AssumeRoleWithSAMLResult: Sendable {
    public var session: FederatedSessionResult
    public var issuer: String
    public var subject: String
    public var subjectType: String?
    public var audience: String
    public var nameQualifier: String
}

extension SecurityTokenService {
    static let samlAttributePrefix = "https://aws.amazon.com/SAML/Attributes/"

    /// `AssumeRoleWithSAML` (an unsigned call): the assertion must verify against the provider named by
    /// `PrincipalArn`, list the role and provider pair in its `Role` attribute, carry a `RoleSessionName`, and the
    /// role's trust policy must allow the provider to perform `sts:AssumeRoleWithSAML` with the `saml:*` keys.
    /// The session lasts the shortest of DurationSeconds (default 3600), the `SessionDuration` attribute, the time
    /// until `SessionNotOnOrAfter`, and the role's maximum.
    public func assumeRoleWithSAML(_ request: AssumeRoleWithSAMLRequest, metadata: RequestMetadata, now: Date)
        async throws(STSError) -> AssumeRoleWithSAMLResult
    {
        let action = "sts:AssumeRoleWithSAML"
        guard let verifier = saml else {
            throw STSError(.invalidAction, "AssumeRoleWithSAML is not enabled on this server.")
        }
        guard let (account, name) = Self.parseSAMLProviderArn(request.principalArn) else {
            throw STSError(.validationError, "\(request.principalArn) is not a valid SAML provider ARN.")
        }
        guard Self.parseRoleArn(request.roleArn) != nil else {
            throw STSError(.validationError, "\(request.roleArn) is not a valid role ARN.")
        }
        let found: SAMLProvider?
        do {
            found = try await store.samlProvider(accountId: account, name: name)
        } catch {
            throw STSError(.serviceUnavailable, "The identity store is unavailable. Please retry.", cause: error)
        }
        guard let provider = found, provider.arn == request.principalArn else {
            throw STSError(.invalidIdentityToken, "Specified provider doesn't exist")
        }
        let assertion = try verifier.verify(samlResponse: request.samlAssertion, provider: provider, now: now)
        let attributes = assertion.attributes
        func attribute(_ name: String) -> [String] { attributes[Self.samlAttributePrefix + name] ?? [] }

        // The Role attribute must pair this role with this provider ("role,provider" in either order).
        let pairs = attribute("Role").map { value in
            Set(value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        }
        guard pairs.contains(Set([request.roleArn, request.principalArn])) else {
            throw STSError(.accessDenied, "Not authorized to perform \(action)")
        }
        guard let sessionName = attribute("RoleSessionName").first else {
            throw STSError(.invalidIdentityToken, "RoleSessionName is required in AuthnResponse")
        }
        guard (2...64).contains(sessionName.count), sessionName.allSatisfy(Self.isSessionNameCharacter) else {
            throw STSError(.invalidIdentityToken, "RoleSessionName in AuthnResponse must satisfy [\\w+=,.@-]{2,64}")
        }
        let role = try await federatedRole(request.roleArn, action: action)

        // Session length.
        if let requested = request.durationSeconds, requested > role.maxSessionDuration {
            throw STSError(.validationError, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
        }
        var duration = min(request.durationSeconds ?? 3600, role.maxSessionDuration)
        if let text = attribute("SessionDuration").first {
            guard let seconds = Int(text), (900...43200).contains(seconds) else {
                throw STSError(.invalidIdentityToken, "SessionDuration in AuthnResponse must be between 900 and 43200 seconds")
            }
            duration = min(duration, seconds)
        }
        if let end = assertion.sessionNotOnOrAfter {
            let remaining = Int(end.timeIntervalSince(now).rounded(.down))
            guard remaining > 0 else {
                throw STSError(.expiredIdentityToken, "The SAML assertion's session expired at SessionNotOnOrAfter.")
            }
            duration = min(duration, remaining)
        }

        // Tags and source identity from the assertion.
        let prefix = Self.samlAttributePrefix + "PrincipalTag:"
        let tags = attributes.keys.sorted().filter { $0.hasPrefix(prefix) }.compactMap { key in
            attributes[key]?.first.map { SessionTag(key: String(key.dropFirst(prefix.count)), value: $0) }
        }
        let nameQualifier = Self.samlNameQualifier(issuer: assertion.issuer, accountId: account, providerName: provider.name)
        var keys: [String: [String]] = [
            "saml:aud": [assertion.recipient],
            "saml:iss": [assertion.issuer],
            "saml:sub": [assertion.subject],
            "saml:namequalifier": [nameQualifier],
            "saml:doc": ["\(account)/\(provider.name)"],
        ]
        if let format = assertion.subjectFormat { keys["saml:sub_type"] = [Self.samlSubjectType(format)] }
        for (name, key) in Self.samlMappedAttributes {
            if let values = attributes[name], !values.isEmpty { keys["saml:\(key)"] = values }
        }
        let session = try await federatedSession(
            FederatedSessionRequest(
                role: role, action: action, providerArn: provider.arn, sessionName: sessionName,
                durationSeconds: duration, policy: request.policy, policyArns: request.policyArns, tags: tags,
                transitiveTagKeys: attribute("TransitiveTagKeys"), sourceIdentity: attribute("SourceIdentity").first,
                conditionKeys: keys, request: metadata),
            now: now)
        return AssumeRoleWithSAMLResult(
            session: session, issuer: assertion.issuer, subject: assertion.subject,
            subjectType: assertion.subjectFormat.map(Self.samlSubjectType), audience: assertion.recipient,
            nameQualifier: nameQualifier)
    }

    /// `arn:aws:iam::ACCOUNT:saml-provider/NAME` → (ACCOUNT, NAME).
    static func parseSAMLProviderArn(_ arn: String) -> (account: String, name: String)? {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[1] == "aws", parts[2] == "iam", parts[3].isEmpty,
            Account.isValidID(String(parts[4])), parts[5].hasPrefix("saml-provider/")
        else { return nil }
        let name = parts[5].dropFirst("saml-provider/".count)
        guard !name.isEmpty, !name.contains("/") else { return nil }
        return (String(parts[4]), String(name))
    }

    /// `SubjectType`: the format with `urn:oasis:names:tc:SAML:2.0:nameid-format:` removed; any other format as is.
    static func samlSubjectType(_ format: String) -> String {
        let prefix = "urn:oasis:names:tc:SAML:2.0:nameid-format:"
        return format.hasPrefix(prefix) ? String(format.dropFirst(prefix.count)) : format
    }

    /// `NameQualifier`: Base64(SHA1(issuer + account ID + "/" + provider name)), as AWS documents it.
    static func samlNameQualifier(issuer: String, accountId: String, providerName: String) -> String {
        Data(Insecure.SHA1.hash(data: Data((issuer + accountId + "/" + providerName).utf8))).base64EncodedString()
    }

    static func isSessionNameCharacter(_ character: Character) -> Bool {
        (character.isASCII && (character.isLetter || character.isNumber)) || "_+=,.@-".contains(character)
    }

    /// SAML attributes AWS maps to `saml:` condition keys (IAM User Guide, "Available keys for SAML-based
    /// federation"): the attribute name (OID URN) → the key after `saml:`.
    static let samlMappedAttributes: [(String, String)] = [
        ("urn:oid:1.3.6.1.4.1.5923.1.1.1.1", "edupersonaffiliation"),
        ("urn:oid:1.3.6.1.4.1.5923.1.1.1.2", "edupersonnickname"),
        ("urn:oid:1.3.6.1.4.1.5923.1.1.1.3", "edupersonorgdn"),
        ("urn:oid:1.3.6.1.4.1.5923.1.1.1.4", "edupersonorgunitdn"),
        ("urn:oid:1.3.6.1.4.1.5923.1.1.1.5", "edupersonprimaryaffiliation"),
        ("urn:oid:1.3.6.1.4.1.5923.1.1.1.6", "edupersonprincipalname"),
        ("urn:oid:1.3.6.1.4.1.5923.1.1.1.7", "edupersonentitlement"),
        ("urn:oid:1.3.6.1.4.1.5923.1.1.1.8", "edupersonprimaryorgunitdn"),
        ("urn:oid:1.3.6.1.4.1.5923.1.1.1.9", "edupersonscopedaffiliation"),
        ("urn:oid:1.3.6.1.4.1.5923.1.1.1.10", "edupersontargetedid"),
        ("urn:oid:1.3.6.1.4.1.5923.1.1.1.11", "edupersonassurance"),
        ("urn:oid:1.3.6.1.4.1.5923.1.2.1.2", "eduorghomepageuri"),
        ("urn:oid:1.3.6.1.4.1.5923.1.2.1.3", "eduorgidentityauthnpolicyuri"),
        ("urn:oid:1.3.6.1.4.1.5923.1.2.1.4", "eduorglegalname"),
        ("urn:oid:1.3.6.1.4.1.5923.1.2.1.5", "eduorgsuperioruri"),
        ("urn:oid:1.3.6.1.4.1.5923.1.2.1.6", "eduorgwhitepagesuri"),
        ("urn:oid:2.5.4.3", "cn"),
        ("urn:oid:0.9.2342.19200300.100.1.3", "mail"),
        ("urn:oid:2.5.4.4", "sn"),
        ("urn:oid:2.5.4.42", "givenName"),
        ("urn:oid:0.9.2342.19200300.100.1.1", "uid"),
        ("urn:oid:2.5.4.10", "organizationName"),
        ("urn:oid:2.5.4.11", "organizationalUnitName"),
        ("urn:oid:2.16.840.1.113730.3.1.241", "displayName"),
    ]
}
