/// The business rules for posts: no HTTP, no SQL.
///
/// Anyone reads published posts; a draft is seen only by its author and admins, and is a 404 to
/// anyone else. Only the author or an admin changes or deletes a post (403 for other readers of a
/// published one). The author of a new post is always the caller. Writes go through
/// `OptimisticWrite` like every resource's.
public struct PostService {
    private let repository: any PostRepository
    private let users: any UserRepository

    /// Creates the service over the posts and users repositories.
    public init(repository: any PostRepository, users: any UserRepository) {
        self.repository = repository
        self.users = users
    }

    private static let busy = DomainError.conflict(code: "posts.busy", field: nil, message: "The post is being changed concurrently; retry.")

    /// Creates a post by the caller.
    public func create(_ content: PostContent, by caller: Caller) throws -> Post {
        try repository.insert(content, authorID: caller.id)
    }

    /// The post, if `viewer` may see it.
    public func post(id: Int64, for viewer: Caller?) throws -> Post {
        guard let post = try repository.find(id: id, viewerID: viewer?.id), post.isVisible(to: viewer) else {
            throw DomainError.notFound(resource: "post")
        }
        return post
    }

    /// A page of posts. `published` nil or true lists published posts; false lists drafts the
    /// viewer may see (their own; an admin's include everyone's), which needs a viewer.
    public func list(
        authorID: Int64?, search: String?, published: Bool?, afterID: Int64, limit: Int, for viewer: Caller?
    ) throws -> (posts: [Post], nextAfterID: Int64?) {
        var filter = PostFilter(authorID: authorID, search: search)
        if published == false {
            guard let viewer else { throw DomainError.unauthenticated(.missingToken) }
            filter.includesPublished = false
            filter.includesDrafts = true
            filter.draftsAuthorID = viewer.isAdmin ? nil : viewer.id
        }
        return try page(filter, afterID: afterID, limit: limit, viewer: viewer)
    }

    /// A page of one user's posts (`/users/{id}/posts`): published ones for anyone, and drafts too
    /// for the user and admins; `notFound` when the user is deleted or unknown.
    public func list(
        byAuthor authorID: Int64, search: String?, published: Bool?, afterID: Int64, limit: Int, for viewer: Caller?
    ) throws -> (posts: [Post], nextAfterID: Int64?) {
        guard try users.find(id: authorID) != nil else { throw DomainError.notFound(resource: "user") }
        var filter = PostFilter(authorID: authorID, search: search)
        filter.includesPublished = published != false
        filter.includesDrafts = published != true && viewer?.mayManage(ownerID: authorID) == true
        filter.draftsAuthorID = authorID
        return try page(filter, afterID: afterID, limit: limit, viewer: viewer)
    }

    /// Applies a patch (PATCH, and PUT, which sets every field).
    public func update(id: Int64, applying patch: PostPatch, expectedVersions: Set<Int>? = nil, by caller: Caller) throws -> Post {
        try OptimisticWrite.update(
            expectedVersions: expectedVersions, busy: Self.busy,
            load: { try editablePost(id: id, by: caller) },
            change: { current in
                var changed = current
                changed.content = patch.applied(to: current.content)
                return changed == current ? nil : changed
            },
            store: { changed, version in try repository.update(id: id, to: changed.content, expectedVersion: version, viewerID: caller.id) })
    }

    /// Soft-deletes the post.
    public func delete(id: Int64, expectedVersions: Set<Int>? = nil, by caller: Caller) throws {
        try OptimisticWrite.delete(
            expectedVersions: expectedVersions, busy: Self.busy,
            load: { try editablePost(id: id, by: caller) },
            delete: { version in try repository.softDelete(id: id, expectedVersion: version) })
    }

    /// Records the caller's vote (idempotent) and returns the post as they now see it.
    public func vote(id: Int64, by caller: Caller) throws -> Post {
        _ = try post(id: id, for: caller)
        try repository.vote(postID: id, userID: caller.id)
        return try post(id: id, for: caller)
    }

    /// Withdraws the caller's vote, if any, and returns the post as they now see it.
    public func unvote(id: Int64, by caller: Caller) throws -> Post {
        _ = try post(id: id, for: caller)
        try repository.unvote(postID: id, userID: caller.id)
        return try post(id: id, for: caller)
    }

    private func editablePost(id: Int64, by caller: Caller) throws -> Post {
        let post = try post(id: id, for: caller)
        guard caller.mayManage(ownerID: post.authorID) else {
            throw DomainError.forbidden(code: "posts.not_author", message: "Only the post's author or an admin may change it.")
        }
        return post
    }

    private func page(_ filter: PostFilter, afterID: Int64, limit: Int, viewer: Caller?) throws -> (posts: [Post], nextAfterID: Int64?) {
        try KeysetPage.fetch(limit: limit, id: \.id) { try repository.list(filter, afterID: afterID, limit: $0, viewerID: viewer?.id) }
    }
}
