import Logging

/// Translates every error into `application/problem+json`, in this one place.
///
/// Errors that describe themselves (`APIErrorConvertible`) are shown as they say; anything else is
/// a bug: the client gets a generic 500 with the request id, and the log gets the real error.
public struct ErrorMiddleware: Middleware {
    /// Creates the middleware.
    public init() {}

    /// Runs the rest of the chain and turns whatever it throws into a response.
    public func handle(_ request: Request, context: RequestContext, next: Responder) throws -> Response {
        do {
            return try next(request, context)
        } catch let error as any APIErrorConvertible {
            let apiError = error.apiError
            if apiError.status >= 500 {
                context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            return ProblemResponse.make(apiError, path: request.path, requestID: context.requestID)
        } catch {
            context.logger.error("unexpected error", metadata: ["error": "\(String(reflecting: error))"])
            return ProblemResponse.make(.internalError, path: request.path, requestID: context.requestID)
        }
    }
}
