/// The business rules for users: no HTTP, no SQL.
///
/// Writes are read-modify-write with optimistic concurrency: the new profile is computed from the
/// current row and stored only if the row is still at the version read. A concurrent change makes
/// the write retry on the fresh row (or fail with `versionMismatch` when the caller named a version).
public struct UserService {
    private let repository: any UserRepository
    private static let attempts = 3

    /// Creates the service over a repository.
    public init(repository: any UserRepository) {
        self.repository = repository
    }

    /// Creates a user.
    public func create(_ profile: UserProfile) throws -> User {
        try repository.insert(profile)
    }

    /// The live user with this id, or `notFound`.
    public func user(id: Int64) throws -> User {
        guard let user = try repository.find(id: id) else { throw DomainError.notFound(resource: "user") }
        return user
    }

    /// One page of users after `afterID`, and the id to continue after when more exist.
    public func list(_ filter: UserFilter, afterID: Int64, limit: Int) throws -> (users: [User], nextAfterID: Int64?) {
        let rows = try repository.list(filter, afterID: afterID, limit: limit + 1)
        let page = Array(rows.prefix(limit))
        return (page, rows.count > limit ? page.last?.id : nil)
    }

    /// Replaces every writable field (PUT).
    public func replace(id: Int64, with profile: UserProfile, expectedVersions: Set<Int>? = nil) throws -> User {
        try modify(id: id, expectedVersions: expectedVersions) { _ in profile }
    }

    /// Applies a merge patch (PATCH).
    public func update(id: Int64, applying patch: UserPatch, expectedVersions: Set<Int>? = nil) throws -> User {
        try modify(id: id, expectedVersions: expectedVersions, patch.applied)
    }

    /// Soft-deletes the user.
    public func delete(id: Int64, expectedVersions: Set<Int>? = nil) throws {
        for _ in 0..<Self.attempts {
            let current = try currentUser(id: id, expectedVersions: expectedVersions)
            if try repository.softDelete(id: id, expectedVersion: current.version) { return }
        }
        throw DomainError.conflict(code: "users.busy", field: nil, message: "The user is being changed concurrently; retry.")
    }

    private func modify(id: Int64, expectedVersions: Set<Int>?, _ change: (UserProfile) -> UserProfile) throws -> User {
        for _ in 0..<Self.attempts {
            let current = try currentUser(id: id, expectedVersions: expectedVersions)
            let profile = change(current.profile)
            if profile == current.profile { return current }
            if let updated = try repository.update(id: id, to: profile, expectedVersion: current.version) {
                return updated
            }
        }
        throw DomainError.conflict(code: "users.busy", field: nil, message: "The user is being changed concurrently; retry.")
    }

    private func currentUser(id: Int64, expectedVersions: Set<Int>?) throws -> User {
        let current = try user(id: id)
        if let expectedVersions, !expectedVersions.contains(current.version) {
            throw DomainError.versionMismatch(current: current.version)
        }
        return current
    }
}
