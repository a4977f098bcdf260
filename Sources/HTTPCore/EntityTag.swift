import Foundation

/// ETags derived from a resource's version, and the `If-Match` / `If-None-Match` checks on them.
public enum EntityTag {
    /// The strong ETag for a version: `"7"`.
    public static func make(version: Int) -> String {
        // From the digits on the stack: interpolation cost ~500 instructions per response.
        var tag = ""
        withDecimalDigits(of: Int64(version)) { digits in
            tag = String(unsafeUninitializedCapacity: digits.count + 2) { buffer in
                buffer[0] = UInt8(ascii: "\"")
                for (index, digit) in digits.enumerated() { buffer[index + 1] = digit }
                buffer[digits.count + 1] = UInt8(ascii: "\"")
                return digits.count + 2
            }
        }
        return tag
    }

    /// The versions an `If-Match` header accepts: nil when there is no header or it is `*` (any
    /// current version will do). Tags that are weak or not ours accept no version, so they fail with 412.
    public static func acceptedVersions(ifMatch header: String?) -> Set<Int>? {
        guard let header else { return nil }
        let tags = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if tags.contains("*") { return nil }
        return Set(tags.compactMap { tag in
            guard tag.count >= 2, tag.hasPrefix("\""), tag.hasSuffix("\"") else { return nil }
            return Int(tag.dropFirst().dropLast())
        })
    }

    /// Whether an `If-None-Match` header matches the current version (weak comparison, as RFC 9110 asks for GET).
    public static func ifNoneMatch(_ header: String?, matchesVersion version: Int) -> Bool {
        guard let header else { return false }
        let current = make(version: version)
        return header.split(separator: ",").contains { tag in
            let trimmed = tag.trimmingCharacters(in: .whitespaces)
            return trimmed == "*" || trimmed == current || trimmed == "W/" + current
        }
    }
}
