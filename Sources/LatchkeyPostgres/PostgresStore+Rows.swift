import LatchkeyDomain
import NIOCore
import PostgresNIO

/// Small helpers for running statements and reading their rows in the identity and cluster parts.
extension PostgresStore {
    /// Runs one statement on `connection` and collects its rows.
    func fetchAll(_ connection: PostgresConnection, _ query: PostgresQuery) async throws -> [PostgresRow] {
        try await connection.query(query, logger: logger).collect()
    }

    /// Runs one statement and returns its first row, if any.
    func fetchOne(_ connection: PostgresConnection, _ query: PostgresQuery) async throws -> PostgresRow? {
        try await fetchAll(connection, query).first
    }

    /// Runs one statement that returns one boolean (`SELECT EXISTS (...)`).
    func fetchBool(_ connection: PostgresConnection, _ query: PostgresQuery) async throws -> Bool {
        try await fetchOne(connection, query)?.decode(Bool.self) ?? false
    }

    /// Runs one statement, discarding any rows.
    func execute(_ connection: PostgresConnection, _ query: PostgresQuery) async throws {
        _ = try await fetchAll(connection, query)
    }

    /// Bytes as a BYTEA argument.
    static func bytea(_ bytes: [UInt8]) -> ByteBuffer {
        ByteBuffer(bytes: bytes)
    }

    /// A BYTEA column's bytes.
    static func bytes(_ buffer: ByteBuffer) -> [UInt8] {
        Array(buffer.readableBytesView)
    }

    /// Tags as stored JSON; a tag list that cannot be encoded is a caller bug reported as `.unavailable`.
    static func encodeTags(_ tags: [ResourceTag]) throws -> String {
        do {
            return try StoredValueCoding.tagsJSON(tags)
        } catch {
            throw StoreError(.unavailable, "cannot encode tags: \(error)")
        }
    }
}
