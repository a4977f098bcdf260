import Foundation

/// A parsed JSON document, kept with its types so validation can reject wrong types instead of coercing them.
///
/// Parsing goes through Foundation's `JSONDecoder` (UTF-8 only, no comments, no lone surrogates,
/// bounded nesting); this type only records what it found. `JSONDecoder` accepts trailing commas,
/// which RFC 8259 forbids, so a short scan refuses them first. With duplicate member names
/// `JSONDecoder` keeps the first occurrence; Frontdesk documents that rather than parsing by hand.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number that is an integer fitting in 64 bits.
    case integer(Int64)
    /// Any other number.
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses a complete JSON text, throwing `APIError.malformedJSON` with a reason when it is not one.
    public static func parse(_ bytes: [UInt8]) throws(APIError) -> JSONValue {
        if bytes.isEmpty {
            throw .malformedJSON("The request body is empty; a JSON object is expected.")
        }
        if containsTrailingComma(bytes) {
            throw .malformedJSON("The request body is not valid JSON: a comma is followed by a closing bracket.")
        }
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        } catch {
            throw .malformedJSON("The request body is not valid JSON.")
        }
    }

    /// Whether a comma outside any string is followed, after white space, by `]` or `}`.
    static func containsTrailingComma(_ bytes: [UInt8]) -> Bool {
        var inString = false
        var escaped = false
        var afterComma = false
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true; afterComma = false
            case UInt8(ascii: ","): afterComma = true
            case UInt8(ascii: "]"), UInt8(ascii: "}"): if afterComma { return true }
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): break
            default: afterComma = false
            }
        }
        return false
    }

    /// The JSON type's name, for error messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .integer, .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

extension JSONValue: Decodable {
    /// Decodes whichever JSON type is present; booleans and numbers are never confused.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([String: JSONValue].self) {
            self = .object(value)
        } else {
            self = .array(try container.decode([JSONValue].self))
        }
    }
}
