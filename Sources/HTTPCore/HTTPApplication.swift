import Logging

/// The whole application as one function from `Request` to `Response`: the composed middleware
/// chain around the router. Tests call `respond(to:)` directly, the way Flask's test client works.
public struct HTTPApplication {
    private let responder: Responder
    private let logger: Logger
    /// Every `(method, template)` the router serves, in registration order (metrics label them).
    public let routes: [(method: String, template: String)]

    /// Creates the application from its middlewares (outermost first) and its router.
    public init(middlewares: [any Middleware], router: Router, logger: Logger) {
        self.responder = middlewares.wrapping(router.respond)
        self.logger = logger
        self.routes = router.registeredRoutes
    }

    /// Runs the request through the chain; never throws, and sends no body for HEAD.
    public func respond(to request: Request) -> Response {
        let context = RequestContext(logger: logger)
        var response: Response
        do {
            response = try responder(request, context)
        } catch {
            // The error middleware is inside the chain; reaching this means a middleware outside it failed.
            logger.error("error escaped the middleware chain", metadata: ["error": "\(String(reflecting: error))"])
            response = ProblemResponse.make(.internalError, path: request.path, requestID: context.requestID)
        }
        if request.method == "HEAD" {
            response.headers.append(HeaderField("Content-Length", String(response.body.count)))
            response.body = []
        }
        return response
    }
}
