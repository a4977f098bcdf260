import Foundation
import Postgres
import Testing

/// The session's copy of its user's role and state (sql/0005_session_access.sql) when a login and
/// a deactivation of the same user overlap, in either order, on a real PostgreSQL: the second
/// waits on the first's lock and the copy ends up with the deactivation.
@Suite("Session access copy under concurrent changes")
struct SessionAccessTests {
    /// A statement run on its own connection and thread; `wait()` rethrows what it threw.
    private final class Background: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var outcome: Result<Void, any Error> = .success(())

        init(_ sql: String, _ parameters: [String]) {
            Thread { [self] in
                outcome = Result {
                    let connection = try PostgresConnection(url: TestSupport.databaseURL)
                    _ = try connection.execute(sql, parameters: parameters)
                }
                done.signal()
            }.start()
        }

        func wait() throws {
            done.wait()
            try outcome.get()
        }
    }

    private let marker = "race-\(TestSupport.uniqueToken())"

    private func makeUser(on connection: PostgresConnection) throws -> String {
        let result = try connection.execute(
            "INSERT INTO users (email, name) VALUES ($1, 'Race') RETURNING id", parameters: ["\(marker)@example.com"])
        return String(try #require(result.integer(row: 0, column: 0)))
    }

    /// Waits (up to 10 s) until a statement carrying this test's marker waits on a lock. Asked on
    /// a connection of its own: inside a transaction, pg_stat_activity keeps its first snapshot.
    private func waitUntilBlocked() throws -> Bool {
        let observer = try PostgresConnection(url: TestSupport.databaseURL)
        for _ in 0..<1_000 {
            let waiting = try observer.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%' || $1 || '%' AND pid <> pg_backend_pid()",
                parameters: [marker])
            if waiting.integer(row: 0, column: 0) == 1 { return true }
            usleep(10_000)
        }
        return false
    }

    private func canAct(_ session: String, on connection: PostgresConnection) throws -> Bool? {
        try connection.execute("SELECT user_can_act FROM sessions WHERE id = $1", parameters: [session]).boolean(row: 0, column: 0)
    }

    @Test("a deactivation that waits on an uncommitted login reaches the new session")
    func loginFirst() throws {
        let login = try PostgresConnection(url: TestSupport.databaseURL)
        let user = try makeUser(on: login)
        _ = try login.execute("BEGIN")
        let session = try #require(
            login.execute("INSERT INTO sessions (user_id) VALUES ($1) RETURNING id", parameters: [user]).integer(row: 0, column: 0))
        let deactivation = Background("UPDATE users SET active = false WHERE id = $1 /* \(marker) */", [user])
        #expect(try waitUntilBlocked(), "the deactivation waits for the login's lock on the user")
        _ = try login.execute("COMMIT")
        try deactivation.wait()
        #expect(try canAct(String(session), on: login) == false)
    }

    @Test("a login that waits on an uncommitted deactivation copies the new state")
    func deactivationFirst() throws {
        let admin = try PostgresConnection(url: TestSupport.databaseURL)
        let user = try makeUser(on: admin)
        _ = try admin.execute("BEGIN")
        _ = try admin.execute("UPDATE users SET active = false WHERE id = $1", parameters: [user])
        let login = Background("INSERT INTO sessions (user_id) VALUES ($1) /* \(marker) */", [user])
        #expect(try waitUntilBlocked(), "the login waits for the deactivation's lock on the user")
        _ = try admin.execute("COMMIT")
        try login.wait()
        let session = try #require(
            admin.execute("SELECT id FROM sessions WHERE user_id = $1", parameters: [user]).integer(row: 0, column: 0))
        #expect(try canAct(String(session), on: admin) == false)
    }
}
