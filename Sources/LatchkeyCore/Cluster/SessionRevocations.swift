public import Foundation
public import LatchkeyDomain
import Synchronization

/// This node's copy of the live session revocations (``SessionRevocation``, a Latchkey extension), which
/// ``CredentialResolver`` checks on every request signed with temporary credentials: no store read per request.
///
/// The copy is an index from what a revocation names (an access key ID or a principal ARN) to the latest
/// `issuedBefore` of the revocations naming it; a session is revoked when one of its identifiers or ancestors
/// (``SessionAncestry/identifiers(of:)``) is in the index with an issue time before that date. With no revocation
/// (the common case) the check is one atomic load.
///
/// The copy is replaced from the store (``SessionRevocationSync``) at start, whenever the change feed reports a
/// change, and periodically as a backstop; a revocation made on this node is added at once (``add(_:)``).
public final class SessionRevocations: Sendable {
    private struct State {
        /// The revocations of the last store read, by ID.
        var stored: [String: SessionRevocation] = [:]
        /// Revocations added on this node, kept on top of store reads for a while: a read that began before the
        /// insert committed must not drop them.
        var local: [String: (revocation: SessionRevocation, addedAt: ContinuousClock.Instant)] = [:]
        /// Target → latest `issuedBefore`, in milliseconds since 1970.
        var index: [String: Int64] = [:]
        /// The newest store read applied (reads applied out of order are ignored).
        var appliedRead: UInt64 = 0
        var issuedReads: UInt64 = 0
    }

    /// How long a revocation made on this node is kept even when a store read does not show it.
    static let localGrace: Duration = .seconds(60)

    private let state = Mutex(State())
    /// The index's size, read without the lock: zero means nothing is revoked.
    private let count = Atomic<Int>(0)

    public init() {}

    /// Whether no revocation is known.
    public var isEmpty: Bool { count.load(ordering: .acquiring) == 0 }

    /// The revocations this node knows (the last store read and this node's own), ordered by creation date then ID.
    public var revocations: [SessionRevocation] {
        state.withLock { state in
            var all = state.stored
            for (id, entry) in state.local where all[id] == nil { all[id] = entry.revocation }
            return all.values.sorted { ($0.createDate, $0.id) < ($1.createDate, $1.id) }
        }
    }

    /// Whether the session of `claims` is revoked: one of its identifiers or ancestors is named by a revocation
    /// whose `issuedBefore` is after that identifier's issue time. A session whose ancestry cannot be read counts
    /// as revoked while any revocation exists.
    public func isRevoked(_ claims: SessionTokenClaims) -> Bool {
        guard !isEmpty else { return false }
        let index = state.withLock { $0.index }
        guard let identifiers = SessionAncestry.identifiers(of: claims) else { return true }
        for ancestor in identifiers {
            // Issue times are whole seconds; a session issued within IssuedBefore's second counts as before it.
            guard let before = index[ancestor.identifier] else { continue }
            let issuedAt = ancestor.issuedAt > Int64.max / 1000 ? Int64.max : ancestor.issuedAt * 1000
            if issuedAt < before { return true }
        }
        return false
    }

    /// Adds a revocation made on this node (after it is stored), so this node refuses its sessions at once.
    public func add(_ revocation: SessionRevocation) {
        state.withLock { state in
            state.local[revocation.id] = (revocation, .now)
            rebuild(&state)
        }
    }

    /// Starts a store read: pass the ticket to ``replace(with:ticket:)``.
    func beginRead() -> UInt64 {
        state.withLock { state in
            state.issuedReads += 1
            return state.issuedReads
        }
    }

    /// Replaces the stored part of the copy with a store read (``ClusterStore/sessionRevocations(liveAt:)``); a read
    /// older than one already applied is ignored.
    func replace(with revocations: [SessionRevocation], ticket: UInt64) {
        state.withLock { state in
            guard ticket > state.appliedRead else { return }
            state.appliedRead = ticket
            state.stored = Dictionary(revocations.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            let now = ContinuousClock.now
            state.local = state.local.filter { id, entry in
                state.stored[id] == nil && entry.addedAt.duration(to: now) < Self.localGrace
            }
            rebuild(&state)
        }
    }

    /// Drops the revocations whose `expiresAt` is at or before `now` (between store reads).
    func dropExpired(now: Date) {
        state.withLock { state in
            state.stored = state.stored.filter { $0.value.expiresAt > now }
            state.local = state.local.filter { $0.value.revocation.expiresAt > now }
            rebuild(&state)
        }
    }

    private func rebuild(_ state: inout State) {
        var index: [String: Int64] = [:]
        func insert(_ revocation: SessionRevocation) {
            let key: String
            switch revocation.target {
            case .accessKeyId(let id): key = id
            case .principalArn(let arn): key = arn
            }
            let before = Self.milliseconds(revocation.issuedBefore)
            index[key] = max(index[key] ?? .min, before)
        }
        for revocation in state.stored.values { insert(revocation) }
        for entry in state.local.values { insert(entry.revocation) }
        state.index = index
        count.store(index.count, ordering: .releasing)
    }

    static func milliseconds(_ date: Date) -> Int64 {
        let value = (date.timeIntervalSince1970 * 1000).rounded()
        if value.isNaN { return 0 }
        if value >= 9.2e18 { return .max }
        if value <= -9.2e18 { return .min }
        return Int64(value)
    }
}

/// Keeps a node's ``SessionRevocations`` in step with the store: reads them at start, whenever the change feed
/// reports a change, and every ``backstopInterval``; and now and then deletes the revocations that have expired
/// (any node may: the deletion is idempotent).
public struct SessionRevocationSync: Sendable {
    /// How often the copy is read again even without a reported change.
    public static let backstopInterval: Duration = .seconds(30)
    /// How often expired revocations are deleted from the store.
    public static let pruneInterval: Duration = .seconds(600)

    public let revocations: SessionRevocations
    let store: any ClusterStore
    let clock: @Sendable () -> Date

    public init(revocations: SessionRevocations, store: any ClusterStore, clock: @escaping @Sendable () -> Date) {
        self.revocations = revocations
        self.store = store
        self.clock = clock
    }

    /// Reads the live revocations into the copy. Throws the store's error (the copy is kept as it was).
    public func reload() async throws {
        let ticket = revocations.beginRead()
        let now = clock()
        let live = try await store.sessionRevocations(liveAt: now)
        revocations.replace(with: live, ticket: ticket)
    }

    /// Deletes the expired revocations from the store and from the copy; returns how many the store deleted.
    @discardableResult
    public func prune() async throws -> Int {
        let now = clock()
        revocations.dropExpired(now: now)
        return try await store.deleteSessionRevocations(expiredAt: now)
    }

    /// Reloads the copy whenever `feed` reports a change (a failed reload keeps the copy; the next change or the
    /// backstop retries).
    public func subscribe(to feed: ChangeFeed) {
        feed.subscribe { try? await self.reload() }
    }

    /// The backstop loop: reloads every ``backstopInterval`` and prunes every ``pruneInterval`` until cancelled.
    /// Failures are passed to `onError` and retried at the next turn.
    public func run(onError: @escaping @Sendable (any Error) -> Void = { _ in }) async {
        var sincePrune: Duration = .zero
        while !Task.isCancelled {
            do {
                try await reload()
            } catch {
                onError(error)
            }
            if sincePrune >= Self.pruneInterval {
                sincePrune = .zero
                do {
                    try await prune()
                } catch {
                    onError(error)
                }
            }
            do {
                try await Task.sleep(for: Self.backstopInterval)
            } catch {
                return
            }
            sincePrune += Self.backstopInterval
        }
    }
}
