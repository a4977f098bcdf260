/// What an access token says, once its signature and claims have been checked.
public struct AccessTokenClaims: Sendable, Equatable {
    /// `sub`: the user's id.
    public let userID: Int64
    /// `role`: the user's role when the token was issued (informational: requests use the current row).
    public let role: Role
    /// `sid`: the session the token belongs to.
    public let sessionID: Int64
    /// `jti`: a random UUID naming this token.
    public let tokenID: String
    /// `iat`, seconds since 1970.
    public let issuedAt: Int64
    /// `nbf`, seconds since 1970.
    public let notBefore: Int64
    /// `exp`, seconds since 1970.
    public let expiresAt: Int64

    /// Creates the claims.
    public init(userID: Int64, role: Role, sessionID: Int64, tokenID: String, issuedAt: Int64, notBefore: Int64, expiresAt: Int64) {
        self.userID = userID
        self.role = role
        self.sessionID = sessionID
        self.tokenID = tokenID
        self.issuedAt = issuedAt
        self.notBefore = notBefore
        self.expiresAt = expiresAt
    }
}
