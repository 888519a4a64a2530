import Foundation
import LatchkeyCore
import LatchkeyDomain
import LatchkeyTokens
import Logging
import ServiceLifecycle

extension LatchkeyApplication {
    /// The readiness check a node fails once its master key was rotated away, and its reason.
    static let masterKeyReadinessCheck = (name: "master-key", reason: "master key rotated; restart with the new key")

    /// Loads this node's session-token keys from the store. A store that holds none yet first records the keys the
    /// configuration implies (`sessionTokenKeyId` active, the ID before it accepted for 36 hours): tokens sealed
    /// before the upgrade keep opening. Afterwards the store is the truth and `sessionTokenKeyId` is ignored (a
    /// warning says so when it names another key); `latchkey admin rotate-session-key` rotates.
    ///
    /// Events: a new ring is logged; a master key rotated by another node is logged as an error and
    /// `onMasterKeyRotated` is called (to mark the node not ready: its requests answer ServiceUnavailable until it is
    /// restarted with the new key).
    static func loadSessionKeys(
        store: any LatchkeyStore, masterKey: MasterKey, configuration: ServerConfiguration, logger: Logger, now: Date,
        onMasterKeyRotated: @escaping @Sendable () -> Void
    ) async throws(StartupError) -> SessionKeys {
        let configured = configuration.file?.sessionTokenKeyId ?? 1
        let keys: SessionKeys
        do {
            keys = try await SessionKeys.load(
                store: store, masterKey: masterKey, configuredActiveKeyID: configured, now: now
            ) { event in
                switch event {
                case .loaded(let active, let accepted):
                    let acceptedList = accepted.map(String.init).joined(separator: ",")
                    logger.info(
                        "session-token keys loaded",
                        metadata: ["active-key": "\(active)", "accepted-keys": "\(acceptedList)"])
                case .masterKeyRotated:
                    logger.error(
                        "the master key was rotated (latchkey admin rotate-master-key): this node's key no longer opens the store's secrets; it refuses requests with ServiceUnavailable until restarted with the new key"
                    )
                    onMasterKeyRotated()
                }
            }
        } catch {
            throw StartupError(message: "cannot load the session-token keys: \(describe(error))")
        }
        if configured != 1, configured != keys.activeKeyID {
            logger.warning(
                "sessionTokenKeyId \(configured) in the configuration file is ignored: the store holds the session-token keys (active key \(keys.activeKeyID)); rotate with latchkey admin rotate-session-key"
            )
        }
        return keys
    }

    /// Reloads `keys` (and checks the master key) whenever `changes` reports a change: a rotation is announced like
    /// any other write. A failed reload keeps the current keys (the refresher retries, and a token under a newer key
    /// triggers a reload of its own).
    static func follow(
        _ keys: SessionKeys, changes: ChangeFeed, clock: @escaping @Sendable () -> Date, logger: Logger
    ) {
        changes.subscribe {
            do {
                try await keys.refresh(now: clock())
            } catch {
                logger.debug("could not reload the session-token keys", metadata: ["error": "\(describe(error))"])
            }
        }
    }

    /// A store error's detail, else the error (never statement arguments: `StoreError` details hold none).
    static func describe(_ error: any Error) -> String {
        if let error = error as? StoreError { return error.detail }
        return String(describing: error)
    }
}

/// Reloads the session-token keys (and checks the master key) every `interval`: a backstop for the change feed,
/// which reloads them at once after every announced change. It bounds how long a node can go on sealing under a
/// replaced key when an announcement was lost (well under ``SessionKeys/clockSkewAllowance``).
struct SessionKeysRefresher: Service {
    static let defaultInterval: Duration = .seconds(60)

    let keys: SessionKeys
    let interval: Duration
    let clock: @Sendable () -> Date
    let logger: Logger

    func run() async throws {
        let (keys, interval, clock, logger) = (keys, interval, clock, logger)
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    break
                }
                do {
                    try await keys.refresh(now: clock())
                } catch {
                    logger.warning(
                        "could not reload the session-token keys; keeping the current ones",
                        metadata: ["error": "\(LatchkeyApplication.describe(error))"])
                }
            }
        }
    }
}
