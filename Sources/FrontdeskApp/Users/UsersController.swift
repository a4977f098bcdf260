import HTTPCore

/// The `/api/v1/users` routes: thin handlers that decode, call `UserService`, and encode. Every
/// route needs an authenticated caller; the service decides what that caller may do.
public struct UsersController {
    /// What the handlers call; the controller is made with the memberwise `init(service:)`.
    let service: UserService
    static let basePath = "/api/v1/users"

    /// Registers every users route, in one place.
    public func register(in router: inout Router) {
        router.add("GET", Self.basePath, authenticated(list))
        router.add("POST", Self.basePath, authenticated(create))
        router.add("GET", Self.basePath + "/me", authenticated(showMe))
        router.add("PATCH", Self.basePath + "/me", authenticated(updateMe))
        router.add("GET", Self.basePath + "/{id:int}", authenticated(show))
        router.add("PUT", Self.basePath + "/{id:int}", authenticated(replace))
        router.add("PATCH", Self.basePath + "/{id:int}", authenticated(update))
        router.add("DELETE", Self.basePath + "/{id:int}", authenticated(delete))
        router.add("POST", Self.basePath + "/{id:int}/restore", authenticated(restore))
    }

    /// `GET /users?limit&cursor&role&active&q`: a keyset page, with `next_cursor` and `Link`.
    func list(_ request: Request, _ auth: AuthenticatedContext) throws -> Response {
        let (query, page, filter) = try ResourceResponses.listQuery(request, allowed: ["role", "active", "q"], filter: Self.filter)
        let (users, nextAfterID) = try service.list(filter, afterID: page.afterID, limit: page.limit, for: auth.caller)
        return ResourceResponses.page(users, nextAfterID: nextAfterID, request: request, query: query, write: UserRepresentation.write)
    }

    /// `POST /users` (admin): 201 with `Location` and `ETag`.
    func create(_ request: Request, _ auth: AuthenticatedContext) throws -> Response {
        // Decoded with an admin's field access; the service refuses anyone else with 403.
        let newUser = try UserInput.creation(from: JSONValue.parse(request.body), access: UserFieldAccess(creatingAsAdmin: true))
        let user = try service.create(newUser, by: auth.caller)
        return UserRepresentation.created(user)
    }

    /// `GET /users/{id}`: 304 when `If-None-Match` names the current version.
    func show(_ request: Request, _ auth: AuthenticatedContext) throws -> Response {
        UserRepresentation.conditional(try service.user(id: auth.context.integerParameter("id"), for: auth.caller), request)
    }

    /// `GET /users/me`: the caller's own row (its read carries the access check: one round trip).
    func showMe(_ request: Request, _ auth: AuthenticatedContext) throws -> Response {
        UserRepresentation.conditional(try service.user(id: auth.caller.id, for: auth.caller), request)
    }

    /// `PATCH /users/me`: a JSON merge patch of the caller's own profile.
    func updateMe(_ request: Request, _ auth: AuthenticatedContext) throws -> Response {
        try write(request, auth, id: auth.caller.id, decode: UserInput.patch)
    }

    /// `PUT /users/{id}`: sets every field the caller may write; honours `If-Match`.
    func replace(_ request: Request, _ auth: AuthenticatedContext) throws -> Response {
        try write(request, auth, id: auth.context.integerParameter("id"), decode: UserInput.replacement)
    }

    /// `PATCH /users/{id}`: a JSON merge patch; honours `If-Match`.
    func update(_ request: Request, _ auth: AuthenticatedContext) throws -> Response {
        try write(request, auth, id: auth.context.integerParameter("id"), decode: UserInput.patch)
    }

    /// PUT and PATCH, here and on `/users/me`: decode the body under the caller's field access,
    /// apply it to user `id` under the versions `If-Match` accepts, and answer with the result.
    func write(
        _ request: Request, _ auth: AuthenticatedContext, id: Int64,
        decode: (JSONValue, UserFieldAccess) throws(DomainError) -> UserPatch
    ) throws -> Response {
        // Before decoding, so that someone else's id is a 404 whatever the body, never a 422
        // that would tell it apart from an id that does not exist.
        guard auth.caller.mayManage(ownerID: id) else { throw DomainError.notFound(resource: "user") }
        let patch = try decode(JSONValue.parse(request.body), UserFieldAccess(caller: auth.caller, targetID: id))
        let user = try service.update(id: id, applying: patch, expectedVersions: ResourceResponses.expectedVersions(request), by: auth.caller)
        return UserRepresentation.response(user)
    }

    /// `POST /users/{id}/restore` (admin): undoes a soft delete; 200 with the user.
    func restore(_ request: Request, _ auth: AuthenticatedContext) throws -> Response {
        UserRepresentation.response(try service.restore(id: auth.context.integerParameter("id"), by: auth.caller))
    }

    /// `DELETE /users/{id}`: soft delete, 204; honours `If-Match`.
    func delete(_ request: Request, _ auth: AuthenticatedContext) throws -> Response {
        try service.delete(
            id: auth.context.integerParameter("id"),
            expectedVersions: ResourceResponses.expectedVersions(request), by: auth.caller)
        return .empty(204)
    }

    private static func filter(from query: QueryParameters) throws(APIError) -> UserFilter {
        var reader = QueryFilterReader(query)
        let filter = UserFilter(role: reader.choice("role", Role.self), isActive: reader.boolean("active"), search: reader.search("q", maxLength: 100))
        try reader.finish()
        return filter
    }
}
