import Crypto

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// The derived fields of an `AssumeRoleWithSAML` response and the `saml:` condition keys.
public enum SAMLResponseFields {
    /// The prefix AWS removes from `NameID/@Format` to form `SubjectType`.
    public static let nameIDFormatPrefix = "urn:oasis:names:tc:SAML:2.0:nameid-format:"

    /// `SubjectType`: the format without `urn:oasis:names:tc:SAML:2.0:nameid-format:` (so `...:transient` is
    /// `transient`); any other format is returned unchanged.
    public static func subjectType(nameIDFormat: String) -> String {
        guard nameIDFormat.hasPrefix(nameIDFormatPrefix), nameIDFormat.count > nameIDFormatPrefix.count else {
            return nameIDFormat
        }
        return String(nameIDFormat.dropFirst(nameIDFormatPrefix.count))
    }

    /// `NameQualifier`: `Base64(SHA1(issuer + accountID + "/" + providerName))`, where `providerName` is the friendly
    /// name (the last part of the SAML provider ARN).
    public static func nameQualifier(issuer: String, accountID: String, providerName: String) -> String {
        let digest = Insecure.SHA1.hash(data: Array((issuer + accountID + "/" + providerName).utf8))
        return Data(digest).base64EncodedString()
    }

    /// The SAML condition keys for a trust policy: `saml:aud` (the Recipient), `saml:iss`, `saml:sub`,
    /// `saml:sub_type`, `saml:namequalifier`, `saml:doc` (`accountID/providerName`), and the attributes AWS maps
    /// from well-known OIDs (for example `urn:oid:1.3.6.1.4.1.5923.1.1.1.1` → `saml:edupersonaffiliation`).
    /// Key names are lower case; IAM compares condition keys case-insensitively.
    public static func conditionKeys(
        for assertion: VerifiedSAMLAssertion, accountID: String, providerName: String
    ) -> [String: [String]] {
        var keys: [String: [String]] = [
            "saml:aud": [assertion.recipient],
            "saml:iss": [assertion.issuer],
            "saml:sub": [assertion.subject],
            "saml:namequalifier": [
                nameQualifier(issuer: assertion.issuer, accountID: accountID, providerName: providerName)
            ],
            "saml:doc": [accountID + "/" + providerName],
        ]
        if let subjectType = assertion.subjectType { keys["saml:sub_type"] = [subjectType] }
        for (name, values) in assertion.attributes {
            guard let key = mappedAttributeKeys[name], !values.isEmpty else { continue }
            keys[key, default: []] += values
        }
        return keys
    }

    /// The attribute names (OIDs) AWS exposes as `saml:` condition keys.
    static let mappedAttributeKeys: [String: String] = [
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.1": "saml:edupersonaffiliation",
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.2": "saml:edupersonnickname",
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.3": "saml:edupersonorgdn",
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.4": "saml:edupersonorgunitdn",
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.5": "saml:edupersonprimaryaffiliation",
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.6": "saml:edupersonprincipalname",
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.7": "saml:edupersonentitlement",
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.8": "saml:edupersonprimaryorgunitdn",
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.9": "saml:edupersonscopedaffiliation",
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.10": "saml:edupersontargetedid",
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.11": "saml:edupersonassurance",
        "urn:oid:1.3.6.1.4.1.5923.1.2.1.2": "saml:eduorghomepageuri",
        "urn:oid:1.3.6.1.4.1.5923.1.2.1.3": "saml:eduorgidentityauthnpolicyuri",
        "urn:oid:1.3.6.1.4.1.5923.1.2.1.4": "saml:eduorglegalname",
        "urn:oid:1.3.6.1.4.1.5923.1.2.1.5": "saml:eduorgsuperioruri",
        "urn:oid:1.3.6.1.4.1.5923.1.2.1.6": "saml:eduorgwhitepagesuri",
        "urn:oid:2.5.4.3": "saml:cn",
        "urn:oid:2.5.4.4": "saml:surname",
        "urn:oid:2.5.4.42": "saml:givenname",
        "urn:oid:2.16.840.1.113730.3.1.241": "saml:displayname",
        "urn:oid:2.16.840.1.113730.3.1.3": "saml:employeenumber",
        "urn:oid:0.9.2342.19200300.100.1.1": "saml:uid",
        "urn:oid:0.9.2342.19200300.100.1.3": "saml:mail",
        "urn:oid:2.5.4.10": "saml:organizationname",
        "urn:oid:2.5.4.11": "saml:organizationalunitname",
    ]

    /// The session length in seconds: the shortest of `DurationSeconds` (or, when absent, `SessionDuration`, or
    /// 3600), `SessionDuration`, the time left until `SessionNotOnOrAfter`, and the role's maximum.
    ///
    /// - Throws: ``SAMLError/Code/expired`` when `SessionNotOnOrAfter` has passed.
    public static func sessionDuration(
        requestedSeconds: Int?, roleMaximumSeconds: Int, assertion: VerifiedSAMLAssertion, now: Date
    ) throws(SAMLError) -> Int {
        var seconds = min(requestedSeconds ?? assertion.aws.sessionDuration ?? 3600, roleMaximumSeconds)
        if let attribute = assertion.aws.sessionDuration { seconds = min(seconds, attribute) }
        if let end = assertion.sessionNotOnOrAfter {
            let left = end.timeIntervalSince(now)
            guard left >= 1 else { throw SAMLError(.expired, "The SAML session (SessionNotOnOrAfter) has ended") }
            seconds = min(seconds, Int(left.rounded(.down)))
        }
        return seconds
    }
}
