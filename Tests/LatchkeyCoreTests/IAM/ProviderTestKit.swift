import Foundation
import LatchkeyCore
import LatchkeyDomain
import LatchkeyModel
import LatchkeySAML
import LatchkeyTestSupport
import Testing

/// What the service-level tests of identity providers and tagging share: the IAM service with SAML metadata
/// reading on (LatchkeySAML's parser, as the server wires it), IdP metadata, grants and error checks.
enum ProviderTestKit {
    /// The fixture's IAM service, reading SAML metadata with the real (libxmlsec1) parser.
    static func iam(_ f: ServiceFixture) -> IAMService {
        var iam = f.iam
        iam.samlMetadata = SAMLMetadataParser()
        return iam
    }

    static func oidcArn(_ f: ServiceFixture, _ identity: String) -> String {
        "arn:aws:iam::\(f.accountId):oidc-provider/\(identity)"
    }

    static func samlArn(_ f: ServiceFixture, _ name: String) -> String {
        "arn:aws:iam::\(f.accountId):saml-provider/\(name)"
    }

    /// A self-signed P-256 certificate (public part only), the signing key of the metadata below.
    static let idpCertificate =
        "MIIBizCCATGgAwIBAgIUfJAlRnd24gfLYzxE1ll1brpZCNQwCgYIKoZIzj0EAwIwGjEYMBYGA1UEAwwPaWRwLmV4YW1wbGUuY29tMCAXDTI2MTIwNzAzMTY0OFoYDzIxMjYxMTEzMDMxNjQ4WjAaMRgwFgYDVQQDDA9pZHAuZXhhbXBsZS5jb20wWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQ1lWXiqAfbXy3+6ddLTMmPQMwE5zrBHEARNRYgmGJmCajW45bg88Lu+tUmRSGjqksvdF5kXnNkAFPQ51u4EwRMo1MwUTAdBgNVHQ4EFgQUGUJRPkPHC/i0aj6fv/waH1S1yx8wHwYDVR0jBBgwFoAUGUJRPkPHC/i0aj6fv/waH1S1yx8wDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiEA4dL2z3tY6iYMxUOAQmgCVGLmRi7vwIxYLhwEdDOCUuwCIAsPd6b1vP1MjbOLGgKDLv1DA8WBBYjtOLAoQDfrM2Qo"

    /// SAML 2.0 IdP metadata (padded to IAM's 1,000-character minimum), with or without `validUntil`, with or without
    /// its signing key.
    static func samlMetadata(
        entityID: String = "https://idp.example.com/saml", validUntil: String? = nil, signingKey: Bool = true
    ) -> String {
        let key =
            signingKey
            ? """
            <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data>\
            <ds:X509Certificate>\(idpCertificate)</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
            """ : ""
        let document = """
            <?xml version="1.0" encoding="UTF-8"?>
            <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" \
            xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="\(entityID)"\
            \(validUntil.map { " validUntil=\"\($0)\"" } ?? "")>
            <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">\(key)
            <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" \
            Location="https://idp.example.com/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>
            """
        return document + String(repeating: " ", count: max(0, 1_100 - document.count))
    }

    /// An identity policy with one statement.
    static func allow(_ action: String, resource: String = "*") -> String {
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"\#(action)","Resource":"\#(resource)"}]}"#
    }

    /// Gives the user `userName` an inline policy (written to the store directly, then the authorizer's cache
    /// cleared, as the server clears it after a write).
    static func grant(_ f: ServiceFixture, user userName: String, _ document: String) async throws {
        try await f.store.putInlinePolicy(
            InlinePolicy(accountId: f.accountId, owner: .user(userName), policyName: "grant", document: document))
        f.authorizer.invalidate()
    }

    /// The start of IAM's denial of `action` on `resource` to a caller no policy allows it.
    static func denial(_ caller: Caller, _ action: String, _ resource: String) -> String {
        "User: \(caller.arn) is not authorized to perform: \(action) on resource: \(resource) because no identity-based "
            + "policy allows the \(action) action"
    }

    /// Runs `body`, which must fail with `code` and, when given, exactly `message` (or a message starting with
    /// `messagePrefix`); returns the error.
    @discardableResult
    static func expectError<T>(
        _ code: STSError.Code, _ message: String? = nil, prefix messagePrefix: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> T
    ) async -> STSError? {
        do {
            let value = try await body()
            Issue.record("expected \(code), got \(value)", sourceLocation: sourceLocation)
            return nil
        } catch let error as STSError {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            if let message { #expect(error.message == message, sourceLocation: sourceLocation) }
            if let messagePrefix {
                #expect(error.message.hasPrefix(messagePrefix), "\(error.message)", sourceLocation: sourceLocation)
            }
            return error
        } catch {
            Issue.record("expected \(code), got \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }
}
