import HTTPCore

/// The `/api/v1/posts` routes and `/api/v1/users/{id}/posts`: thin handlers over `PostService`,
/// with the HTTP semantics every resource shares from `ResourceResponses`.
public struct PostsController {
    /// What the handlers call; the controller is made with the memberwise `init(service:)`.
    let service: PostService
    static let basePath = "/api/v1/posts"

    /// Registers every posts route, in one place.
    public func register(in router: inout Router) {
        router.add("GET", Self.basePath, list)
        router.add("POST", Self.basePath, authenticated(create))
        router.add("GET", Self.basePath + "/{id:int}", show)
        router.add("PUT", Self.basePath + "/{id:int}", authenticated(replace))
        router.add("PATCH", Self.basePath + "/{id:int}", authenticated(update))
        router.add("DELETE", Self.basePath + "/{id:int}", authenticated(delete))
        router.add("PUT", Self.basePath + "/{id:int}/vote", authenticated(vote))
        router.add("DELETE", Self.basePath + "/{id:int}/vote", authenticated(unvote))
        router.add("GET", UsersController.basePath + "/{id:int}/posts", listByAuthor)
    }

    /// `GET /posts?author_id&q&published&limit&cursor`: published posts, or the caller's drafts.
    func list(_ request: Request, _ context: RequestContext) throws -> Response {
        let (query, page, filter) = try ResourceResponses.listQuery(request, allowed: ["author_id", "q", "published"], filter: Self.filter)
        let (posts, next) = try service.list(
            authorID: filter.authorID, search: filter.search, published: filter.published,
            afterID: page.afterID, limit: page.limit, for: context.optionalCaller)
        return ResourceResponses.page(posts, nextAfterID: next, request: request, query: query, write: PostRepresentation.write)
    }

    /// `GET /users/{id}/posts?q&published&limit&cursor`: one user's posts (drafts for them and admins).
    func listByAuthor(_ request: Request, _ context: RequestContext) throws -> Response {
        let (query, page, filter) = try ResourceResponses.listQuery(request, allowed: ["q", "published"], filter: Self.filter)
        let (posts, next) = try service.list(
            byAuthor: context.integerParameter("id"), search: filter.search, published: filter.published,
            afterID: page.afterID, limit: page.limit, for: context.optionalCaller)
        return ResourceResponses.page(posts, nextAfterID: next, request: request, query: query, write: PostRepresentation.write)
    }

    /// `POST /posts`: 201 with `Location`; the author is the caller.
    func create(_ request: Request, _ auth: AuthenticatedContext) throws -> Response {
        let post = try service.create(PostInput.creation(from: JSONValue.parse(request.body)), by: auth.caller)
        return ResourceResponses.created(version: post.version, location: "\(Self.basePath)/\(post.id)") { PostRepresentation.write(post, to: &$0) }
    }

    /// `GET /posts/{id}`: 304 when `If-None-Match` names the current version.
    func show(_ request: Request, _ context: RequestContext) throws -> Response {
        let post = try service.post(id: context.integerParameter("id"), for: context.optionalCaller)
        return ResourceResponses.conditional(version: post.version, request: request) { PostRepresentation.write(post, to: &$0) }
    }

    /// `PUT /posts/{id}`: every field required; honours `If-Match`.
    func replace(_ request: Request, _ auth: AuthenticatedContext) throws -> Response {
        try write(request, auth, decode: PostInput.replacement)
    }

    /// `PATCH /posts/{id}`: a JSON merge patch; honours `If-Match`.
    func update(_ request: Request, _ auth: AuthenticatedContext) throws -> Response {
        try write(request, auth, decode: PostInput.patch)
    }

    private func write(_ request: Request, _ auth: AuthenticatedContext, decode: (JSONValue) throws(DomainError) -> PostPatch) throws -> Response {
        let patch = try decode(JSONValue.parse(request.body))
        let post = try service.update(
            id: auth.context.integerParameter("id"), applying: patch,
            expectedVersions: ResourceResponses.expectedVersions(request), by: auth.caller)
        return ResourceResponses.representation(version: post.version) { PostRepresentation.write(post, to: &$0) }
    }

    /// `DELETE /posts/{id}`: soft delete, 204; honours `If-Match`.
    func delete(_ request: Request, _ auth: AuthenticatedContext) throws -> Response {
        try service.delete(id: auth.context.integerParameter("id"), expectedVersions: ResourceResponses.expectedVersions(request), by: auth.caller)
        return .empty(204)
    }

    /// `PUT /posts/{id}/vote`: the caller votes (idempotent); 200 with the post.
    func vote(_ request: Request, _ auth: AuthenticatedContext) throws -> Response {
        let post = try service.vote(id: auth.context.integerParameter("id"), by: auth.caller)
        return ResourceResponses.representation(version: post.version) { PostRepresentation.write(post, to: &$0) }
    }

    /// `DELETE /posts/{id}/vote`: the caller's vote is withdrawn; 200 with the post.
    func unvote(_ request: Request, _ auth: AuthenticatedContext) throws -> Response {
        let post = try service.unvote(id: auth.context.integerParameter("id"), by: auth.caller)
        return ResourceResponses.representation(version: post.version) { PostRepresentation.write(post, to: &$0) }
    }

    private struct ListFilter {
        var authorID: Int64?
        var search: String?
        var published: Bool?
    }

    private static func filter(from query: QueryParameters) throws(APIError) -> ListFilter {
        var reader = QueryFilterReader(query)
        let filter = ListFilter(authorID: reader.id("author_id"), search: reader.search("q", maxLength: 200), published: reader.boolean("published"))
        try reader.finish()
        return filter
    }
}
