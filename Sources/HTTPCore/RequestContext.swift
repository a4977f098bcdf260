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
    public var authentication: AnyObject?
    /// The matched route's place in `Router.registeredRoutes`, for metrics; nil until the router matched.
    public var routeIndex: Int?
    /// Typed path parameters of the matched route.
    public var parameters: [(name: String, value: Int64)] = []
    private let baseLogger: Logger

    /// Creates an empty context.
    public init(logger: Logger) {
        self.baseLogger = logger
    }

    /// A logger carrying the request id as metadata; built when something is logged, since
    /// most requests log nothing.
    public var logger: Logger {
        var logger = baseLogger
        if !requestID.isEmpty { logger[metadataKey: "request.id"] = .string(requestID) }
        return logger
    }

    /// The level below which nothing is logged.
    public var logLevel: Logger.Level { baseLogger.logLevel }

    /// A path parameter the router has already matched as an integer.
    public func integerParameter(_ name: String) -> Int64 {
        guard let value = parameters.first(where: { $0.name == name })?.value else {
            preconditionFailure("route has no parameter named \(name)")
        }
        return value
    }
}
