/// A failure reported by libpq or by the server.
public enum PostgresError: Error, Sendable, CustomStringConvertible {
    /// No connection could be made (server down, refused, bad credentials, timeout).
    case connectionFailed(String)
    /// The connection broke while a statement was running or being sent.
    case connectionLost(String)
    /// The server is unreachable and the next connection attempt is not due yet.
    case unavailable
    /// The server rejected a statement, with its SQLSTATE and, where it applies, the constraint.
    case server(sqlState: String, message: String, constraint: String?)
    /// A parameter held a NUL byte, which libpq's text protocol cannot carry.
    case invalidParameter(index: Int)

    /// Whether the database could not be reached, as opposed to a statement being wrong.
    public var isConnectionProblem: Bool {
        switch self {
        case .connectionFailed, .connectionLost, .unavailable:
            return true
        case .server(let sqlState, _, _):
            // 08: connection exception; 57P01-57P03: shutdown, crash, cannot connect now; 53300: too many connections.
            return sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03", "53300"].contains(sqlState)
        case .invalidParameter:
            return false
        }
    }

    /// The SQLSTATE, for server errors.
    public var sqlState: String? {
        if case .server(let sqlState, _, _) = self { return sqlState }
        return nil
    }

    /// A one-line description for logs.
    public var description: String {
        switch self {
        case .connectionFailed(let message): "connection failed: \(message)"
        case .connectionLost(let message): "connection lost: \(message)"
        case .unavailable: "database unavailable (waiting before reconnecting)"
        case .server(let sqlState, let message, let constraint):
            "server error \(sqlState)\(constraint.map { " on \($0)" } ?? ""): \(message)"
        case .invalidParameter(let index): "parameter $\(index + 1) contains a NUL byte"
        }
    }
}
