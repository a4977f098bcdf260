import FrontdeskApp
import HTTPCore
import Testing

/// An in-memory repository for service rules; it can simulate a concurrent writer.
final class InMemoryUserRepository: UserRepository {
    var users: [Int64: User] = [:]
    var deleted: Set<Int64> = []
    /// Called before each update, to let a test change the row underneath the service.
    var beforeUpdate: (() -> Void)?

    func insert(_ profile: UserProfile) throws -> User {
        if users.values.contains(where: { !deleted.contains($0.id) && $0.profile.email.lowercased() == profile.email.lowercased() }) {
            throw DomainError.conflict(code: "users.email_taken", field: "email", message: "is already used by another user")
        }
        let user = User(id: Int64(users.count + 1), profile: profile, createdAt: "now", updatedAt: "now", version: 1)
        users[user.id] = user
        return user
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

    func softDelete(id: Int64, expectedVersion: Int) throws -> Bool {
        guard let user = users[id], !deleted.contains(id), user.version == expectedVersion else { return false }
        deleted.insert(id)
        return true
    }
}

@Suite("UserService rules")
struct UserServiceTests {
    let repository = InMemoryUserRepository()
    var service: UserService { UserService(repository: repository) }

    @Test("a patch changes only the fields it names")
    func patchMerges() throws {
        let user = try service.create(UserProfile(email: "a@example.com", name: "A", age: 30))
        let updated = try service.update(id: user.id, applying: UserPatch(name: "B"))
        #expect(updated.profile == UserProfile(email: "a@example.com", name: "B", age: 30))
        #expect(updated.version == 2)
        let cleared = try service.update(id: user.id, applying: UserPatch(age: .clear))
        #expect(cleared.profile.age == nil)
    }

    @Test("a patch that changes nothing does not bump the version")
    func noOpPatch() throws {
        let user = try service.create(UserProfile(email: "a@example.com", name: "A"))
        #expect(try service.update(id: user.id, applying: UserPatch(name: "A")).version == 1)
    }

    @Test("an expected version that is not current fails without writing")
    func versionMismatch() throws {
        let user = try service.create(UserProfile(email: "a@example.com", name: "A"))
        #expect(throws: DomainError.versionMismatch(current: 1)) {
            try service.replace(id: user.id, with: UserProfile(email: "a@example.com", name: "Z"), expectedVersions: [7])
        }
        #expect(repository.users[user.id]?.profile.name == "A")
        #expect(throws: DomainError.versionMismatch(current: 1)) { try service.delete(id: user.id, expectedVersions: [2]) }
    }

    @Test("a concurrent change is merged into, not overwritten")
    func concurrentChange() throws {
        let user = try service.create(UserProfile(email: "a@example.com", name: "A", age: 1))
        var interfered = false
        repository.beforeUpdate = { [repository] in
            guard !interfered else { return }
            interfered = true
            repository.users[user.id]?.profile.age = 99
            repository.users[user.id]?.version += 1
        }
        let updated = try service.update(id: user.id, applying: UserPatch(name: "B"))
        #expect(updated.profile.name == "B")
        #expect(updated.profile.age == 99)
        #expect(updated.version == 3)
    }

    @Test("a concurrent change fails a conditional write with versionMismatch")
    func concurrentChangeWithIfMatch() throws {
        let user = try service.create(UserProfile(email: "a@example.com", name: "A"))
        repository.beforeUpdate = { [repository] in repository.users[user.id]?.version += 1 }
        #expect(throws: DomainError.self) { try service.update(id: user.id, applying: UserPatch(name: "B"), expectedVersions: [1]) }
    }

    @Test("lists report where the next page starts only when there is one")
    func paging() throws {
        for index in 1...5 { _ = try service.create(UserProfile(email: "u\(index)@example.com", name: "U")) }
        let first = try service.list(UserFilter(), afterID: 0, limit: 2)
        #expect(first.users.map(\.id) == [1, 2])
        #expect(first.nextAfterID == 2)
        let last = try service.list(UserFilter(), afterID: 4, limit: 2)
        #expect(last.users.map(\.id) == [5])
        #expect(last.nextAfterID == nil)
    }

    @Test("deleted users are not found")
    func deletion() throws {
        let user = try service.create(UserProfile(email: "a@example.com", name: "A"))
        try service.delete(id: user.id)
        #expect(throws: DomainError.notFound(resource: "user")) { try service.user(id: user.id) }
        #expect(throws: DomainError.notFound(resource: "user")) { try service.delete(id: user.id) }
    }
}
