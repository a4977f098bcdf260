import HTTPCore

/// The chain's authentication stage: reads `Authorization: Bearer <token>` and, when present,
/// records who the request is from, or why not.
///
/// It never rejects a request itself: routes wrapped in `authenticated(_:)` answer 401 with the
/// recorded reason, while public routes (login, refresh, health) work even when a client sends a
/// stale token along, as many do with every request.
public struct AuthMiddleware: Middleware {
    private let authenticate: (String) throws -> Principal

    /// Creates the middleware around the function that turns a token into a principal.
    public init(authenticate: @escaping (String) throws -> Principal) {
        self.authenticate = authenticate
    }

    /// Records a principal or an error in the context, then continues.
    public func handle(_ request: Request, context: RequestContext, next: Responder) throws -> Response {
        if let header = request.header("authorization") {
            let outcome = Result<Principal, any Error> {
                guard let token = Self.bearerToken(header) else { throw DomainError.unauthenticated(.malformedToken) }
                return try authenticate(token)
            }
            context.authentication = outcome
            if case .success(let principal) = outcome { context.userID = principal.user.id }
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
