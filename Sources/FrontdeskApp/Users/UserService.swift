/// The business rules for users, including who may see and change whom: no HTTP, no SQL.
///
/// Authorization: a caller sees and changes only themself unless they are an admin, and a
/// non-admin asking for anyone else gets `notFound`, so ids cannot be probed. Only admins list
/// and create users. `UserFieldAccess` says which fields each caller may write.
///
/// Writes are read-modify-write with optimistic concurrency: the new profile is computed from the
/// current row and stored only if the row is still at the version read. A concurrent change makes
/// the write retry on the fresh row (or fail with `versionMismatch` when the caller named a version).
public struct UserService {
    private let repository: any UserRepository
    private let passwords: PasswordHasher
    private static let attempts = 3

    /// Creates the service over a repository and the password hasher.
    public init(repository: any UserRepository, passwords: PasswordHasher) {
        self.repository = repository
        self.passwords = passwords
    }

    /// Creates a user with a password: admins only.
    public func create(_ newUser: NewUser, by caller: Caller) throws -> User {
        guard caller.isAdmin else { throw DomainError.forbidden(code: "users.admin_only", message: "Only admins create users.") }
        return try store(newUser)
    }

    /// Creates an account for someone registering themself: always an active `user`.
    public func register(_ newUser: NewUser) throws -> User {
        var profile = newUser.profile
        profile.role = .user
        profile.isActive = true
        return try store(NewUser(profile: profile, password: newUser.password))
    }

    /// Creates the first admin from the command line, where there is no caller yet.
    public func bootstrapAdmin(_ newUser: NewUser) throws -> User {
        var profile = newUser.profile
        profile.role = .admin
        profile.isActive = true
        return try store(NewUser(profile: profile, password: newUser.password))
    }

    /// The live user with this id, if the caller may see it; `notFound` otherwise.
    public func user(id: Int64, for caller: Caller) throws -> User {
        guard caller.mayAccessUser(id) else { throw DomainError.notFound(resource: "user") }
        return try user(id: id)
    }

    /// One page of users after `afterID`, and the id to continue after when more exist: admins only.
    public func list(_ filter: UserFilter, afterID: Int64, limit: Int, for caller: Caller) throws -> (users: [User], nextAfterID: Int64?) {
        guard caller.isAdmin else { throw DomainError.forbidden(code: "users.admin_only", message: "Only admins list users.") }
        let rows = try repository.list(filter, afterID: afterID, limit: limit + 1)
        let page = Array(rows.prefix(limit))
        return (page, rows.count > limit ? page.last?.id : nil)
    }

    /// Applies a patch (PATCH, and PUT, which sets every field the caller may write).
    public func update(id: Int64, applying patch: UserPatch, expectedVersions: Set<Int>? = nil, by caller: Caller) throws -> User {
        guard caller.mayAccessUser(id) else { throw DomainError.notFound(resource: "user") }
        try UserFieldAccess(caller: caller, targetID: id).check(patch)
        for _ in 0..<Self.attempts {
            let current = try currentUser(id: id, expectedVersions: expectedVersions)
            let profile = patch.applied(to: current.profile)
            if profile == current.profile { return current }
            if let updated = try repository.update(id: id, to: profile, expectedVersion: current.version) {
                return updated
            }
        }
        throw Self.busy
    }

    /// Soft-deletes the user: admins delete anyone, users themselves.
    public func delete(id: Int64, expectedVersions: Set<Int>? = nil, by caller: Caller) throws {
        guard caller.mayAccessUser(id) else { throw DomainError.notFound(resource: "user") }
        for _ in 0..<Self.attempts {
            let current = try currentUser(id: id, expectedVersions: expectedVersions)
            if try repository.softDelete(id: id, expectedVersion: current.version) { return }
        }
        throw Self.busy
    }

    private static let busy = DomainError.conflict(code: "users.busy", field: nil, message: "The user is being changed concurrently; retry.")

    private func store(_ newUser: NewUser) throws -> User {
        try repository.insert(newUser.profile, passwordHash: passwords.hash(newUser.password))
    }

    private func user(id: Int64) throws -> User {
        guard let user = try repository.find(id: id) else { throw DomainError.notFound(resource: "user") }
        return user
    }

    private func currentUser(id: Int64, expectedVersions: Set<Int>?) throws -> User {
        let current = try user(id: id)
        if let expectedVersions, !expectedVersions.contains(current.version) {
            throw DomainError.versionMismatch(current: current.version)
        }
        return current
    }
}
