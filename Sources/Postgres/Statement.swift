import Synchronization

/// A SQL statement with a stable name, prepared once per connection the first time it runs.
///
/// A class, immutable: a statement goes down through several calls for every query, and as a
/// struct each copy retained its four fields.
public final class Statement: Sendable, Hashable {
    /// The prepared statement's name on the server; unique across the application.
    public let name: String
    /// The SQL text with `$1`, `$2` placeholders.
    public let sql: String

    /// Whether running it twice is harmless: a plain `SELECT`. Only such statements are re-sent
    /// after the connection broke under them, since a write may have committed before the reply was lost.
    public let isReadOnly: Bool

    /// The name's number in this process (the same name, the same number): `Database` looks up
    /// whether its connection prepared the statement by this index rather than by hashing the
    /// name, which cost a by-id request ~800 instructions for its two statements (callgrind).
    let number: Int
    /// The name as a C string, made once: passing `name` to libpq made a C copy of it per call
    /// (an allocation for a short name, which Swift keeps inline).
    let cName: ContiguousArray<CChar>

    /// Declares a statement; repositories keep these beside the methods that run them.
    public init(_ name: String, _ sql: String) {
        self.name = name
        self.sql = sql
        isReadOnly = sql.drop { $0.isWhitespace }.prefix(6).uppercased() == "SELECT"
        cName = name.utf8CString
        number = Self.numbers.withLock { numbers in
            if let number = numbers[name] { return number }
            numbers[name] = numbers.count
            return numbers.count - 1
        }
    }

    public static func == (left: Statement, right: Statement) -> Bool {
        left.name == right.name && left.sql == right.sql
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(sql)
    }

    /// Every name declared so far and its number; statements are declared once each, as statics.
    private static let numbers = Mutex<[String: Int]>([:])
}
