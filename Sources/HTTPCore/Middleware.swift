/// Anything that turns a request into a response: a route handler, a router, a whole chain.
public typealias Responder = (Request, RequestContext) throws -> Response

/// One stage of the request pipeline; it may act before and after calling the next stage.
public protocol Middleware {
    /// Handles a request, usually by calling `next` and adjusting what comes back.
    func handle(_ request: Request, context: RequestContext, next: Responder) throws -> Response
}

extension Array where Element == any Middleware {
    /// Composes the middlewares, first one outermost, around the final responder.
    ///
    /// A loop rather than `reduce`: closures that passed through `reduce`'s generic result were
    /// called through a reabstraction thunk at every stage.
    public func wrapping(_ responder: @escaping Responder) -> Responder {
        var next = responder
        for middleware in reversed() {
            let inner = next
            next = { request, context in try middleware.handle(request, context: context, next: inner) }
        }
        return next
    }
}
