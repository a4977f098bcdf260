/// Anything that turns a request into a response: a route handler, a router, a whole chain.
public typealias Responder = (Request, RequestContext) throws -> Response

/// One stage of the request pipeline; it may act before and after calling the next stage.
public protocol Middleware {
    /// Handles a request, usually by calling `next` and adjusting what comes back.
    func handle(_ request: Request, context: RequestContext, next: Responder) throws -> Response
}

extension Array where Element == any Middleware {
    /// Composes the middlewares, first one outermost, around the final responder.
    public func wrapping(_ responder: @escaping Responder) -> Responder {
        reversed().reduce(responder) { next, middleware in
            { request, context in try middleware.handle(request, context: context, next: next) }
        }
    }
}
