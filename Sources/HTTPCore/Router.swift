/// Maps a method and a path to a handler: 404 for an unknown path, 405 with `Allow` for a known
/// path with a method it does not accept; HEAD is served by the GET handler.
public struct Router {
    private struct Route {
        let template: PathTemplate
        /// Sorted by method, as `registeredRoutes` lists them.
        var handlers: [Handler]
        /// The place of this route's first method in `registeredRoutes`.
        var firstIndex = 0
    }

    /// A method's handler. A struct rather than a tuple: a closure kept in an array of tuples is
    /// stored in the array's generic form and was called through a reabstraction thunk.
    private struct Handler {
        let method: String
        let respond: Responder
    }

    private var routes: [Route] = []

    /// Creates an empty router.
    public init() {}

    /// Registers `handler` for `method` on `template`.
    public mutating func add(_ method: String, _ template: String, _ handler: @escaping Responder) {
        let parsed = PathTemplate(template)
        if let index = routes.firstIndex(where: { $0.template == parsed }) {
            precondition(!routes[index].handlers.contains { $0.method == method }, "\(method) \(template) registered twice")
            routes[index].handlers.append(Handler(method: method, respond: handler))
            routes[index].handlers.sort { $0.method < $1.method }
        } else {
            routes.append(Route(template: parsed, handlers: [Handler(method: method, respond: handler)]))
        }
        var next = 0
        for index in routes.indices {
            routes[index].firstIndex = next
            next += routes[index].handlers.count
        }
    }

    /// Every registered `(method, template)` pair, for documentation, metrics and tests; a
    /// request's `RequestContext.routeIndex` is its place in this list.
    public var registeredRoutes: [(method: String, template: String)] {
        routes.flatMap { route in route.handlers.map { ($0.method, route.template.description) } }
    }

    /// Dispatches the request to its handler.
    public func respond(to request: Request, context: RequestContext) throws -> Response {
        func match(_ path: UnsafeBufferPointer<UInt8>) -> (index: Int, parameters: [(name: String, value: Int64)])? {
            // A template matches only paths with one slash per segment: the others are skipped
            // unread (trying every route cost a by-id request 2% of its instructions).
            var slashes = 0
            for byte in path where byte == UInt8(ascii: "/") { slashes += 1 }
            for index in routes.indices where routes[index].template.segments.count == slashes {
                if let parameters = routes[index].template.match(path) { return (index, parameters) }
            }
            return nil
        }
        let matched = request.path.utf8.withContiguousStorageIfAvailable(match) ?? Array(request.path.utf8).withUnsafeBufferPointer(match)
        guard let (routeIndex, parameters) = matched else { throw APIError.notFound() }
        let route = routes[routeIndex]
        context.routeTemplate = route.template.description
        context.parameters = parameters
        let method = request.method == "HEAD" ? "GET" : request.method
        guard let index = route.handlers.firstIndex(where: { $0.method == method }) else {
            throw APIError.methodNotAllowed(request.method, allowed: Self.allowedMethods(route.handlers.map(\.method)))
        }
        context.routeIndex = route.firstIndex + index
        return try route.handlers[index].respond(request, context)
    }

    private static func allowedMethods(_ methods: [String]) -> [String] {
        var allowed = Set(methods)
        if allowed.contains("GET") { allowed.insert("HEAD") }
        let order = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
        return order.filter(allowed.contains) + allowed.subtracting(order).sorted()
    }
}
