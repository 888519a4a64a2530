import Foundation
import LatchkeyCore
import LatchkeyDomain
import LatchkeyModel
import LatchkeyTestSupport
import Testing

/// The access-key rules of `IAMService+AccessKeys.swift`, without HTTP.
@Suite struct IAMServiceAccessKeysTests {
    typealias K = RoleTestKit
    typealias U = UserTestKit

    static let invalidToken = "The security token included in the request is invalid."

    @Test("CreateAccessKey answers an active AKIA key with its 40-character secret, which then signs as the user")
    func createAccessKey() async throws {
        let f = try await ServiceFixture.make()
        try await U.createUser(f, "alice")
        f.clock.advance(by: 60)
        let key = try await U.createKey(f, for: "alice")
        #expect(key.userName == "alice")
        #expect(key.accessKeyId.hasPrefix("AKIA") && key.accessKeyId.count == 20)
        #expect(key.status == "Active")
        #expect(key.secretAccessKey.count == 40)
        #expect(key.createDate == TestClock.start.addingTimeInterval(60))
        #expect(!key.description.contains(key.secretAccessKey))

        let resolved = try await f.resolver.resolve(accessKeyId: key.accessKeyId, sessionToken: nil, now: f.clock.now)
        #expect(resolved.secretAccessKey == key.secretAccessKey)
        #expect(resolved.caller.arn == K.userArn(f, "alice"))
    }

