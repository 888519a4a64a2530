public import LatchkeyDomain
import Synchronization

/// Tells this node that some node changed shared state (an IAM write, a revocation, a key rotation), so that every
/// cache and every in-memory copy of store data is dropped or reloaded: the change sequence of the store
/// (``ClusterStore/changeSequence()``) is read every `interval`, and when it differs from the value last seen every
/// subscriber is called. A node announces its own writes with ``announce()``, which calls the subscribers at once
/// (this node sees its write immediately) and then increments the sequence (the other nodes see it at their next
/// poll).
///
/// Polling rather than PostgreSQL's `LISTEN/NOTIFY`: one indexed read of one row every 200 ms per node costs
/// nothing measurable, works the same on every store (SQLite included), needs no dedicated connection that can be
/// lost silently, and bounds the delay by the interval whether or not a notification was missed.
///
/// The feed also tells the caches whether the store can be reached (``CacheFreshness``): while polls fail, cached
/// entries are served past their TTL.
public final class ChangeFeed: Sendable {
    /// The default time between two polls: "within one second" with room for a slow poll.
    public static let defaultInterval: Duration = .milliseconds(200)

    /// What the feed reports, for the server's log.
    public enum Event: Sendable {
        /// A poll failed: the store cannot be reached (reported once, until a poll succeeds again).
        case pollFailed(any Error)
        /// A poll succeeded after failures; the subscribers are called (something may have changed meanwhile).
        case recovered
        /// Announcing a write made on this node failed: other nodes see the write only when their caches' TTL ends.
        case announceFailed(any Error)
    }

    /// A subscriber: drops or reloads what it keeps from the store.
    public typealias Subscriber = @Sendable () async -> Void

    private struct State {
        var subscribers: [Subscriber] = []
        var lastSeen: Int64?
        var failing = false
    }

    let store: any ClusterStore
    /// The time between two polls.
    public let interval: Duration
    /// The freshness rules shared by this node's caches; the feed sets whether the store is reachable.
    public let freshness: CacheFreshness
    private let onEvent: @Sendable (Event) -> Void
    private let state = Mutex(State())

    /// - Parameter interval: the time between two polls (``run()``).
    /// - Parameter freshness: the caches' rules, told after every poll whether the store answered.
    /// - Parameter onEvent: called on a failing poll, a recovery, a failed announcement (for logging).
    public init(
        store: any ClusterStore, interval: Duration = ChangeFeed.defaultInterval,
        freshness: CacheFreshness = CacheFreshness(ttl: CacheFreshness.backstopTTL),
        onEvent: @escaping @Sendable (Event) -> Void = { _ in }
    ) {
        self.store = store
        self.interval = interval
        self.freshness = freshness
        self.onEvent = onEvent
    }

    /// Registers `onChange`, called (in registration order, one after the other) after every change seen or
    /// announced, and after the store becomes reachable again. It must not throw: a subscriber whose reload fails
    /// keeps what it has and retries on the next call (or on its own).
    public func subscribe(_ onChange: @escaping Subscriber) {
        state.withLock { $0.subscribers.append(onChange) }
    }

    /// The change sequence's value at the last successful poll or announcement; nil before the first.
    public var lastSeen: Int64? { state.withLock { $0.lastSeen } }

    /// Whether the last poll failed.
    public var isFailing: Bool { state.withLock { $0.failing } }

    /// Polls once: reads the change sequence and, when it differs from the value last seen (the first successful
    /// poll counts as a change: caches may have been filled before it) or the store was unreachable until now, calls
    /// every subscriber. Returns whether they were called.
    @discardableResult
    public func tick() async -> Bool {
        let value: Int64
        do {
            value = try await store.changeSequence()
        } catch {
            freshness.setStoreUnreachable(true)
            let firstFailure = state.withLock { state in
                defer { state.failing = true }
                return !state.failing
            }
            if firstFailure { onEvent(.pollFailed(error)) }
            return false
        }
        freshness.setStoreUnreachable(false)
        let (changed, recovered) = state.withLock { state in
            let recovered = state.failing
            let changed = state.lastSeen != value
            state.failing = false
            state.lastSeen = value
            return (changed, recovered)
        }
        if recovered { onEvent(.recovered) }
        guard changed || recovered else { return false }
        await notifySubscribers()
        return true
    }

    /// After a write on this node: calls every subscriber at once, then increments the store's change sequence so
    /// the other nodes call theirs at their next poll. A failed increment is reported (``Event/announceFailed(_:)``)
    /// and otherwise ignored: the write itself succeeded, and the caches' TTL bounds how long other nodes miss it.
    public func announce() async {
        await notifySubscribers()
        do {
            let value = try await store.announceChange()
            // This node's own increment is not a change to report again at the next poll; another node's
            // increment in between is (the value then differs by more than one).
            state.withLock { state in
                if let last = state.lastSeen, last == value - 1 { state.lastSeen = value }
            }
        } catch {
            onEvent(.announceFailed(error))
        }
    }

    /// Polls every `interval` until the task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            await tick()
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
        }
    }

    private func notifySubscribers() async {
        let subscribers = state.withLock { $0.subscribers }
        for subscriber in subscribers { await subscriber() }
    }
}
