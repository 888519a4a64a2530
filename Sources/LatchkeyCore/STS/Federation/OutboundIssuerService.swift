public import Foundation
public import LatchkeyDomain
public import LatchkeyModel
public import LatchkeyOIDC
import LatchkeyPolicy
public import LatchkeyTokens
import Synchronization

/// Latchkey as an OpenID Connect issuer: per account, `GetWebIdentityToken` signs JWTs for the calling principal,
/// and the issuer's discovery document and JWKS are served under a configurable base URL
/// (`BASE/ACCOUNT/.well-known/openid-configuration`, `BASE/ACCOUNT/.well-known/jwks.json`).
///
/// Each account has an RS256 and an ES384 signing key, made when outbound federation is first enabled and kept
/// sealed under the master key in the store; a retired key stays published until its last token has expired.
/// Signing keys are rotated automatically: when an algorithm's active key is older than `keyRotationPeriod`, the
/// next `GetWebIdentityToken` retires it (it stays published for an hour, the longest token lifetime) and makes a
/// new one; keys retired more than an hour ago are dropped from the store.
///
/// Across nodes: each account's state (enabled, keys) is cached per node like IAM data (dropped on every change the
/// node's change feed sees, served while the store is unreachable: ``CacheFreshness``), and every change this
/// service makes (enable, disable, a rotation by any `GetWebIdentityToken`) is announced through
/// ``changeAnnouncer``, so every node publishes the new JWKS and signs with the new key after its next poll.
public struct OutboundIssuerService: Sendable {
    /// The default age at which a signing key is replaced.
    public static let defaultKeyRotationPeriod: Duration = .seconds(30 * 86_400)

    let store: any LatchkeyStore
    let secretBox: SecretBox
    let baseURLProvider: @Sendable () -> String
    let keyRotationPeriod: Duration
    let rings: KeyRingCache
    /// Called after every change this service stores (the server announces it to the other nodes: `ChangeFeed`).
    public var changeAnnouncer: (@Sendable () async -> Void)?

    /// - Parameter baseURL: the public base URL issuers live under (`https://sts.example.internal/oidc`); asked
    ///   each time, so a server listening on a port picked at start can answer with it.
    /// - Parameter keyRotationPeriod: how old a signing key may get before it is replaced.
    /// - Parameter freshness: the node's cache rules for the accounts' states; nil for rules of its own.
    /// - Parameter changeAnnouncer: called after every change stored (``changeAnnouncer``).
    public init(
        store: any LatchkeyStore, secretBox: SecretBox, keyRotationPeriod: Duration = Self.defaultKeyRotationPeriod,
        freshness: CacheFreshness? = nil, changeAnnouncer: (@Sendable () async -> Void)? = nil,
        baseURL: @escaping @Sendable () -> String
    ) {
        self.changeAnnouncer = changeAnnouncer
        self.store = store
        self.secretBox = secretBox
        self.keyRotationPeriod = keyRotationPeriod
        self.rings = KeyRingCache(freshness: freshness ?? CacheFreshness())
        self.baseURLProvider = baseURL
    }

    /// Forgets the cached states of accounts (on every change the node's change feed sees).
    public func invalidate() {
        rings.invalidateStates()
    }

    /// The public base URL issuers live under.
    public var baseURL: String { baseURLProvider() }

    /// The issuer of `accountId`.
    public func issuer(of accountId: String) throws(STSError) -> OutboundIssuer {
        guard let issuer = OutboundIssuer(baseURL: baseURL, issuerID: accountId) else {
            throw STSError(.serviceFailure, "The outbound issuer base URL \(baseURL) is not an http(s) URL.")
        }
        return issuer
    }

    // MARK: IAM

    /// `EnableOutboundWebIdentityFederation`: `FeatureEnabled` when already enabled. Keys are made the first time.
    public func enable(accountId: String, now: Date) async throws(STSError) -> String {
        let issuer = try issuer(of: accountId)
        let alreadyEnabled = STSError(
            .featureEnabled, "Outbound identity federation is already enabled for this account.")
        let loaded = try await load(accountId)
        if loaded?.enabled == true { throw alreadyEnabled }
        // Keys are made (and sealed) before the store's transaction, whose change must be pure; they are used only
        // if the stored state still has none when the change runs.
        var generated: [OutboundSigningKeyRecord] = []
        if loaded?.keys.isEmpty ?? true {
            do {
                generated = try OutboundKeyRing.generate(now: now).keys.map { seal($0, accountId) }
            } catch {
                throw STSError(.serviceFailure, "The signing keys could not be generated.", cause: error)
            }
        }
        let keys = generated
        try await modify(accountId) { state in
            // Decided on the state actually stored: of two concurrent enables, one is FeatureEnabled.
            if state.enabled { throw alreadyEnabled }
            if state.keys.isEmpty {
                // Keys are never all removed once made, so a state without keys here had none when loaded.
                guard !keys.isEmpty else {
                    throw STSError(.serviceFailure, "The request processing has failed because of an unknown error.")
                }
                state.keys = keys
            }
            state.enabled = true
        }
        return issuer.url
    }

