import HTTPCore

/// The `/api/v1/users` routes: thin handlers that decode, call `UserService`, and encode.
public struct UsersController {
    private let service: UserService
    static let basePath = "/api/v1/users"

    /// Creates the controller over the service.
    public init(service: UserService) {
        self.service = service
    }

    /// Registers every users route, in one place.
    public func register(in router: inout Router) {
        router.add("GET", Self.basePath, list)
        router.add("POST", Self.basePath, create)
        router.add("GET", Self.basePath + "/{id:int}", show)
        router.add("PUT", Self.basePath + "/{id:int}", replace)
        router.add("PATCH", Self.basePath + "/{id:int}", update)
        router.add("DELETE", Self.basePath + "/{id:int}", delete)
    }

    private static let listParameters: Set<String> = ["limit", "cursor", "role", "active", "q"]

    /// `GET /users?limit&cursor&role&active&q`: a keyset page, with `next_cursor` and `Link`.
    func list(_ request: Request, _ context: RequestContext) throws -> Response {
        let query = try QueryParameters(parsing: request.queryString)
        try query.rejectUnknown(allowed: Self.listParameters)
        let (page, filter) = try APIError.combiningBadQueries(try PageRequest(query: query), try Self.filter(from: query))
        let (users, nextAfterID) = try service.list(filter, afterID: page.afterID, limit: page.limit)
        let nextCursor = nextAfterID.map { PageRequest.encodeCursor(afterID: $0) }
        var json = JSONWriter()
        json.object { body in
            body.key("items")
            body.array { items in
                for user in users { UserRepresentation.write(user, to: &items) }
            }
            body.field("next_cursor", nextCursor)
        }
        var headers: [HeaderField] = []
        if let nextCursor {
            headers.append(HeaderField("Link", PageRequest.nextLink(path: request.path, query: query, cursor: nextCursor)))
        }
        return .json(200, json.bytes, headers: headers)
    }

    /// `POST /users`: 201 with `Location` and `ETag`.
    func create(_ request: Request, _ context: RequestContext) throws -> Response {
        let profile = try UserInput.creation(from: JSONValue.parse(request.body))
        let user = try service.create(profile)
        return UserRepresentation.response(user, status: 201, extraHeaders: [HeaderField("Location", "\(Self.basePath)/\(user.id)")])
    }

    /// `GET /users/{id}`: 304 when `If-None-Match` names the current version.
    func show(_ request: Request, _ context: RequestContext) throws -> Response {
        let user = try service.user(id: context.integerParameter("id"))
        if EntityTag.ifNoneMatch(request.header("if-none-match"), matchesVersion: user.version) {
            return .empty(304, headers: [HeaderField("ETag", EntityTag.make(version: user.version))])
        }
        return UserRepresentation.response(user)
    }

    /// `PUT /users/{id}`: replaces every writable field; honours `If-Match`.
    func replace(_ request: Request, _ context: RequestContext) throws -> Response {
        try write(request, context, decode: UserInput.replacement, apply: service.replace(id:with:expectedVersions:))
    }

    /// `PATCH /users/{id}`: a JSON merge patch; honours `If-Match`.
    func update(_ request: Request, _ context: RequestContext) throws -> Response {
        try write(request, context, decode: UserInput.patch, apply: service.update(id:applying:expectedVersions:))
    }

    /// PUT and PATCH: decode the body, apply it to the user named in the path under the versions
    /// `If-Match` accepts, and answer with the result.
    private func write<Input>(
        _ request: Request, _ context: RequestContext,
        decode: (JSONValue) throws(DomainError) -> Input,
        apply: (Int64, Input, Set<Int>?) throws -> User
    ) throws -> Response {
        let input = try decode(JSONValue.parse(request.body))
        let user = try apply(context.integerParameter("id"), input, EntityTag.acceptedVersions(ifMatch: request.header("if-match")))
        return UserRepresentation.response(user)
    }

    /// `DELETE /users/{id}`: soft delete, 204; honours `If-Match`.
    func delete(_ request: Request, _ context: RequestContext) throws -> Response {
        try service.delete(
            id: context.integerParameter("id"),
            expectedVersions: EntityTag.acceptedVersions(ifMatch: request.header("if-match")))
        return .empty(204)
    }

    private static func filter(from query: QueryParameters) throws(APIError) -> UserFilter {
        var filter = UserFilter()
        var errors: [FieldError] = []
        if let role = query["role"] {
            filter.role = Role(rawValue: role)
            if filter.role == nil { errors.append(FieldError(field: "role", message: "must be one of: user, admin")) }
        }
        if let active = query["active"] {
            filter.isActive = ["true": true, "false": false][active]
            if filter.isActive == nil { errors.append(FieldError(field: "active", message: "must be true or false")) }
        }
        if let search = query["q"] {
            if (1...100).contains(search.unicodeScalars.count) {
                filter.search = search
            } else {
                errors.append(FieldError(field: "q", message: "must be 1 to 100 characters long"))
            }
        }
        if !errors.isEmpty { throw .badQuery(errors) }
        return filter
    }
}
