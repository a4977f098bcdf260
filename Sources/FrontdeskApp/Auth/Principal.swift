/// What the auth middleware established about a request with a valid access token.
public struct Principal: Sendable {
    /// The user, with the role stored now (not as the token claimed when it was issued).
    public let caller: Caller
    /// The access token's `jti`.
    public let tokenID: String
    /// The session (refresh-token family) the access token belongs to.
    public let sessionID: Int64
    /// When the access token expires, in seconds since 1970.
    public let tokenExpiresAt: Int64

    /// Creates a principal.
    public init(caller: Caller, tokenID: String, sessionID: Int64, tokenExpiresAt: Int64) {
        self.caller = caller
        self.tokenID = tokenID
        self.sessionID = sessionID
        self.tokenExpiresAt = tokenExpiresAt
    }
}
