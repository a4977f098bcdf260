/// Storage of users. The Postgres implementation is the real one; tests may use a fake.
public protocol UserRepository {
    /// Stores a new user; throws `DomainError.conflict` when the email is taken.
    func insert(_ profile: UserProfile) throws -> User
    /// The live (not deleted) user with this id.
    func find(id: Int64) throws -> User?
    /// Live users matching `filter` with ids above `afterID`, in id order, at most `limit`.
    func list(_ filter: UserFilter, afterID: Int64, limit: Int) throws -> [User]
    /// Writes `profile` if the row is live and still at `expectedVersion`; nil otherwise.
    func update(id: Int64, to profile: UserProfile, expectedVersion: Int) throws -> User?
    /// Marks the row deleted if it is live and still at `expectedVersion`; false otherwise.
    func softDelete(id: Int64, expectedVersion: Int) throws -> Bool
}
