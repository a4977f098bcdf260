import Postgres

/// Users in PostgreSQL. Every statement is parameterised and prepared once per connection.
///
/// A soft-deleted row keeps its data but releases its email: uniqueness is enforced by a unique
/// index on `lower(email)` over live rows only (see `sql/0001_users.sql`).
public struct PostgresUserRepository: UserRepository {
    private let database: Database

    /// Creates the repository on a worker's database handle.
    public init(database: Database) {
        self.database = database
    }

    /// The columns `user(_:row:)` reads, in order; other repositories select them too.
    static let columns = """
        id, email, name, age, role, active, created_at, updated_at, version
        """

    private static let insertStatement = Statement("users_insert", """
        INSERT INTO users (email, name, age, role, active, password_hash) VALUES ($1, $2, $3, $4, $5, $6)
        RETURNING \(columns)
        """)

    public func insert(_ profile: UserProfile, passwordHash: String?) throws -> User {
        let result = try withEmailConflict { () throws(PostgresError) in
            try database.query(Self.insertStatement, Self.parameters(profile) + [passwordHash])
        }
        return Self.user(result, row: 0)
    }

    private static let credentialsStatement = Statement("users_credentials", """
        SELECT \(columns), password_hash FROM users WHERE lower(email) = lower($1) AND deleted_at IS NULL
        """)

    public func credentials(email: String) throws -> Credentials? {
        let result = try database.query(Self.credentialsStatement, [email])
        guard result.rowCount > 0 else { return nil }
        return Credentials(user: Self.user(result, row: 0), passwordHash: result.string(row: 0, column: Self.columnCount))
    }

    private static let setPasswordHashStatement = Statement("users_set_password_hash", """
        UPDATE users SET password_hash = $2 WHERE id = $1 AND deleted_at IS NULL
        """)

    public func setPasswordHash(id: Int64, to hash: String) throws -> Bool {
        try database.query(Self.setPasswordHashStatement, [String(id), hash]).affectedRows == 1
    }

    private static let findStatement = Statement("users_find", """
        SELECT \(columns) FROM users WHERE id = $1 AND deleted_at IS NULL
        """)

    public func find(id: Int64) throws -> User? {
        let result = try database.query(Self.findStatement, [String(id)])
        return result.rowCount == 0 ? nil : Self.user(result, row: 0)
    }

    // Keyset pagination over the primary key; the filters are NULL when unused, so one prepared
    // statement serves every combination. `strpos` searches without LIKE's wildcard characters.
    private static let listStatement = Statement("users_list", """
        SELECT \(columns) FROM users
        WHERE deleted_at IS NULL AND id > $1
          AND ($2::text IS NULL OR role = $2)
          AND ($3::boolean IS NULL OR active = $3)
          AND ($4::text IS NULL OR strpos(lower(email), lower($4)) > 0 OR strpos(lower(name), lower($4)) > 0)
        ORDER BY id
        LIMIT $5
        """)

    public func list(_ filter: UserFilter, afterID: Int64, limit: Int) throws -> [User] {
        let result = try database.query(Self.listStatement, [
            String(afterID), filter.role?.rawValue, filter.isActive.map(Self.boolean), filter.search, String(limit),
        ])
        return (0..<result.rowCount).map { Self.user(result, row: $0) }
    }

    private static let updateStatement = Statement("users_update", """
        UPDATE users SET email = $2, name = $3, age = $4, role = $5, active = $6,
            version = version + 1, updated_at = now()
        WHERE id = $1 AND version = $7 AND deleted_at IS NULL
        RETURNING \(columns)
        """)

    public func update(id: Int64, to profile: UserProfile, expectedVersion: Int) throws -> User? {
        let result = try withEmailConflict { () throws(PostgresError) in
            try database.query(Self.updateStatement, [String(id)] + Self.parameters(profile) + [String(expectedVersion)])
        }
        return result.rowCount == 0 ? nil : Self.user(result, row: 0)
    }

    private static let softDeletion = SoftDelete(table: "users")

    public func softDelete(id: Int64, expectedVersion: Int) throws -> Bool {
        try Self.softDeletion.run(on: database, id: id, expectedVersion: expectedVersion)
    }

    private static let restoreStatement = Statement("users_restore", """
        UPDATE users SET deleted_at = NULL, updated_at = now(), version = version + 1
        WHERE id = $1 AND deleted_at IS NOT NULL
        RETURNING \(columns)
        """)

    public func restore(id: Int64) throws -> User? {
        let result = try withEmailConflict { () throws(PostgresError) in try database.query(Self.restoreStatement, [String(id)]) }
        return result.rowCount == 0 ? nil : Self.user(result, row: 0)
    }

    /// Turns a violation of the live-email index into the domain's conflict.
    private func withEmailConflict(_ body: () throws(PostgresError) -> PostgresResult) throws -> PostgresResult {
        do {
            return try body()
        } catch .server(sqlState: "23505", _, constraint: "users_email_live_key") {
            throw DomainError.conflict(code: "users.email_taken", field: "email", message: "is already used by another user")
        }
    }

    private static func parameters(_ profile: UserProfile) -> [String?] {
        [profile.email, profile.name, profile.age.map(String.init), profile.role.rawValue, boolean(profile.isActive)]
    }

    private static func boolean(_ flag: Bool) -> String {
        flag ? "true" : "false"
    }

    /// How many columns `columns` lists.
    static let columnCount = 9

    /// The user in `row` of a result whose first columns are `columns`.
    static func user(_ result: PostgresResult, row: Int) -> User {
        User(
            id: result.integer(row: row, column: 0) ?? 0,
            profile: UserProfile(
                email: result.string(row: row, column: 1) ?? "",
                name: result.string(row: row, column: 2) ?? "",
                age: result.integer(row: row, column: 3).map { Int($0) },
                role: Role(rawValue: result.string(row: row, column: 4) ?? "") ?? .user,
                isActive: result.boolean(row: row, column: 5) ?? false),
            createdAt: result.timestamp(row: row, column: 6) ?? "",
            updatedAt: result.timestamp(row: row, column: 7) ?? "",
            version: Int(result.integer(row: row, column: 8) ?? 0))
    }
}