    @Test("a user has at most two access keys; the third is LimitExceeded and is not stored")
    func twoKeysPerUser() async throws {
        let f = try await ServiceFixture.make()
        try await U.createUser(f, "alice")
        let first = try await U.createKey(f, for: "alice")
        let second = try await U.createKey(f, for: "alice")
        await K.expectError(.limitExceeded, "Cannot exceed quota for AccessKeysPerUser: 2") {
            try await U.createKey(f, for: "alice")
        }
        let listed = try await f.iam.listAccessKeys(ListAccessKeysInput(userName: "alice"), caller: f.root)
        #expect(
            Set(listed.accessKeyMetadata?.compactMap(\.accessKeyId) ?? []) == [first.accessKeyId, second.accessKeyId])
        #expect(listed.accessKeyMetadata?.allSatisfy { $0.status == "Active" && $0.userName == "alice" } == true)
    }

    @Test("the root's own keys: no UserName, and the same limit of two (the fixture's root already has one)")
    func rootKeys() async throws {
        let f = try await ServiceFixture.make()
        let key = try await U.createKey(f, for: nil)
        #expect(key.userName == nil)
        await K.expectError(.limitExceeded, "Cannot exceed quota for AccessKeysPerUser: 2") {
            try await U.createKey(f, for: nil)
        }
        let listed = try await f.iam.listAccessKeys(ListAccessKeysInput(), caller: f.root)
        #expect(listed.accessKeyMetadata?.count == 2)
        #expect(listed.accessKeyMetadata?.allSatisfy { $0.userName == nil } == true)
    }

    @Test("keys of an unknown user are NoSuchEntity")
    func unknownUser() async throws {
        let f = try await ServiceFixture.make()
        await K.expectError(.noSuchEntity, "The user with name ghost cannot be found.") {
            try await U.createKey(f, for: "ghost")
        }
        await K.expectError(.noSuchEntity, "The user with name ghost cannot be found.") {
            try await f.iam.listAccessKeys(ListAccessKeysInput(userName: "ghost"), caller: f.root)
        }
    }

    @Test("ListAccessKeys pages by key ID with markers")
    func paging() async throws {
        let f = try await ServiceFixture.make()
        try await U.createUser(f, "alice")
        let keys = [try await U.createKey(f, for: "alice"), try await U.createKey(f, for: "alice")]
        let (ids, pages) = try await U.allPages { marker, maxItems in
            let page = try await f.iam.listAccessKeys(
                ListAccessKeysInput(userName: "alice", marker: marker, maxItems: maxItems), caller: f.root)
            return (page.accessKeyMetadata?.compactMap(\.accessKeyId) ?? [], page.isTruncated, page.marker)
        }
        #expect(ids == keys.map(\.accessKeyId).sorted())
        #expect(pages == 2)
    }

    @Test("UpdateAccessKey Inactive refuses the key at once (the credential cache is dropped); Active restores it")
    func updateAccessKey() async throws {
        let f = try await ServiceFixture.make()
        try await U.createUser(f, "alice")
        let key = try await U.createKey(f, for: "alice")
        _ = try await f.resolver.resolve(accessKeyId: key.accessKeyId, sessionToken: nil, now: f.clock.now)

        _ = try await f.iam.updateAccessKey(
            UpdateAccessKeyInput(accessKeyId: key.accessKeyId, status: "Inactive", userName: "alice"), caller: f.root)
        await K.expectError(.invalidClientTokenId, Self.invalidToken) {
            try await f.resolver.resolve(accessKeyId: key.accessKeyId, sessionToken: nil, now: f.clock.now)
        }
        let listed = try await f.iam.listAccessKeys(ListAccessKeysInput(userName: "alice"), caller: f.root)
        #expect(listed.accessKeyMetadata?.first?.status == "Inactive")

        _ = try await f.iam.updateAccessKey(
            UpdateAccessKeyInput(accessKeyId: key.accessKeyId, status: "Active", userName: "alice"), caller: f.root)
        _ = try await f.resolver.resolve(accessKeyId: key.accessKeyId, sessionToken: nil, now: f.clock.now)
    }

    @Test("UpdateAccessKey refuses a status other than Active or Inactive, and a key that is not the user's")
    func updateAccessKeyErrors() async throws {
        let f = try await ServiceFixture.make()
        try await U.createUser(f, "alice")
        try await U.createUser(f, "bob")
        let key = try await U.createKey(f, for: "alice")
        await K.expectError(.invalidInput, "Status must be Active or Inactive, not Disabled.") {
            try await f.iam.updateAccessKey(
                UpdateAccessKeyInput(accessKeyId: key.accessKeyId, status: "Disabled", userName: "alice"),
                caller: f.root)
        }
        let notBobs = "The Access Key with id \(key.accessKeyId) cannot be found."
        await K.expectError(.noSuchEntity, notBobs) {
            try await f.iam.updateAccessKey(
                UpdateAccessKeyInput(accessKeyId: key.accessKeyId, status: "Inactive", userName: "bob"), caller: f.root)
        }
        // Without UserName the root acts on its own keys, and alice's is not one of them.
        await K.expectError(.noSuchEntity, notBobs) {
            try await f.iam.deleteAccessKey(DeleteAccessKeyInput(accessKeyId: key.accessKeyId), caller: f.root)
        }
        _ = try await f.resolver.resolve(accessKeyId: key.accessKeyId, sessionToken: nil, now: f.clock.now)
    }

    @Test("DeleteAccessKey removes the key at once; deleting it again is NoSuchEntity")
    func deleteAccessKey() async throws {
        let f = try await ServiceFixture.make()
        try await U.createUser(f, "alice")
        let key = try await U.createKey(f, for: "alice")
        _ = try await f.resolver.resolve(accessKeyId: key.accessKeyId, sessionToken: nil, now: f.clock.now)
        let input = DeleteAccessKeyInput(accessKeyId: key.accessKeyId, userName: "alice")
        _ = try await f.iam.deleteAccessKey(input, caller: f.root)
        await K.expectError(.invalidClientTokenId, Self.invalidToken) {
            try await f.resolver.resolve(accessKeyId: key.accessKeyId, sessionToken: nil, now: f.clock.now)
        }
        await K.expectError(.noSuchEntity, "The Access Key with id \(key.accessKeyId) cannot be found.") {
            try await f.iam.deleteAccessKey(input, caller: f.root)
        }
    }

    @Test("GetAccessKeyLastUsed: N/A for a key never used, then the last recorded use; an unknown key is AccessDenied")
    func lastUsed() async throws {
        let f = try await ServiceFixture.make()
        try await U.createUser(f, "alice")
        let key = try await U.createKey(f, for: "alice")
        let never = try await f.iam.getAccessKeyLastUsed(
            GetAccessKeyLastUsedInput(accessKeyId: key.accessKeyId), caller: f.root)
        #expect(never.userName == "alice")
        #expect(never.accessKeyLastUsed == IAM.AccessKeyLastUsed(serviceName: "N/A", region: "N/A"))

        let caller = try await f.resolver.resolve(accessKeyId: key.accessKeyId, sessionToken: nil, now: f.clock.now)
            .caller
        f.resolver.recordUse(
            of: caller, serviceName: "sts", region: "eu-west-1", at: TestClock.start.addingTimeInterval(5))
        let used = try await f.iam.getAccessKeyLastUsed(
            GetAccessKeyLastUsedInput(accessKeyId: key.accessKeyId), caller: f.root)
        #expect(
            used.accessKeyLastUsed
                == IAM.AccessKeyLastUsed(
                    serviceName: "sts", region: "eu-west-1", lastUsedDate: TestClock.start.addingTimeInterval(5)))

        let root = try await f.iam.getAccessKeyLastUsed(
            GetAccessKeyLastUsedInput(accessKeyId: f.root.accessKeyId), caller: f.root)
        #expect(root.userName == nil)
        await K.expectError(.accessDenied, "The Access Key with id AKIAIOSFODNN7EXAMPLE cannot be found.") {
            try await f.iam.getAccessKeyLastUsed(
                GetAccessKeyLastUsedInput(accessKeyId: "AKIAIOSFODNN7EXAMPLE"), caller: f.root)
        }
    }

    @Test("a user manages its own keys without UserName once allowed on its own ARN, and nobody else's")
    func ownKeys() async throws {
        let f = try await ServiceFixture.make()
        try await U.createUser(f, "bob")
        let alice = try await f.user(named: "alice")
        await U.expectDenied(alice, "iam:CreateAccessKey", on: K.userArn(f, "alice")) {
            try await f.iam.createAccessKey(CreateAccessKeyInput(), caller: alice, now: f.clock.now)
        }
        try await K.grant(f, user: "alice", K.allow("iam:*AccessKey*", resource: K.userArn(f, "alice")))
        let key = try #require(
            try await f.iam.createAccessKey(CreateAccessKeyInput(), caller: alice, now: f.clock.now).accessKey)
        #expect(key.userName == "alice")
        let mine = try await f.iam.listAccessKeys(ListAccessKeysInput(), caller: alice)
        #expect(mine.accessKeyMetadata?.count == 2)
        await U.expectDenied(alice, "iam:CreateAccessKey", on: K.userArn(f, "bob")) {
            try await f.iam.createAccessKey(CreateAccessKeyInput(userName: "bob"), caller: alice, now: f.clock.now)
        }
        await U.expectDenied(alice, "iam:ListAccessKeys", on: K.userArn(f, "bob")) {
            try await f.iam.listAccessKeys(ListAccessKeysInput(userName: "bob"), caller: alice)
        }
    }

    @Test("a role session names no user: the key operations without UserName are ValidationError")
    func roleSessionNeedsUserName() async throws {
        let f = try await ServiceFixture.make()
        try await K.createRole(f, "r")
        let alice = try await f.user(named: "alice")
        try await K.grant(f, user: "alice", K.allow("sts:AssumeRole"))
        let session = try await STSTestKit.session(f, as: alice, role: "r")
        try await STSTestKit.grant(f, role: "r", K.allow("iam:*"))
        let message = "Must specify userName when calling with non-User credentials"
        await K.expectError(.validationError, message) {
            try await f.iam.createAccessKey(CreateAccessKeyInput(), caller: session, now: f.clock.now)
        }
        await K.expectError(.validationError, message) {
            try await f.iam.listAccessKeys(ListAccessKeysInput(), caller: session)
        }
        let created = try await f.iam.createAccessKey(
            CreateAccessKeyInput(userName: "alice"), caller: session, now: f.clock.now)
        #expect(created.accessKey?.userName == "alice")
    }
}
