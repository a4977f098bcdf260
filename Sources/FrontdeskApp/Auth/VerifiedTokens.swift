import Foundation

/// Tokens whose signature and time-independent claims already checked out, with their claims:
/// a bounded memo for `AccessTokens.verify`. Only successes are kept, so a forged token costs a
/// full check every time; the memo empties itself when full rather than growing.
final class VerifiedTokens: @unchecked Sendable {
    static let capacity = 4096
    private let lock = NSLock()
    private var entries: [String: AccessTokenClaims] = [:]

    func claims(for token: String) -> AccessTokenClaims? {
        lock.withLock { entries[token] }
    }

    func remember(_ claims: AccessTokenClaims, for token: String) {
        lock.withLock {
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[token] = claims
        }
    }
}
