import HTTPCore

/// What the service layer reports when a business rule says no; translated into HTTP in one place
/// (`DomainError+APIError.swift`), so services never speak HTTP.
public enum DomainError: Error, Equatable {
    /// No live resource of this kind with this id, or one the caller may not know about.
    case notFound(resource: String)
    /// The change collides with existing data, such as a taken email.
    case conflict(code: String, field: String?, message: String)
    /// Input that breaks a rule, one entry per field.
    case invalid([FieldError])
    /// The caller's expected version is not the current one.
    case versionMismatch(current: Int)
    /// The caller is not authenticated, or their credentials or token are not good.
    case unauthenticated(AuthenticationProblem)
    /// The caller is authenticated but may not do this.
    case forbidden(code: String, message: String)
    /// Too many failed logins: try again after this many seconds.
    case throttled(retryAfterSeconds: Int)
}

/// Why a request is not authenticated; each reason is told to the client, none reveals whether
/// an account exists.
public enum AuthenticationProblem: String, Sendable, Equatable {
    case missingToken
    case malformedToken
    case unsupportedAlgorithm
    case unknownKey
    case badSignature
    case wrongTokenType
    case expired
    case notYetValid
    case wrongIssuer
    case wrongAudience
    case revoked
    case accountUnavailable
    case invalidCredentials
    case invalidRefreshToken

    /// The sentence shown as `detail` and as the challenge's `error_description`.
    public var message: String {
        switch self {
        case .missingToken: "This request needs an access token: send Authorization: Bearer <token>."
        case .malformedToken: "The access token is not a well-formed JWT."
        case .unsupportedAlgorithm: "The access token's signing algorithm is not accepted."
        case .unknownKey: "The access token was signed with a key this server does not have."
        case .badSignature: "The access token's signature is not valid."
        case .wrongTokenType: "The token is not an access token."
        case .expired: "The access token has expired; refresh it or log in again."
        case .notYetValid: "The access token is not valid yet."
        case .wrongIssuer: "The access token was issued by someone else."
        case .wrongAudience: "The access token is meant for another audience."
        case .revoked: "The access token has been revoked; log in again."
        case .accountUnavailable: "The account behind this token no longer has access."
        case .invalidCredentials: "The email or password is incorrect."
        case .invalidRefreshToken: "The refresh token is invalid, expired or already used; log in again."
        }
    }

    /// Whether the problem is with a bearer token (RFC 6750 `invalid_token`) rather than with
    /// credentials or a refresh token sent in a body.
    public var isBearerTokenProblem: Bool {
        switch self {
        case .invalidCredentials, .invalidRefreshToken: false
        default: true
        }
    }
}
