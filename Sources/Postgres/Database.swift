/// How a worker reaches PostgreSQL: one persistent connection, statements prepared once each,
/// reconnection after the server restarts, and a fast `unavailable` while it is down.
public final class Database {
    /// Where and how to connect.
    public struct Configuration: Sendable {
        /// A libpq connection string or URL; empty means libpq's `PG*` variables.
        public var url: String
        /// Seconds a connection attempt may take.
        public var connectTimeout: Int
        /// Milliseconds a statement may run on the server (0: unlimited).
        public var statementTimeoutMilliseconds: Int
        /// How long to answer `unavailable` after a failed attempt before trying again.
        public var retryDelay: Duration

        /// Creates a configuration.
        public init(url: String, connectTimeout: Int = 3, statementTimeoutMilliseconds: Int = 10_000, retryDelay: Duration = .milliseconds(500)) {
            self.url = url
            self.connectTimeout = connectTimeout
            self.statementTimeoutMilliseconds = statementTimeoutMilliseconds
            self.retryDelay = retryDelay
        }
    }

    private let configuration: Configuration
    private var connection: PostgresConnection?
    private var preparedNames: Set<String> = []
    private var nextAttempt: ContinuousClock.Instant?
    /// How many times a broken connection was replaced, for metrics.
    public private(set) var reconnectCount = 0
    /// How many statements failed (connection problems, timeouts, server errors), for metrics.
    public private(set) var errorCount = 0

    /// Creates the database handle; the connection is opened on first use.
    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Runs a prepared statement, connecting and preparing as needed.
    ///
    /// Before sending, an idle connection is checked for a close the server announced (it
    /// restarted, or terminated this backend) and replaced: nothing was sent, so this is safe for
    /// writes too. If the connection breaks while the statement runs, only a read-only statement
    /// outside a transaction is sent again; a write may have committed, so the error goes up (503)
    /// rather than risk doing it twice. While the server is unreachable this throws at once.
    public func query(_ statement: Statement, _ parameters: [String?] = []) throws(PostgresError) -> PostgresResult {
        if let connection, connection.isIdle, !connection.isStillOpen() {
            dropConnection()
        }
        let outsideTransaction = connection?.isIdle ?? true
        do throws(PostgresError) {
            do throws(PostgresError) {
                return try run(statement, parameters)
            } catch let error where error.isConnectionProblem {
                dropConnection()
                guard outsideTransaction, statement.isReadOnly, error.isRetryable else { throw error }
                return try run(statement, parameters)
            }
        } catch {
            errorCount += 1
            throw error
        }
    }

    /// Runs plain SQL without preparing it: transaction control and test set-up.
    public func execute(_ sql: String, _ parameters: [String?] = []) throws(PostgresError) -> PostgresResult {
        do {
            return try connected().execute(sql, parameters: parameters)
        } catch let error where error.isConnectionProblem {
            dropConnection()
            throw error
        }
    }

    /// A round trip to the server, for readiness checks.
    public func ping() throws(PostgresError) {
        _ = try query(Statement("database_ping", "SELECT 1"))
    }

    private func run(_ statement: Statement, _ parameters: [String?]) throws(PostgresError) -> PostgresResult {
        let connection = try connected()
        if !preparedNames.contains(statement.name) {
            try connection.prepare(name: statement.name, sql: statement.sql)
            preparedNames.insert(statement.name)
        }
        return try connection.execute(prepared: statement.name, parameters: parameters)
    }

    private func connected() throws(PostgresError) -> PostgresConnection {
        if let connection { return connection }
        if let nextAttempt, ContinuousClock.now < nextAttempt { throw .unavailable }
        do {
            let fresh = try PostgresConnection(
                url: configuration.url, connectTimeout: configuration.connectTimeout,
                statementTimeoutMilliseconds: configuration.statementTimeoutMilliseconds)
            connection = fresh
            preparedNames = []
            nextAttempt = nil
            return fresh
        } catch {
            nextAttempt = ContinuousClock.now + configuration.retryDelay
            throw error
        }
    }

    /// Forgets a connection after a connection problem; the next statement opens a new one.
    private func dropConnection() {
        guard connection != nil else { return }
        connection = nil
        reconnectCount += 1
    }
}

extension PostgresError {
    /// A statement that met a dead connection (lost, or terminated by the server: 57P01-57P02)
    /// may be retried once; a failed connection attempt may not, it would only wait again.
    fileprivate var isRetryable: Bool {
        if case .connectionLost = self { return true }
        if case .server(let sqlState, _, _) = self { return sqlState == "57P01" || sqlState == "57P02" }
        return false
    }
}
