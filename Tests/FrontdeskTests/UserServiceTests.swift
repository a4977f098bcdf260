import FrontdeskApp
import HTTPCore
import Testing

/// An in-memory repository for service rules; it can simulate a concurrent writer.
final class InMemoryUserRepository: UserRepository {
    var users: [Int64: User] = [:]
    var deleted: Set<Int64> = []
    /// Called before each update, to let a test change the row underneath the service.
    var beforeUpdate: (() -> Void)?

    var passwordHashes: [Int64: String] = [:]

    func insert(_ profile: UserProfile, passwordHash: String?) throws -> User {
        if users.values.contains(where: { !deleted.contains($0.id) && $0.profile.email.lowercased() == profile.email.lowercased() }) {
            throw DomainError.conflict(code: "users.email_taken", field: "email", message: "is already used by another user")
        }
        let user = User(id: Int64(users.count + 1), profile: profile, createdAt: "now", updatedAt: "now", version: 1)
        users[user.id] = user
        passwordHashes[user.id] = passwordHash
        return user
    }

    func credentials(email: String) throws -> Credentials? {
        users.values.first { !deleted.contains($0.id) && $0.profile.email.lowercased() == email.lowercased() }
            .map { Credentials(user: $0, passwordHash: passwordHashes[$0.id]) }
    }

    func setPasswordHash(id: Int64, to hash: String) throws -> Bool {
        guard users[id] != nil, !deleted.contains(id) else { return false }
        passwordHashes[id] = hash
        return true
    }

    func find(id: Int64) throws -> User? {
        deleted.contains(id) ? nil : users[id]
    }

    func list(_ filter: UserFilter, afterID: Int64, limit: Int) throws -> [User] {
        Array(users.values.filter { $0.id > afterID && !deleted.contains($0.id) }.sorted { $0.id < $1.id }.prefix(limit))
    }

    func update(id: Int64, to profile: UserProfile, expectedVersion: Int) throws -> User? {
        beforeUpdate?()
        guard var user = users[id], !deleted.contains(id), user.version == expectedVersion else { return nil }
        user.profile = profile
        user.version += 1
        users[id] = user
        return user
    }

    func restore(id: Int64) throws -> User? {
        guard users[id] != nil, deleted.contains(id) else { return nil }
        deleted.remove(id)
        return users[id]
    }

    func softDelete(id: Int64, expectedVersion: Int) throws -> Bool {
        guard let user = users[id], !deleted.contains(id), user.version == expectedVersion else { return false }
        deleted.insert(id)
        return true
    }
}

@Suite("UserService rules")
struct UserServiceTests {
    let repository = InMemoryUserRepository()
    var service: UserService { UserService(repository: repository, passwords: PasswordHasher(parameters: .init(memoryKiB: 64, iterations: 1, parallelism: 1))) }
    let admin = Caller(id: 999, role: .admin)

    private func create(_ profile: UserProfile) throws -> User {
        try service.create(NewUser(profile: profile, password: "correct horse"), by: admin)
    }

    @Test("a patch changes only the fields it names")
    func patchMerges() throws {
        let user = try create(UserProfile(email: "a@example.com", name: "A", age: 30))
        let updated = try service.update(id: user.id, applying: UserPatch(name: "B"), by: admin)
        #expect(updated.profile == UserProfile(email: "a@example.com", name: "B", age: 30))
        #expect(updated.version == 2)
        let cleared = try service.update(id: user.id, applying: UserPatch(age: .clear), by: admin)
        #expect(cleared.profile.age == nil)
    }

    @Test("a patch that changes nothing does not bump the version")
    func noOpPatch() throws {
        let user = try create(UserProfile(email: "a@example.com", name: "A"))
        #expect(try service.update(id: user.id, applying: UserPatch(name: "A"), by: admin).version == 1)
    }

