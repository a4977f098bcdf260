import Argon2
import Foundation

/// Hashes and checks passwords with Argon2id, keeping the cost of a check the same whether or not
/// the account exists.
///
/// Passwords are normalised to Unicode NFKC first (NIST SP 800-63B section 5.1.1.2), so the same
/// password typed as composed or decomposed characters matches.
public final class PasswordHasher: @unchecked Sendable {
    private let argon2: Argon2id
    private let lock = NSLock()
    private var madeDecoyHash: String?

    /// Creates a hasher that makes new hashes with `parameters`.
    public init(parameters: Argon2Parameters) {
        self.argon2 = Argon2id(parameters: parameters)
    }

    /// The parameters new hashes are made with.
    public var parameters: Argon2Parameters { argon2.parameters }

    /// A PHC string for `password`.
    public func hash(_ password: String) throws -> String {
        try argon2.hash(Self.normalized(password))
    }

    /// Whether `password` matches `storedHash`. With no stored hash (unknown email, or an account
    /// without a password) it spends the same time on a decoy and answers false.
    public func verify(_ password: String, against storedHash: String?) -> Bool {
        guard let storedHash else {
            _ = Argon2id.verify(Self.normalized(password), against: decoyHash)
            return false
        }
        return Argon2id.verify(Self.normalized(password), against: storedHash)
    }

    /// Whether `storedHash` was made with weaker parameters than the current ones.
    public func needsRehash(_ storedHash: String) -> Bool {
        guard let stored = Argon2Parameters(phcString: storedHash) else { return true }
        return !stored.isAtLeast(argon2.parameters)
    }

    // Checked against when there is no stored hash, so that an unknown email costs a full hash;
    // made on first use rather than at start-up, as it takes one hash's time.
    private var decoyHash: String {
        lock.withLock {
            if let madeDecoyHash { return madeDecoyHash }
            let made = (try? argon2.hash(Array("frontdesk decoy password".utf8))) ?? ""
            madeDecoyHash = made
            return made
        }
    }

    static func normalized(_ password: String) -> [UInt8] {
        Array(password.precomposedStringWithCompatibilityMapping.utf8)
    }
}
