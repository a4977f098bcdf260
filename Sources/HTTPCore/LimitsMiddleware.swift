import Foundation

/// Rejects bodies that are too large (413) or not JSON (415) before any handler reads them.
/// The paths in `formPaths` also accept `application/x-www-form-urlencoded`, as OAuth2 clients
/// send to a token endpoint.
public struct LimitsMiddleware: Middleware {
    /// The largest body accepted, in bytes.
    public let maxBodyBytes: Int
    /// Paths whose bodies may also be HTML-form encoded.
    public let formPaths: Set<String>

    /// Creates the middleware with the configured body limit.
    public init(maxBodyBytes: Int, formPaths: Set<String> = []) {
        self.maxBodyBytes = maxBodyBytes
        self.formPaths = formPaths
    }

    /// Checks the body's size and media type.
    public func handle(_ request: Request, context: RequestContext, next: Responder) throws -> Response {
        if request.body.count > maxBodyBytes || (request.declaredContentLength ?? 0) > maxBodyBytes {
            throw APIError.bodyTooLarge(limit: maxBodyBytes)
        }
        if request.hasBody {
            let contentType = request.header("content-type")
            if !Self.isJSON(contentType) && !(formPaths.contains(request.path) && Self.isForm(contentType)) {
                throw APIError.unsupportedMediaType(contentType)
            }
        }
        return try next(request, context)
    }

    /// `application/x-www-form-urlencoded`, with parameters.
    public static func isForm(_ contentType: String?) -> Bool {
        mediaType(contentType) == "application/x-www-form-urlencoded"
    }

    /// `application/json` or any `application/*+json` (such as `merge-patch+json`), with parameters.
    static func isJSON(_ contentType: String?) -> Bool {
        let mediaType = mediaType(contentType)
        return mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    }

    private static func mediaType(_ contentType: String?) -> String {
        guard let contentType else { return "" }
        return contentType.split(separator: ";", maxSplits: 1).first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        } ?? ""
    }
}
