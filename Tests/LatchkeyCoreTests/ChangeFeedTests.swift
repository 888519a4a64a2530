import Foundation
import LatchkeyCore
import LatchkeyDomain
import LatchkeyTestSupport
import Synchronization
import Testing

/// The change feed alone (`ChangeFeed.swift`): when it calls its subscribers, what it tells the caches, its loop.
@Suite struct ChangeFeedTests {
    /// Counts calls.
    final class Counter: Sendable {
        private let value = Atomic<Int>(0)
        var count: Int { value.load(ordering: .relaxed) }
        func increment() { value.add(1, ordering: .relaxed) }
    }

    /// The events a feed reported, by name.
    final class Events: Sendable {
        private let names = Mutex<[String]>([])
        var all: [String] { names.withLock { $0 } }
        func append(_ name: String) { names.withLock { $0.append(name) } }
    }

    static func feed(_ store: any LatchkeyStore, events: Events? = nil) -> (ChangeFeed, Counter) {
        let counter = Counter()
        let feed = ChangeFeed(store: store, interval: .milliseconds(10)) { event in
            let name =
                switch event {
                case .pollFailed: "pollFailed"
                case .recovered: "recovered"
                case .announceFailed: "announceFailed"
                }
            events?.append(name)
        }
        feed.subscribe { counter.increment() }
        return (feed, counter)
    }

    @Test("the first poll, then only a changed sequence, calls the subscribers", arguments: StoreKind.allCases)
    func pollsCallOnChange(kind: StoreKind) async throws {
        try await kind.withEmptyStore { store in
            let (feed, counter) = Self.feed(store)
            #expect(feed.lastSeen == nil)
            #expect(await feed.tick())  // caches may have been filled before the first poll
            #expect(counter.count == 1)
            #expect(await feed.tick() == false)
            #expect(counter.count == 1)
            let announced = try await store.announceChange()  // another node's write
            #expect(await feed.tick())
            #expect(counter.count == 2)
            #expect(feed.lastSeen == announced)
            #expect(await feed.tick() == false)
            #expect(counter.count == 2)
        }
    }

    @Test(
        "announce calls the subscribers at once and increments the sequence; the node's own increment is not seen again",
        arguments: StoreKind.allCases)
    func announce(kind: StoreKind) async throws {
        try await kind.withEmptyStore { store in
            let (feed, counter) = Self.feed(store)
            await feed.tick()
            let before = try await store.changeSequence()
            await feed.announce()
            #expect(counter.count == 2)
            #expect(try await store.changeSequence() == before + 1)
            #expect(await feed.tick() == false)
            #expect(counter.count == 2)
            // Another node's write between this node's poll and its announcement is still seen at the next poll.
            _ = try await store.announceChange()
            await feed.announce()
            #expect(counter.count == 3)
            #expect(await feed.tick())
            #expect(counter.count == 4)
        }
    }

    @Test("every subscriber is called, in registration order")
    func subscribersInOrder() async throws {
        let order = Mutex<[Int]>([])
        try await StoreKind.memory.withEmptyStore { store in
            let feed = ChangeFeed(store: store)
            for index in 0..<3 { feed.subscribe { order.withLock { $0.append(index) } } }
            await feed.tick()
            await feed.announce()
        }
        #expect(order.withLock { $0 } == [0, 1, 2, 0, 1, 2])
    }

    @Test("a failing poll tells the caches the store is unreachable, reports once, and calls no subscriber")
    func failingPoll() async throws {
        try await ClusterNode.withTwoNodes(.sqlite) { _, b in
            let events = Events()
            let (feed, counter) = Self.feed(b.fixture.store, events: events)
            await feed.tick()
            #expect(!feed.freshness.storeUnreachable)
            let closed = try b.closeSQLiteHandle()
            #expect(closed)
            #expect(await feed.tick() == false)
            #expect(await feed.tick() == false)
            #expect(feed.freshness.storeUnreachable)
            #expect(feed.isFailing)
            #expect(counter.count == 1)
            #expect(events.all == ["pollFailed"])
            // An announcement that cannot be written still drops this node's caches, and is reported.
            await feed.announce()
            #expect(counter.count == 2)
            #expect(events.all == ["pollFailed", "announceFailed"])
        }
    }

    @Test("run polls until cancelled: another node's change reaches the subscribers (polled, generous deadline)")
    func runLoop() async throws {
        try await StoreKind.memory.withEmptyStore { store in
            let (feed, counter) = Self.feed(store)
            let task = Task { await feed.run() }
            let start = ContinuousClock.now
            while counter.count < 1, start.duration(to: .now) < .seconds(60) {
                try await Task.sleep(for: .milliseconds(5))
            }
            #expect(counter.count >= 1)
            _ = try await store.announceChange()
            while counter.count < 2, start.duration(to: .now) < .seconds(60) {
                try await Task.sleep(for: .milliseconds(5))
            }
            #expect(counter.count >= 2)
            task.cancel()
            await task.value  // returns once cancelled
        }
    }
}
