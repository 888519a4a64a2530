import Foundation
import LatchkeyDomain
import LatchkeySQLite
import Testing

/// A fresh directory under the system temp folder, removed when `body` returns or throws.
func withTemporaryDirectory(_ body: (String) async throws -> Void) async throws {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("latchkey-sqlite-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try await body(directory.path)
}

/// A store on a fresh file (in a fresh temporary directory) holding account `Fixture.accountId`.
func withStore(_ body: (SQLiteIdentityStore) async throws -> Void) async throws {
    try await withTemporaryDirectory { directory throws in
        let store = try SQLiteIdentityStore(path: directory + "/latchkey.sqlite")
        try await store.insertAccount(Fixture.account)
        try await body(store)
    }
}

/// Fixed, millisecond-aligned values: the store keeps dates to the millisecond.
enum Fixture {
    static let accountId = "123456789012"
    static let otherAccountId = "210987654321"
    static let epoch = Date(timeIntervalSince1970: 1_700_000_000.123)
    static let account = Account(id: accountId, createDate: epoch)

    static func date(plusSeconds seconds: Double) -> Date {
        Date(timeIntervalSince1970: 1_700_000_000.123 + seconds)
    }

    static func user(
        _ name: String, accountId: String = accountId, path: String = "/", tags: [ResourceTag] = []
    ) -> IAMUser {
        IAMUser(
            accountId: accountId, userName: name, userId: "AIDA\(name.uppercased())00000000", path: path,
            createDate: date(plusSeconds: 60), tags: tags
        )
    }

    static func key(
        _ id: String, accountId: String = accountId, userName: String? = nil, createdAfter seconds: Double = 0,
        status: AccessKeyStatus = .active
    ) -> AccessKeyRecord {
        AccessKeyRecord(
            accessKeyId: id, accountId: accountId, userName: userName, status: status,
            createDate: date(plusSeconds: seconds), sealedSecret: Array("sealed:\(id)".utf8) + [0, 255, 7]
        )
    }

    static func serial(_ name: String, accountId: String = accountId) -> String {
        "arn:aws:iam::\(accountId):mfa/\(name)"
    }

    static func device(_ name: String, accountId: String = accountId) -> MFADeviceRecord {
        MFADeviceRecord(
            accountId: accountId, serialNumber: serial(name, accountId: accountId), path: "/", deviceName: name,
            sealedSeed: [1, 2, 3, 0, 254], createDate: date(plusSeconds: 120),
            tags: [ResourceTag(key: "team", value: "blue")]
        )
    }
}

/// Runs `body` and returns the `StoreError` it threw; records an issue if it threw nothing or something else.
func storeError(
    _ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation
) async -> StoreError? {
    do {
        try await body()
        Issue.record("expected a StoreError, nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch let error as StoreError {
        return error
    } catch {
        Issue.record("expected a StoreError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
