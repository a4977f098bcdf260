import HTTPCore
import Logging
import Postgres

/// Builds the application from its configuration: the one wiring point.
public enum Frontdesk {
    /// The middleware chain around the router, written out once, outermost first. A supervised
    /// worker passes `metrics` (where each response is counted) and `metricsPage` (`GET /metrics`).
    public static func makeApplication(
        configuration: Configuration, database: Database, logger: Logger,
        now: @escaping @Sendable () -> Int64 = AuthService.systemClock,
        metrics: (any RequestMetrics)? = nil, metricsPage: (() -> String)? = nil
    ) -> HTTPApplication {
        let passwords = PasswordHasher(parameters: configuration.auth.passwordHashing)
        let userRepository = PostgresUserRepository(database: database)
        let auth = AuthService(
            users: userRepository,
            sessions: PostgresSessionRepository(database: database),
            failures: PostgresLoginFailureRepository(database: database),
            passwords: passwords,
            tokens: AccessTokens(configuration: configuration.auth),
            configuration: configuration.auth, now: now, logger: logger)
        var router = Router()
        HealthController(database: database).register(in: &router)
        AuthController(service: auth).register(in: &router)
        UsersController(service: UserService(repository: userRepository, passwords: passwords)).register(in: &router)
        PostsController(service: PostService(repository: PostgresPostRepository(database: database), users: userRepository)).register(in: &router)
        if let metricsPage {
            // The pool's totals from the scoreboard; nginx lets only loopback reach it.
            router.add("GET", "/metrics") { _, _ in
                Response(status: 200, headers: [HeaderField("Content-Type", "text/plain; version=0.0.4; charset=utf-8")], body: Array(metricsPage().utf8))
            }
        }
        let middlewares: [any Middleware] = [
            RequestIDMiddleware(),
            AccessLogMiddleware(metrics: metrics),
            CORSMiddleware(allowedOrigins: configuration.corsOrigins),
            PrivateResponsesMiddleware(privatePrefixes: [AuthController.basePath, UsersController.basePath]),
            ErrorMiddleware(),
            LimitsMiddleware(maxBodyBytes: configuration.maxBodyBytes, formPaths: AuthController.formPaths),
            AuthMiddleware(authenticate: auth.authenticate(bearerToken:)),
            IdempotencyMiddleware(
                repository: IdempotencyRepository(database: database),
                excludedPaths: [AuthController.basePath + "/login", AuthController.basePath + "/refresh", AuthController.basePath + "/logout"],
                anonymousPaths: [AuthController.basePath + "/register"]),
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

    /// Creates an admin from the command line (`frontdesk user create --admin`), checking the
    /// email, name and password by the same rules as the API.
    public static func createAdmin(email: String, name: String, password: String, configuration: Configuration, database: Database) throws -> User {
        let body = JSONValue.object(["email": .string(email), "name": .string(name), "password": .string(password)])
        let newUser = try UserInput.creation(from: body, access: UserFieldAccess(creatingAsAdmin: true))
        let service = UserService(
            repository: PostgresUserRepository(database: database),
            passwords: PasswordHasher(parameters: configuration.auth.passwordHashing))
        return try service.bootstrapAdmin(newUser)
    }
}
