import LatchkeyBase
import LatchkeySAMLModel

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Reads and checks the fields of the signed assertion (and the Response's unsigned envelope: Status,
/// Destination, Issuer). Never searches the document: it walks down from the assertion element only.
struct SAMLAssertionReader {
    let verifier: SAMLResponseVerifier
    let layout: SAMLResponseLayout
    let now: Date

    private var skew: TimeInterval { verifier.clockSkew }

    func read() throws(SAMLError) -> VerifiedSAMLAssertion {
        let assertion = layout.assertion
        let issuer = try requiredText(try one("Issuer", in: assertion), "Issuer")
        try checkEnvelope(assertionIssuer: issuer)
        guard assertion.attribute("Version") == "2.0" else {
            throw SAMLError(.malformedResponse, "The SAML assertion version must be 2.0")
        }
        try checkIssueInstant(assertion.attribute("IssueInstant"), of: "assertion")
        if let responseInstant = layout.response.attribute("IssueInstant") {
            try checkIssueInstant(responseInstant, of: "response")
        }
        guard let id = assertion.attribute("ID") else { throw SAMLError(.malformedResponse, "The assertion has no ID") }
        let subject = try one("Subject", in: assertion)
        let nameID = try one("NameID", in: subject)
        let confirmation = try bearerConfirmation(in: subject)
        let conditions = try checkConditions(try one("Conditions", in: assertion))
        let notOnOrAfter = min(confirmation.notOnOrAfter, conditions.notOnOrAfter ?? confirmation.notOnOrAfter)
        let (attributes, names) = try readAttributes(assertion)
        return VerifiedSAMLAssertion(
            assertionID: id,
            issuer: issuer,
            subject: try requiredText(nameID, "NameID"),
            nameIDFormat: nameID.attribute("Format"),
            audiences: conditions.audiences,
            recipient: confirmation.recipient,
            destination: layout.response.attribute("Destination"),
            notOnOrAfter: notOnOrAfter,
            replayExpiry: notOnOrAfter.addingTimeInterval(skew),
            sessionNotOnOrAfter: try sessionNotOnOrAfter(assertion),
            attributes: attributes,
            aws: try SAMLAWSAttributes.parse(attributes, names: names)
        )
    }

    /// The `IssueInstant` of the assertion or the response (`element`): valid, not in the future beyond the skew,
    /// and at most five minutes old, as AWS redeems a response whatever its `NotOnOrAfter` says.
    private func checkIssueInstant(_ text: String?, of element: String) throws(SAMLError) {
        guard let text, let instant = ISO8601Parser.xmlSchema.parse(text)?.date else {
            throw SAMLError(.malformedResponse, "The SAML \(element) has no valid IssueInstant")
        }
        guard instant <= now.addingTimeInterval(skew) else {
            throw SAMLError(.notYetValid, "The SAML \(element) was issued in the future")
        }
        if now.timeIntervalSince(instant) > verifier.maximumResponseAge {
            throw SAMLError(.expired, SAMLError.redeemWindowMessage)
        }
    }

    private func checkEnvelope(assertionIssuer: String) throws(SAMLError) {
        let response = layout.response
        guard response.attribute("Version") == "2.0" else {
            throw SAMLError(.malformedResponse, "The SAML response version must be 2.0")
        }
        if let destination = response.attribute("Destination"), !verifier.acceptsRecipient(destination) {
            throw SAMLError(.wrongDestination, "The SAML response Destination \(quoted(destination)) is not accepted")
        }
        let issuers = response.children("Issuer", in: SAMLNamespace.assertion)
        guard issuers.count <= 1, issuers.first.map({ $0.trimmedText == assertionIssuer }) ?? true else {
            throw SAMLError(.malformedResponse, "The SAML response and assertion issuers differ")
        }
        let status = try one("Status", in: response, namespace: SAMLNamespace.protocol_)
        let code = try one("StatusCode", in: status, namespace: SAMLNamespace.protocol_)
        guard code.attribute("Value") == SAMLNamespace.statusSuccess else {
            throw SAMLError(.idpRejected, "The identity provider did not report success")
        }
    }

    private struct Confirmation {
        let recipient: String
        let notOnOrAfter: Date
    }

    /// The first bearer SubjectConfirmation whose data has an accepted Recipient and a current time window.
    private func bearerConfirmation(in subject: XMLNodePointer) throws(SAMLError) -> Confirmation {
        var failure = SAMLError(.wrongRecipient, "No bearer SubjectConfirmation has an accepted Recipient")
        var sawBearer = false
        for confirmation in subject.children("SubjectConfirmation", in: SAMLNamespace.assertion)
        where confirmation.attribute("Method") == SAMLNamespace.bearer {
            sawBearer = true
            let data = try one("SubjectConfirmationData", in: confirmation)
            guard let recipient = data.attribute("Recipient"), verifier.acceptsRecipient(recipient) else { continue }
            guard let end = try date(data, "NotOnOrAfter") else {
                throw SAMLError(.malformedResponse, "The bearer SubjectConfirmationData has no NotOnOrAfter")
            }
            if now >= end {
                failure = SAMLError(.expired, SAMLError.expiredMessage)
                continue
            }
            if let start = try date(data, "NotBefore"), now.addingTimeInterval(skew) < start {
                failure = SAMLError(.notYetValid, "The SAML assertion is not yet valid")
                continue
            }
            return Confirmation(recipient: recipient, notOnOrAfter: end)
        }
        guard sawBearer else { throw SAMLError(.malformedResponse, "The SAML subject has no bearer confirmation") }
        throw failure
    }

    private struct Conditions {
        let audiences: [String]
        let notOnOrAfter: Date?
    }

    private func checkConditions(_ conditions: XMLNodePointer) throws(SAMLError) -> Conditions {
        if let start = try date(conditions, "NotBefore"), now.addingTimeInterval(skew) < start {
            throw SAMLError(.notYetValid, "The SAML assertion is not yet valid")
        }
        let end = try date(conditions, "NotOnOrAfter")
        if let end, now >= end {
            throw SAMLError(.expired, SAMLError.expiredMessage)
        }
        var audiences: [String] = []
        var restrictions = 0
        for condition in conditions.childElements {
            if condition.isElement("AudienceRestriction", in: SAMLNamespace.assertion) {
                restrictions += 1
                var values: [String] = []
                for audience in condition.childElements {
                    guard audience.isElement("Audience", in: SAMLNamespace.assertion) else {
                        throw SAMLError(.malformedResponse, "AudienceRestriction may contain only Audience")
                    }
                    values.append(try requiredText(audience, "Audience"))
                }
                guard values.contains(where: verifier.acceptedAudiences.contains) else {
                    throw SAMLError(.wrongAudience, "The SAML assertion is not addressed to an accepted audience")
                }
                audiences += values
            } else if !condition.isElement("OneTimeUse", in: SAMLNamespace.assertion),
                !condition.isElement("ProxyRestriction", in: SAMLNamespace.assertion)
            {
                throw SAMLError(.malformedResponse, "The SAML assertion has an unsupported condition")
            }
        }
        guard restrictions > 0 else {
            throw SAMLError(.wrongAudience, "The SAML assertion has no AudienceRestriction")
        }
        return Conditions(audiences: audiences, notOnOrAfter: end)
    }

    private func sessionNotOnOrAfter(_ assertion: XMLNodePointer) throws(SAMLError) -> Date? {
        var earliest: Date?
        for statement in assertion.children("AuthnStatement", in: SAMLNamespace.assertion) {
            if let value = try date(statement, "SessionNotOnOrAfter") { earliest = min(earliest ?? value, value) }
        }
        return earliest
    }

    private func readAttributes(_ assertion: XMLNodePointer) throws(SAMLError) -> ([String: [String]], [String]) {
        var attributes: [String: [String]] = [:]
        var names: [String] = []
        for statement in assertion.children("AttributeStatement", in: SAMLNamespace.assertion) {
            for attribute in statement.children("Attribute", in: SAMLNamespace.assertion) {
                guard let name = attribute.attribute("Name"), !name.isEmpty else {
                    throw SAMLError(.malformedResponse, "A SAML attribute has no Name")
                }
                if attributes[name] == nil { names.append(name) }
                for value in attribute.children("AttributeValue", in: SAMLNamespace.assertion) {
                    guard let text = value.trimmedText else {
                        throw SAMLError(.malformedResponse, "A SAML attribute value must be text")
                    }
                    attributes[name, default: []].append(text)
                }
                if attributes[name] == nil { attributes[name] = [] }
            }
        }
        return (attributes, names)
    }

    // MARK: Helpers

    private func one(
        _ name: String, in parent: XMLNodePointer, namespace: String = SAMLNamespace.assertion
    ) throws(SAMLError) -> XMLNodePointer {
        let found = parent.children(name, in: namespace)
        guard found.count == 1, let element = found.first else {
            throw SAMLError(.malformedResponse, "The SAML \(parent.localName) must contain exactly one \(name)")
        }
        return element
    }

    private func requiredText(_ element: XMLNodePointer, _ name: String) throws(SAMLError) -> String {
        guard let text = element.trimmedText, !text.isEmpty else {
            throw SAMLError(.malformedResponse, "The SAML \(name) must be non-empty text")
        }
        return text
    }

    private func date(_ element: XMLNodePointer, _ attribute: String) throws(SAMLError) -> Date? {
        guard let text = element.attribute(attribute) else { return nil }
        guard let value = ISO8601Parser.xmlSchema.parse(text)?.date else {
            throw SAMLError(.malformedResponse, "The SAML \(attribute) is not a valid UTC dateTime")
        }
        return value
    }
}
