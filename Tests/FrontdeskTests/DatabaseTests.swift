import Foundation
import FrontdeskApp
import HTTPCore
import Postgres
import Testing

@Suite("Database availability, reconnection and repository")
struct DatabaseTests {
    @Test("an unreachable database is 503 with Retry-After, fast, never 500")
    func unreachable() throws {
        let (app, _) = TestSupport.makeApplication(databaseURL: "postgresql://frontdesk@127.0.0.1:1/none")
        let token = try AccessTokens(configuration: TestSupport.authConfiguration()).issue(userID: 1, role: .admin, sessionID: 1, now: AuthService.systemClock())
        let start = ContinuousClock.now
        for path in ["/api/v1/ready", "/api/v1/users", "/api/v1/users/1", "/api/v1/users/me"] {
            let response = app.respond(to: TestSupport.request("GET", path, bearer: token))
            #expect(response.status == 503, "\(path)")
            #expect(response.header("Retry-After") == "2")
            #expect(response.json["code"].stringValue == "database.unavailable")
        }
        let write = app.respond(to: TestSupport.json("POST", "/api/v1/auth/register", #"{"email":"x@example.com","name":"X","password":"long enough"}"#))
        #expect(write.status == 503)
        let login = app.respond(to: TestSupport.json("POST", "/api/v1/auth/login", #"{"email":"x@example.com","password":"long enough"}"#))
        #expect(login.status == 503)
        #expect(ContinuousClock.now - start < .seconds(3))
        #expect(app.respond(to: TestSupport.request("GET", "/api/v1/health")).status == 200)
    }

    /// Opens the application's connection, has the server terminate it (as a restart would), and
    /// waits until the termination has reached the socket; returns the old backend's pid.
    private func terminateBackend(of app: HTTPApplication, _ database: Database) throws -> Int64 {
        #expect(app.respond(to: TestSupport.request("GET", "/api/v1/ready")).status == 200)
        let pid = try #require(database.execute("SELECT pg_backend_pid()").integer(row: 0, column: 0))
        let admin = try PostgresConnection(url: TestSupport.databaseURL)
        _ = try admin.execute("SELECT pg_terminate_backend($1)", parameters: [String(pid)])
        usleep(100_000)
        return pid
    }

    @Test("connections run without JIT or parallel workers (short statements; both cost more than they save)")
    func sessionSettings() throws {
        let database = Database(configuration: Database.Configuration(url: TestSupport.databaseURL))
        #expect(try database.execute("SHOW jit").string(row: 0, column: 0) == "off")
        #expect(try database.execute("SHOW max_parallel_workers_per_gather").string(row: 0, column: 0) == "0")
        #expect(try database.execute("SHOW statement_timeout").string(row: 0, column: 0) == "10s")
    }

    @Test("a queued read goes out with the next read, alone when asked first, or not at all when cancelled")
    func queuedQueries() throws {
        let database = Database(configuration: Database.Configuration(url: TestSupport.databaseURL))
        let backend = Statement("test_backend", "SELECT pg_backend_pid(), txid_current_if_assigned() IS NULL, $1::int")
        let echo = Statement("test_echo", "SELECT $1::text")
        let carried = database.queue(backend, ["7"])
        #expect(!carried.hasRun)
        #expect(try database.query(echo, ["read"]).string(row: 0, column: 0) == "read")
        #expect(carried.hasRun)
        #expect(try carried.result().integer(row: 0, column: 2) == 7)
        let alone = database.queue(backend, ["8"])
        #expect(try alone.result().integer(row: 0, column: 2) == 8)
        let dropped = database.queue(backend, ["9"])
        dropped.cancel()
        _ = try database.query(echo, ["after"])
        #expect(!dropped.hasRun)
        // A failing carried statement does not fail the read it rode with, and vice versa.
        let failing = database.queue(Statement("test_fails", "SELECT 1 / $1::int"), ["0"])
        #expect(try database.query(echo, ["still"]).string(row: 0, column: 0) == "still")
        #expect(throws: PostgresError.self) { try failing.result() }
        let fine = database.queue(backend, ["10"])
        #expect(throws: PostgresError.self) { try database.query(Statement("test_fails", "SELECT 1 / $1::int"), ["0"]) }
        #expect(try fine.result().integer(row: 0, column: 2) == 10)
    }

    @Test("a statement asked for its generic plan gets it, outside a transaction only, and the setting ends with it")
    func genericPlans() throws {
        let database = Database(configuration: Database.Configuration(url: TestSupport.databaseURL))
        let page = Statement("test_page", "SELECT id FROM users WHERE id > $1 ORDER BY id LIMIT $2")
        let plans = Statement("test_plans", "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = $1")
        let setting = Statement("test_setting", "SELECT current_setting('plan_cache_mode')")
        func ids(_ result: PostgresResult) -> [Int64?] { (0..<result.rowCount).map { result.integer(row: $0, column: 0) } }
        func counts() throws -> (generic: Int64?, custom: Int64?) {
            let result = try database.query(plans, ["test_page"])
            return (result.integer(row: 0, column: 0), result.integer(row: 0, column: 1))
        }
        let generic = try database.query(page, ["0", "5"], genericPlan: true)
        _ = try database.query(page, ["0", "5"], genericPlan: true)
        #expect(try counts() == (2, 0))
        #expect(try database.query(setting).string(row: 0, column: 0) == "auto")
        // Without the option the same statement is planned for its values, and finds the same rows.
        #expect(try ids(database.query(page, ["0", "5"])) == ids(generic))
        #expect(try counts() == (2, 1))
        // A queued read goes out first, on its own, under the server's default.
        let carried = database.queue(setting)
        _ = try database.query(page, ["0", "5"], genericPlan: true)
        #expect(try carried.result().string(row: 0, column: 0) == "auto")
        #expect(try counts() == (3, 1))
        // In a transaction the setting would outlast the statement: planned as usual there.
        _ = try database.execute("BEGIN")
        _ = try database.query(page, ["0", "5"], genericPlan: true)
        #expect(try counts() == (3, 2))
        #expect(try database.query(setting).string(row: 0, column: 0) == "auto")
        _ = try database.execute("ROLLBACK")
    }

    @Test("a connection the server dropped is replaced transparently")
    func reconnects() throws {
        let (app, database) = TestSupport.makeApplication()
        let admin = try TestAccount.admin(app, database)
        let pid = try terminateBackend(of: app, database)
        let response = app.respond(to: TestSupport.request("GET", "/api/v1/users", query: "limit=1", bearer: admin.accessToken))
        #expect(response.status == 200)
        #expect(database.reconnectCount == 1)
        let newPID = try database.execute("SELECT pg_backend_pid()").integer(row: 0, column: 0)
        #expect(newPID != pid)
    }

    @Test("a write after the server dropped an idle connection goes through once, on a new connection")
    func writeAfterDrop() throws {
        let (app, database) = TestSupport.makeApplication()
        _ = try terminateBackend(of: app, database)
        let admin = try PostgresConnection(url: TestSupport.databaseURL)
        let email = "\(TestSupport.uniqueToken())@example.com"
        let created = app.respond(to: TestSupport.json("POST", "/api/v1/auth/register", #"{"email":"\#(email)","name":"After drop","password":"long enough"}"#))
        #expect(created.status == 201)
        let count = try admin.execute("SELECT count(*) FROM users WHERE email = $1", parameters: [email])
        #expect(count.integer(row: 0, column: 0) == 1)
    }

    @Test("only plain SELECTs count as safe to send twice")
    func readOnlyStatements() {
        #expect(Statement("a", "  select 1").isReadOnly)
        #expect(!Statement("b", "INSERT INTO users DEFAULT VALUES").isReadOnly)
        #expect(!Statement("c", "WITH x AS (DELETE FROM users RETURNING id) SELECT * FROM x").isReadOnly)
        #expect(!Statement("d", "UPDATE users SET name = 'x'").isReadOnly)
    }

    @Test("the repository round-trips hostile strings byte for byte, inside a rolled-back transaction")
    func repositoryRoundTrip() throws {
        let database = Frontdesk.makeDatabase(configuration: Configuration(databaseURL: TestSupport.databaseURL))
        let repository = PostgresUserRepository(database: database)
        _ = try database.execute("BEGIN")
        defer { _ = try? database.execute("ROLLBACK") }
        let name = "O'Brien \"; DROP TABLE users; -- %s %n \\ \u{202E}txet 👩‍👩‍👧"
        let email = "\(TestSupport.uniqueToken())@example.com"
        let created = try repository.insert(UserProfile(email: email, name: name, age: 0, role: .admin, isActive: false), passwordHash: nil)
        let found = try #require(try repository.find(id: created.id))
        #expect(found == created)
        #expect(found.profile.name == name)
        #expect(created.createdAt.hasSuffix("Z") && created.createdAt.count == 27)
        #expect(try repository.update(id: created.id, to: created.profile, expectedVersion: 5) == nil)
        let updated = try #require(try repository.update(id: created.id, to: UserProfile(email: email, name: "N"), expectedVersion: 1))
        #expect(updated.version == 2)
        #expect(try repository.softDelete(id: created.id, expectedVersion: 2))
        #expect(try repository.find(id: created.id) == nil)
        #expect(try !repository.softDelete(id: created.id, expectedVersion: 3))
    }

    @Test("the schema refuses what validation refuses, even if Swift let it through")
    func schemaConstraints() throws {
        let connection = try PostgresConnection(url: TestSupport.databaseURL)
        for (name, age, role) in [("", "1", "user"), ("ok", "151", "user"), ("ok", "1", "root"), (" padded ", "1", "user")] {
            #expect(throws: PostgresError.self) {
                try connection.execute("INSERT INTO users (email, name, age, role) VALUES ($1, $2, $3, $4)", parameters: ["c@example.com", name, age, role])
            }
        }
    }

    @Test("migrations are recorded and a second run applies nothing")
    func migrationsAreIdempotent() throws {
        let connection = try PostgresConnection(url: TestSupport.databaseURL)
        let migrations = try Migrator.migrations(in: TestSupport.repositoryRoot + "/sql")
        #expect(!migrations.isEmpty)
        #expect(try Migrator(connection: connection).apply(migrations) == [])
        let recorded = try connection.execute("SELECT count(*) FROM schema_migrations")
        #expect(recorded.integer(row: 0, column: 0) == Int64(migrations.count))
    }

    @Test("timestamps come back in UTC as RFC 3339 with microseconds, whatever their precision")
    func timestamps() throws {
        let connection = try PostgresConnection(url: TestSupport.databaseURL)
        let result = try connection.execute("""
            SELECT '2026-11-23 23:25:33.353955+00'::timestamptz, '2026-11-23 23:25:33.35+00'::timestamptz,
                   '2026-11-23 23:25:33+00'::timestamptz, '2026-11-23 23:25:33.1+05:30'::timestamptz,
                   '0999-01-02 03:04:05.000006+00'::timestamptz, '12026-01-01 00:00:00+00'::timestamptz, NULL::timestamptz
            """)
        #expect(result.timestamp(row: 0, column: 0) == "2026-11-23T23:25:33.353955Z")
        #expect(result.timestamp(row: 0, column: 1) == "2026-11-23T23:25:33.350000Z")
        #expect(result.timestamp(row: 0, column: 2) == "2026-11-23T23:25:33.000000Z")
        #expect(result.timestamp(row: 0, column: 3) == "2026-11-23T17:55:33.100000Z")
        #expect(result.timestamp(row: 0, column: 4) == "0999-01-02T03:04:05.000006Z")
        #expect(result.timestamp(row: 0, column: 5) == "12026-01-01 00:00:00+00", "a shape it does not know comes back as sent")
        #expect(result.timestamp(row: 0, column: 6) == nil)
    }

    @Test("NUL bytes in parameters are refused before they reach libpq")
    func nulParameter() throws {
        let connection = try PostgresConnection(url: TestSupport.databaseURL)
        #expect(throws: PostgresError.self) { try connection.execute("SELECT $1::text", parameters: ["a\u{0}b"]) }
    }
}
