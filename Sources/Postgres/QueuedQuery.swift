/// A read-only statement waiting to go out with the next read on its `Database` (see
/// `Database.queue`). Single-threaded, like the worker that owns the database.
public final class QueuedQuery {
    let statement: Statement
    let parameters: [String?]
    private unowned let database: Database
    var outcome: Result<PostgresResult, PostgresError>?
    private(set) var isCancelled = false

    init(statement: Statement, parameters: [String?], database: Database) {
        self.statement = statement
        self.parameters = parameters
        self.database = database
    }

    /// Whether the statement has run (with a read it rode along, or alone).
    public var hasRun: Bool { outcome != nil }

    /// The statement's result: the one it got riding along with a read, or, if no read came, from
    /// running it alone now.
    public func result() throws(PostgresError) -> PostgresResult {
        if outcome == nil { database.flush(self) }
        guard let outcome else { throw .connectionLost("queued query cancelled") }
        return try outcome.get()
    }

    /// Drops the statement if it has not gone out, so it cannot ride along with a later request.
    public func cancel() {
        guard outcome == nil else { return }
        isCancelled = true
        database.flush(self)
    }
}
