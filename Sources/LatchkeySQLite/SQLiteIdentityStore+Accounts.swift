import GRDB
public import LatchkeyDomain

extension SQLiteIdentityStore {
    /// Inserts an account; `.alreadyExists` if the ID exists.
    public func insertAccount(_ account: Account) async throws {
        let id = account.id
        let created = Stored.millis(account.createDate)
        try await write(
            "insertAccount",
            constraint: { $0 == .unique ? StoreError(.alreadyExists, "account \(id) already exists") : nil }
        ) { db in
            try db.execute(
                sql: "INSERT INTO accounts (id, create_date) VALUES (?, ?)",
                arguments: [id, created]
            )
        }
    }

    /// Inserts the account if the store has none, in one `BEGIN IMMEDIATE` transaction; returns whether it did.
    public func insertFirstAccount(_ account: Account) async throws -> Bool {
        let id = account.id
        let created = Stored.millis(account.createDate)
        return try await write("insertFirstAccount") { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM accounts)") != true else { return false }
            try db.execute(sql: "INSERT INTO accounts (id, create_date) VALUES (?, ?)", arguments: [id, created])
            return true
        }
    }

    /// The account with this ID, if any.
    public func account(id: String) async throws -> Account? {
        try await read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT id, create_date FROM accounts WHERE id = ?"),
                arguments: [id]
            ).map(Self.decodeAccount)
        }
    }

    /// All accounts, ordered by ID.
    public func accounts() async throws -> [Account] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT id, create_date FROM accounts ORDER BY id").map(Self.decodeAccount)
        }
    }

    static func decodeAccount(_ row: Row) throws -> Account {
        let columns = StoredRow(row: row, table: "accounts")
        return Account(id: try columns.string(0), createDate: try columns.date(1))
    }

    /// Throws `.notFound` unless the account exists.
    static func requireAccount(_ db: Database, _ accountId: String) throws {
        let exists = try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM accounts WHERE id = ?)"),
            arguments: [accountId]
        )
        guard exists == true else { throw StoreError(.notFound, "account \(accountId) does not exist") }
    }
}
