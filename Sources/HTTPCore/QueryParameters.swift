/// The decoded parameters of a query string; a repeated or badly encoded parameter is a 400.
public struct QueryParameters: Sendable {
    private var values: [String: String]

    /// Decodes `a=1&b=two%20words`; `+` stands for a space.
    public init(parsing query: String) throws(APIError) {
        var values: [String: String] = [:]
        var errors: [FieldError] = []
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]), let value = Self.decode(parts.count > 1 ? parts[1] : "") else {
                errors.append(FieldError(field: String(parts[0]), message: "is not correctly percent-encoded"))
                continue
            }
            if values[name] != nil {
                errors.append(FieldError(field: name, message: "appears more than once"))
            }
            values[name] = value
        }
        if !errors.isEmpty { throw .badQuery(errors) }
        self.values = values
    }

    /// The decoded value of a parameter, if present; setting nil removes it.
    public subscript(name: String) -> String? {
        get { values[name] }
        set { values[name] = newValue }
    }

    /// The names of every parameter present.
    public var names: Dictionary<String, String>.Keys { values.keys }

    /// The parameters as a query string, in name order, with `last` appended.
    public func encoded(appending last: (name: String, value: String)) -> String {
        (values.sorted { $0.key < $1.key } + [(key: last.name, value: last.value)])
            .map { "\(Self.encode($0.key))=\(Self.encode($0.value))" }
            .joined(separator: "&")
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters.
    static func encode(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                encoded += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0x0F, radix: 16, uppercase: true)
            }
        }
        return encoded
    }

    /// Throws a 400 naming every parameter that is not in `allowed`.
    public func rejectUnknown(allowed: Set<String>) throws(APIError) {
        let unknown = values.keys.filter { !allowed.contains($0) }.sorted()
        if !unknown.isEmpty {
            throw .badQuery(unknown.map { FieldError(field: $0, message: "is not a known query parameter") })
        }
    }

    /// Percent-decodes one component; nil for a bad escape, invalid UTF-8 or a NUL byte.
    static func decode(_ component: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(component.utf8.count)
        var iterator = component.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            default:
                bytes.append(byte)
            }
        }
        if bytes.contains(0) { return nil }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
