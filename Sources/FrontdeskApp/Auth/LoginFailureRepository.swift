/// Failed-login counters, shared by every worker, keyed by account or client address.
public protocol LoginFailureRepository {
    /// Seconds until the last of `keys` stops being blocked; 0 when none is blocked.
    func blockedSeconds(keys: [String]) throws -> Int
    /// Counts a failure for `key`, starting again after `quietPeriod` seconds without one, and
    /// returns the count.
    func recordFailure(key: String, quietPeriod: Int) throws -> Int
    /// Blocks `key` for `seconds` from now.
    func block(key: String, seconds: Int) throws
    /// Forgets the failures of `key`.
    func clear(key: String) throws
    /// Deletes a bounded batch of counters that have been quiet for `quietPeriod` and are not blocking.
    func pruneQuiet(quietPeriod: Int) throws
}
