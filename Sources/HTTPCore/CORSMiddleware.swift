/// Cross-origin requests from browsers (CORS): off unless origins are configured. For an allowed
/// `Origin` it answers the preflight (`OPTIONS` with `Access-Control-Request-Method`) itself and
/// marks actual responses (error problems included: it sits outside the error translation)
/// readable by that origin; a preflight from any other origin is a 403.
/// Tokens travel in `Authorization`, never in cookies, so credentials are not allowed.
public struct CORSMiddleware: Middleware {
    private let allowedOrigins: Set<String>

    static let methods = "GET, HEAD, POST, PUT, PATCH, DELETE"
    static let requestHeaders = "Authorization, Content-Type, If-Match, If-None-Match, Idempotency-Key, X-Request-ID"
    static let exposedHeaders = "ETag, Location, Link, Retry-After, WWW-Authenticate, X-Request-ID"

    /// Creates the middleware; with no origins it does nothing.
    public init(allowedOrigins: Set<String>) {
        self.allowedOrigins = allowedOrigins
    }

    /// Answers preflights and adds the CORS header fields for allowed origins.
    public func handle(_ request: Request, context: RequestContext, next: Responder) throws -> Response {
        guard !allowedOrigins.isEmpty, let origin = request.header("origin") else { return try next(request, context) }
        let isAllowed = allowedOrigins.contains(origin)
        if request.method == "OPTIONS", request.header("access-control-request-method") != nil {
            guard isAllowed else {
                let refusal = APIError(status: 403, code: "cors.origin_not_allowed", title: "Forbidden", detail: "Requests from this origin are not allowed.")
                return ProblemResponse.make(refusal, path: request.path, requestID: context.requestID)
            }
            return .empty(204, headers: [
                HeaderField("Access-Control-Allow-Origin", origin),
                HeaderField("Access-Control-Allow-Methods", Self.methods),
                HeaderField("Access-Control-Allow-Headers", Self.requestHeaders),
                HeaderField("Access-Control-Max-Age", "600"),
                HeaderField("Vary", "Origin"),
            ])
        }
        var response = try next(request, context)
        if isAllowed {
            response.headers += [
                HeaderField("Access-Control-Allow-Origin", origin),
                HeaderField("Access-Control-Expose-Headers", Self.exposedHeaders),
                HeaderField("Vary", "Origin"),
            ]
        }
        return response
    }
}
