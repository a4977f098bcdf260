/// What a JSON object said about one field: nothing, `null`, or a valid value.
/// (An invalid value is recorded as an error by `ObjectReader` and reads as `invalid`.)
enum FieldValue<Value> {
    case absent
    case null
    case value(Value)
    case invalid
}

extension FieldValue {
    /// The value, or nil for absent, null or invalid.
    var value: Value? {
        if case .value(let value) = self { return value }
        return nil
    }
}

/// A change to a nullable field in a merge patch: leave it, clear it, or set it.
public enum NullablePatch<Value: Sendable & Equatable>: Sendable, Equatable {
    case unchanged
    case clear
    case set(Value)

    /// The field's value after the patch is applied to `current`.
    public func applied(to current: Value?) -> Value? {
        switch self {
        case .unchanged: current
        case .clear: nil
        case .set(let value): value
        }
    }
}
