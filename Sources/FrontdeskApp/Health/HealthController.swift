import HTTPCore
import Postgres

/// `GET /api/v1/health` (the process answers; no database) and `GET /api/v1/ready` (a database round trip).
public struct HealthController {
    private let database: Database

    /// Creates the controller.
    public init(database: Database) {
        self.database = database
    }

    /// Registers both routes.
    public func register(in router: inout Router) {
        router.add("GET", "/api/v1/health", health)
        router.add("GET", "/api/v1/ready", ready)
    }

    func health(_ request: Request, _ context: RequestContext) throws -> Response {
        .json(200, Self.healthBody)
    }

    /// Made once: copying the literal into a new array was ~230 of a /health request's instructions.
    private static let healthBody = Array(#"{"status":"ok"}"#.utf8)

    /// 200 when the database answers; a connection problem becomes 503 with `Retry-After`.
    func ready(_ request: Request, _ context: RequestContext) throws -> Response {
        try database.ping()
        return .json(200, Array(#"{"status":"ready","database":"ok"}"#.utf8))
    }
}
