/// Storage of users. The Postgres implementation is the real one; tests may use a fake.
public protocol UserRepository {
    /// Stores a new user with a password hash (nil: cannot log in); throws `DomainError.conflict`
    /// when the email is taken.
    func insert(_ profile: UserProfile, passwordHash: String?) throws -> User
    /// The live (not deleted) user with this id.
    func find(id: Int64) throws -> User?
    /// The live user with this email, in any case, and their password hash, for logging in.
    func credentials(email: String) throws -> Credentials?
    /// Live users matching `filter` with ids above `afterID`, in id order, at most `limit`.
    func list(_ filter: UserFilter, afterID: Int64, limit: Int) throws -> [User]
    /// Writes `profile` if the row is live and still at `expectedVersion`; nil otherwise.
    func update(id: Int64, to profile: UserProfile, expectedVersion: Int) throws -> User?
    /// Replaces the password hash of a live user; false if there is none. The representation does
    /// not show the password, so the version stays.
    func setPasswordHash(id: Int64, to hash: String) throws -> Bool
    /// Marks the row deleted if it is live and still at `expectedVersion`; false otherwise.
    func softDelete(id: Int64, expectedVersion: Int) throws -> Bool
    /// Makes a soft-deleted row live again; nil if there is no deleted row with this id. Throws
    /// `DomainError.conflict` when its email now belongs to a live user.
    func restore(id: Int64) throws -> User?
}

/// A user together with the password hash stored for them.
public struct Credentials: Sendable {
    /// The user.
    public let user: User
    /// The PHC string, or nil when the account has no password.
    public let passwordHash: String?

    /// Creates credentials.
    public init(user: User, passwordHash: String?) {
        self.user = user
        self.passwordHash = passwordHash
    }
}
