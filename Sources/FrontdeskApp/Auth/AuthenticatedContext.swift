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
