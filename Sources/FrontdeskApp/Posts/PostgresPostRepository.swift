import Postgres

/// Posts and votes in PostgreSQL. Reads join live authors, so a soft-deleted user's posts vanish
/// from every read and come back when the user is restored.
public struct PostgresPostRepository: PostRepository {
    private let database: Database

    /// Creates the repository on a worker's database handle.
    public init(database: Database) {
        self.database = database
    }

    // $viewer is the last parameter of every statement that returns posts ('0' for nobody).
    private static func columns(viewer: String) -> String {
        """
        p.id, p.author_id, p.title, p.body, p.published, p.votes, p.created_at, p.updated_at, p.version,
        EXISTS (SELECT 1 FROM post_votes v WHERE v.post_id = p.id AND v.user_id = \(viewer))
        """
    }

    private static let insertStatement = Statement("posts_insert", """
        INSERT INTO posts AS p (author_id, title, body, published) VALUES ($1, $2, $3, $4)
        RETURNING \(columns(viewer: "$5"))
        """)

    public func insert(_ content: PostContent, authorID: Int64) throws -> Post {
        let result = try database.query(Self.insertStatement, [String(authorID)] + Self.parameters(content) + [String(authorID)])
        return Self.post(result, row: 0, viewerID: authorID)
    }

    private static let findStatement = Statement("posts_find", """
        SELECT \(columns(viewer: "$2")) FROM posts p
        JOIN users u ON u.id = p.author_id AND u.deleted_at IS NULL
        WHERE p.id = $1 AND p.deleted_at IS NULL
        """)

    public func find(id: Int64, viewerID: Int64?) throws -> Post? {
        let result = try database.query(Self.findStatement, [String(id), String(viewerID ?? 0)])
        return result.rowCount == 0 ? nil : Self.post(result, row: 0, viewerID: viewerID)
    }

    // Which posts a list may show, apart from the cursor. Published posts and drafts are included
    // separately: drafts of one author ($7) or, for admins, of everyone (NULL). Unused filters are NULL.
    private static let visible = """
        p.deleted_at IS NULL
          AND ($2::bigint IS NULL OR p.author_id = $2)
          AND ((p.published AND $4::boolean)
               OR (NOT p.published AND $5::boolean AND ($7::bigint IS NULL OR p.author_id = $7)))
          AND EXISTS (SELECT 1 FROM users u WHERE u.id = p.author_id AND u.deleted_at IS NULL)
        """

    private static let listStatement = Statement("posts_list", """
        SELECT \(columns(viewer: "$8")) FROM posts p
        WHERE p.id > $1 AND \(visible) AND $3::text IS NULL
        ORDER BY p.id
        LIMIT $6
        """)

    // Full-text search in keyset order, fast for common and rare terms alike. The planner has no
    // statistics for a rare term (a name, a number), and under LIMIT it walked the id index
    // testing every post: seconds at 10M posts for a term in one post. So: the next 2,000 posts
    // in id order first (a common term fills its page there), and only when they hold too few
    // hits, the hits after them through the full-text (GIN) index; `p.id + 0` keeps the planner
    // from also reading the id index over the rest of the table for that part. The two parts
    // overlap when some of the 2,000 are not visible; UNION drops the duplicates.
    private static let searchStatement = Statement("posts_search", """
        WITH head_hits AS MATERIALIZED (
            SELECT id FROM (
                SELECT p.id, p.search FROM posts p WHERE p.id > $1 AND \(visible) ORDER BY p.id LIMIT 2000
            ) head
            WHERE search @@ websearch_to_tsquery('english', $3)
            LIMIT $6
        ), hits AS (
            SELECT id FROM head_hits
            UNION
            SELECT p.id FROM posts p
            WHERE (SELECT count(*) FROM head_hits) < $6
              AND p.id + 0 > (SELECT coalesce(max(id), $1) FROM (SELECT id FROM posts WHERE id > $1 ORDER BY id LIMIT 2000) scanned)
              AND \(visible) AND p.search @@ websearch_to_tsquery('english', $3)
        )
        SELECT \(columns(viewer: "$8")) FROM posts p
        WHERE p.id IN (SELECT id FROM hits ORDER BY id LIMIT $6)
        ORDER BY p.id
        """)

