import Foundation
import LatchkeyCore
import LatchkeyDomain
import LatchkeyTestSupport
import Testing

/// The fixture the service-level tests build on: one account, its root, users with keys, a clock that moves.
@Suite struct ServiceFixtureTests {
    @Test("the fixture's root is the first account's root, calling with a long-term key")
    func rootIsTheAccountRoot() async throws {
        let fixture = try await ServiceFixture.make()
        guard case .root = fixture.root.credentials else {
            Issue.record("the root caller has \(fixture.root.credentials) credentials")
            return
        }
        #expect(fixture.root.accountId == fixture.accountId)
        #expect(fixture.root.arn == "arn:aws:iam::\(fixture.accountId):root")
        #expect(try await fixture.store.accounts().map(\.id) == [fixture.accountId])
        #expect(fixture.root.accessKeyId == fixture.rootKey.accessKeyId)
    }

    @Test("user(named:) creates an IAM user with a key and returns it as a caller")
    func userIsCreatedWithAKey() async throws {
        let fixture = try await ServiceFixture.make()
        let alice = try await fixture.user(named: "alice")
        guard case .user(let user) = alice.credentials else {
            Issue.record("alice has \(alice.credentials) credentials")
            return
        }
        #expect(user.userName == "alice")
        #expect(alice.arn == "arn:aws:iam::\(fixture.accountId):user/alice")
        let keys = try await fixture.store.accessKeys(accountId: fixture.accountId, userName: "alice")
        #expect(keys.map(\.accessKeyId) == [alice.accessKeyId])
    }

    @Test("users are created at the fixture clock's time")
    func usersAreCreatedAtTheClocksTime() async throws {
        let clock = TestClock()
        let fixture = try await ServiceFixture.make(clock: clock)
        clock.advance(by: 3600)
        _ = try await fixture.user(named: "bob")
        let user = try #require(try await fixture.store.user(accountId: fixture.accountId, userName: "bob"))
        #expect(user.createDate == TestClock.start.addingTimeInterval(3600))
    }
}
