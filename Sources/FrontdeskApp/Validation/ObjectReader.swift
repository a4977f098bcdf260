import HTTPCore

/// Reads the fields of a JSON object body through `FieldRule`s, collecting one error per bad
/// field (unknown and read-only fields included) so that a 422 lists every problem at once.
struct ObjectReader {
    private let members: [String: JSONValue]
    private(set) var errors: [FieldError] = []

    /// Starts reading `body`, which must be an object whose members are all in `writable`;
    /// members in `refused` get its reason, members in `readOnly` are named as such, anything
    /// else as unknown.
    init(_ body: JSONValue, writable: Set<String>, readOnly: Set<String>, refused: [String: String] = [:]) {
        guard case .object(let members) = body else {
            self.members = [:]
            errors.append(FieldError(field: "body", message: "must be a JSON object, not \(body.typeName)"))
            return
        }
        self.members = members
        for name in members.keys.sorted() where !writable.contains(name) {
            let message = refused[name] ?? (readOnly.contains(name) ? "is read-only" : "is not a known field")
            errors.append(FieldError(field: name, message: message))
        }
    }

    /// The field as the body gave it, recording an error if its value breaks the rule.
    mutating func read<Value>(_ rule: FieldRule<Value>) -> FieldValue<Value> {
        guard let raw = members[rule.name] else { return .absent }
        if raw == .null { return .null }
        do {
            return .value(try rule.parse(raw))
        } catch {
            errors.append(FieldError(field: rule.name, message: error.text))
            return .invalid
        }
    }

    /// A field that must be present and not null.
    mutating func required<Value>(_ rule: FieldRule<Value>) -> Value? {
        switch read(rule) {
        case .value(let value): return value
        case .absent: fail(rule.name, "is required")
        case .null: fail(rule.name, "must not be null")
        case .invalid: break
        }
        return nil
    }

    /// A field that must be present but may be null (nil), as PUT asks of nullable fields.
    mutating func requiredNullable<Value>(_ rule: FieldRule<Value>) -> Value? {
        switch read(rule) {
        case .value(let value): return value
        case .absent: fail(rule.name, "is required (null when unknown)")
        case .null, .invalid: break
        }
        return nil
    }

    /// A field that may be absent (giving `defaultValue`) but not null.
    mutating func optional<Value>(_ rule: FieldRule<Value>, default defaultValue: Value) -> Value? {
        switch read(rule) {
        case .value(let value): return value
        case .absent: return defaultValue
        case .null: fail(rule.name, "must not be null")
        case .invalid: break
        }
        return nil
    }

    /// A field that may be absent in a patch (no change) but not null.
    mutating func patch<Value>(_ rule: FieldRule<Value>) -> Value? {
        switch read(rule) {
        case .value(let value): return value
        case .null: fail(rule.name, "must not be null")
        case .absent, .invalid: break
        }
        return nil
    }

    /// Throws the collected errors as a 422 if there are any.
    func finish() throws(DomainError) {
        if !errors.isEmpty { throw .invalid(errors) }
    }

    /// Records a problem that involves more than one field's rule.
    mutating func fail(_ field: String, _ message: String) {
        errors.append(FieldError(field: field, message: message))
    }
}
