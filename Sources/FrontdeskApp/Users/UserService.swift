/// The business rules for users, including who may see and change whom: no HTTP, no SQL.
///
/// Authorization: a caller sees and changes only themself unless they are an admin, and a
/// non-admin asking for anyone else gets `notFound`, so ids cannot be probed. Only admins list
/// and create users. `UserFieldAccess` says which fields each caller may write.
///
/// Writes go through `OptimisticWrite` (read-modify-write under the row's version).
public struct UserService {
    private let repository: any UserRepository
    private let passwords: PasswordHasher

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
        try store(newUser, activeAs: .user)
    }

    /// Creates the first admin from the command line, where there is no caller yet.
    public func bootstrapAdmin(_ newUser: NewUser) throws -> User {
        try store(newUser, activeAs: .admin)
    }

    /// The live user with this id, if the caller may see it; `notFound` otherwise.
    public func user(id: Int64, for caller: Caller) throws -> User {
        guard caller.mayManage(ownerID: id) else { throw DomainError.notFound(resource: "user") }
        return try user(id: id)
    }

    /// One page of users after `afterID`, and the id to continue after when more exist: admins only.
    public func list(_ filter: UserFilter, afterID: Int64, limit: Int, for caller: Caller) throws -> (users: [User], nextAfterID: Int64?) {
        guard caller.isAdmin else { throw DomainError.forbidden(code: "users.admin_only", message: "Only admins list users.") }
        return try KeysetPage.fetch(limit: limit, id: \.id) { try repository.list(filter, afterID: afterID, limit: $0) }
    }

    /// Applies a patch (PATCH, and PUT, which sets every field the caller may write).
    public func update(id: Int64, applying patch: UserPatch, expectedVersions: Set<Int>? = nil, by caller: Caller) throws -> User {
        guard caller.mayManage(ownerID: id) else { throw DomainError.notFound(resource: "user") }
        try UserFieldAccess(caller: caller, targetID: id).check(patch)
        return try OptimisticWrite.update(
            expectedVersions: expectedVersions, busy: Self.busy,
            load: { try user(id: id) },
            change: { current in
                var changed = current
                changed.profile = patch.applied(to: current.profile)
                return changed == current ? nil : changed
            },
            store: { changed, version in try repository.update(id: id, to: changed.profile, expectedVersion: version) })
    }

    /// Soft-deletes the user: admins delete anyone, users themselves.
    public func delete(id: Int64, expectedVersions: Set<Int>? = nil, by caller: Caller) throws {
        guard caller.mayManage(ownerID: id) else { throw DomainError.notFound(resource: "user") }
        // Like demotion and deactivation (UserFieldAccess), deleting oneself as an admin needs another admin.
        if caller.isAdmin && caller.id == id {
            throw DomainError.forbidden(code: "users.admin_self_delete", message: "An admin cannot delete their own account; another admin can.")
        }
        try OptimisticWrite.delete(
            expectedVersions: expectedVersions, busy: Self.busy,
            load: { try user(id: id) }, delete: { version in try repository.softDelete(id: id, expectedVersion: version) })
    }

    /// Restores a soft-deleted user (admins only): the account, its tokens' future logins and its
    /// posts come back; 409 if the email was taken meanwhile.
    public func restore(id: Int64, by caller: Caller) throws -> User {
        guard caller.isAdmin else { throw DomainError.forbidden(code: "users.admin_only", message: "Only admins restore users.") }
        guard let user = try repository.restore(id: id) else { throw DomainError.notFound(resource: "user") }
        return user
    }

    private static let busy = DomainError.conflict(code: "users.busy", field: nil, message: "The user is being changed concurrently; retry.")

    private func store(_ newUser: NewUser) throws -> User {
        try repository.insert(newUser.profile, passwordHash: passwords.hash(newUser.password))
    }

    /// Stores an account whose role the system decides, active from the start.
    private func store(_ newUser: NewUser, activeAs role: Role) throws -> User {
        var profile = newUser.profile
        profile.role = role
        profile.isActive = true
        return try store(NewUser(profile: profile, password: newUser.password))
    }

    private func user(id: Int64) throws -> User {
        guard let user = try repository.find(id: id) else { throw DomainError.notFound(resource: "user") }
        return user
    }
}