    /// `DisableOutboundWebIdentityFederation`: `FeatureDisabled` when not enabled. Tokens already issued keep
    /// verifying (the keys stay published).
    public func disable(accountId: String) async throws(STSError) {
        try await modify(accountId) { state in
            guard state.enabled else {
                throw STSError(.featureDisabled, "Outbound identity federation is already disabled for this account.")
            }
            state.enabled = false
        }
    }

    /// `GetOutboundWebIdentityFederationInfo`: the issuer URL and whether tokens are issued; `FeatureDisabled`
    /// when the feature was never enabled.
    public func info(accountId: String) async throws(STSError) -> (issuer: String, enabled: Bool) {
        guard let state = try await load(accountId) else {
            throw STSError(.featureDisabled, "Outbound identity federation is disabled for this account.")
        }
        return (try issuer(of: accountId).url, state.enabled)
    }

    // MARK: STS

    /// Signs a token for `caller`; `OutboundWebIdentityFederationDisabledException` while the account has it off.
    func sign(
        caller: Caller, audiences: [String], durationSeconds: Int?, algorithm: String?, requestTags: [String: String],
        now: Date
    ) async throws(STSError) -> OutboundSignedToken {
        let algorithm = try OutboundSigningAlgorithm(parameter: algorithm ?? OutboundSigningAlgorithm.rs256.rawValue)
        guard let state = try await load(caller.accountId), state.enabled else {
            throw STSError(
                .outboundWebIdentityFederationDisabled,
                "Outbound web identity federation is disabled for account \(caller.accountId).")
        }
        let ring = try await rotatedIfDue(state, algorithm: algorithm, now: now)
        var principalTags: [String: String] = [:]
        switch caller.credentials {
        case .root: break
        case .user(let user): for tag in user.tags { principalTags[tag.key] = tag.value }
        case .temporary(let claims): for tag in claims.tags { principalTags[tag.key] = tag.value }
        }
        let claims = OutboundTokenClaims(
            issuer: try issuer(of: caller.accountId).url, subject: Authorizer.principalArn(of: caller),
            audiences: audiences,
            durationSeconds: durationSeconds ?? OutboundTokenSigner.defaultDurationSeconds, account: caller.accountId,
            sourceRegion: caller.request.requestedRegion, principalTags: principalTags, requestTags: requestTags)
        return try await OutboundTokenSigner.sign(claims: claims, algorithm: algorithm, keyRing: ring, now: now)
    }

    // MARK: Documents

    /// The discovery document or JWKS of an issuer path under `basePath`, or nil when nothing is published there
    /// (an unknown path, or an account that never enabled outbound federation).
    public func document(path: String, basePath: String, now: Date) async throws(STSError) -> Data? {
        guard let (issuerID, document) = OutboundIssuer.route(path: path, basePath: basePath),
            let state = try await load(issuerID)
        else { return nil }
        switch document {
        case .configuration:
            return OutboundIssuerDocuments.openIDConfiguration(for: try issuer(of: issuerID))
        case .jwks:
            return OutboundIssuerDocuments.jwks(of: try keyRing(state), now: now)
        }
    }

    // MARK: Storage

    /// The account's state: cached unless `fresh` (read from the store).
    private func load(_ accountId: String, fresh: Bool = false) async throws(STSError) -> OutboundFederation? {
        do {
            if fresh { return try await store.outboundFederation(accountId: accountId) }
            return try await rings.state(accountId: accountId) {
                try await store.outboundFederation(accountId: accountId)
            }
        } catch {
            throw Self.storeFailure(error)
        }
    }

