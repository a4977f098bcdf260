/// A request's header fields, names lower-cased: a short list searched from the end, because a
/// request carries a handful of fields and a dictionary's hashing cost more than the search.
/// A field given twice reads as its last value, as a dictionary would keep it.
public struct HTTPHeaders: Sendable {
    private var fields: [(name: String, value: String)] = []

    /// No fields.
    public init() {}

    /// Fields from a dictionary (tests build requests this way); names are lower-cased.
    public init(_ dictionary: [String: String]) {
        for (name, value) in dictionary { self[name] = value }
    }

    /// The value of the field named `name` (any case); setting nil removes it.
    public subscript(name: String) -> String? {
        get {
            let key = Self.lowercased(name)
            return fields.last { $0.name == key }?.value
        }
        set {
            let key = Self.lowercased(name)
            fields.removeAll { $0.name == key }
            if let newValue { fields.append((key, newValue)) }
        }
    }

    /// Appends a field whose name is already lower-case; it hides an earlier one of that name.
    public mutating func append(lowercasedName name: String, value: String) {
        if fields.capacity == 0 { fields.reserveCapacity(8) }  // one allocation for a request's fields
        fields.append((name, value))
    }

    /// `name` in lower case; no allocation when it already is (callers name fields in lower case).
    private static func lowercased(_ name: String) -> String {
        let hasUpperCase = name.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
        } ?? true
        return hasUpperCase ? name.lowercased() : name
    }
}

extension String {
    /// Whether the two are equal when ASCII letters are compared without case (header names).
    public func equalsIgnoringASCIICase(_ other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        for (mine, theirs) in zip(utf8, other.utf8) where mine != theirs {
            guard mine | 0x20 == theirs | 0x20, (mine | 0x20) >= UInt8(ascii: "a"), (mine | 0x20) <= UInt8(ascii: "z") else {
                return false
            }
        }
        return true
    }
}
