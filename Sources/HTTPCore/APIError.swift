/// An error that knows how it is shown to a client: status, stable code, title, detail and field errors.
///
/// Codes are stable and greppable, grouped by area (`request.malformed_json`, `users.email_taken`).
public struct APIError: Error, Sendable, Equatable {
    /// The HTTP status code.
    public var status: Int
    /// A stable machine-readable code.
    public var code: String
    /// A short summary that does not change from occurrence to occurrence.
    public var title: String
    /// An explanation of this occurrence.
    public var detail: String
    /// One entry per bad field, for validation failures.
    public var fieldErrors: [FieldError]
    /// Extra header fields, such as `Allow` or `Retry-After`.
    public var headers: [HeaderField]

    /// Creates an API error.
    public init(
        status: Int, code: String, title: String, detail: String,
        fieldErrors: [FieldError] = [], headers: [HeaderField] = []
    ) {
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
        self.fieldErrors = fieldErrors
        self.headers = headers
    }
}

/// An error type that can describe itself as an `APIError`; anything else becomes a generic 500.
public protocol APIErrorConvertible: Error {
    /// How this error is shown to a client.
    var apiError: APIError { get }
}

extension APIError: APIErrorConvertible {
    /// The error itself.
    public var apiError: APIError { self }
}

extension APIError {
    /// 400: the body is not well-formed JSON.
    public static func malformedJSON(_ detail: String) -> APIError {
        APIError(status: 400, code: "request.malformed_json", title: "Malformed JSON", detail: detail)
    }

    /// 400: a query parameter is missing, repeated, unknown or malformed.
    public static func badQuery(_ errors: [FieldError]) -> APIError {
        APIError(
            status: 400, code: "request.bad_query", title: "Invalid query parameters",
            detail: errors.map(\.description).joined(separator: "; "), fieldErrors: errors)
    }

    /// Evaluates two query readers and reports the bad parameters of both in one 400.
    public static func combiningBadQueries<First, Second>(
        _ first: @autoclosure () throws(APIError) -> First, _ second: @autoclosure () throws(APIError) -> Second
    ) throws(APIError) -> (First, Second) {
        let firstResult = Result { () throws(APIError) in try first() }
        let secondResult = Result { () throws(APIError) in try second() }
        switch (firstResult, secondResult) {
        case (.success(let a), .success(let b)): return (a, b)
        case (.failure(let a), .failure(let b)): throw .badQuery(a.fieldErrors + b.fieldErrors)
        case (.failure(let error), _), (_, .failure(let error)): throw error
        }
    }

    /// 404: no route or no resource here.
    public static func notFound(_ detail: String = "No resource exists at this address.") -> APIError {
        APIError(status: 404, code: "request.not_found", title: "Not found", detail: detail)
    }

    /// 405 with the `Allow` header listing the methods the path accepts.
    public static func methodNotAllowed(_ method: String, allowed: [String]) -> APIError {
        APIError(
            status: 405, code: "request.method_not_allowed", title: "Method not allowed",
            detail: "\(method) is not supported here; allowed: \(allowed.joined(separator: ", ")).",
            headers: [HeaderField("Allow", allowed.joined(separator: ", "))])
    }

    /// 413: the body is larger than the configured limit.
    public static func bodyTooLarge(limit: Int) -> APIError {
        APIError(
            status: 413, code: "request.body_too_large", title: "Request body too large",
            detail: "The request body must not exceed \(limit) bytes.")
    }

    /// 415: a body that is not JSON.
    public static func unsupportedMediaType(_ contentType: String?) -> APIError {
        APIError(
            status: 415, code: "request.unsupported_media_type", title: "Unsupported media type",
            detail: "Request bodies must be application/json; got \(contentType.map { "'\($0)'" } ?? "no Content-Type").")
    }

    /// 422: well-formed input that fails validation, one entry per bad field.
    public static func validation(_ errors: [FieldError]) -> APIError {
        APIError(
            status: 422, code: "request.validation_failed", title: "Validation failed",
            detail: errors.count == 1 ? errors[0].description : "\(errors.count) fields are invalid.",
            fieldErrors: errors)
    }

    /// 500 with nothing of the cause in it; the cause goes to the log.
    public static let internalError = APIError(
        status: 500, code: "server.internal_error", title: "Internal server error",
        detail: "The server failed to handle this request. Quote the request id when reporting it.")
}
