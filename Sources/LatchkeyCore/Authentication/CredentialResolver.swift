public import CoreMetrics
public import Foundation
import LatchkeyBase
public import LatchkeyDomain
public import LatchkeyModel
import LatchkeySigV4
public import LatchkeyTokens
import Synchronization

/// Finds the secret and the principal behind an access key ID (and session token), so the server can verify a
/// SigV4 signature. Temporary credentials are resolved from the sealed session token alone, with no store read;
/// long-term keys come from the store, cached (dropped on every change the node's ``ChangeFeed`` sees, served past
/// their TTL while the store is unreachable: see ``CacheFreshness``).
public final class CredentialResolver: Sendable {
    /// A resolved credential: the secret to verify the signature with, and who is calling.
    public struct Resolved: Sendable {
        public var secretAccessKey: String
        public var caller: Caller
    }

    private let store: any IdentityStore
    private let secretBox: SecretBox
    /// The session-token keys (rotated through the store on a cluster; a fixed ring otherwise).
    private let sessionKeys: SessionKeys
    private let freshness: CacheFreshness
    private let generation = CacheGeneration()
    private struct CacheEntry {
        var resolved: Resolved
        var storedAt: ContinuousClock.Instant
    }
    private let cache = Mutex<[String: CacheEntry]>([:])
    /// Session tokens already opened (authenticated) on this node, by their exact text. Opening costs an AES-GCM
    /// decryption and a decode; a client reuses one token for every request of its session. Expiry is checked on
    /// every request regardless.
    private let openedTokens = Mutex<[OpenedTokenKey: SessionTokenClaims]>([:])

    /// A session token's exact text as a cache key, hashed by its last characters only: they encode the AES-GCM tag,
    /// which differs between any two tokens this node sealed, so hashing the whole token (hundreds of characters,
    /// on every request with temporary credentials) buys nothing. Equality still compares the whole text. Only
    /// authenticated tokens are stored, so no one can fill the table with keys that share a hash.
    private struct OpenedTokenKey: Hashable {
        static let hashedSuffix = 24
        let text: String

        static func == (left: Self, right: Self) -> Bool { left.text == right.text }

        func hash(into hasher: inout Hasher) {
            for byte in text.utf8.suffix(Self.hashedSuffix) { hasher.combine(byte) }
        }
    }

    /// Where uses of long-term keys are remembered for `GetAccessKeyLastUsed`; nil records nothing.
    public let usage: AccessKeyUsageRecorder?
    /// The sessions revoked before they expire (`RevokeSessions`), checked on every request with temporary
    /// credentials; kept in step with the store by a ``SessionRevocationSync``.
    public let revocations = SessionRevocations()
    /// Hits and misses of the long-term key cache (`access_keys`) and of the opened session tokens
    /// (`session_tokens`); nil without a metrics factory.
    private let accessKeyCounters: CacheCounters?
    private let sessionTokenCounters: CacheCounters?

    /// - Parameter cacheTTL: how long a long-term key stays cached when `freshness` is nil. Changes made through
    ///   this node invalidate the cache at once; other nodes see them after at most this long.
    /// - Parameter freshness: the node's cache rules (shared with its ``ChangeFeed``); nil for rules of its own
    ///   with `cacheTTL`.
    /// - Parameter usage: the recorder that ``recordUse(of:serviceName:region:at:)`` feeds.
    /// - Parameter metrics: where the caches' hits and misses are counted (``CacheCounters``); nil counts nothing.
    public init(
        store: any IdentityStore, secretBox: SecretBox, sessionKeys: SessionKeys,
        cacheTTL: Duration = CacheFreshness.standaloneTTL, freshness: CacheFreshness? = nil,
        usage: AccessKeyUsageRecorder? = nil, metrics: (any MetricsFactory)? = nil
    ) {
        self.store = store
        self.secretBox = secretBox
        self.sessionKeys = sessionKeys
        self.freshness = freshness ?? CacheFreshness(ttl: cacheTTL)
        self.usage = usage
        self.accessKeyCounters = CacheCounters.make(cache: "access_keys", factory: metrics)
        self.sessionTokenCounters = CacheCounters.make(cache: "session_tokens", factory: metrics)
    }

    /// The resolver with a fixed session-token key ring (no rotation through a store).
    public convenience init(
        store: any IdentityStore, secretBox: SecretBox, keyRing: SessionTokenKeyRing,
        cacheTTL: Duration = CacheFreshness.standaloneTTL, freshness: CacheFreshness? = nil,
        usage: AccessKeyUsageRecorder? = nil
    ) {
        self.init(
            store: store, secretBox: secretBox, sessionKeys: SessionKeys(ring: keyRing), cacheTTL: cacheTTL,
            freshness: freshness, usage: usage)
    }

    /// Records that `caller` signed a request for `serviceName` in `region` at `date`. Call it only once the
    /// request's signature has verified. Only long-term keys (the root's and users') are recorded: temporary
    /// credentials are not IAM access keys. A memory write; the recorder flushes to the store later.
    public func recordUse(of caller: Caller, serviceName: String, region: String, at date: Date) {
        guard let usage else { return }
        switch caller.credentials {
        case .root, .user:
            usage.record(accessKeyId: caller.accessKeyId, date: date, serviceName: serviceName, region: region)
        case .temporary:
            return
        }
    }

    static let invalidToken = "The security token included in the request is invalid."