    /// Changes the account's state atomically (read, `change`, write in one store transaction, so a concurrent
    /// enable, disable or rotation is not undone); an `STSError` thrown by `change` comes back as it is. The change
    /// is announced (this node's cache is dropped at once, the other nodes' at their next poll).
    @discardableResult
    private func modify(
        _ accountId: String, _ change: @escaping @Sendable (inout OutboundFederation) throws -> Void
    ) async throws(STSError) -> OutboundFederation {
        do {
            let stored = try await store.modifyOutboundFederation(accountId: accountId, change)
            rings.invalidateStates()
            await changeAnnouncer?()
            return stored
        } catch let error as STSError {
            throw error
        } catch {
            throw Self.storeFailure(error)
        }
    }

    /// A store failure as an AWS error: 503 `ServiceUnavailable` when the database is unreachable, else 500.
    static func storeFailure(_ error: any Error) -> STSError {
        if let error = error as? StoreError, error.code == .unavailable {
            return STSError(.serviceUnavailable, "The identity store is unavailable. Please retry.", cause: error)
        }
        return STSError(
            .serviceFailure, "The request processing has failed because of an unknown error.", cause: error)
    }

    private func seal(_ key: OutboundSigningKey, _ accountId: String) -> OutboundSigningKeyRecord {
        OutboundSigningKeyRecord(
            keyId: key.kid, algorithm: key.algorithm.rawValue,
            sealedPrivateKey: secretBox.seal([UInt8](key.pkcs8DER), context: "outbound-key/\(accountId)/\(key.kid)"),
            createdAt: key.createdAt, retiredAt: key.retiredAt)
    }

    /// The account's ring, with `algorithm`'s key replaced (and old keys pruned, and the change saved) when it is
    /// older than the rotation period. Rotations on this node are serialized, so concurrent signers agree.
    private func rotatedIfDue(_ state: OutboundFederation, algorithm: OutboundSigningAlgorithm, now: Date)
        async throws(STSError) -> OutboundKeyRing
    {
        let ring = try keyRing(state)
        guard let active = ring.activeKey(for: algorithm),
            now.timeIntervalSince(active.createdAt) >= Double(keyRotationPeriod.components.seconds)
        else { return ring }
        return try await rings.rotating(accountId: state.accountId) { () async throws(STSError) -> OutboundKeyRing in
            // Another signer may have rotated while this one waited: start again from the store.
            guard let current = try await load(state.accountId, fresh: true) else { return ring }
            var fresh = try keyRing(current)
            guard let stillActive = fresh.activeKey(for: algorithm),
                now.timeIntervalSince(stillActive.createdAt) >= Double(keyRotationPeriod.components.seconds)
            else { return fresh }
            do {
                try fresh.rotate(algorithm, now: now)
            } catch {
                throw STSError(.serviceFailure, "A new signing key could not be generated.", cause: error)
            }
            fresh.prune(now: now)
            let rotatedFrom = current.keys
            let rotated = fresh.keys.map { seal($0, current.accountId) }
            // Only the keys change (a concurrent disable stays), and only if they are still the ones rotated from;
            // otherwise another node rotated first and its keys are used.
            let stored = try await modify(current.accountId) { state in
                if state.keys == rotatedFrom { state.keys = rotated }
            }
            return stored.keys == rotated ? fresh : try keyRing(stored)
        }
    }

    /// The ring of a stored state: opened from the cache when the state holds the same keys as last time.
    private func keyRing(_ state: OutboundFederation) throws(STSError) -> OutboundKeyRing {
        let fingerprint = state.keys.map { "\($0.keyId)|\($0.retiredAt?.timeIntervalSince1970 ?? -1)" }
        if let cached = rings.ring(accountId: state.accountId, fingerprint: fingerprint) { return cached }
        let ring = try openKeyRing(state)
        rings.store(ring, accountId: state.accountId, fingerprint: fingerprint)
        return ring
    }

    private func openKeyRing(_ state: OutboundFederation) throws(STSError) -> OutboundKeyRing {
        var keys: [OutboundSigningKey] = []
        for record in state.keys {
            do {
                let der = try secretBox.open(
                    record.sealedPrivateKey, context: "outbound-key/\(state.accountId)/\(record.keyId)")
                let algorithm = try OutboundSigningAlgorithm(parameter: record.algorithm)
                keys.append(
                    try OutboundSigningKey(
                        algorithm: algorithm, pkcs8DER: Data(der), createdAt: record.createdAt,
                        retiredAt: record.retiredAt))
            } catch {
                throw STSError(.serviceFailure, "A stored signing key could not be opened.", cause: error)
            }
        }
        return OutboundKeyRing(keys: keys)
    }
}

