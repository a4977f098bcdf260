import Foundation

/// A parsed JSON document, kept with its types so validation can reject wrong types instead of coercing them.
///
/// Parsing goes through Foundation's `JSONSerialization` (UTF-8 only, no comments, no lone
/// surrogates, no leading zeros), read once in linear time; this type only records what it found.
/// Two things it lets through are refused by a short scan first: trailing commas (RFC 8259 forbids
/// them) and nesting deeper than `maxDepth`. When an object repeats a member name, the last
/// occurrence wins. A number is an integer only when written without a fraction or exponent:
/// `30` is an integer, `30.0` and `3e1` are not.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number written as an integer that fits in 64 bits.
    case integer(Int64)
    /// Any other number.
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// How deeply arrays and objects may nest in a request body.
    public static let maxDepth = 32

    /// Parses a complete JSON text, throwing `APIError.malformedJSON` with a reason when it is not one.
    public static func parse(_ bytes: [UInt8]) throws(APIError) -> JSONValue {
        if bytes.isEmpty {
            throw .malformedJSON("The request body is empty; a JSON object is expected.")
        }
        switch scan(bytes) {
        case .trailingComma:
            throw .malformedJSON("The request body is not valid JSON: a comma is followed by a closing bracket.")
        case .tooDeep:
            throw .malformedJSON("The request body nests arrays and objects more than \(maxDepth) levels deep.")
        case .acceptable:
            break
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            throw .malformedJSON("The request body is not valid JSON.")
        }
        return JSONValue(foundationObject: object)
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

    /// Converts what `JSONSerialization` returns. Its numbers are `NSNumber`s whose `objCType`
    /// tells booleans (`c`), integers (`i`, `l`, `q`, `Q`) and everything else (`d`) apart.
    private init(foundationObject object: Any) {
        switch object {
        case let text as String:
            self = .string(text)
        case let number as NSNumber:
            switch String(cString: number.objCType) {
            case "c", "B": self = .bool(number.boolValue)
            case "i", "s", "l", "q": self = .integer(number.int64Value)
            case "Q" where number.uint64Value <= UInt64(Int64.max): self = .integer(number.int64Value)
            default: self = .double(number.doubleValue)
            }
        case let items as [Any]:
            self = .array(items.map(JSONValue.init(foundationObject:)))
        case let members as [String: Any]:
            self = .object(members.mapValues(JSONValue.init(foundationObject:)))
        default:
            self = .null
        }
    }

    enum ScanResult {
        case acceptable
        case trailingComma
        case tooDeep
    }

    /// One pass over the bytes outside strings: a comma followed (after white space) by `]` or
    /// `}`, or nesting deeper than `maxDepth`.
    static func scan(_ bytes: [UInt8]) -> ScanResult {
        var inString = false
        var escaped = false
        var afterComma = false
        var depth = 0
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
            case UInt8(ascii: "\""):
                inString = true
                afterComma = false
            case UInt8(ascii: ","):
                afterComma = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > maxDepth { return .tooDeep }
                afterComma = false
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                if afterComma { return .trailingComma }
                depth -= 1
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                break
            default:
                afterComma = false
            }
        }
        return .acceptable
    }
}
