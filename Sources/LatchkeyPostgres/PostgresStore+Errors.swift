import LatchkeyDomain
import PostgresNIO

/// A constraint a statement violated, as PostgreSQL reports it.
struct PostgresConstraintViolation: Sendable {
    enum Kind: Sendable {
        /// A PRIMARY KEY or UNIQUE constraint (23505): the ID or the (case-folded) name is taken.
        case unique
        /// A FOREIGN KEY constraint (23503): a parent row is missing (insert) or a child row still exists (delete).
        case foreignKey
        /// A CHECK constraint (23514).
        case check
        /// A NOT NULL constraint (23502).
        case notNull
    }

    var kind: Kind
    /// The constraint's name (`users_pkey`, `access_keys_account_id_user_name_key_fkey`, ...).
    var constraint: String?
    /// The table the violating statement wrote to.
    var table: String?
}

extension PostgresStore {
    /// The SQLSTATE of a server error, if `error` is one (looking inside a transaction error).
    static func sqlState(_ error: any Error) -> String? {
        serverError(error)?.serverInfo?[.sqlState]
    }

    static func serverError(_ error: any Error) -> PSQLError? {
        if let error = error as? PSQLError {
            return error.code == .server ? error : nil
        }
        if let error = error as? PostgresTransactionError {
            for inner in [error.closureError, error.commitError, error.beginError] {
                if let inner, let found = serverError(inner) { return found }
            }
        }
        return nil
    }

    /// Whether a failed write transaction may simply be run again: a serialization failure or a deadlock.
    static func isRetryable(_ error: any Error) -> Bool {
        switch sqlState(error) {
        case "40001", "40P01": return true
        default: return false
        }
    }

    /// Maps any error thrown inside a transaction to a `StoreError`.
    ///
    /// `StoreError`s thrown by the operation itself and errors of a caller's `change` pass through unchanged;
    /// constraint violations go through `constraint`; a value that cannot be decoded is `.corrupt`; everything else
    /// is `.unavailable` with the SQLSTATE and PostgreSQL's message (never the statement or its arguments).
    static func map(
        _ error: any Error,
        operation: StaticString,
        constraint: (PostgresConstraintViolation) -> StoreError?
    ) -> any Error {
        if let storeError = error as? StoreError {
            return storeError
        }
        if let failure = error as? ChangeFailure {
            return failure.error
        }
        if let error = error as? PostgresDecodingError {
            return StoreError(.corrupt, "\(operation): column \(error.columnName) is not \(error.targetType)")
        }
        if let server = serverError(error), let info = server.serverInfo {
            let state = info[.sqlState] ?? "?"
            let kind: PostgresConstraintViolation.Kind? =
                switch state {
                case "23505": .unique
                case "23503": .foreignKey
                case "23514": .check
                case "23502": .notNull
                default: nil
                }
            if let kind,
                let mapped = constraint(
                    PostgresConstraintViolation(
                        kind: kind, constraint: info[.constraintName], table: info[.tableName]))
            {
                return mapped
            }
            return StoreError(.unavailable, "\(operation): PostgreSQL error \(state): \(info[.message] ?? "")")
        }
        if error is CancellationError {
            return StoreError(.unavailable, "\(operation): cancelled")
        }
        return StoreError(.unavailable, "\(operation): \(describe(error))")
    }

    /// A log-safe description of a client-side failure: `PSQLError`'s own description never includes the query
    /// or its binds; the underlying network error says why a connection failed.
    static func describe(_ error: any Error) -> String {
        if let error = error as? PostgresTransactionError {
            for inner in [error.closureError, error.commitError, error.beginError] {
                if let inner { return describe(inner) }
            }
        }
        if let error = error as? PSQLError {
            if let info = error.serverInfo {
                return "PostgreSQL error \(info[.sqlState] ?? "?"): \(info[.message] ?? "")"
            }
            if let underlying = error.underlying {
                return "\(error.code): \(describe(underlying))"
            }
            return "\(error.code)"
        }
        return String(describing: error)
    }
}
