/// Argon2id's cost parameters: memory, passes over it, and lanes.
public struct Argon2Parameters: Sendable, Equatable, CustomStringConvertible {
    /// Memory per hash, in KiB (`m`).
    public var memoryKiB: UInt32
    /// Passes over the memory (`t`).
    public var iterations: UInt32
    /// Lanes (`p`).
    public var parallelism: UInt32

    /// OWASP's minimum for Argon2id (Password Storage Cheat Sheet): m=19 MiB, t=2, p=1.
    public static let owaspMinimum = Argon2Parameters(memoryKiB: 19_456, iterations: 2, parallelism: 1)

    /// Creates a parameter set.
    public init(memoryKiB: UInt32, iterations: UInt32, parallelism: UInt32) {
        self.memoryKiB = memoryKiB
        self.iterations = iterations
        self.parallelism = parallelism
    }

    /// The parameters recorded in a PHC string such as `$argon2id$v=19$m=19456,t=2,p=1$salt$hash`,
    /// or nil when the string is not an Argon2id hash.
    public init?(phcString: String) {
        let sections = phcString.split(separator: "$", omittingEmptySubsequences: false)
        guard sections.count == 6, sections[0].isEmpty, sections[1] == "argon2id" else { return nil }
        var values: [Substring: UInt32] = [:]
        for pair in sections[3].split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let value = UInt32(parts[1]) else { return nil }
            values[parts[0]] = value
        }
        guard let memory = values["m"], let iterations = values["t"], let parallelism = values["p"] else { return nil }
        self.init(memoryKiB: memory, iterations: iterations, parallelism: parallelism)
    }

    /// Whether each cost is at least as high as in `other`.
    public func isAtLeast(_ other: Argon2Parameters) -> Bool {
        memoryKiB >= other.memoryKiB && iterations >= other.iterations && parallelism >= other.parallelism
    }

    /// `m=19456,t=2,p=1`, as in a PHC string.
    public var description: String { "m=\(memoryKiB),t=\(iterations),p=\(parallelism)" }
}
