public import Foundation
import LatchkeyBase
public import LatchkeyCore
import LatchkeyDomain
import LatchkeyTokens
public import Logging

/// The key rotations `latchkey admin` runs: straight on the store, with the store options and master key of
/// `latchkey serve` (no node needs to be stopped), then an announced change so every running node reacts within a
/// poll of its change feed.
///
/// - ``rotateSessionKey(configuration:logger:now:)``: a new random session-token key becomes active on every node;
///   the key it replaces stays accepted until every token it sealed has expired.
/// - ``rotateMasterKey(configuration:newKeyFile:logger:settle:)``: every secret at rest is re-sealed under a new
///   master key in one transaction; nodes still running with the old key refuse requests (ServiceUnavailable, and
///   `/readyz` answers 503) until restarted with the new one.
public enum KeyAdministration {
    /// Why a command refused or failed, in one line for the operator (never a key or a secret).
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let message: String

        public init(_ message: String) {
            self.message = message
        }

        public var description: String { message }
    }

    /// What ``rotateSessionKey(configuration:logger:now:)`` did, and the line to show.
    public struct SessionKeyReport: Sendable {
        public var outcome: SessionKeyRotation.Outcome
        public var summary: String
    }

    /// What ``rotateMasterKey(configuration:newKeyFile:logger:settle:)`` did, and the lines to show.
    public struct MasterKeyReport: Sendable {
        public var outcome: MasterKeyRotation.Outcome
        /// Secrets the sweep after `settle` went through (re-sealing any a lagging node wrote under the old key).
        public var sweptCount: Int
        public var summary: String
    }

    /// Makes a new session-token key active on every node.
    public static func rotateSessionKey(
        configuration: ServerConfiguration, logger: Logger, now: Date = Date()
    ) async throws -> SessionKeyReport {
        let masterKey = try existingMasterKey(configuration)
        return try await withStore(configuration, logger: logger) { store in
            try await checkMasterKey(masterKey, store: store)
            let outcome = try await SessionKeyRotation.rotate(
                store: store, secretBox: SecretBox(masterKey: masterKey.key),
                configuredActiveKeyID: configuration.file?.sessionTokenKeyId ?? 1, now: now)
            try await store.announceChange()
            return SessionKeyReport(outcome: outcome, summary: summary(of: outcome))
        }
    }

    /// Re-seals every secret at rest under the key in `newKeyFile` (standard base64 of 32 bytes, as `master.key`),
    /// then, after `settle` (time for every node's change feed to notice), sweeps once more for secrets a node still
    /// on the old key wrote meanwhile.
    /// - Throws: ``Failure`` before anything is written when the new key file is unreadable or not a key, is the
    ///   current key, or the current key is not the one the store is sealed with.
    public static func rotateMasterKey(
        configuration: ServerConfiguration, newKeyFile: String, logger: Logger, settle: Duration = .seconds(2)
    ) async throws -> MasterKeyReport {
        let newKey = try readKeyFile(newKeyFile)
        let current = try existingMasterKey(configuration)
        guard !current.key.matchesCheckValue(newKey.checkValue) else {
            throw Failure(
                "the new master key in \(newKeyFile) is the current one (from \(current.source)): nothing to do")
        }
        return try await withStore(configuration, logger: logger) { store in
            try await checkMasterKey(current, store: store)
            let outcome: MasterKeyRotation.Outcome
            do {
                outcome = try await MasterKeyRotation.rotate(store: store, current: current.key, new: newKey)
            } catch let refusal as MasterKeyRotation.Refusal {
                throw Failure(refusal.message)
            }
            try await store.announceChange()
            try await Task.sleep(for: settle)
            let swept = try await MasterKeyRotation.sweep(store: store, old: current.key, new: newKey)
            var lines = [
                "re-sealed \(outcome.resealedCount) secrets under the new master key in one transaction"
            ]
            if !outcome.materializedKeyIDs.isEmpty {
                let ids = outcome.materializedKeyIDs.map(String.init).joined(separator: ", ")
                lines.append(
                    "session-token keys \(ids), derived from the old master key, are now stored sealed: their tokens keep opening"
                )
            }
            lines.append(
                "nodes still running with the old key refuse requests (ServiceUnavailable) and /readyz answers 503: restart every node with the new key (LATCHKEY_MASTER_KEY, masterKey or masterKeyFile in the configuration file, or <data-dir>/master.key)"
            )
            return MasterKeyReport(outcome: outcome, sweptCount: swept, summary: lines.joined(separator: "\n"))
        }
    }

    static func summary(of outcome: SessionKeyRotation.Outcome) -> String {
        guard outcome.rotatedHere else {
            return
                "another rotation made session-token key \(outcome.activeKeyID) active at the same time; nothing more was changed"
        }
        var line = "session-token key \(outcome.activeKeyID) is active; every node seals with it after its next poll"
        if let until = outcome.previousAcceptedUntil {
            line += "; key \(outcome.previousKeyID) is still accepted until \(AWSTimestamp.string(from: until))"
        }
        if !outcome.droppedKeyIDs.isEmpty {
            line += "; retired keys deleted: \(outcome.droppedKeyIDs.map(String.init).joined(separator: ", "))"
        }
        return line
    }

    /// The current master key from the sources `serve` reads; never generates one.
    static func existingMasterKey(_ configuration: ServerConfiguration) throws(Failure) -> MasterKeyLoader.Loaded {
        let loaded: MasterKeyLoader.Loaded
        do {
            loaded = try MasterKeyLoader.load(configuration: configuration)
        } catch {
            throw Failure("\(error)")
        }
        guard loaded.pendingFile == nil else {
            throw Failure(
                "no master key: set LATCHKEY_MASTER_KEY, masterKey or masterKeyFile in the configuration file, or give the --data-dir that holds master.key"
            )
        }
        return loaded
    }

    /// A master key file: standard base64 of 32 bytes, surrounding whitespace ignored.
    static func readKeyFile(_ path: String) throws(Failure) -> MasterKey {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure("cannot read the new master key file \(path)")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let key = try? MasterKey(base64: text) else {
            throw Failure("the new master key file \(path) does not hold a base64-encoded 32-byte key")
        }
        return key
    }

    /// Refuses a key other than the one the store is sealed with (as `serve` does), before anything is written.
    static func checkMasterKey(_ key: MasterKeyLoader.Loaded, store: any LatchkeyStore) async throws(Failure) {
        do {
            _ = try await MasterKeyCheck.verify(key.key, source: key.source, store: store)
        } catch {
            throw Failure(error.message + "; nothing was changed")
        }
    }

    /// Runs `body` on the store `serve` would open (PostgreSQL with a database URL, else the SQLite file in the data
    /// folder, which must exist), closing it afterwards.
    static func withStore<T: Sendable>(
        _ configuration: ServerConfiguration, logger: Logger,
        _ body: (any LatchkeyStore) async throws -> T
    ) async throws -> T {
        let opened: StoreStartup.Opened
        if let database = configuration.database {
            opened = try await StoreStartup.openPostgres(database, logger: logger)
        } else {
            let path = (configuration.dataDirectory as NSString).appendingPathComponent(
                LatchkeyApplication.databaseFileName)
            guard FileManager.default.fileExists(atPath: path) else {
                throw Failure(
                    "no store at \(path): give the --data-dir of the server, or its --database-url")
            }
            opened = try StoreStartup.openSQLite(path: path)
        }
        do {
            let result = try await body(opened.store)
            await opened.close()
            return result
        } catch {
            await opened.close()
            throw error
        }
    }
}
