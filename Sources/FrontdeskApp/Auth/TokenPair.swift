/// What a login or a refresh hands out.
public struct TokenPair: Sendable {
    /// The signed JWT.
    public let accessToken: String
    /// Seconds until the access token expires.
    public let expiresIn: Int
    /// The new refresh token; the one presented (if any) is spent.
    public let refreshToken: RefreshToken
}
