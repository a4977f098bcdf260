/// Storage of posts and votes. Every read hides deleted posts and posts of deleted authors.
public protocol PostRepository {
    /// Stores a new post by `authorID`.
    func insert(_ content: PostContent, authorID: Int64) throws -> Post
    /// The live post with this id (live author too), with `votedByMe` for `viewerID`.
    func find(id: Int64, viewerID: Int64?) throws -> Post?
    /// Posts matching `filter` with ids above `afterID`, in id order, at most `limit`.
    func list(_ filter: PostFilter, afterID: Int64, limit: Int, viewerID: Int64?) throws -> [Post]
    /// Writes `content` if the post is live and still at `expectedVersion`; nil otherwise.
    func update(id: Int64, to content: PostContent, expectedVersion: Int, viewerID: Int64?) throws -> Post?
    /// Marks the post deleted if it is live and still at `expectedVersion`; false otherwise.
    func softDelete(id: Int64, expectedVersion: Int) throws -> Bool
    /// Records `userID`'s vote (once, however often it is sent) and updates the count.
    func vote(postID: Int64, userID: Int64) throws
    /// Withdraws `userID`'s vote, if any, and updates the count.
    func unvote(postID: Int64, userID: Int64) throws
}
