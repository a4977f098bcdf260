import HTTPCore

/// The validation table for user bodies: one rule per field, then what each route requires.
enum UserInput {
    static let email = FieldRule<String>.string("email", length: 3...254, check: EmailAddress.problem)
    static let name = FieldRule<String>.string("name", length: 1...100)
    static let age = FieldRule<Int>.integer("age", range: 0...150)
    static let role = FieldRule<Role>.choice("role", Role.self)
    static let active = FieldRule<Bool>.boolean("active")
    static let password = FieldRule<String>.password("password")

    static let readOnly: Set<String> = ["id", "created_at", "updated_at", "version", "password_hash"]

    /// `POST /users` (admin) and `POST /auth/register`: email, password and name required, age
    /// optional; role and active optional where `access` allows them, refused otherwise.
    static func creation(from body: JSONValue, access: UserFieldAccess) throws(DomainError) -> NewUser {
        let refused = access.mayWriteRoleAndActive ? [:] : ["role": "can only be set by an admin", "active": "can only be set by an admin"]
        var reader = ObjectReader(body, writable: access.writableFields.union(["password"]), readOnly: readOnly, refused: refused)
        let email = reader.required(email)
        let password = reader.required(password)
        let name = reader.required(name)
        let age = reader.read(age)
        var role: Role? = .user
        var active: Bool? = true
        if access.mayWriteRoleAndActive {
            role = reader.optional(Self.role, default: .user)
            active = reader.optional(Self.active, default: true)
        }
        if let email, let password, password.lowercased() == email.lowercased() {
            reader.fail("password", "must not be the same as the email")
        }
        try reader.finish()
        return NewUser(profile: UserProfile(email: email!, name: name!, age: age.value, role: role!, isActive: active!), password: password!)
    }

    /// PUT: every field `access` lets the caller write is required (`age` may be null); the
    /// result is a patch that sets each of them.
    static func replacement(from body: JSONValue, access: UserFieldAccess) throws(DomainError) -> UserPatch {
        var reader = ObjectReader(body, writable: access.writableFields, readOnly: readOnly, refused: access.refusedFields)
        var patch = UserPatch(name: reader.required(name))
        if access.mayWriteEmail { patch.email = reader.required(email) }
        let age = reader.requiredNullable(age)
        if access.mayWriteRoleAndActive {
            patch.role = reader.required(role)
            patch.isActive = reader.required(active)
        }
        try reader.finish()
        patch.age = age.map { .set($0) } ?? .clear
        return patch
    }

    /// PATCH (RFC 7396): absent fields stay, null clears `age`, null elsewhere is refused.
    static func patch(from body: JSONValue, access: UserFieldAccess) throws(DomainError) -> UserPatch {
        var reader = ObjectReader(body, writable: access.writableFields, readOnly: readOnly, refused: access.refusedFields)
        var patch = UserPatch(email: reader.patch(email), name: reader.patch(name))
        switch reader.read(age) {
        case .value(let value): patch.age = .set(value)
        case .null: patch.age = .clear
        case .absent, .invalid: break
        }
        patch.role = reader.patch(role)
        patch.isActive = reader.patch(active)
        try reader.finish()
        return patch
    }
}

/// A user to create, with the password to hash for them.
public struct NewUser: Sendable {
    /// The profile to store.
    public var profile: UserProfile
    /// The password as given; never stored or logged.
    public var password: String

    /// Creates the value.
    public init(profile: UserProfile, password: String) {
        self.profile = profile
        self.password = password
    }
}
