/// An access-state query sent with the next read (`SessionRepository.queueAccessState`).
///
/// A protocol rather than a pair of closures: the PostgreSQL check is a query handle and a user
/// id, which an existential holds inline, while the closures and their contexts cost an
/// authenticated request three allocations.
public protocol PendingAccessState {
    /// The state: from the read it rode along with, or from running it alone now.
    func resolve() throws -> AccessState
    /// Drops the query if it has not gone out yet.
    func cancel()
}
