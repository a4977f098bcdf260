import HTTPCore

/// The validation table for user bodies: one rule per field, then what create, PUT and PATCH require.
enum UserInput {
    static let email = FieldRule<String>.string("email", length: 3...254, check: EmailAddress.problem)
    static let name = FieldRule<String>.string("name", length: 1...100)
    static let age = FieldRule<Int>.integer("age", range: 0...150)
    static let role = FieldRule<Role>.choice("role", Role.self)
    static let active = FieldRule<Bool>.boolean("active")

    static let writable: Set<String> = ["email", "name", "age", "role", "active"]
    static let readOnly: Set<String> = ["id", "created_at", "updated_at", "version"]

    /// POST: email and name required; age, role and active optional.
    static func creation(from body: JSONValue) throws(DomainError) -> UserProfile {
        var reader = ObjectReader(body, writable: writable, readOnly: readOnly)
        let email = reader.required(email)
        let name = reader.required(name)
        let age = reader.read(age)
        let role = reader.optional(role, default: .user)
        let active = reader.optional(active, default: true)
        try reader.finish()
        return UserProfile(email: email!, name: name!, age: age.value, role: role!, isActive: active!)
    }

    /// PUT: every writable field required; `age` may be null.
    static func replacement(from body: JSONValue) throws(DomainError) -> UserProfile {
        var reader = ObjectReader(body, writable: writable, readOnly: readOnly)
        let email = reader.required(email)
        let name = reader.required(name)
        let age = reader.requiredNullable(age)
        let role = reader.required(role)
        let active = reader.required(active)
        try reader.finish()
        return UserProfile(email: email!, name: name!, age: age, role: role!, isActive: active!)
    }

    /// PATCH (RFC 7396): absent fields stay, null clears `age`, null elsewhere is refused.
    static func patch(from body: JSONValue) throws(DomainError) -> UserPatch {
        var reader = ObjectReader(body, writable: writable, readOnly: readOnly)
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
