#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A route's path with typed parameters, such as `/api/v1/users/{id:int}`.
///
/// `{name:int}` matches a positive decimal integer that fits in 64 bits; anything else in that
/// place (letters, a sign, an overflowing number) does not match, so the router answers 404.
public struct PathTemplate: Sendable, Equatable, CustomStringConvertible {
    enum Segment: Sendable, Equatable {
        case literal([UInt8])
        case integer(name: String)
    }

    let segments: [Segment]
    /// The bytes every matching path starts with: the template up to its first parameter
    /// ("/api/v1/users/" for "/api/v1/users/{id:int}"). Compared first, in one `memcmp`: most
    /// templates a path is tried against differ from it there, and segment by segment that cost a
    /// by-id request 2% of its instructions.
    let literalPrefix: [UInt8]
    /// The template as written, used as the route's name in logs and metrics.
    public let description: String

    /// Parses a template; a malformed one is a programming error.
    public init(_ template: String) {
        description = template
        literalPrefix = Array(template.utf8.prefix { $0 != UInt8(ascii: "{") })
        segments = template.split(separator: "/").map { part in
            guard part.hasPrefix("{") else { return .literal(Array(part.utf8)) }
            let inner = part.dropFirst().dropLast().split(separator: ":")
            precondition(part.hasSuffix("}") && inner.count == 2 && inner[1] == "int", "unsupported path parameter \(part)")
            return .integer(name: String(inner[0]))
        }
    }

    /// The typed parameters if `path` (its UTF-8 bytes) matches, else nil. Matched on the bytes in
    /// one pass: "/" then each segment in turn, and nothing after the last.
    func match(_ path: UnsafeBufferPointer<UInt8>) -> [(name: String, value: Int64)]? {
        guard path.count >= literalPrefix.count else { return nil }
        if let start = path.baseAddress, !literalPrefix.isEmpty {
            guard literalPrefix.withUnsafeBytes({ memcmp($0.baseAddress!, start, $0.count) == 0 }) else { return nil }
        }
        var parameters: [(name: String, value: Int64)] = []
        var position = 0
        for segment in segments {
            guard position < path.count, path[position] == UInt8(ascii: "/") else { return nil }
            position += 1
            var end = position
            while end < path.count && path[end] != UInt8(ascii: "/") { end += 1 }
            let part = UnsafeBufferPointer(rebasing: path[position..<end])
            switch segment {
            case .literal(let text):
                guard part.count == text.count, text.withUnsafeBufferPointer({ memcmp($0.baseAddress!, part.baseAddress!, part.count) == 0 }) else {
                    return nil
                }
            case .integer(let name):
                guard let value = Self.positiveInteger(part) else { return nil }
                parameters.append((name, value))
            }
            position = end
        }
        return position == path.count ? parameters : nil
    }

    private static func positiveInteger(_ digits: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard !digits.isEmpty, digits.count <= 19 else { return nil }
        var value: Int64 = 0
        for digit in digits {
            guard digit >= UInt8(ascii: "0") && digit <= UInt8(ascii: "9") else { return nil }
            let (shifted, overflowed) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowedAgain) = shifted.addingReportingOverflow(Int64(digit - UInt8(ascii: "0")))
            guard !overflowed && !overflowedAgain else { return nil }
            value = sum
        }
        return value > 0 ? value : nil
    }
}
