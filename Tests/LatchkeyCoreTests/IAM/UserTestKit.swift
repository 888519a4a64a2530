import Foundation
import LatchkeyCore
import LatchkeyDomain
import LatchkeyModel
import LatchkeyTestSupport
import LatchkeyTokens
import Testing

/// Seeds and checks shared by the service-level tests of users, access keys, MFA devices, groups and their policies
/// (documents, grants and error checks come from ``RoleTestKit``).
enum UserTestKit {
    static func groupArn(_ f: ServiceFixture, _ name: String, path: String = "/") -> String {
        "arn:aws:iam::\(f.accountId):group\(path)\(name)"
    }

    static func mfaArn(_ f: ServiceFixture, _ name: String, path: String = "/") -> String {
        "arn:aws:iam::\(f.accountId):mfa\(path)\(name)"
    }

    /// CreateUser as the root.
    @discardableResult
    static func createUser(_ f: ServiceFixture, _ name: String, path: String? = nil) async throws -> IAM.User {
        try #require(
            try await f.iam.createUser(CreateUserInput(userName: name, path: path), caller: f.root, now: f.clock.now)
                .user)
    }

    /// CreateGroup as the root.
    @discardableResult
    static func createGroup(_ f: ServiceFixture, _ name: String, path: String? = nil) async throws -> IAM.Group {
        try #require(
            try await f.iam.createGroup(CreateGroupInput(groupName: name, path: path), caller: f.root, now: f.clock.now)
                .group)
    }

    /// CreateAccessKey for `userName` as the root.
    static func createKey(_ f: ServiceFixture, for userName: String?) async throws -> IAM.AccessKey {
        try #require(
            try await f.iam.createAccessKey(CreateAccessKeyInput(userName: userName), caller: f.root, now: f.clock.now)
                .accessKey)
    }

    /// CreateVirtualMFADevice as the root; returns the device and its code generator (from the Base32 seed answered).
    static func createDevice(_ f: ServiceFixture, _ name: String, path: String? = nil) async throws
        -> (device: IAM.VirtualMFADevice, totp: TOTP)
    {
        let device = try #require(
            try await f.iam.createVirtualMFADevice(
                CreateVirtualMFADeviceInput(virtualMFADeviceName: name, path: path), caller: f.root, now: f.clock.now
            ).virtualMFADevice)
        let base32 = try #require(device.base32StringSeed.flatMap { String(data: $0, encoding: .utf8) })
        let seed = try #require(Base32.decode(base32))
        return (device, TOTP(secret: seed))
    }

    /// The TOTP step at `date`.
    static func step(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / 30).rounded(.down))
    }

    /// EnableMFADevice as the root, with the codes of the previous and the current step.
    static func enable(_ f: ServiceFixture, _ serial: String, totp: TOTP, for userName: String) async throws {
        let now = step(f.clock.now)
        _ = try await f.iam.enableMFADevice(
            EnableMFADeviceInput(
                userName: userName, serialNumber: serial, authenticationCode1: totp.code(step: now - 1),
                authenticationCode2: totp.code(step: now)),
            caller: f.root, now: f.clock.now)
    }

    /// Gives the group `groupName` an inline policy (in the store, then the authorizer's cache cleared).
    static func grant(_ f: ServiceFixture, group groupName: String, _ document: String) async throws {
        try await f.store.putInlinePolicy(
            InlinePolicy(accountId: f.accountId, owner: .group(groupName), policyName: "grant", document: document))
        f.authorizer.invalidate()
    }

    /// Runs `body`, which must fail with `AccessDenied` for `action` on `resource`.
    static func expectDenied<T>(
        _ caller: Caller, _ action: String, on resource: String, sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () async throws -> T
    ) async {
        let error = await RoleTestKit.expectError(.accessDenied, sourceLocation: sourceLocation, body)
        let prefix = "User: \(caller.arn) is not authorized to perform: \(action) on resource: \(resource) "
        #expect(error?.message.hasPrefix(prefix) == true, "\(error?.message ?? "")", sourceLocation: sourceLocation)
    }

    /// Every page of a listing, following `Marker`s from `MaxItems: 1` pages.
    static func allPages<Item>(
        maxItems: Int = 1, sourceLocation: SourceLocation = #_sourceLocation,
        _ fetch: (_ marker: String?, _ maxItems: Int) async throws -> (
            items: [Item], isTruncated: Bool?, marker: String?
        )
    ) async throws -> (items: [Item], pages: Int) {
        var items: [Item] = []
        var marker: String?
        var pages = 0
        repeat {
            let page = try await fetch(marker, maxItems)
            #expect(page.items.count <= maxItems, sourceLocation: sourceLocation)
            #expect(page.isTruncated == (page.marker != nil), sourceLocation: sourceLocation)
            items += page.items
            marker = page.marker
            pages += 1
        } while marker != nil && pages < 50
        return (items, pages)
    }
}
