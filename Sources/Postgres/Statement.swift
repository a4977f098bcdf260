/// A SQL statement with a stable name, prepared once per connection the first time it runs.
public struct Statement: Sendable, Hashable {
    /// The prepared statement's name on the server; unique across the application.
    public let name: String
    /// The SQL text with `$1`, `$2` placeholders.
    public let sql: String

    /// Whether running it twice is harmless: a plain `SELECT`. Only such statements are re-sent
    /// after the connection broke under them, since a write may have committed before the reply was lost.
    public let isReadOnly: Bool

    /// Declares a statement; repositories keep these beside the methods that run them.
    public init(_ name: String, _ sql: String) {
        self.name = name
        self.sql = sql
        isReadOnly = sql.drop { $0.isWhitespace }.prefix(6).uppercased() == "SELECT"
    }
}
