/// Keeps personal responses out of shared caches: whatever answers a request that carries
/// credentials, or any route under `privatePrefixes` (accounts, tokens), gets
/// `Cache-Control: no-store` unless the handler chose a policy itself.
public struct PrivateResponsesMiddleware: Middleware {
    private let privatePrefixes: [String]

    /// Creates the middleware for the given path prefixes.
    public init(privatePrefixes: [String]) {
        self.privatePrefixes = privatePrefixes
    }

    /// Adds `Cache-Control: no-store` where it applies.
    public func handle(_ request: Request, context: RequestContext, next: Responder) throws -> Response {
        var response = try next(request, context)
        let isPrivate = request.header("authorization") != nil || privatePrefixes.contains { request.path.hasPrefix($0) }
        if isPrivate && response.header("Cache-Control") == nil {
            response.headers.append(HeaderField("Cache-Control", "no-store"))
        }
        return response
    }
}
