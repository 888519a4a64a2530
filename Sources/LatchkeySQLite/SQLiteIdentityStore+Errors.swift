import GRDB
import LatchkeyDomain

/// The kind of SQLite constraint a statement violated.
enum ConstraintViolation: Sendable {
    /// A PRIMARY KEY or UNIQUE constraint: the ID or the (case-folded) name is taken.
    case unique
    /// A FOREIGN KEY constraint: a parent row is missing (insert) or a child row still exists (delete).
    case foreignKey
    /// NOT NULL, CHECK or any other constraint: a bug or a hand-edited schema.
    case other
}

extension SQLiteIdentityStore {
    /// Maps any error thrown inside a transaction to a `StoreError`.
    ///
    /// `StoreError`s thrown by the operation itself pass through unchanged; constraint violations go through
    /// `constraint`; everything else is `.unavailable` with the SQLite message (never the statement arguments).
    static func map(
        _ error: any Error,
        operation: StaticString,
        constraint: (ConstraintViolation) -> StoreError?
    ) -> StoreError {
        if let storeError = error as? StoreError {
            return storeError
        }
        if let databaseError = error as? DatabaseError, databaseError.resultCode == .SQLITE_CONSTRAINT {
            let violation: ConstraintViolation
            switch databaseError.extendedResultCode {
            case .SQLITE_CONSTRAINT_PRIMARYKEY, .SQLITE_CONSTRAINT_UNIQUE:
                violation = .unique
            case .SQLITE_CONSTRAINT_FOREIGNKEY:
                violation = .foreignKey
            default:
                violation = .other
            }
            if let mapped = constraint(violation) {
                return mapped
            }
        }
        if error is CancellationError {
            return StoreError(.unavailable, "\(operation): cancelled")
        }
        return StoreError(.unavailable, "\(operation): \(describe(error))")
    }

    /// A log-safe description: GRDB omits statement arguments unless `publicStatementArguments` is set, which this
    /// store never does.
    static func describe(_ error: any Error) -> String {
        if let databaseError = error as? DatabaseError {
            return databaseError.description
        }
        return String(describing: error)
    }
}
