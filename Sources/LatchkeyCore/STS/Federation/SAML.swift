import Crypto
public import Foundation
import LatchkeyBase
public import LatchkeyDomain
public import LatchkeyModel
public import LatchkeySAMLModel

extension SecurityTokenService {
    /// `AssumeRoleWithSAML` (an unsigned call): the assertion must verify against the provider named by
    /// `PrincipalArn`, list the role and provider pair in its `Role` attribute, carry a `RoleSessionName`, and the
    /// role's trust policy must allow the provider to perform `sts:AssumeRoleWithSAML` with the `saml:*` keys.
    /// The session lasts the shortest of DurationSeconds (default 3600), the `SessionDuration` attribute, the time
    /// until `SessionNotOnOrAfter`, and the role's maximum.
    public func assumeRoleWithSAML(_ input: AssumeRoleWithSAMLInput, metadata: RequestMetadata, now: Date)
        async throws(STSError) -> AssumeRoleWithSAMLOutput
    {
        let action = "sts:AssumeRoleWithSAML"
        guard let (account, name) = Self.parseSAMLProviderArn(input.principalArn) else {
            throw STSError(.validationError, "\(input.principalArn) is not a valid SAML provider ARN.")
        }
        guard let (roleAccount, roleName) = Self.parseRoleArn(input.roleArn) else {
            throw STSError(.validationError, Self.invalidRoleArnMessage)
        }
        // A SAML provider vouches only for roles of its own account.
        guard roleAccount == account else {
            throw STSError(.accessDenied, "Not authorized to perform \(action)")
        }
        let found: SAMLProvider?
        do {
            found = try await store.samlProvider(accountId: account, name: name)
        } catch {
            throw STSError(.serviceUnavailable, "The identity store is unavailable. Please retry.", cause: error)
        }
        guard let provider = found, provider.arn == input.principalArn else {
            throw STSError(.invalidIdentityToken, "Specified provider doesn't exist")
        }
        guard let saml else {
            throw STSError(.invalidAction, "AssumeRoleWithSAML is not enabled on this server.")
        }
        let assertion: VerifiedSAMLAssertion
        do {
            assertion = try saml.verifier.verify(
                samlResponseBase64: input.samlAssertion, trustedCertificates: provider.signingCertificates, now: now)
        } catch {
            throw error.stsError
        }
        // A replayed assertion is refused until it expires (whatever else is wrong with the request), on every
        // node: the store records each assertion once. A store that cannot answer refuses the assertion (503).
        let firstUse: Bool
        do {
            firstUse = try await store.recordAssertionUse(
                id: Self.assertionUseID(issuer: assertion.issuer, assertionID: assertion.assertionID),
                expires: assertion.replayExpiry, now: now)
        } catch {
            throw STSError(.serviceUnavailable, "The identity store is unavailable. Please retry.", cause: error)
        }
        guard firstUse else {
            throw STSError(.invalidIdentityToken, "The SAML assertion was already used.")
        }

        // The Role attribute must pair this role with this provider.
        guard assertion.aws.roles.contains(SAMLRolePair(roleArn: input.roleArn, providerArn: input.principalArn)) else {
            throw STSError(.accessDenied, "Not authorized to perform \(action)")
        }
        guard let sessionName = assertion.aws.roleSessionName else {
            throw STSError(.invalidIdentityToken, "RoleSessionName is required in AuthnResponse")
        }
        guard (2...64).contains(sessionName.count), sessionName.allSatisfy(Self.isSessionNameCharacter) else {
            throw STSError(.invalidIdentityToken, "RoleSessionName in AuthnResponse must satisfy [\\w+=,.@-]{2,64}")
        }
        let role = try await federatedRole(input.roleArn, account: roleAccount, name: roleName, action: action)
        if let requested = input.durationSeconds, requested > role.maxSessionDuration {
            throw STSError(
                .validationError, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
        }
        let duration: Int
        do {
            duration = try SAMLResponseFields.sessionDuration(
                requestedSeconds: input.durationSeconds, roleMaximumSeconds: role.maxSessionDuration,
                assertion: assertion, now: now)
        } catch {
            throw error.stsError
        }
        let session = try await federatedSession(
            FederatedSessionRequest(
                role: role, action: action, providerArn: provider.arn, sessionName: sessionName,
                durationSeconds: duration, policy: input.policy, policyArns: input.policyArns?.compactMap(\.arn) ?? [],
                tags: assertion.aws.principalTags.map { SessionTag(key: $0.key, value: $0.value) },
                transitiveTagKeys: assertion.aws.transitiveTagKeys, sourceIdentity: assertion.aws.sourceIdentity,
                conditionKeys: SAMLResponseFields.conditionKeys(
                    for: assertion, accountID: account, providerName: provider.name),
                request: metadata),
            now: now)
        return AssumeRoleWithSAMLOutput(
            credentials: session.credentials, assumedRoleUser: session.assumedRoleUser,
            packedPolicySize: session.packedPolicySize, subject: assertion.subject, subjectType: assertion.subjectType,
            issuer: assertion.issuer, audience: assertion.recipient,
            nameQualifier: SAMLResponseFields.nameQualifier(
                issuer: assertion.issuer, accountID: account, providerName: provider.name),
            sourceIdentity: session.sourceIdentity)
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

    /// The key an assertion's use is recorded under: SHA-256 of its issuer and ID (fixed length, whatever the size
    /// of the IdP's strings, so any store can index it).
    static func assertionUseID(issuer: String, assertionID: String) -> String {
        var text = Array(issuer.utf8)
        text.append(0x0A)
        text.append(contentsOf: assertionID.utf8)
        return "saml-sha256:" + Hex.encode(SHA256.hash(data: text))
    }

    static func isSessionNameCharacter(_ character: Character) -> Bool {
        (character.isASCII && (character.isLetter || character.isNumber)) || "_+=,.@-".contains(character)
    }

}

/// SAML verification shared by every copy of the service. Assertions already used are recorded in the store
/// (`ClusterStore.recordAssertionUse`), so a replay is refused on every node until the assertion expires.
public struct SAMLFederation: Sendable {
    /// Verifies signed SAML responses (the server passes LatchkeySAML's libxmlsec1 `SAMLResponseVerifier`).
    public var verifier: any SAMLResponseVerifying

    public init(verifier: any SAMLResponseVerifying) {
        self.verifier = verifier
    }
}

extension SAMLError {
    /// The AWS error for a refused assertion: `ExpiredTokenException` (400), `IDPRejectedClaim`, else
    /// `InvalidIdentityToken`.
    var stsError: STSError {
        switch code.stsErrorCode {
        case "ExpiredTokenException": STSError(.expiredTokenException, message)
        case "IDPRejectedClaim": STSError(.idpRejectedClaim, message)
        case "InvalidInput": STSError(.invalidInput, message)
        default: STSError(.invalidIdentityToken, message)
        }
    }
}
