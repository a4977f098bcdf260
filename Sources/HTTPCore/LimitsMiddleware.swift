import Foundation

/// Rejects bodies that are too large (413) or not JSON (415) before any handler reads them.
public struct LimitsMiddleware: Middleware {
    /// The largest body accepted, in bytes.
    public let maxBodyBytes: Int

    /// Creates the middleware with the configured body limit.
    public init(maxBodyBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
    }

    /// Checks the body's size and media type.
    public func handle(_ request: Request, context: RequestContext, next: Responder) throws -> Response {
        if request.body.count > maxBodyBytes || (request.declaredContentLength ?? 0) > maxBodyBytes {
            throw APIError.bodyTooLarge(limit: maxBodyBytes)
        }
        if request.hasBody && !Self.isJSON(request.header("content-type")) {
            throw APIError.unsupportedMediaType(request.header("content-type"))
        }
        return try next(request, context)
    }

    /// `application/json` or any `application/*+json` (such as `merge-patch+json`), with parameters.
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        } ?? ""
        return mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    }
}
