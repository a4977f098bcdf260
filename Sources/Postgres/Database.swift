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
    /// Indexed by `Statement.number`: whether the current connection has prepared it.
    private var prepared: [Bool] = []
    private var nextAttempt: ContinuousClock.Instant?
    private var queued: QueuedQuery?
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
    /// Before a write, an idle connection is checked for a close the server announced (it
    /// restarted, or terminated this backend) and replaced: nothing was sent, so the write goes out
    /// once, on the new connection. If the connection breaks while a statement runs, only a
    /// read-only statement outside a transaction is sent again; a write may have committed, so the
    /// error goes up (503) rather than risk doing it twice. Reads skip the check (a `poll` per
    /// request): on a closed connection they fail at once and are sent again. While the server is
    /// unreachable this throws at once.
    ///
    /// A read carries the queued statement along, if there is one: both go in one round trip.
    ///
    /// With `genericPlan`, outside a transaction, the statement runs with PostgreSQL's generic
    /// plan, made once per connection, instead of a plan made for these parameters (`run`). Only
    /// for statements whose best plan does not depend on the values: a list whose optional filters
    /// are all NULL, say, where planning anew cost twice what running the plan did.
    public func query(_ statement: Statement, _ parameters: [String?] = [], genericPlan: Bool = false) throws(PostgresError) -> PostgresResult {
        if let carried = queued {
            queued = nil
            if statement.isReadOnly && !genericPlan { return try query(statement, parameters, carrying: carried) }
            carried.outcome = Result { () throws(PostgresError) in try query(carried.statement, carried.parameters) }
        }
        if !statement.isReadOnly, let connection, connection.isIdle, !connection.isStillOpen() {
            dropConnection()
        }
        let outsideTransaction = connection?.isIdle ?? true
        do throws(PostgresError) {
            do throws(PostgresError) {
                return try run(statement, parameters, genericPlan: genericPlan)
            } catch let error where error.isConnectionProblem {
                dropConnection()
                guard outsideTransaction, statement.isReadOnly, error.isRetryable else { throw error }
                return try run(statement, parameters, genericPlan: genericPlan)
            }
        } catch {
            errorCount += 1
            throw error
        }
    }

    /// Queues a read-only statement to go out with the next read, so that two queries from different
    /// layers (say, authentication and a handler) cost one round trip. `QueuedQuery.result()` runs
    /// it alone if no read came; `cancel()` drops it unsent. At most one is queued at a time.
    public func queue(_ statement: Statement, _ parameters: [String?] = []) -> QueuedQuery {
        precondition(statement.isReadOnly, "only reads are queued: \(statement.name)")
        queued?.cancel()
        let query = QueuedQuery(statement: statement, parameters: parameters, database: self)
        queued = query
        return query
    }

    /// Runs a queued statement alone (nothing came along to carry it), or drops it if `isCancelled`.
    func flush(_ query: QueuedQuery) {
        guard queued === query else { return }
        queued = nil
        guard !query.isCancelled else { return }
        query.outcome = Result { () throws(PostgresError) in try self.query(query.statement, query.parameters) }
    }

    /// Both statements (reads) in one pipeline; `carried`'s outcome is stored in it. Retried once
    /// on a fresh connection like any read; if the carried one failed, the read runs again alone.
    private func query(_ statement: Statement, _ parameters: [String?], carrying carried: QueuedQuery) throws(PostgresError) -> PostgresResult {
        guard connection?.isIdle ?? true else {
            carried.outcome = Result { () throws(PostgresError) in try query(carried.statement, carried.parameters) }
            return try query(statement, parameters)
        }
        var outcomes: (Result<PostgresResult, PostgresError>?, Result<PostgresResult, PostgresError>?)
        do throws(PostgresError) {
            do throws(PostgresError) {
                outcomes = try runPipelined(carried.statement, carried.parameters, then: statement, parameters)
            } catch let error where error.isConnectionProblem {
                dropConnection()
                guard error.isRetryable else { throw error }
                outcomes = try runPipelined(carried.statement, carried.parameters, then: statement, parameters)
            }
        } catch {
            errorCount += 1
            carried.outcome = .failure(error)
            throw error
        }
        carried.outcome = outcomes.0 ?? .failure(.connectionLost("not sent"))
        if case .failure = carried.outcome { errorCount += 1 }
        guard let outcome = outcomes.1 else { return try query(statement, parameters) }
        if case .failure = outcome { errorCount += 1 }
        return try outcome.get()
    }

    private func runPipelined(_ first: Statement, _ firstParameters: [String?], then statement: Statement, _ parameters: [String?]) throws(PostgresError)
        -> (Result<PostgresResult, PostgresError>?, Result<PostgresResult, PostgresError>?)
    {
        let connection = try connected()
        try prepareIfNeeded(first, on: connection)
        try prepareIfNeeded(statement, on: connection)
        let outcomes = try connection.executePipelined(first, firstParameters, then: statement, parameters)
        // A backend the server terminated answers with its FATAL error in place of a result:
        // that is the connection failing, to be replaced and retried, not the statement.
        if case .failure(let error)? = outcomes.0, error.isConnectionProblem { throw error }
        if case .failure(let error)? = outcomes.1, error.isConnectionProblem { throw error }
        return outcomes
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

    private func run(_ statement: Statement, _ parameters: [String?], genericPlan: Bool = false) throws(PostgresError) -> PostgresResult {
        let connection = try connected()
        // In a transaction the setting would outlast the statement; there it is planned as usual.
        guard genericPlan, connection.isIdle else {
            try prepareIfNeeded(statement, on: connection)
            return try connection.execute(prepared: statement, parameters: parameters)
        }
        let outcomes = try runPipelined(Self.genericPlanStatement, [], then: statement, parameters)
        if case .failure(let error)? = outcomes.0 { throw error }
        guard let outcome = outcomes.1 else { throw .connectionLost("the statement was not run") }
        return try outcome.get()
    }

    /// Sent before a statement in the same pipeline (one implicit transaction): PostgreSQL then
    /// uses that statement's generic plan, and the setting ends with the transaction. Its default,
    /// `auto`, keeps planning a statement anew whenever its generic plan is estimated dearer,
    /// which it is for a keyset page (`id > $1 ... LIMIT $6`) whatever the values. Measured on
    /// `posts_list` (bench/README.md): 0.39-0.44 ms of planning per page against 0.18-0.21 ms of
    /// running it.
    private static let genericPlanStatement = Statement(
        "plan_generic", "SELECT set_config('plan_cache_mode', 'force_generic_plan', true)")

    private func connected() throws(PostgresError) -> PostgresConnection {
        if let connection { return connection }
        if let nextAttempt, ContinuousClock.now < nextAttempt { throw .unavailable }
        do {
            let fresh = try PostgresConnection(
                url: configuration.url, connectTimeout: configuration.connectTimeout,
                statementTimeoutMilliseconds: configuration.statementTimeoutMilliseconds)
            connection = fresh
            prepared = []
            nextAttempt = nil
            return fresh
        } catch {
            nextAttempt = ContinuousClock.now + configuration.retryDelay
            throw error
        }
    }

    private func prepareIfNeeded(_ statement: Statement, on connection: PostgresConnection) throws(PostgresError) {
        if statement.number < prepared.count && prepared[statement.number] { return }
        try connection.prepare(statement)
        if statement.number >= prepared.count {
            prepared.append(contentsOf: repeatElement(false, count: statement.number + 1 - prepared.count))
        }
        prepared[statement.number] = true
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
