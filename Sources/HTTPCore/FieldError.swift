/// One invalid input field and what is wrong with it, in words a client can show.
public struct FieldError: Sendable, Equatable, CustomStringConvertible {
    /// The field's name as the client sent it (or a query parameter's name).
    public var field: String
    /// What is wrong with it.
    public var message: String

    /// Creates a field error.
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    /// `field: message`.
    public var description: String { "\(field): \(message)" }
}
