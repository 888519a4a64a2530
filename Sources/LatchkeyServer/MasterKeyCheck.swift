import LatchkeyDomain
import LatchkeyTokens

/// Refuses a master key other than the one a store's secrets are sealed with, before anything is written.
///
/// The store keeps the key's check value (`MasterKey.checkValue`, an HMAC of a fixed label, never the key) as the
/// setting `StoreSettingName.masterKeyCheck`. A store with the value: the key must match it. A store without it
/// (new, or made before the check existed): one sealed secret (an access key's, else an MFA seed) must open with
/// the key; then the value is recorded. Nodes starting together agree on one value
/// (`insertStoreSettingIfAbsent`): the loser of a race with another key is refused as well.
enum MasterKeyCheck {
    /// What to do once the key is accepted.
    enum Verdict: Equatable {
        /// The store holds this key's check value already.
        case matches
        /// The store has no check value: record it (after the key file, if new, is written).
        case record
    }

    /// Compares without writing. `source` names where the key came from, for the message.
    static func verify(
        _ key: MasterKey, source: String, store: any LatchkeyStore
    ) async throws(StartupError) -> Verdict {
        do {
            if let stored = try await store.storeSetting(StoreSettingName.masterKeyCheck) {
                guard key.matchesCheckValue(stored) else { throw mismatch(source: source) }
                return .matches
            }
            if try await opensASealedSecret(key, store: store) == false { throw mismatch(source: source) }
            return .record
        } catch let error as StartupError {
            throw error
        } catch {
            throw StartupError(
                message: "cannot check the master key against the store: \(StoreStartup.describe(error))")
        }
    }

    /// Records the check value (``Verdict/record``); refused if another node recorded another key's value first.
    static func record(_ key: MasterKey, source: String, store: any LatchkeyStore) async throws(StartupError) {
        do {
            let stored = try await store.insertStoreSettingIfAbsent(
                StoreSettingName.masterKeyCheck, value: key.checkValue)
            guard key.matchesCheckValue(stored) else { throw mismatch(source: source) }
        } catch let error as StartupError {
            throw error
        } catch {
            throw StartupError(message: "cannot record the master key check: \(StoreStartup.describe(error))")
        }
    }

    static func mismatch(source: String) -> StartupError {
        StartupError(
            message:
                "the master key does not match the one this store was sealed with (key from \(source)); start with the store's master key (LATCHKEY_MASTER_KEY, masterKey or masterKeyFile in the configuration file, or <data-dir>/master.key)"
        )
    }

    /// Whether the first sealed secret found opens with `key`; nil (treated as true) when the store holds none.
    private static func opensASealedSecret(_ key: MasterKey, store: any LatchkeyStore) async throws -> Bool? {
        let box = SecretBox(masterKey: key)
        for account in try await store.accounts() {
            var keys = try await store.accessKeys(accountId: account.id, userName: nil)
            if keys.isEmpty {
                for user in try await store.users(accountId: account.id, pathPrefix: "/") {
                    keys = try await store.accessKeys(accountId: account.id, userName: user.userName)
                    if !keys.isEmpty { break }
                }
            }
            if let record = keys.first {
                return (try? box.open(record.sealedSecret, context: "access-key:\(record.accessKeyId)")) != nil
            }
            if let device = try await store.mfaDevices(accountId: account.id).first {
                return (try? box.open(device.sealedSeed, context: "mfa-seed:\(device.serialNumber)")) != nil
            }
        }
        return nil
    }
}
