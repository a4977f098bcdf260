import HTTPCore

/// The validation table for post bodies.
enum PostInput {
    static let title = FieldRule<String>.string("title", length: 1...200)
    static let body = FieldRule<String>.text("body", maxLength: 20_000)
    static let published = FieldRule<Bool>.boolean("published")

    static let writable: Set<String> = ["title", "body", "published"]
    static let readOnly: Set<String> = ["id", "author_id", "votes", "voted_by_me", "created_at", "updated_at", "version"]

    /// POST: title required; body (default empty) and published (default false, a draft) optional.
    /// `author_id` is read-only: the author is always the caller.
    static func creation(from body: JSONValue) throws(DomainError) -> PostContent {
        var reader = ObjectReader(body, writable: writable, readOnly: readOnly)
        let title = reader.required(title)
        let text = reader.optional(Self.body, default: "")
        let published = reader.optional(published, default: false)
        try reader.finish()
        return PostContent(title: title!, body: text!, isPublished: published!)
    }

    /// PUT: every field required; the result sets each of them.
    static func replacement(from body: JSONValue) throws(DomainError) -> PostPatch {
        var reader = ObjectReader(body, writable: writable, readOnly: readOnly)
        let patch = PostPatch(title: reader.required(title), body: reader.required(Self.body), isPublished: reader.required(published))
        try reader.finish()
        return patch
    }

    /// PATCH (RFC 7396): absent fields stay; null is refused (no field of a post is nullable).
    static func patch(from body: JSONValue) throws(DomainError) -> PostPatch {
        var reader = ObjectReader(body, writable: writable, readOnly: readOnly)
        let patch = PostPatch(title: reader.patch(title), body: reader.patch(Self.body), isPublished: reader.patch(published))
        try reader.finish()
        return patch
    }
}
