import HTTPCore

/// The context an authenticated route handler receives: its principal is not optional, so a
/// handler cannot run without authentication having succeeded.
public struct AuthenticatedContext {
    /// The request's context.
    public let context: RequestContext
    /// The authenticated user and token.
    public let principal: Principal

    /// The caller, for the service layer.
    public var caller: Caller { principal.caller }
}

/// A route handler that needs an authenticated user.
public typealias AuthenticatedResponder = (Request, AuthenticatedContext) throws -> Response

/// Wraps a handler so that it runs only for a request the auth middleware authenticated; any
/// other request gets 401 with a `WWW-Authenticate` challenge (or, if the database could not be
/// asked, 503).
public func authenticated(_ handler: @escaping AuthenticatedResponder) -> Responder {
    { request, context in
        guard let outcome = context.authentication as? Result<Principal, any Error> else {
            throw DomainError.unauthenticated(.missingToken)
        }
        return try handler(request, AuthenticatedContext(context: context, principal: outcome.get()))
    }
}

extension RequestContext {
    /// The caller on a public route: the authenticated user, or nil for an anonymous request (or
    /// one whose token did not check out, which public routes treat as anonymous).
    public var optionalCaller: Caller? {
        guard case .success(let principal)? = authentication as? Result<Principal, any Error> else { return nil }
        return principal.caller
    }
}
