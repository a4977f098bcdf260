import HTTPCore

/// The JSON shape of a user, written in a fixed key order with `null` for an unknown age.
/// It never contains a password or anything derived from one.
enum UserRepresentation {
    /// Writes the user as one JSON object.
    static func write(_ user: User, to json: inout JSONWriter) {
        json.object { body in
            body.field("id", user.id)
            body.field("email", user.profile.email)
            body.field("name", user.profile.name)
            body.field("age", user.profile.age)
            body.field("role", user.profile.role.rawValue)
            body.field("active", user.profile.isActive)
            body.field("created_at", user.createdAt)
            body.field("updated_at", user.updatedAt)
            body.field("version", user.version)
        }
    }

    /// A response holding the user, with its `ETag`.
    static func response(_ user: User) -> Response {
        ResourceResponses.representation(version: user.version) { write(user, to: &$0) }
    }

    /// The user, or 304 when `If-None-Match` names its version.
    static func conditional(_ user: User, _ request: Request) -> Response {
        ResourceResponses.conditional(version: user.version, request: request) { write(user, to: &$0) }
    }

    /// 201 with the new user and its `Location`.
    static func created(_ user: User) -> Response {
        ResourceResponses.created(version: user.version, location: "\(UsersController.basePath)/\(user.id)") { write(user, to: &$0) }
    }
}
