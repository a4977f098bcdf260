import HTTPCore

/// The chain's authentication stage: reads `Authorization: Bearer <token>` and, when present,
/// records an `Authentication` for the request: the token's verified claims, and its access check
/// against the database, made on first need (so that it can share the handler's round trip).
///
/// It never rejects a request itself: routes wrapped in `authenticated(_:)` answer 401 with the
/// recorded reason, while public routes (login, refresh, health) work even when a client sends a
/// stale token along, as many do with every request.
public struct AuthMiddleware: Middleware {
    private let authenticate: (String) -> Authentication

    /// Creates the middleware around the function that turns a token into an authentication.
    public init(authenticate: @escaping (String) -> Authentication) {
        self.authenticate = authenticate
    }

    /// Records the authentication in the context, then continues.
    public func handle(_ request: Request, context: RequestContext, next: Responder) throws -> Response {
        guard let header = request.header("authorization") else { return try next(request, context) }
        let authentication = Self.bearerToken(header).map(authenticate)
            ?? Authentication(failure: DomainError.unauthenticated(.malformedToken))
        context.authentication = authentication
        defer {
            // A check nobody asked for (a public route) must not ride along with a later request.
            authentication.cancel()
            context.userID = authentication.checkedPrincipal?.user.id
        }
        return try next(request, context)
    }

    /// The token of a `Bearer` credential (scheme case-insensitive, RFC 6750 section 2.1), or nil.
    /// Works on the bytes: splitting a 300-byte token Character by Character cost more CPU than
    /// the rest of an authenticated request's Swift code together.
    static func bearerToken(_ header: String) -> String? {
        let parts = header.utf8.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: true)
        guard parts.count == 2, parts[1].count <= 4096, parts[0].count == 6,
            zip(parts[0], "bearer".utf8).allSatisfy({ $0 | 0x20 == $1 })
        else { return nil }
        return String(Substring(parts[1]))
    }
}
