import Foundation

/// Tokens whose signature and time-independent claims already checked out, with their claims:
/// a bounded memo for `AccessTokens.verify`. Only successes are kept, so a forged token costs a
/// full check every time; the memo empties itself when full rather than growing.
final class VerifiedTokens: @unchecked Sendable {
    static let capacity = 4096
    private let lock = NSLock()
    private var entries: [Key: AccessTokenClaims] = [:]

    func claims(for token: Substring) -> AccessTokenClaims? {
        lock.withLock { entries[Key(token: token)] }
    }

    func remember(_ claims: AccessTokenClaims, for token: Substring) {
        lock.withLock {
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[Key(token: token)] = claims
        }
    }

    /// A token as the memo's key: equal when the whole tokens are, hashed on the last 16 bytes
    /// only. They belong to the signature, an HMAC, as evenly spread as any hash; and only tokens
    /// whose signature checked out are stored, so nobody can choose keys that collide. Hashing all
    /// ~300 bytes cost an authenticated request 2% of its instructions (callgrind).
    /// A token as the request's `Authorization` value holds it (a slice of that value: the token
    /// is not copied out of it for the look-up).
    private struct Key: Hashable {
        let token: Substring

        func hash(into hasher: inout Hasher) {
            var token = token
            token.withUTF8 { bytes in
                hasher.combine(bytes: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes.suffix(16))))
            }
        }
    }
}
