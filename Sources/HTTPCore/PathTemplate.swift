/// A route's path with typed parameters, such as `/api/v1/users/{id:int}`.
///
/// `{name:int}` matches a positive decimal integer that fits in 64 bits; anything else in that
/// place (letters, a sign, an overflowing number) does not match, so the router answers 404.
public struct PathTemplate: Sendable, Equatable, CustomStringConvertible {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case integer(name: String)
    }

    let segments: [Segment]
    /// The template as written, used as the route's name in logs and metrics.
    public let description: String

    /// Parses a template; a malformed one is a programming error.
    public init(_ template: String) {
        description = template
        segments = template.split(separator: "/").map { part in
            guard part.hasPrefix("{") else { return .literal(String(part)) }
            let inner = part.dropFirst().dropLast().split(separator: ":")
            precondition(part.hasSuffix("}") && inner.count == 2 && inner[1] == "int", "unsupported path parameter \(part)")
            return .integer(name: String(inner[0]))
        }
    }

    /// The typed parameters if `path` matches, else nil.
    func match(_ pathSegments: [Substring]) -> [String: Int64]? {
        guard pathSegments.count == segments.count else { return nil }
        var parameters: [String: Int64] = [:]
        for (segment, part) in zip(segments, pathSegments) {
            switch segment {
            case .literal(let text):
                guard part == text else { return nil }
            case .integer(let name):
                guard let value = Self.positiveInteger(part) else { return nil }
                parameters[name] = value
            }
        }
        return parameters
    }

    private static func positiveInteger(_ text: Substring) -> Int64? {
        guard !text.isEmpty, text.utf8.count <= 19, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        guard let value = Int64(text), value > 0 else { return nil }
        return value
    }
}
