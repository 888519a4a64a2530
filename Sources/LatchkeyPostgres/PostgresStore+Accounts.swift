public import LatchkeyDomain
import PostgresNIO

extension PostgresStore: IdentityStore {}

extension PostgresStore {
    /// Inserts an account; `.alreadyExists` if the ID exists.
    public func insertAccount(_ account: Account) async throws {
        let id = account.id
        let created = StoredValueCoding.millis(account.createDate)
        try await write(
            "insertAccount",
            constraint: { $0.kind == .unique ? StoreError(.alreadyExists, "account \(id) already exists") : nil }
        ) { connection in
            try await self.execute(connection, "INSERT INTO accounts (id, create_date) VALUES (\(id), \(created))")
        }
    }

    /// Inserts the account if the store has none, in one serializable transaction (of two nodes bootstrapping at
    /// once, one inserts); returns whether it did.
    public func insertFirstAccount(_ account: Account) async throws -> Bool {
        let id = account.id
        let created = StoredValueCoding.millis(account.createDate)
        return try await write("insertFirstAccount") { connection in
            guard try await !self.fetchBool(connection, "SELECT EXISTS (SELECT 1 FROM accounts)") else { return false }
            try await self.execute(connection, "INSERT INTO accounts (id, create_date) VALUES (\(id), \(created))")
            return true
        }
    }

    /// The account with this ID, if any.
    public func account(id: String) async throws -> Account? {
        try await readStatement { connection in
            try await self.fetchOne(connection, "SELECT id, create_date FROM accounts WHERE id = \(id)")
                .map(Self.decodeAccount)
        }
    }

    /// All accounts, ordered by ID (byte order).
    public func accounts() async throws -> [Account] {
        try await readStatement { connection in
            try await self.fetchAll(connection, "SELECT id, create_date FROM accounts ORDER BY id")
                .map(Self.decodeAccount)
        }
    }

    static func decodeAccount(_ row: PostgresRow) throws -> Account {
        let (id, created) = try row.decode((String, Int64).self)
        return Account(id: id, createDate: StoredValueCoding.date(millis: created))
    }

    /// Throws `.notFound` unless the account exists.
    func requireAccount(_ connection: PostgresConnection, _ accountId: String) async throws {
        guard try await fetchBool(connection, "SELECT EXISTS (SELECT 1 FROM accounts WHERE id = \(accountId))")
        else { throw StoreError(.notFound, "account \(accountId) does not exist") }
    }
}
