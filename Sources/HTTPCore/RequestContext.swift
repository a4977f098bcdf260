import Logging

/// What the middleware chain learns about a request as it passes through: shared by every stage.
///
/// A class, so that an inner stage (the router, auth) can record what an outer stage (the access
/// log) reports once the response is back.
public final class RequestContext {
    /// The request id: nginx's `$request_id`, a valid client one, or a generated one.
    public var requestID: String = ""
    /// The matched route template, for logs; nil until the router matched.
    public var routeTemplate: String?
    /// The authenticated user's id, for logs; nil for anonymous requests.
    public var userID: Int64?
    /// What the auth middleware established (the application's principal type), if anything.
    public var authentication: Any?
    /// Typed path parameters of the matched route.
    public var parameters: [String: Int64] = [:]
    /// A logger carrying the request id as metadata.
    public var logger: Logger

    /// Creates an empty context.
    public init(logger: Logger) {
        self.logger = logger
    }

    /// A path parameter the router has already matched as an integer.
    public func integerParameter(_ name: String) -> Int64 {
        guard let value = parameters[name] else {
            preconditionFailure("route has no parameter named \(name)")
        }
        return value
    }
}
