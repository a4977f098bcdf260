/// What the auth middleware established about a request with a valid access token.
public struct Principal: Sendable {
    /// The user's current row, loaded for this request.
    public let user: User
    /// The access token's `jti`.
    public let tokenID: String
    /// The session (refresh-token family) the access token belongs to.
    public let sessionID: Int64
    /// When the access token expires, in seconds since 1970.
    public let tokenExpiresAt: Int64

    /// Creates a principal.
    public init(user: User, tokenID: String, sessionID: Int64, tokenExpiresAt: Int64) {
        self.user = user
        self.tokenID = tokenID
        self.sessionID = sessionID
        self.tokenExpiresAt = tokenExpiresAt
    }

    /// The caller, for the service layer.
    public var caller: Caller { Caller(id: user.id, role: user.profile.role) }
}
