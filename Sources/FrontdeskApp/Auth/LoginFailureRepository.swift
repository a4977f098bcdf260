/// Login-attempt counters, shared by every worker, keyed by account or client address.
///
/// An attempt is counted *before* the password is hashed, in one statement that also sets the
/// block when the count reaches the limit: of several attempts racing for the last allowed one,
/// exactly one gets it, however many workers hash at once.
public protocol LoginFailureRepository {
    /// Counts an attempt for `key` (starting again after `policy.quietPeriod` quiet seconds) and,
    /// when the count reaches `limit`, blocks the key for the policy's lockout. Nil when the key
    /// was already blocked: the attempt is refused and not counted.
    func registerAttempt(key: String, limit: Int, policy: LoginThrottlePolicy) throws -> Int?
    /// Seconds until the last of `keys` stops being blocked; 0 when none is blocked.
    func blockedSeconds(keys: [String]) throws -> Int
    /// Takes back one counted attempt that succeeded (and the block it set, if any).
    func forgiveAttempt(key: String, limit: Int) throws
    /// Forgets the attempts of `key`.
    func clear(key: String) throws
    /// Deletes a bounded batch of counters that have been quiet for `quietPeriod` and are not blocking.
    func pruneQuiet(quietPeriod: Int) throws
}
