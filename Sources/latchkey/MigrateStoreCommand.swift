import ArgumentParser
import Foundation
import LatchkeyServer
import Logging

extension Latchkey {
    /// `latchkey migrate-store`: copies a single-node SQLite store into an empty PostgreSQL store.
    struct MigrateStore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "migrate-store",
            abstract: "Copy a single-node SQLite store into an empty PostgreSQL store.",
            discussion: """
                Stop every server using the SQLite store first. Everything is copied as it is stored: accounts, \
                users, access keys (status, dates, last use), MFA devices, roles, managed policies with every \
                version, groups, inline policies, attachments, identity providers, the outbound issuer and its \
                keys, the master-key check, the session-token keys and the live session revocations. Secrets stay \
                sealed: start the PostgreSQL nodes with the same master key. The target must be empty (a new \
                database); the copy is read back and compared before the command says it is done. If it fails \
                half-way, drop and recreate the target database and run it again.
                """
        )

        @Option(
            help: ArgumentHelp(
                "The SQLite store: sqlite:PATH, PATH being the latchkey.sqlite file or the data folder holding it.",
                valueName: "sqlite:path"))
        var from: String

        @Option(
            help: ArgumentHelp(
                "The empty PostgreSQL store: postgres://USER:PASSWORD@HOST:PORT/DB (sslmode and sslrootcert as query parameters).",
                valueName: "url"))
        var to: String

        func run() async throws {
            var logger = Logger(label: "latchkey.migrate-store")
            logger.logLevel = .warning
            let counts: StoreMigration.Counts
            do {
                counts = try await StoreMigration.migrate(from: from, to: to, now: Date(), logger: logger)
            } catch {
                FileHandle.standardError.write(Data("latchkey migrate-store: \(error)\n".utf8))
                throw ExitCode.failure
            }
            let width = counts.lines.map(\.label.count).max() ?? 0
            for line in counts.lines {
                let padding = String(repeating: " ", count: width - line.label.count)
                emit("\(line.label)\(padding)  \(line.count)")
            }
            emit("copied and verified: the PostgreSQL store now holds everything the SQLite store held")
        }
    }
}
