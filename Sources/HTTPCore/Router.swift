/// Maps a method and a path to a handler: 404 for an unknown path, 405 with `Allow` for a known
/// path with a method it does not accept; HEAD is served by the GET handler.
public struct Router {
    private struct Route {
        let template: PathTemplate
        var handlers: [String: Responder]
    }

    private var routes: [Route] = []

    /// Creates an empty router.
    public init() {}

    /// Registers `handler` for `method` on `template`.
    public mutating func add(_ method: String, _ template: String, _ handler: @escaping Responder) {
        let parsed = PathTemplate(template)
        if let index = routes.firstIndex(where: { $0.template == parsed }) {
            precondition(routes[index].handlers[method] == nil, "\(method) \(template) registered twice")
            routes[index].handlers[method] = handler
        } else {
            routes.append(Route(template: parsed, handlers: [method: handler]))
        }
    }

    /// Every registered `(method, template)` pair, for documentation and tests.
    public var registeredRoutes: [(method: String, template: String)] {
        routes.flatMap { route in route.handlers.keys.sorted().map { ($0, route.template.description) } }
    }

    /// Dispatches the request to its handler.
    public func respond(to request: Request, context: RequestContext) throws -> Response {
        // Split once, on bytes ("/" is ASCII, so no Character boundaries are needed).
        let pathSegments = request.path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
            .dropFirst().map { Substring($0) }
        for route in routes {
            guard let parameters = route.template.match(pathSegments) else { continue }
            context.routeTemplate = route.template.description
            context.parameters = parameters
            let method = request.method == "HEAD" ? "GET" : request.method
            guard let handler = route.handlers[method] else {
                throw APIError.methodNotAllowed(request.method, allowed: Self.allowedMethods(route.handlers.keys))
            }
            return try handler(request, context)
        }
        throw APIError.notFound()
    }

    private static func allowedMethods(_ methods: Dictionary<String, Responder>.Keys) -> [String] {
        var allowed = Set(methods)
        if allowed.contains("GET") { allowed.insert("HEAD") }
        let order = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
        return order.filter(allowed.contains) + allowed.subtracting(order).sorted()
    }
}
