#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The two fields read from an OpenID Connect discovery document.
package enum DiscoveryDocument {
    /// Checks that the document's `issuer` names `provider` (after the `iss` scheme rule) and returns its
    /// `jwks_uri`, which must be an `https` URL.
    package static func jwksTarget(_ body: [UInt8], provider: OIDCProviderIdentity) throws(WebIdentityError)
        -> HTTPSTarget
    {
        let fields: [String: JSONClaimValue]
        do {
            fields = try JSONDecoder().decode([String: JSONClaimValue].self, from: Data(body))
        } catch {
            throw .communication("discovery document is not a JSON object")
        }
        guard case .string(let issuer)? = fields["issuer"], OIDCProviderIdentity(tokenIssuer: issuer) == provider
        else {
            throw .communication("discovery document issuer does not match \(provider)")
        }
        guard case .string(let jwksURI)? = fields["jwks_uri"], let target = HTTPSTarget(url: jwksURI) else {
            throw .communication("discovery document has no https jwks_uri")
        }
        return target
    }
}
