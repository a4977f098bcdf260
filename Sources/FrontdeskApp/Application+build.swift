import HTTPCore
import Logging
import Postgres

/// Builds the application from its configuration: the one wiring point.
public enum Frontdesk {
    /// The middleware chain around the router, written out once, outermost first.
    public static func makeApplication(configuration: Configuration, database: Database, logger: Logger) -> HTTPApplication {
        let users = UserService(repository: PostgresUserRepository(database: database))
        var router = Router()
        HealthController(database: database).register(in: &router)
        UsersController(service: users).register(in: &router)
        let middlewares: [any Middleware] = [
            RequestIDMiddleware(),
            AccessLogMiddleware(),
            ErrorMiddleware(),
            LimitsMiddleware(maxBodyBytes: configuration.maxBodyBytes),
            // Authentication slots in here (issue 3).
        ]
        return HTTPApplication(middlewares: middlewares, router: router, logger: logger)
    }

    /// The database handle a worker uses, from the configuration.
    public static func makeDatabase(configuration: Configuration) -> Database {
        Database(configuration: Database.Configuration(
            url: configuration.databaseURL,
            connectTimeout: configuration.connectTimeoutSeconds,
            statementTimeoutMilliseconds: configuration.statementTimeoutMilliseconds))
    }
}
