import Foundation
import HTTPCore

/// Why one field's value was refused, in words for the client.
struct FieldMessage: Error {
    let text: String
    init(_ text: String) { self.text = text }
}

/// How to read one field of a JSON object: its name and a parser that refuses wrong types and
/// out-of-range values without coercing anything.
struct FieldRule<Value>: Sendable {
    let name: String
    let parse: @Sendable (JSONValue) throws(FieldMessage) -> Value

    /// A string, trimmed of surrounding white space, whose length in Unicode scalars (as Postgres'
    /// `char_length` counts) is in `length`, with no control characters, further checked by `check`.
    static func string(
        _ name: String, length: ClosedRange<Int>, check: @escaping @Sendable (String) -> String? = { _ in nil }
    ) -> FieldRule<String> {
        FieldRule<String>(name: name) { value throws(FieldMessage) in
            guard case .string(let raw) = value else { throw FieldMessage("must be a string, not \(value.typeName)") }
            let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard length.contains(text.unicodeScalars.count) else {
                throw FieldMessage("must be \(length.lowerBound) to \(length.upperBound) characters long")
            }
            guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw FieldMessage("must not contain control characters")
            }
            if let problem = check(text) { throw FieldMessage(problem) }
            return text
        }
    }

    /// Free text such as a post body: any length up to `maxLength` Unicode scalars, kept exactly
    /// as given (no trimming); line breaks and tabs allowed, other control characters refused.
    static func text(_ name: String, maxLength: Int) -> FieldRule<String> {
        FieldRule<String>(name: name) { value throws(FieldMessage) in
            guard case .string(let text) = value else { throw FieldMessage("must be a string, not \(value.typeName)") }
            guard text.unicodeScalars.count <= maxLength else { throw FieldMessage("must be at most \(maxLength) characters long") }
            let allowed: Set<Unicode.Scalar> = ["\n", "\r", "\t"]
            guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !allowed.contains($0) }) else {
                throw FieldMessage("must not contain control characters other than line breaks and tabs")
            }
            return text
        }
    }

    /// A password: 8 to 128 characters counted after NFKC normalisation (NIST SP 800-63B) and as
    /// sent (what the schema's `minLength` and `maxLength` count: NFKC can lengthen a string, as
    /// "´" becomes a space and a combining accent, or shorten it), any Unicode, spaces kept as
    /// typed. Returned as given; `PasswordHasher` normalises it.
    static func password(_ name: String) -> FieldRule<String> {
        FieldRule<String>(name: name) { value throws(FieldMessage) in
            guard case .string(let password) = value else { throw FieldMessage("must be a string, not \(value.typeName)") }
            let lengths = 8...128
            guard lengths.contains(password.unicodeScalars.count),
                lengths.contains(password.precomposedStringWithCompatibilityMapping.unicodeScalars.count)
            else {
                throw FieldMessage("must be 8 to 128 characters long")
            }
            return password
        }
    }

    /// A credential as typed at login: a non-empty string of at most `maxLength` characters, taken
    /// exactly as given. No other rule applies, so a login never hints at the password rules.
    static func credential(_ name: String, maxLength: Int) -> FieldRule<String> {
        FieldRule<String>(name: name) { value throws(FieldMessage) in
            guard case .string(let text) = value else { throw FieldMessage("must be a string, not \(value.typeName)") }
            guard !text.isEmpty, text.unicodeScalars.count <= maxLength else {
                throw FieldMessage("must be 1 to \(maxLength) characters long")
            }
            return text
        }
    }

    /// An integer within `range`; fractions, strings and booleans are refused.
    static func integer(_ name: String, range: ClosedRange<Int>) -> FieldRule<Int> {
        FieldRule<Int>(name: name) { value throws(FieldMessage) in
            guard case .integer(let number) = value else {
                if case .double = value { throw FieldMessage("must be a whole number from \(range.lowerBound) to \(range.upperBound)") }
                throw FieldMessage("must be an integer, not \(value.typeName)")
            }
            guard number >= range.lowerBound, number <= range.upperBound else {
                throw FieldMessage("must be from \(range.lowerBound) to \(range.upperBound)")
            }
            return Int(number)
        }
    }

    /// `true` or `false`, never `"true"` or `1`.
    static func boolean(_ name: String) -> FieldRule<Bool> {
        FieldRule<Bool>(name: name) { value throws(FieldMessage) in
            guard case .bool(let flag) = value else { throw FieldMessage("must be a boolean, not \(value.typeName)") }
            return flag
        }
    }

    /// One of an enumeration's raw string values.
    static func choice<Choice: RawRepresentable & CaseIterable & Sendable>(_ name: String, _ type: Choice.Type) -> FieldRule<Choice>
    where Choice.RawValue == String {
        let choices = Dictionary(uniqueKeysWithValues: Choice.allCases.map { ($0.rawValue, $0) })
        let allowed = Choice.allCases.map(\.rawValue).joined(separator: ", ")
        return FieldRule<Choice>(name: name) { value throws(FieldMessage) in
            guard case .string(let text) = value, let choice = choices[text] else {
                throw FieldMessage("must be one of: \(allowed)")
            }
            return choice
        }
    }
}
