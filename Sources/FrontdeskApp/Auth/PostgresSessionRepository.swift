import Postgres

/// Sessions and refresh tokens in PostgreSQL. Each operation that changes
/// more than one row is one statement, so it is atomic without an explicit transaction.
public struct PostgresSessionRepository: SessionRepository {
    private let database: Database

    /// Creates the repository on a worker's database handle.
    public init(database: Database) {
        self.database = database
    }

    private static let openStatement = Statement("sessions_open", """
        WITH session AS (INSERT INTO sessions (user_id) VALUES ($1) RETURNING id)
        INSERT INTO refresh_tokens (token_hash, session_id, expires_at)
        SELECT decode($2, 'hex'), id, now() + make_interval(secs => $3) FROM session
        RETURNING session_id
        """)

    public func openSession(userID: Int64, refreshTokenHash: String, lifetime: Int) throws -> Int64 {
        let result = try database.query(Self.openStatement, [String(userID), refreshTokenHash, String(lifetime)])
        return result.integer(row: 0, column: 0) ?? 0
    }

    private static let rotateStatement = Statement("refresh_tokens_rotate", """
        WITH spent AS (
            UPDATE refresh_tokens t SET spent_at = now()
            FROM sessions s, users u
            WHERE t.token_hash = decode($1, 'hex') AND t.spent_at IS NULL AND t.expires_at > now()
              AND s.id = t.session_id AND s.revoked_at IS NULL
              AND u.id = s.user_id AND u.deleted_at IS NULL AND u.active
            RETURNING t.session_id, s.user_id
        ), successor AS (
            INSERT INTO refresh_tokens (token_hash, session_id, expires_at)
            SELECT decode($2, 'hex'), session_id, now() + make_interval(secs => $3) FROM spent
        )
        SELECT session_id, user_id FROM spent
        """)

    public func rotate(refreshTokenHash: String, successorHash: String, lifetime: Int) throws -> (sessionID: Int64, userID: Int64)? {
        let result = try database.query(Self.rotateStatement, [refreshTokenHash, successorHash, String(lifetime)])
        guard result.rowCount == 1, let session = result.integer(row: 0, column: 0), let user = result.integer(row: 0, column: 1) else {
            return nil
        }
        return (session, user)
    }

    private static let revokeReusedStatement = Statement("sessions_revoke_reused", """
        UPDATE sessions SET revoked_at = now(), revoked_reason = 'reuse'
        WHERE revoked_at IS NULL
          AND id = (SELECT session_id FROM refresh_tokens WHERE token_hash = decode($1, 'hex') AND spent_at IS NOT NULL)
        RETURNING id
        """)

    public func revokeSessionOfSpentToken(refreshTokenHash: String) throws -> Int64? {
        let result = try database.query(Self.revokeReusedStatement, [refreshTokenHash])
        return result.rowCount == 1 ? result.integer(row: 0, column: 0) : nil
    }

    private static let logoutStatement = Statement("sessions_logout", """
        UPDATE sessions SET revoked_at = now(), revoked_reason = 'logout' WHERE id = $1 AND revoked_at IS NULL
        """)

    public func logout(sessionID: Int64) throws {
        _ = try database.query(Self.logoutStatement, [String(sessionID)])
    }

    private static let revokeOthersStatement = Statement("sessions_revoke_others", """
        UPDATE sessions SET revoked_at = now(), revoked_reason = 'password_change'
        WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL
        """)

    public func revokeOtherSessions(userID: Int64, keeping: Int64) throws {
        _ = try database.query(Self.revokeOthersStatement, [String(userID), String(keeping)])
    }

    // One statement per authenticated request, queued to go out with the handler's first read:
    // the token's session, which carries its user's current role and whether the account may act
    // (kept in step by triggers, sql/0005_session_access.sql). Reading the user's row as well cost
    // PostgreSQL 1-6 us more per authenticated request (pgbench, bench/README.md). Only what the check
    // needs: a handler that wants the caller's row reads it (GET /users/me does, in the same round
    // trip). Every access token names its session and logout revokes it, so no per-token denylist
    // is consulted (revoked_access_tokens stays, unused, for workers of an older release). The
    // session is found by its id alone and its user compared in the select list: with
    // `user_id = $1` in the WHERE the planner may scan the user's sessions instead.
    private static let accessStatement = Statement("sessions_access_state", """
        SELECT user_id = $1 AND revoked_at IS NULL, user_can_act, user_role FROM sessions WHERE id = $2
        """)

    public func queueAccessState(userID: Int64, sessionID: Int64) -> any PendingAccessState {
        QueuedAccessState(query: database.queue(Self.accessStatement, [String(userID), String(sessionID)]), userID: userID)
    }

    /// The queued access statement and whose it is: two words, held inline by the existential.
    private struct QueuedAccessState: PendingAccessState {
        let query: QueuedQuery
        let userID: Int64

        /// A session that is gone, revoked or someone else's refuses the token whatever the
        /// account's state; a live one grants access as its user's current role, if the account
        /// may act.
        func resolve() throws -> AccessState {
            let result = try query.result()
            guard result.rowCount == 1, result.boolean(row: 0, column: 0) == true else { return .revoked }
            guard result.boolean(row: 0, column: 1) == true else { return .accountUnavailable }
            return .granted(Caller(id: userID, role: Role(rawValue: result.string(row: 0, column: 2) ?? "") ?? .user))
        }

        func cancel() {
            query.cancel()
        }
    }

    private static let pruneStatement = Statement("sessions_prune", """
        DELETE FROM refresh_tokens
        WHERE token_hash IN (SELECT token_hash FROM refresh_tokens WHERE expires_at < now() LIMIT 100)
        """)

    public func pruneExpired() throws {
        _ = try database.query(Self.pruneStatement)
    }
}