    /// Resolves `accessKeyId` (with the `X-Amz-Security-Token` value if the request carried one).
    /// - Throws: `STSError` `InvalidClientTokenId` for unknown, inactive, malformed or foreign credentials and
    ///   `ExpiredToken` for expired temporary credentials.
    public func resolve(accessKeyId: String, sessionToken: String?, now: Date) async throws(STSError) -> Resolved {
        // One atomic load: a node whose master key was rotated away can no longer open what the store holds.
        guard !sessionKeys.masterKeyRotatedAway else {
            throw STSError(.serviceUnavailable, SessionKeys.masterKeyRotatedMessage)
        }
        if let sessionToken {
            return try await resolveTemporary(accessKeyId: accessKeyId, sessionToken: sessionToken, now: now)
        }
        guard accessKeyId.hasPrefix("AKIA") else {
            // ASIA keys without their token, or keys of kinds we never issue.
            throw STSError(.invalidClientTokenId, Self.invalidToken)
        }
        if let hit = cachedEntry(accessKeyId, servableOnly: true) {
            accessKeyCounters?.hit()
            return hit
        }
        accessKeyCounters?.miss()
        let generation = generation.current
        let resolved: Resolved
        do throws(STSError) {
            resolved = try await resolveLongTerm(accessKeyId: accessKeyId)
        } catch let error where error.code == .serviceUnavailable {
            // Stale if error: the store cannot answer, so nothing can have changed the key since it was cached.
            if let stale = cachedEntry(accessKeyId, servableOnly: false) { return stale }
            throw error
        }
        cache.withLock { entries in
            // Read before an invalidation: it may be the state the invalidation said had changed.
            guard self.generation.current == generation else { return }
            if entries.count > 10_000 { entries.removeAll(keepingCapacity: true) }
            entries[accessKeyId] = CacheEntry(resolved: resolved, storedAt: .now)
        }
        return resolved
    }

    /// Forgets a cached long-term key (after UpdateAccessKey, DeleteAccessKey, DeleteUser, TagUser...).
    public func invalidate(accessKeyId: String) {
        generation.advance()
        _ = cache.withLock { $0.removeValue(forKey: accessKeyId) }
    }

    /// Forgets every cached key (on every change the node's ``ChangeFeed`` sees).
    public func invalidateAll() {
        generation.advance()
        cache.withLock { $0.removeAll() }
    }

    /// A cached key: only while servable (``CacheFreshness``) when `servableOnly`, else whatever its age (an
    /// expired entry is kept until an invalidation, for stale-if-error).
    private func cachedEntry(_ accessKeyId: String, servableOnly: Bool) -> Resolved? {
        cache.withLock { entries in
            guard let entry = entries[accessKeyId] else { return nil }
            if servableOnly, !freshness.isServable(storedAt: entry.storedAt) { return nil }
            return entry.resolved
        }
    }

    private func resolveTemporary(accessKeyId: String, sessionToken: String, now: Date) async throws(STSError)
        -> Resolved
    {
        let claims: SessionTokenClaims
        let key = OpenedTokenKey(text: sessionToken)
        if let opened = openedTokens.withLock({ $0[key] }) {
            sessionTokenCounters?.hit()
            claims = opened
        } else {
            sessionTokenCounters?.miss()
            do {
                claims = try await sessionKeys.open(sessionToken, now: now)
            } catch {
                throw STSError(.invalidClientTokenId, Self.invalidToken, cause: error)
            }
            openedTokens.withLock { tokens in
                if tokens.count >= 10_000 { tokens.removeAll(keepingCapacity: true) }
                tokens[key] = claims
            }
        }
        guard ConstantTime.equals(claims.accessKeyId, accessKeyId) else {
            throw STSError(.invalidClientTokenId, Self.invalidToken)
        }
        guard now < claims.expiresAt else {
            throw STSError(.expiredToken, "The security token included in the request is expired")
        }
        // One atomic load while nothing is revoked.
        if revocations.isRevoked(claims) { throw STSError(.invalidClientTokenId, Self.invalidToken) }
        return Resolved(
            secretAccessKey: claims.secretAccessKey,
            caller: Caller(accountId: claims.accountId, accessKeyId: accessKeyId, credentials: .temporary(claims))
        )
    }

    private func resolveLongTerm(accessKeyId: String) async throws(STSError) -> Resolved {
        let record: AccessKeyRecord?
        do {
            record = try await store.accessKey(id: accessKeyId)
        } catch {
            throw STSError(.serviceUnavailable, "The identity store is unavailable. Please retry.", cause: error)
        }
        guard let record, record.status == .active else {
            throw STSError(.invalidClientTokenId, Self.invalidToken)
        }
        let secret: String
        do {
            let bytes = try secretBox.open(record.sealedSecret, context: "access-key:\(record.accessKeyId)")
            secret = String(decoding: bytes, as: UTF8.self)
        } catch {
            throw STSError(.internalFailure, "An internal error occurred.", cause: error)
        }
        let credentials: Caller.Credentials
        if let userName = record.userName {
            let user: IAMUser?
            do {
                user = try await store.user(accountId: record.accountId, userName: userName)
            } catch {
                throw STSError(.serviceUnavailable, "The identity store is unavailable. Please retry.", cause: error)
            }
            guard let user else { throw STSError(.invalidClientTokenId, Self.invalidToken) }
            credentials = .user(user)
        } else {
            credentials = .root
        }
        return Resolved(
            secretAccessKey: secret,
            caller: Caller(accountId: record.accountId, accessKeyId: accessKeyId, credentials: credentials)
        )
    }
}
