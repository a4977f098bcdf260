/// A post as stored, with its vote count and, for a known viewer, whether they voted.
public struct Post: Sendable, Equatable, Versioned {
    public var id: Int64
    public var authorID: Int64
    public var content: PostContent
    /// How many users voted for the post (exact: kept by the statement that adds or removes a vote).
    public var votes: Int
    /// Whether the viewer voted for it; nil when there is no viewer.
    public var votedByMe: Bool?
    public var createdAt: String
    public var updatedAt: String
    public var version: Int

    /// Whether `viewer` may see the post: published, or a draft of theirs (or they are an admin).
    func isVisible(to viewer: Caller?) -> Bool {
        content.isPublished || viewer?.mayManage(ownerID: authorID) == true
    }
}

/// The fields of a post that its author writes.
public struct PostContent: Sendable, Equatable {
    /// 1-200 characters, trimmed.
    public var title: String
    /// Up to 20,000 characters, kept as written.
    public var body: String
    /// Whether anyone may read it; a draft otherwise.
    public var isPublished: Bool
}

/// A JSON merge patch of a post's content: nil leaves a field as it is.
public struct PostPatch: Sendable, Equatable {
    public var title: String?
    public var body: String?
    public var isPublished: Bool?

    /// The content after this patch.
    public func applied(to content: PostContent) -> PostContent {
        PostContent(title: title ?? content.title, body: body ?? content.body, isPublished: isPublished ?? content.isPublished)
    }
}

/// Which posts a list shows.
public struct PostFilter: Sendable, Equatable {
    /// Only this author's posts.
    public var authorID: Int64?
    /// Full-text search over title and body (Postgres `websearch_to_tsquery` syntax).
    public var search: String?
    /// Include published posts.
    public var includesPublished = true
    /// Include drafts: of `draftsAuthorID`, or of everyone when that is nil (admins).
    public var includesDrafts = false
    public var draftsAuthorID: Int64?

    /// Creates a filter: published posts of everyone.
    public init(authorID: Int64? = nil, search: String? = nil) {
        self.authorID = authorID
        self.search = search
    }
}
