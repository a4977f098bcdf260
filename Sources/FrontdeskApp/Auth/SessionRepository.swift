/// Storage of sessions (refresh-token families) and refresh tokens. An access token names its
/// session (`sid`), so revoking the session refuses the access token too.
public protocol SessionRepository {
    /// Opens a session for the user with its first refresh token; returns the session id.
    func openSession(userID: Int64, refreshTokenHash: String, lifetime: Int) throws -> Int64
    /// Atomically spends a live refresh token and stores its successor in the same session.
    /// Returns nil when the token is unknown, spent, expired or revoked, or its user is deleted
    /// or inactive.
    func rotate(refreshTokenHash: String, successorHash: String, lifetime: Int) throws -> (sessionID: Int64, userID: Int64)?
    /// If this refresh token was already spent, revokes its whole session (the token was
    /// stolen, or replayed) and returns the session's id.
    func revokeSessionOfSpentToken(refreshTokenHash: String) throws -> Int64?
    /// Revokes the session, and with it every access token issued for it.
    func logout(sessionID: Int64) throws
    /// Revokes every live session of the user except `keeping`.
    func revokeOtherSessions(userID: Int64, keeping: Int64) throws
    /// What an access token for `userID` and its session finds now, asked with the next read the
    /// worker makes (one round trip for both), or alone when resolved first.
    func queueAccessState(userID: Int64, sessionID: Int64) -> any PendingAccessState
    /// Deletes a bounded batch of expired refresh tokens.
    func pruneExpired() throws
}

/// Whether an access token that verified still grants access.
public enum AccessState: Sendable {
    /// Yes, as this caller (the user's current role).
    case granted(Caller)
    /// Its `jti` or its session was revoked.
    case revoked
    /// The user is deleted or deactivated.
    case accountUnavailable
}
