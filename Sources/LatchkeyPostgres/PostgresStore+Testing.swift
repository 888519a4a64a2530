import LatchkeyDomain
import PostgresNIO

extension PostgresStore {
    /// The configuration the store was connected with.
    public var currentConfiguration: Configuration { configuration }

    /// Runs raw SQL (one statement) in a write transaction: lets tests hand-edit the database as an operator
    /// might.
    func executeForTesting(_ sql: String) async throws {
        try await write("executeForTesting") { connection in
            try await self.execute(connection, PostgresQuery(unsafeSQL: sql))
        }
    }

    /// The first column of every row of a query, as text (`::text` it in the query when it is not).
    func stringsForTesting(_ sql: String) async throws -> [String] {
        try await read { connection in
            try await self.fetchAll(connection, PostgresQuery(unsafeSQL: sql)).map { row in
                try row.decode(String.self)
            }
        }
    }

    /// The tables of the store's schema (the first of its `search_path`), sorted.
    func tableNamesForTesting() async throws -> [String] {
        try await stringsForTesting(
            """
            SELECT table_name::text FROM information_schema.tables
            WHERE table_schema = current_schema() ORDER BY table_name COLLATE "C"
            """)
    }
}

extension PostgresStore {
    /// Runs one statement outside any transaction (`CREATE DATABASE`, `DROP DATABASE` refuse to run inside one).
    func executeWithoutTransactionForTesting(_ sql: String) async throws {
        try await readStatement { connection in
            try await self.execute(connection, PostgresQuery(unsafeSQL: sql))
        }
    }
}