    public func list(_ filter: PostFilter, afterID: Int64, limit: Int, viewerID: Int64?) throws -> [Post] {
        // Without a search or an author, the best plan is the same for every page (the id index
        // from the cursor on), so the generic one is used rather than planning each page anew.
        // With an author it is not: that author's index, which a generic plan cannot use for
        // `$2 IS NULL OR author_id = $2`.
        let isUnfiltered = filter.search == nil && filter.authorID == nil && filter.draftsAuthorID == nil
        let result = try database.query(filter.search == nil ? Self.listStatement : Self.searchStatement, [
            String(afterID), filter.authorID.map(String.init), filter.search,
            Self.boolean(filter.includesPublished), Self.boolean(filter.includesDrafts), String(limit),
            filter.draftsAuthorID.map(String.init), String(viewerID ?? 0),
        ], genericPlan: isUnfiltered)
        return (0..<result.rowCount).map { Self.post(result, row: $0, viewerID: viewerID) }
    }

    private static let updateStatement = Statement("posts_update", """
        UPDATE posts p SET title = $2, body = $3, published = $4, version = version + 1, updated_at = now()
        WHERE id = $1 AND version = $5 AND deleted_at IS NULL
        RETURNING \(columns(viewer: "$6"))
        """)

    public func update(id: Int64, to content: PostContent, expectedVersion: Int, viewerID: Int64?) throws -> Post? {
        let result = try database.query(
            Self.updateStatement, [String(id)] + Self.parameters(content) + [String(expectedVersion), String(viewerID ?? 0)])
        return result.rowCount == 0 ? nil : Self.post(result, row: 0, viewerID: viewerID)
    }

    private static let softDeletion = SoftDelete(table: "posts")

    public func softDelete(id: Int64, expectedVersion: Int) throws -> Bool {
        try Self.softDeletion.run(on: database, id: id, expectedVersion: expectedVersion)
    }

    // The count changes in the same statement as the vote row, under the post's row lock, so it
    // stays exact whatever other workers do at the same moment; a repeated vote inserts nothing.
    private static let voteStatement = Statement("posts_vote", """
        WITH added AS (
            INSERT INTO post_votes (post_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING post_id
        )
        UPDATE posts SET votes = votes + 1 WHERE id = $1 AND EXISTS (SELECT 1 FROM added)
        """)

    public func vote(postID: Int64, userID: Int64) throws {
        _ = try database.query(Self.voteStatement, [String(postID), String(userID)])
    }

    private static let unvoteStatement = Statement("posts_unvote", """
        WITH removed AS (
            DELETE FROM post_votes WHERE post_id = $1 AND user_id = $2 RETURNING post_id
        )
        UPDATE posts SET votes = votes - 1 WHERE id = $1 AND EXISTS (SELECT 1 FROM removed)
        """)

    public func unvote(postID: Int64, userID: Int64) throws {
        _ = try database.query(Self.unvoteStatement, [String(postID), String(userID)])
    }

    private static func parameters(_ content: PostContent) -> [String?] {
        [content.title, content.body, boolean(content.isPublished)]
    }

    private static func boolean(_ flag: Bool) -> String {
        flag ? "true" : "false"
    }

    private static func post(_ result: PostgresResult, row: Int, viewerID: Int64?) -> Post {
        Post(
            id: result.integer(row: row, column: 0) ?? 0,
            authorID: result.integer(row: row, column: 1) ?? 0,
            content: PostContent(
                title: result.string(row: row, column: 2) ?? "",
                body: result.string(row: row, column: 3) ?? "",
                isPublished: result.boolean(row: row, column: 4) ?? false),
            votes: Int(result.integer(row: row, column: 5) ?? 0),
            votedByMe: viewerID == nil ? nil : (result.boolean(row: row, column: 9) ?? false),
            createdAt: result.timestamp(row: row, column: 6) ?? "",
            updatedAt: result.timestamp(row: row, column: 7) ?? "",
            version: Int(result.integer(row: row, column: 8) ?? 0))
    }
}
