import HTTPCore

/// Reads a list route's filter parameters, collecting one error per bad parameter so that a 400
/// names them all, the way `ObjectReader` does for bodies.
struct QueryFilterReader {
    let query: QueryParameters
    private(set) var errors: [FieldError] = []

    init(_ query: QueryParameters) {
        self.query = query
    }

    /// `true` or `false`.
    mutating func boolean(_ name: String) -> Bool? {
        read(name, "must be true or false") { ["true": true, "false": false][$0] }
    }

    /// A search text of 1 to `maxLength` characters.
    mutating func search(_ name: String, maxLength: Int) -> String? {
        read(name, "must be 1 to \(maxLength) characters long") { (1...maxLength).contains($0.unicodeScalars.count) ? $0 : nil }
    }

    /// A positive 64-bit id.
    mutating func id(_ name: String) -> Int64? {
        read(name, "must be a positive integer") { Int64($0).flatMap { $0 > 0 ? $0 : nil } }
    }

    /// One of an enumeration's raw values.
    mutating func choice<Choice: RawRepresentable & CaseIterable>(_ name: String, _ type: Choice.Type) -> Choice? where Choice.RawValue == String {
        read(name, "must be one of: \(Choice.allCases.map(\.rawValue).joined(separator: ", "))") { Choice(rawValue: $0) }
    }

    /// Throws the collected errors as one 400.
    func finish() throws(APIError) {
        if !errors.isEmpty { throw .badQuery(errors) }
    }

    private mutating func read<Value>(_ name: String, _ message: String, _ parse: (String) -> Value?) -> Value? {
        guard let text = query[name] else { return nil }
        guard let value = parse(text) else {
            errors.append(FieldError(field: name, message: message))
            return nil
        }
        return value
    }
}
