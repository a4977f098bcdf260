/// A user account as stored.
public struct User: Sendable, Equatable, Versioned {
    /// The database id.
    public var id: Int64
    /// The writable fields.
    public var profile: UserProfile
    /// When the row was created, RFC 3339 in UTC with microseconds.
    public var createdAt: String
    /// When the row last changed, RFC 3339 in UTC with microseconds.
    public var updatedAt: String
    /// Incremented on every change; the ETag is made from it.
    public var version: Int

    /// Creates a user value.
    public init(id: Int64, profile: UserProfile, createdAt: String, updatedAt: String, version: Int) {
        self.id = id
        self.profile = profile
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
    }
}

/// What a user may be allowed to do.
public enum Role: String, Sendable, Equatable, CaseIterable {
    case user
    case admin
}

/// The fields of a user that the API writes: all of them on create and PUT, some on PATCH.
public struct UserProfile: Sendable, Equatable {
    /// The login email, unique among live users regardless of case.
    public var email: String
    /// The display name, 1-100 characters.
    public var name: String
    /// Age in years, 0-150, or unknown.
    public var age: Int?
    /// The user's role.
    public var role: Role
    /// Whether the account may be used.
    public var isActive: Bool

    /// Creates a profile.
    public init(email: String, name: String, age: Int? = nil, role: Role = .user, isActive: Bool = true) {
        self.email = email
        self.name = name
        self.age = age
        self.role = role
        self.isActive = isActive
    }
}

/// A JSON merge patch of a user's profile: nil leaves a field as it is.
public struct UserPatch: Sendable, Equatable {
    public var email: String?
    public var name: String?
    public var age: NullablePatch<Int> = .unchanged
    public var role: Role?
    public var isActive: Bool?

    /// Creates a patch; every field defaults to unchanged.
    public init(email: String? = nil, name: String? = nil, age: NullablePatch<Int> = .unchanged, role: Role? = nil, isActive: Bool? = nil) {
        self.email = email
        self.name = name
        self.age = age
        self.role = role
        self.isActive = isActive
    }

    /// The profile after this patch.
    public func applied(to profile: UserProfile) -> UserProfile {
        UserProfile(
            email: email ?? profile.email,
            name: name ?? profile.name,
            age: age.applied(to: profile.age),
            role: role ?? profile.role,
            isActive: isActive ?? profile.isActive)
    }
}

/// Which users a list shows.
public struct UserFilter: Sendable, Equatable {
    /// Only users with this role.
    public var role: Role?
    /// Only active (true) or inactive (false) users.
    public var isActive: Bool?
    /// Only users whose email or name contains this text, ignoring case.
    public var search: String?

    /// Creates a filter; nil matches everything.
    public init(role: Role? = nil, isActive: Bool? = nil, search: String? = nil) {
        self.role = role
        self.isActive = isActive
        self.search = search
    }
}
