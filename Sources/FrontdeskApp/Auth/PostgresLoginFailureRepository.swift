import Postgres

/// Failed-login counters in PostgreSQL, so that every worker of every pool sees the same counts.
public struct PostgresLoginFailureRepository: LoginFailureRepository {
    private let database: Database

    /// Creates the repository on a worker's database handle.
    public init(database: Database) {
        self.database = database
    }

    private static let blockedStatement = Statement("login_failures_blocked", """
        SELECT coalesce(max(ceil(extract(epoch FROM blocked_until - now()))), 0)::integer
        FROM login_failures WHERE key IN ($1, $2) AND blocked_until > now()
        """)

    public func blockedSeconds(keys: [String]) throws -> Int {
        precondition(keys.count == 2, "an account key and an address key")
        let result = try database.query(Self.blockedStatement, keys)
        return Int(result.integer(row: 0, column: 0) ?? 0)
    }

    private static let recordStatement = Statement("login_failures_record", """
        INSERT INTO login_failures AS f (key, failures, last_failure_at) VALUES ($1, 1, now())
        ON CONFLICT (key) DO UPDATE SET
            failures = CASE WHEN f.last_failure_at < now() - make_interval(secs => $2) THEN 1 ELSE f.failures + 1 END,
            last_failure_at = now()
        RETURNING failures
        """)

    public func recordFailure(key: String, quietPeriod: Int) throws -> Int {
        let result = try database.query(Self.recordStatement, [key, String(quietPeriod)])
        return Int(result.integer(row: 0, column: 0) ?? 1)
    }

    private static let blockStatement = Statement("login_failures_block", """
        UPDATE login_failures SET blocked_until = now() + make_interval(secs => $2) WHERE key = $1
        """)

    public func block(key: String, seconds: Int) throws {
        _ = try database.query(Self.blockStatement, [key, String(seconds)])
    }

    private static let clearStatement = Statement("login_failures_clear", "DELETE FROM login_failures WHERE key = $1")

    public func clear(key: String) throws {
        _ = try database.query(Self.clearStatement, [key])
    }

    private static let pruneStatement = Statement("login_failures_prune", """
        DELETE FROM login_failures WHERE key IN (
            SELECT key FROM login_failures
            WHERE last_failure_at < now() - make_interval(secs => $1) AND (blocked_until IS NULL OR blocked_until < now())
            LIMIT 100)
        """)

    public func pruneQuiet(quietPeriod: Int) throws {
        _ = try database.query(Self.pruneStatement, [String(quietPeriod)])
    }
}
