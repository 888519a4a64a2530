public import Foundation
public import LatchkeyDomain
import LatchkeyModel
public import LatchkeyTokens

/// What a bootstrap file declares: accounts and their root access keys.
public struct BootstrapPlan: Sendable, Equatable {
    public struct RootKey: Sendable, Equatable {
        public var accessKeyId: String
        public var secretAccessKey: String
        public init(accessKeyId: String, secretAccessKey: String) {
            self.accessKeyId = accessKeyId
            self.secretAccessKey = secretAccessKey
        }
    }

    public struct AccountEntry: Sendable, Equatable {
        public var id: String
        public var rootAccessKeys: [RootKey]
        public init(id: String, rootAccessKeys: [RootKey]) {
            self.id = id
            self.rootAccessKeys = rootAccessKeys
        }
    }

    public var accounts: [AccountEntry]
    public init(accounts: [AccountEntry]) { self.accounts = accounts }
}

/// Applies bootstrap plans and creates the first account of a fresh server.
public struct Provisioner: Sendable {
    let store: any IdentityStore
    let secretBox: SecretBox

    public init(store: any IdentityStore, secretBox: SecretBox) {
        self.store = store
        self.secretBox = secretBox
    }

    /// Creates what the plan declares and is missing, and resets declared root keys to their declared secret and to
    /// `Active`. Applying the same plan twice changes nothing. Entities the plan does not mention are left alone.
    public func apply(_ plan: BootstrapPlan, now: Date) async throws {
        for entry in plan.accounts {
            if try await store.account(id: entry.id) == nil {
                do {
                    try await store.insertAccount(Account(id: entry.id, createDate: now.wholeSeconds))
                } catch let error as StoreError where error.code == .alreadyExists {
                    // Another server applying the same plan to this store inserted it first.
                }
            }
            for key in entry.rootAccessKeys {
                let existing = try await store.accessKey(id: key.accessKeyId)
                if let existing, existing.accountId == entry.id, existing.userName == nil, existing.status == .active,
                    (try? secretBox.open(existing.sealedSecret, context: "access-key:\(key.accessKeyId)"))
                        == Array(key.secretAccessKey.utf8)
                {
                    continue
                }
                try await store.putRootAccessKey(
                    AccessKeyRecord(
                        accessKeyId: key.accessKeyId, accountId: entry.id, userName: nil, status: .active,
                        createDate: existing?.createDate ?? now.wholeSeconds,
                        sealedSecret: secretBox.seal(
                            Array(key.secretAccessKey.utf8), context: "access-key:\(key.accessKeyId)")
                    ))
            }
        }
    }

    /// On a store with no account at all, creates one account with a random ID and one root key, and returns them
    /// so the caller can show the key once. Returns nil when the store already has accounts.
    public func createFirstAccountIfEmpty(now: Date) async throws -> (accountId: String, key: BootstrapPlan.RootKey)? {
        guard try await store.accounts().isEmpty else { return nil }
        var generator = SystemRandomNumberGenerator()
        // 12 digits, not starting with 0 so that tools that treat it as a number keep all digits.
        let accountId = String(UInt64.random(in: 100_000_000_000...999_999_999_999, using: &generator))
        // "No account yet" is checked again in the transaction that inserts: of servers starting together on one
        // empty store, one creates the first account.
        guard try await store.insertFirstAccount(Account(id: accountId, createDate: now.wholeSeconds)) else {
            return nil
        }
        let key = BootstrapPlan.RootKey(
            accessKeyId: AccessKeyID.generate(kind: .longTerm, account: accountId),
            secretAccessKey: SecurityTokenService.generateSecretAccessKey()
        )
        try await apply(BootstrapPlan(accounts: [.init(id: accountId, rootAccessKeys: [key])]), now: now)
        return (accountId, key)
    }

}
