import Foundation
import Postgres

/// Applies the numbered SQL files of `sql/` forward-only: each in its own transaction, all under
/// one advisory lock so concurrent runs queue, and each recorded (with a checksum) in
/// `schema_migrations`. Running it again applies nothing; an applied file that was edited is an error.
public struct Migrator {
    /// One migration file.
    public struct Migration: Equatable {
        /// The number at the start of the file name.
        public let version: Int
        /// The file name.
        public let name: String
        /// The SQL text.
        public let sql: String
    }

    /// Something wrong with the migrations themselves.
    public struct MigrationError: Error, CustomStringConvertible {
        /// What is wrong.
        public let description: String
    }

    private static let lockKey = "7239001"
    private let connection: PostgresConnection

    /// Creates a migrator on its own connection.
    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// Reads `NNNN_name.sql` files from `directory` in version order.
    public static func migrations(in directory: String) throws -> [Migration] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".sql") }.sorted()
        var seen: Set<Int> = []
        return try names.map { name in
            guard let version = Int(name.prefix { $0.isNumber }), version > 0 else {
                throw MigrationError(description: "\(name): migration files are named NNNN_description.sql")
            }
            guard seen.insert(version).inserted else { throw MigrationError(description: "\(name): version \(version) appears twice") }
            let sql = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
            return Migration(version: version, name: name, sql: sql)
        }
    }

    /// Applies every migration not yet applied; returns the names applied.
    @discardableResult
    public func apply(_ migrations: [Migration]) throws -> [String] {
        _ = try connection.execute("SELECT pg_advisory_lock($1)", parameters: [Self.lockKey])
        defer { _ = try? connection.execute("SELECT pg_advisory_unlock($1)", parameters: [Self.lockKey]) }
        try connection.executeScript("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY,
                name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
        let applied = try connection.execute("SELECT version, checksum FROM schema_migrations")
        var checksums: [Int: String] = [:]
        for row in 0..<applied.rowCount {
            checksums[Int(applied.integer(row: row, column: 0) ?? 0)] = applied.string(row: row, column: 1)
        }
        var appliedNow: [String] = []
        for migration in migrations {
            let checksum = Self.checksum(migration.sql)
            if let recorded = checksums[migration.version] {
                guard recorded == checksum else {
                    throw MigrationError(description: "\(migration.name) was changed after it was applied; add a new migration instead")
                }
                continue
            }
            try connection.executeScript("BEGIN")
            do {
                try connection.executeScript(migration.sql)
                _ = try connection.execute(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                    parameters: [String(migration.version), migration.name, checksum])
                try connection.executeScript("COMMIT")
            } catch {
                try? connection.executeScript("ROLLBACK")
                throw MigrationError(description: "\(migration.name): \(error)")
            }
            appliedNow.append(migration.name)
        }
        return appliedNow
    }

    /// FNV-1a over the file's bytes: enough to notice an edited migration.
    static func checksum(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}
