import Postgres

/// The soft delete every resource table shares: the row stays, `deleted_at` is set and the
/// version moves on, only if the row is live and still at the version the caller read.
struct SoftDelete {
    private let statement: Statement

    /// The statement for `table`, which has `id`, `version`, `updated_at` and `deleted_at`.
    init(table: String) {
        statement = Statement("\(table)_soft_delete", """
            UPDATE \(table) SET deleted_at = now(), updated_at = now(), version = version + 1
            WHERE id = $1 AND version = $2 AND deleted_at IS NULL
            """)
    }

    /// Whether the row was deleted now.
    func run(on database: Database, id: Int64, expectedVersion: Int) throws -> Bool {
        try database.query(statement, [String(id), String(expectedVersion)]).affectedRows == 1
    }
}
