/// Something stored with a version that every change increments.
protocol Versioned {
    var version: Int { get }
}

/// Read-modify-write with optimistic concurrency, for every resource: the new value is computed
/// from the current row and stored only if the row is still at the version read. A concurrent
/// change makes the write retry on the fresh row, or fail with `versionMismatch` when the caller
/// named the versions it expects (`If-Match`).
enum OptimisticWrite {
    static let attempts = 3

    /// Changes the resource; `change` returns nil when nothing would change (no write, no new version).
    static func update<Resource: Versioned>(
        expectedVersions: Set<Int>?, busy: DomainError,
        load: () throws -> Resource, change: (Resource) throws -> Resource?, store: (Resource, Int) throws -> Resource?
    ) throws -> Resource {
        for _ in 0..<attempts {
            let current = try checked(load(), expectedVersions)
            guard let changed = try change(current) else { return current }
            if let stored = try store(changed, current.version) { return stored }
        }
        throw busy
    }

    /// Deletes the resource if it is still at the version read.
    static func delete<Resource: Versioned>(
        expectedVersions: Set<Int>?, busy: DomainError, load: () throws -> Resource, delete: (Int) throws -> Bool
    ) throws {
        for _ in 0..<attempts {
            let current = try checked(load(), expectedVersions)
            if try delete(current.version) { return }
        }
        throw busy
    }

    private static func checked<Resource: Versioned>(_ current: Resource, _ expectedVersions: Set<Int>?) throws(DomainError) -> Resource {
        if let expectedVersions, !expectedVersions.contains(current.version) {
            throw .versionMismatch(current: current.version)
        }
        return current
    }
}
