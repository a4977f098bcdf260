/// An access-state query sent with the next read (`SessionRepository.queueAccessState`).
public struct PendingAccessState {
    /// The state: from the read it rode along with, or from running it alone now.
    public let resolve: () throws -> AccessState
    /// Drops the query if it has not gone out yet.
    public let cancel: () -> Void

    /// Creates a pending state from its two operations.
    public init(resolve: @escaping () throws -> AccessState, cancel: @escaping () -> Void) {
        self.resolve = resolve
        self.cancel = cancel
    }
}
