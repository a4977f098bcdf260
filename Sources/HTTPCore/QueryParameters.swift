/// The decoded parameters of a query string; a repeated or badly encoded parameter is a 400.
public struct QueryParameters: Sendable {
    private var values: [String: String]

    /// Decodes `a=1&b=two%20words`; `+` stands for a space. Split on the bytes `&` and `=` (as
    /// WHATWG URL parsing does): split as Characters, the query of a list request cost ~20k
    /// instructions (callgrind), and a combining mark after `&` hid the separator.
    public init(parsing query: String) throws(APIError) {
        var values: [String: String] = [:]
        var errors: [FieldError] = []
        var query = query
        query.withUTF8 { bytes in
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count && bytes[end] != UInt8(ascii: "&") { end += 1 }
                if end > start {
                    let pair = UnsafeBufferPointer(rebasing: bytes[start..<end])
                    let equals = pair.firstIndex(of: UInt8(ascii: "=")) ?? pair.count
                    let rawName = UnsafeBufferPointer(rebasing: pair[..<equals])
                    let rawValue = UnsafeBufferPointer(rebasing: pair[min(equals + 1, pair.count)...])
                    if let name = Self.decode(rawName), let value = Self.decode(rawValue) {
                        if values[name] != nil {
                            errors.append(FieldError(field: name, message: "appears more than once"))
                        }
                        values[name] = value
                    } else {
                        errors.append(FieldError(field: String(decoding: rawName, as: UTF8.self), message: "is not correctly percent-encoded"))
                    }
                }
                start = end + 1
            }
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
        let hexDigits: StaticString = "0123456789ABCDEF"
        var encoded: [UInt8] = []
        encoded.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                encoded.append(byte)
            default:
                encoded.append(UInt8(ascii: "%"))
                encoded.append(hexDigits.utf8Start[Int(byte >> 4)])
                encoded.append(hexDigits.utf8Start[Int(byte & 0x0F)])
            }
        }
        return String(decoding: encoded, as: UTF8.self)
    }

    /// Throws a 400 naming every parameter that is not in `allowed`.
    public func rejectUnknown(allowed: Set<String>) throws(APIError) {
        let unknown = values.keys.filter { !allowed.contains($0) }.sorted()
        if !unknown.isEmpty {
            throw .badQuery(unknown.map { FieldError(field: $0, message: "is not a known query parameter") })
        }
    }

    /// Percent-decodes one component; nil for a bad escape, invalid UTF-8 or a NUL byte.
    static func decode(_ component: UnsafeBufferPointer<UInt8>) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(component.count)
        var iterator = component.makeIterator()
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
