import LatchkeyOIDC
import Synchronization

/// An in-memory ``JWKSFetching`` that serves a settable JWKS document (or fails) and counts fetches.
final class StaticJWKSFetcher: JWKSFetching {
    private let document: Mutex<String?>
    private let count = Mutex(0)

    init(_ jwks: String?) { document = Mutex(jwks) }

    var fetches: Int { count.withLock { $0 } }

    /// Serves `jwks`, or fails with a communication error when `nil`.
    func set(_ jwks: String?) { document.withLock { $0 = jwks } }

    func fetchKeySetDocument(for provider: RegisteredOIDCProvider) async throws(WebIdentityError) -> [UInt8] {
        count.withLock { $0 += 1 }
        guard let jwks = document.withLock({ $0 }) else { throw .communication("issuer down") }
        return Array(jwks.utf8)
    }
}
