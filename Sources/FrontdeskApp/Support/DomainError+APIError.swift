import HTTPCore
import Postgres

// The one place where domain and database errors become HTTP problems.

extension DomainError: APIErrorConvertible {
    /// The problem this domain error is shown as.
    public var apiError: APIError {
        switch self {
        case .notFound(let resource):
            APIError(status: 404, code: "\(resource).not_found", title: "Not found", detail: "No such \(resource) exists.")
        case .conflict(let code, let field, let message):
            APIError(
                status: 409, code: code, title: "Conflict", detail: message,
                fieldErrors: field.map { [FieldError(field: $0, message: message)] } ?? [])
        case .invalid(let errors):
            .validation(errors)
        case .versionMismatch(let current):
            APIError(
                status: 412, code: "request.precondition_failed", title: "Precondition failed",
                detail: "The resource has changed: its current ETag is \(EntityTag.make(version: current)). Fetch it again and retry.")
        case .unauthenticated(let problem):
            APIError(
                status: 401, code: "auth.\(problem.code)", title: "Unauthorized", detail: problem.message,
                headers: [HeaderField("WWW-Authenticate", problem.challenge)])
        case .forbidden(let code, let message):
            APIError(status: 403, code: code, title: "Forbidden", detail: message)
        case .throttled(let seconds):
            APIError(
                status: 429, code: "auth.too_many_attempts", title: "Too many requests",
                detail: "Too many failed logins. Try again in \(seconds) seconds.",
                headers: [HeaderField("Retry-After", String(seconds))])
        }
    }
}

extension AuthenticationProblem {
    /// The stable code: `invalid_credentials`, `expired`, ...
    var code: String {
        rawValue.reduce(into: "") { code, character in
            if character.isUppercase { code += "_" + character.lowercased() } else { code.append(character) }
        }
    }

    /// The `WWW-Authenticate` challenge (RFC 6750 section 3); quotes cannot occur in the messages.
    /// Bad credentials or refresh tokens in a body are not a bearer-token error, so they get the
    /// bare challenge.
    var challenge: String {
        guard isBearerTokenProblem else { return "Bearer realm=\"frontdesk\"" }
        return "Bearer realm=\"frontdesk\", error=\"invalid_token\", error_description=\"\(message)\""
    }
}

extension PostgresError: APIErrorConvertible {
    /// SQLSTATEs mapped to HTTP, in one function (PostgREST's mapping): an unreachable database is
    /// 503 with `Retry-After`; constraint violations are 409; anything else is a bug and a 500.
    public var apiError: APIError {
        if isConnectionProblem {
            return APIError(
                status: 503, code: "database.unavailable", title: "Service unavailable",
                detail: "The database cannot be reached right now. Retry shortly.",
                headers: [HeaderField("Retry-After", "2")])
        }
        switch sqlState {
        case "57014":
            return APIError(
                status: 503, code: "database.timeout", title: "Service unavailable",
                detail: "The database took too long to answer. Retry shortly.",
                headers: [HeaderField("Retry-After", "2")])
        case "23505", "23503":
            return APIError(status: 409, code: "database.conflict", title: "Conflict", detail: "The change conflicts with existing data.")
        default:
            return .internalError
        }
    }
}
