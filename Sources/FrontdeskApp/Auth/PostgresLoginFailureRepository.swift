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

    // $2 quiet period, $3 limit, $4 first lockout, $5 longest lockout (seconds). In the SET list,
    // f.* are the old values, so `count` below stands for the new count: 1 after a quiet period,
    // else one more. The block follows from it: least(first * 2^(count - limit), longest).
    private static let count = "(CASE WHEN f.last_failure_at < now() - make_interval(secs => $2) THEN 1 ELSE f.failures + 1 END)"
    private static let attemptStatement = Statement("login_failures_attempt", """
        INSERT INTO login_failures AS f (key, failures, last_failure_at, blocked_until)
        VALUES ($1, 1, now(), CASE WHEN 1 >= $3 THEN now() + make_interval(secs => least($4::float8, $5::float8)) END)
        ON CONFLICT (key) DO UPDATE SET
            failures = \(count),
            last_failure_at = now(),
            blocked_until = CASE WHEN \(count) >= $3
                THEN now() + make_interval(secs => least($4::float8 * power(2, least(\(count) - $3, 20)), $5::float8)) END
        WHERE f.blocked_until IS NULL OR f.blocked_until <= now()
        RETURNING f.failures
        """)

    public func registerAttempt(key: String, limit: Int, policy: LoginThrottlePolicy) throws -> Int? {
        let result = try database.query(Self.attemptStatement, [
            key, String(policy.quietPeriod), String(limit), String(policy.baseLockout), String(policy.maxLockout),
        ])
        return result.rowCount == 1 ? Int(result.integer(row: 0, column: 0) ?? 1) : nil
    }

    private static let forgiveStatement = Statement("login_failures_forgive", """
        UPDATE login_failures SET failures = greatest(failures - 1, 1),
            blocked_until = CASE WHEN failures - 1 >= $2 THEN blocked_until END
        WHERE key = $1
        """)

    public func forgiveAttempt(key: String, limit: Int) throws {
        _ = try database.query(Self.forgiveStatement, [key, String(limit)])
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