/// The accounts' stored states (see ``CacheFreshness``), opened key rings per account (opening means decrypting and
/// parsing private keys), and a per-account lock for rotations.
final class KeyRingCache: Sendable {
    private let rings = Mutex<[String: (fingerprint: [String], ring: OutboundKeyRing)]>([:])
    private let rotations = Mutex<[String: Task<OutboundKeyRing, any Error>]>([:])
    private let states = Mutex<[String: (state: OutboundFederation?, storedAt: ContinuousClock.Instant)]>([:])
    private let generation = CacheGeneration()
    private let freshness: CacheFreshness

    init(freshness: CacheFreshness) {
        self.freshness = freshness
    }

    /// The account's state: cached while servable, else read with `load` (and cached unless an invalidation came
    /// meanwhile); when the store cannot answer, the cached state whatever its age.
    func state(accountId: String, load: () async throws -> OutboundFederation?) async throws -> OutboundFederation? {
        let cached = states.withLock { $0[accountId] }
        if let cached, freshness.isServable(storedAt: cached.storedAt) { return cached.state }
        let generation = generation.current
        let state: OutboundFederation?
        do {
            state = try await load()
        } catch let error where isStoreOutage(error) {
            if let cached { return cached.state }
            throw error
        }
        states.withLock { entries in
            guard self.generation.current == generation else { return }
            if entries.count >= 10_000 { entries.removeAll() }
            entries[accountId] = (state, .now)
        }
        return state
    }

    /// Forgets every cached state.
    func invalidateStates() {
        generation.advance()
        states.withLock { $0.removeAll() }
    }

    func ring(accountId: String, fingerprint: [String]) -> OutboundKeyRing? {
        rings.withLock { entries in
            guard let entry = entries[accountId], entry.fingerprint == fingerprint else { return nil }
            return entry.ring
        }
    }

    func store(_ ring: OutboundKeyRing, accountId: String, fingerprint: [String]) {
        rings.withLock { entries in
            if entries.count >= 10_000 { entries.removeAll() }
            entries[accountId] = (fingerprint, ring)
        }
    }

    /// Runs `rotation` unless one is already running for the account, in which case its result is shared.
    func rotating(
        accountId: String, _ rotation: @escaping @Sendable () async throws(STSError) -> OutboundKeyRing
    ) async throws(STSError) -> OutboundKeyRing {
        let task = rotations.withLock { running in
            if let existing = running[accountId] { return existing }
            let task = Task<OutboundKeyRing, any Error> { try await rotation() }
            running[accountId] = task
            return task
        }
        defer { rotations.withLock { running in if running[accountId] == task { running[accountId] = nil } } }
        do {
            return try await task.value
        } catch let error as STSError {
            throw error
        } catch {
            throw STSError(.serviceFailure, "The signing keys could not be rotated.", cause: error)
        }
    }
}

extension SecurityTokenService {
    /// `GetWebIdentityToken`: a JWT for the caller from the account's outbound issuer. The caller needs
    /// `sts:GetWebIdentityToken` (the root always has it); `aws:RequestTag/*` describe the tags passed.
    public func getWebIdentityToken(_ input: GetWebIdentityTokenInput, caller: Caller, now: Date) async throws(STSError)
        -> GetWebIdentityTokenOutput
    {
        try Self.checkSessionRestrictions(caller, action: "GetWebIdentityToken")
        guard let outbound else {
            throw STSError(
                .outboundWebIdentityFederationDisabled,
                "Outbound web identity federation is not configured on this server.")
        }
        let tags = input.tags ?? []
        var extra: [String: [String]] = [:]
        if !tags.isEmpty {
            for tag in tags { extra["aws:RequestTag/\(tag.key)"] = [tag.value] }
            extra["aws:TagKeys"] = tags.map(\.key)
        }
        let action = "sts:GetWebIdentityToken"
        let (decision, context) = try await authorizer.decide(
            caller: caller, action: action, resource: "*", resourceAccount: caller.accountId, extraContext: extra,
            now: now)
        guard decision.isAllowed else {
            throw authorizer.denial(caller: caller, action: action, resource: "*", decision: decision, context: context)
        }
        var requestTags: [String: String] = [:]
        for tag in tags { requestTags[tag.key] = tag.value }
        let token = try await outbound.sign(
            caller: caller, audiences: input.audience, durationSeconds: input.durationSeconds,
            algorithm: input.signingAlgorithm, requestTags: requestTags, now: now)
        return GetWebIdentityTokenOutput(webIdentityToken: token.token, expiration: token.expiration)
    }
}