    @Test("an expected version that is not current fails without writing")
    func versionMismatch() throws {
        let user = try create(UserProfile(email: "a@example.com", name: "A"))
        #expect(throws: DomainError.versionMismatch(current: 1)) {
            try service.update(id: user.id, applying: UserPatch(name: "Z"), expectedVersions: [7], by: admin)
        }
        #expect(repository.users[user.id]?.profile.name == "A")
        #expect(throws: DomainError.versionMismatch(current: 1)) { try service.delete(id: user.id, expectedVersions: [2], by: admin) }
    }

    @Test("a concurrent change is merged into, not overwritten")
    func concurrentChange() throws {
        let user = try create(UserProfile(email: "a@example.com", name: "A", age: 1))
        var interfered = false
        repository.beforeUpdate = { [repository] in
            guard !interfered else { return }
            interfered = true
            repository.users[user.id]?.profile.age = 99
            repository.users[user.id]?.version += 1
        }
        let updated = try service.update(id: user.id, applying: UserPatch(name: "B"), by: admin)
        #expect(updated.profile.name == "B")
        #expect(updated.profile.age == 99)
        #expect(updated.version == 3)
    }

    @Test("a concurrent change fails a conditional write with versionMismatch")
    func concurrentChangeWithIfMatch() throws {
        let user = try create(UserProfile(email: "a@example.com", name: "A"))
        repository.beforeUpdate = { [repository] in repository.users[user.id]?.version += 1 }
        #expect(throws: DomainError.self) { try service.update(id: user.id, applying: UserPatch(name: "B"), expectedVersions: [1], by: admin) }
    }

    @Test("lists report where the next page starts only when there is one")
    func paging() throws {
        for index in 1...5 { _ = try create(UserProfile(email: "u\(index)@example.com", name: "U")) }
        let first = try service.list(UserFilter(), afterID: 0, limit: 2, for: admin)
        #expect(first.users.map(\.id) == [1, 2])
        #expect(first.nextAfterID == 2)
        let last = try service.list(UserFilter(), afterID: 4, limit: 2, for: admin)
        #expect(last.users.map(\.id) == [5])
        #expect(last.nextAfterID == nil)
    }

    @Test("deleted users are not found")
    func deletion() throws {
        let user = try create(UserProfile(email: "a@example.com", name: "A"))
        try service.delete(id: user.id, by: admin)
        #expect(throws: DomainError.notFound(resource: "user")) { try service.user(id: user.id, for: admin) }
        #expect(throws: DomainError.notFound(resource: "user")) { try service.delete(id: user.id, by: admin) }
    }

    @Test("a user sees and changes only themself; anyone else is not found")
    func ownership() throws {
        let alice = try create(UserProfile(email: "alice@example.com", name: "Alice"))
        let bob = try create(UserProfile(email: "bob@example.com", name: "Bob"))
        let asAlice = Caller(id: alice.id, role: .user)
        #expect(try service.user(id: alice.id, for: asAlice) == alice)
        #expect(throws: DomainError.notFound(resource: "user")) { try service.user(id: bob.id, for: asAlice) }
        #expect(throws: DomainError.notFound(resource: "user")) { try service.update(id: bob.id, applying: UserPatch(name: "X"), by: asAlice) }
        #expect(throws: DomainError.notFound(resource: "user")) { try service.delete(id: bob.id, by: asAlice) }
        #expect(repository.users[bob.id]?.profile.name == "Bob")
        #expect(try service.update(id: bob.id, applying: UserPatch(name: "Robert"), by: admin).profile.name == "Robert")
    }

    @Test("only admins list and create users")
    func adminOnly() throws {
        let user = Caller(id: 1, role: .user)
        #expect(throws: DomainError.forbidden(code: "users.admin_only", message: "Only admins list users.")) {
            try service.list(UserFilter(), afterID: 0, limit: 10, for: user)
        }
        #expect(throws: DomainError.self) {
            try service.create(NewUser(profile: UserProfile(email: "c@example.com", name: "C"), password: "whatever1"), by: user)
        }
        #expect(repository.users.isEmpty)
    }

    @Test("mass assignment: no one makes themself admin, no one changes another user's email")
    func fieldAccess() throws {
        let alice = try create(UserProfile(email: "alice@example.com", name: "Alice"))
        let asAlice = Caller(id: alice.id, role: .user)
        #expect(throws: DomainError.invalid([FieldError(field: "role", message: "can only be changed by an admin")])) {
            try service.update(id: alice.id, applying: UserPatch(role: .admin), by: asAlice)
        }
        #expect(throws: DomainError.self) { try service.update(id: alice.id, applying: UserPatch(isActive: false), by: asAlice) }
        #expect(throws: DomainError.invalid([FieldError(field: "email", message: "can only be changed by the account's owner")])) {
            try service.update(id: alice.id, applying: UserPatch(email: "mine@example.com"), by: admin)
        }
        #expect(repository.users[alice.id]?.profile == alice.profile)
        #expect(try service.update(id: alice.id, applying: UserPatch(email: "alice2@example.com"), by: asAlice).profile.email == "alice2@example.com")
        #expect(try service.update(id: alice.id, applying: UserPatch(role: .admin), by: admin).profile.role == .admin)
    }

    @Test("an admin cannot demote, deactivate or delete themself; another admin can")
    func adminSelfLockout() throws {
        let root = try create(UserProfile(email: "root@example.com", name: "Root", role: .admin))
        let asRoot = Caller(id: root.id, role: .admin)
        #expect(throws: DomainError.invalid([
            FieldError(field: "role", message: "an admin cannot remove their own admin role; another admin can"),
            FieldError(field: "active", message: "an admin cannot deactivate themself; another admin can"),
        ])) {
            try service.update(id: root.id, applying: UserPatch(role: .user, isActive: false), by: asRoot)
        }
        #expect(throws: DomainError.forbidden(code: "users.admin_self_delete", message: "An admin cannot delete their own account; another admin can.")) {
            try service.delete(id: root.id, by: asRoot)
        }
        #expect(repository.users[root.id]?.profile == root.profile)
        #expect(!repository.deleted.contains(root.id))
        #expect(try service.update(id: root.id, applying: UserPatch(name: "Still root"), by: asRoot).profile.name == "Still root")
        #expect(try service.update(id: root.id, applying: UserPatch(role: .user), by: admin).profile.role == .user)
        try service.delete(id: root.id, by: admin)
        #expect(repository.deleted.contains(root.id))
    }

    @Test("registration always makes an active user and stores only a hash")
    func registration() throws {
        let user = try service.register(NewUser(profile: UserProfile(email: "d@example.com", name: "D", role: .admin, isActive: false), password: "secret password"))
        #expect(user.profile.role == .user)
        #expect(user.profile.isActive)
        let hash = try #require(repository.passwordHashes[user.id])
        #expect(hash.hasPrefix("$argon2id$"))
        #expect(!hash.contains("secret password"))
    }
}
