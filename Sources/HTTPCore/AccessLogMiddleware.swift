import Logging

/// Writes one structured log line per request: method, route template, status, duration, user.
public struct AccessLogMiddleware: Middleware {
    /// Creates the middleware.
    public init() {}

    /// Times the rest of the chain and logs the outcome.
    public func handle(_ request: Request, context: RequestContext, next: Responder) throws -> Response {
        let start = ContinuousClock.now
        var status = 500
        defer {
            let elapsed = ContinuousClock.now - start
            let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
            var metadata: Logger.Metadata = [
                "http.method": "\(request.method)",
                "http.route": "\(context.routeTemplate ?? "-")",
                "http.status": "\(status)",
                "duration_ms": "\(Double(micros) / 1000)",
            ]
            if let userID = context.userID { metadata["user.id"] = "\(userID)" }
            context.logger.info("request", metadata: metadata)
        }
        let response = try next(request, context)
        status = response.status
        return response
    }
}
