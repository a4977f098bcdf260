import HTTPCore

/// The context an authenticated route handler receives: it exists only once a token verified, so
/// a handler cannot run without authentication.
public struct AuthenticatedContext {
    /// The request's context.
    public let context: RequestContext
    /// The caller, for the service layer: the principal's, or, while a safe request runs ahead of
    /// its access check, the one the token names (`authenticated(_:)` runs the handler again if
    /// the check finds a different role, and answers 401 if it fails).
    public let caller: Caller
    let authentication: Authentication

    /// The authenticated caller (current role) and token; asks the database now if not yet asked.
    public func principal() throws -> Principal {
        try authentication.principal()
    }
}

/// A route handler that needs an authenticated user.
public typealias AuthenticatedResponder = (Request, AuthenticatedContext) throws -> Response

/// Wraps a handler so that it runs only for a request with a token that verified; any other
/// request gets 401 with a `WWW-Authenticate` challenge (or, if the database could not be asked,
/// 503), and so does one whose access check fails.
///
/// A GET or HEAD runs speculatively as the caller its token names, so that its first read carries
/// the access check (one round trip). Its response is used only if the check then grants access
/// to that same caller; if the role changed the handler runs again as the principal, and if access
/// is refused the response is discarded for the 401. Reads have no effects, so nothing leaks or
/// persists from a discarded run. Other methods are checked before the handler runs.
public func authenticated(_ handler: @escaping AuthenticatedResponder) -> Responder {
    { request, context in
        guard let authentication = context.authentication as? Authentication else {
            throw DomainError.unauthenticated(.missingToken)
        }
        if request.method == "GET" || request.method == "HEAD", let claimed = authentication.claimedCaller {
            let speculative = Result { try handler(request, AuthenticatedContext(context: context, caller: claimed, authentication: authentication)) }
            if try authentication.principal().caller == claimed { return try speculative.get() }
        }
        let principal = try authentication.principal()
        return try handler(request, AuthenticatedContext(context: context, caller: principal.caller, authentication: authentication))
    }
}

extension RequestContext {
    /// The caller on a public route: the authenticated user, or nil for an anonymous request (or
    /// one whose token did not check out, which public routes treat as anonymous).
    public var optionalCaller: Caller? {
        guard let authentication = authentication as? Authentication else { return nil }
        return try? authentication.principal().caller
    }
}
