import HTTPCore

/// The JSON shape of a post, in a fixed key order; `voted_by_me` appears for a known viewer only.
enum PostRepresentation {
    /// Writes the post as one JSON object.
    static func write(_ post: Post, to json: inout JSONWriter) {
        json.object { body in
            body.field("id", post.id)
            body.field("author_id", post.authorID)
            body.field("title", post.content.title)
            body.field("body", post.content.body)
            body.field("published", post.content.isPublished)
            body.field("votes", post.votes)
            if let voted = post.votedByMe { body.field("voted_by_me", voted) }
            body.field("created_at", post.createdAt)
            body.field("updated_at", post.updatedAt)
            body.field("version", post.version)
        }
    }
}
