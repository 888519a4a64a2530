import NIOCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Every open connection of the server, with what it is doing, so that the connection limit can be kept by closing
/// the connections that cost the least to lose.
///
/// When a connection arrives at the limit, the registry closes, oldest first, a connection that is idle (waiting
/// for a request: fresh, or kept alive after a response), else one still sending its request header (the
/// slow-header attacker's state; it has no request to lose yet). Connections reading a body or waiting for
/// their response are never closed for room: if every connection is one of those, the new connection is closed
/// instead. Accepting never pauses, so a well-behaved client is answered even while idle or slow connections fill
/// the table.
public final class ConnectionRegistry: Sendable {
    /// What a connection is doing, from the eviction's point of view (the lower, the sooner it is closed).
    enum Activity: Int, Sendable {
        /// Waiting for a request (fresh, or idle after a response).
        case idle = 0
        /// Sending a request header.
        case readingHeader = 1
        /// Sending a body, or waiting for its response: never closed for room.
        case busy = 2
    }

    struct Entry {
        let channel: any Channel
        var activity: Activity
        /// When the connection entered `activity`.
        var since: NIODeadline
    }

    struct State {
        var entries: [UInt64: Entry] = [:]
        var nextID: UInt64 = 0
        var closingAll = false
    }

    /// The most connections held at once.
    public let limit: Int
    private let state = Mutex(State())

    public init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// The number of open connections.
    public var count: Int { state.withLock { $0.entries.count } }

    /// The number of connections reading a body or waiting for their response (never closed to make room).
    public var busyCount: Int { state.withLock { $0.entries.values.count { $0.activity == .busy } } }

    /// Adds a new connection. Returns its ID, or nil when it must be closed at once (the server is closing every
    /// connection, or the limit is reached and no other connection can make room). Connections closed to make
    /// room are closed here.
    func register(_ channel: any Channel, now: NIODeadline = .now()) -> UInt64? {
        let (id, evicted): (UInt64?, (any Channel)?) = state.withLock { state in
            guard !state.closingAll else { return (nil, nil) }
            var evicted: (any Channel)?
            if state.entries.count >= limit {
                guard let victim = Self.victim(in: state.entries) else { return (nil, nil) }
                evicted = state.entries.removeValue(forKey: victim)?.channel
            }
            let id = state.nextID
            state.nextID += 1
            state.entries[id] = Entry(channel: channel, activity: .idle, since: now)
            return (id, evicted)
        }
        evicted?.close(promise: nil)
        return id
    }

    /// The connection closed first: the lowest activity, then the longest in it, then the oldest.
    private static func victim(in entries: [UInt64: Entry]) -> UInt64? {
        var best: (id: UInt64, entry: Entry)?
        for (id, entry) in entries where entry.activity != .busy {
            guard let current = best else {
                best = (id, entry)
                continue
            }
            let better =
                (entry.activity.rawValue, entry.since, id) < (
                    current.entry.activity.rawValue, current.entry.since, current.id
                )
            if better { best = (id, entry) }
        }
        return best?.id
    }

    /// Records what a connection does now.
    func update(_ id: UInt64, activity: Activity, since: NIODeadline) {
        state.withLock { state in
            state.entries[id]?.activity = activity
            state.entries[id]?.since = since
        }
    }

    /// Forgets a closed connection.
    func remove(_ id: UInt64) {
        _ = state.withLock { $0.entries.removeValue(forKey: id) }
    }

    /// Closes every open connection and every connection that arrives after this call (for the end of a shutdown
    /// grace period).
    public func closeAll() {
        let channels = state.withLock { state in
            state.closingAll = true
            return state.entries.values.map(\.channel)
        }
        for channel in channels {
            channel.close(promise: nil)
        }
    }

    /// Closes the connections that wait for a request (fresh or kept alive); requests in flight are left to finish.
    /// For the start of a graceful shutdown.
    public func closeIdle() {
        let channels = state.withLock { state in
            state.entries.values.filter { $0.activity == .idle }.map(\.channel)
        }
        for channel in channels {
            channel.close(promise: nil)
        }
    }

    // MARK: The limit from the descriptor limit

    /// Descriptors kept for everything but connections: the listening socket, stdio, the event loops' epoll, event
    /// and timer descriptors, the SQLite database with its WAL and shared-memory files for each pooled connection,
    /// the data-folder lock, the identity-provider HTTP client's connections and the random device. About 40 in
    /// practice; 64 at least, and a tenth of a large limit (at most 1,024) for what a larger deployment opens.
    static func reserve(forDescriptorLimit limit: Int) -> Int {
        max(64, min(limit / 10, 1024))
    }

    /// The connection limit for a descriptor limit: the limit minus the reserve, at least 1 and at most 1,000,000.
    public static func derivedLimit(descriptorLimit: Int) -> Int {
        min(1_000_000, max(1, descriptorLimit - reserve(forDescriptorLimit: descriptorLimit)))
    }

    /// The process's `RLIMIT_NOFILE` (soft, hard), or nil when it cannot be read. `rlim_t.max` is unlimited.
    private static func descriptorLimits() -> (soft: rlim_t, hard: rlim_t)? {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return nil }
        return (limit.rlim_cur, limit.rlim_max)
    }

    #if canImport(Glibc)
        private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
        private static let resource = RLIMIT_NOFILE
    #endif

    /// The descriptor limit a connection limit needs (the inverse of ``derivedLimit(descriptorLimit:)``).
    static func descriptorsNeeded(forConnections connections: Int) -> Int {
        var descriptors = connections + 64
        while derivedLimit(descriptorLimit: descriptors) < connections {
            descriptors += connections - derivedLimit(descriptorLimit: descriptors)
        }
        return descriptors
    }

    /// The connection limit to enforce: the configured one, else the one derived from the descriptor limit
    /// (1,000,000 when it is unlimited).
    ///
    /// A configured limit the descriptor limit cannot hold raises the soft descriptor limit (up to the hard one);
    /// if that is not enough, the limit is lowered to what the descriptors allow and `lowered` reports it. Accepting
    /// must never fail for want of descriptors: SwiftNIO then retries `accept` at once, in a loop, on one core
    /// (its accept backoff does not apply there), until a descriptor is freed.
    public static func effectiveLimit(configured: Int?) -> (limit: Int, lowered: Bool) {
        guard let limits = descriptorLimits(), limits.soft != rlim_t.max else {
            return (configured ?? 1_000_000, false)
        }
        let soft = Int(clamping: limits.soft)
        guard let configured else { return (derivedLimit(descriptorLimit: soft), false) }
        let needed = descriptorsNeeded(forConnections: configured)
        if needed <= soft { return (configured, false) }
        let raised = limits.hard == rlim_t.max ? needed : min(needed, Int(clamping: limits.hard))
        var newLimit = rlimit(rlim_cur: rlim_t(raised), rlim_max: limits.hard)
        let available = setrlimit(resource, &newLimit) == 0 ? raised : soft
        let allowed = derivedLimit(descriptorLimit: available)
        return allowed >= configured ? (configured, false) : (allowed, true)
    }
}
