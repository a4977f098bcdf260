/// A SQL statement with a stable name, prepared once per connection the first time it runs.
public struct Statement: Sendable, Hashable {
    /// The prepared statement's name on the server; unique across the application.
    public let name: String
    /// The SQL text with `$1`, `$2` placeholders.
    public let sql: String

    /// Declares a statement; repositories keep these beside the methods that run them.
    public init(_ name: String, _ sql: String) {
        self.name = name
        self.sql = sql
    }
}
