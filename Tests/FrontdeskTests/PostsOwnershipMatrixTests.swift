import FrontdeskApp
import HTTPCore
import Postgres
import Testing

/// Every posts endpoint against every kind of caller: the author (A), another user (B), an
/// admin and an anonymous client. Each cell runs on fresh posts by A, so deletes cannot leak
/// into other cells.
@Suite("Posts ownership matrix")
struct PostsOwnershipMatrixTests {
    /// One endpoint: how to call it on A's fresh published and draft posts, and the status each
    /// caller gets, in the order A, B, admin, anonymous.
    struct Row: CustomTestStringConvertible, Sendable {
        let name: String
        let method: String
        let path: @Sendable (_ published: Int64, _ draft: Int64, _ author: Int64) -> String
        let body: String?
        let expected: [Int]
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "GET a published post", method: "GET", path: { p, _, _ in "/api/v1/posts/\(p)" }, body: nil, expected: [200, 200, 200, 200]),
        Row(name: "GET a draft", method: "GET", path: { _, d, _ in "/api/v1/posts/\(d)" }, body: nil, expected: [200, 404, 200, 404]),
        Row(name: "PATCH a published post", method: "PATCH", path: { p, _, _ in "/api/v1/posts/\(p)" }, body: #"{"title":"Edited"}"#, expected: [200, 403, 200, 401]),
        Row(name: "PATCH a draft", method: "PATCH", path: { _, d, _ in "/api/v1/posts/\(d)" }, body: #"{"title":"Edited"}"#, expected: [200, 404, 200, 401]),
        Row(name: "PUT a published post", method: "PUT", path: { p, _, _ in "/api/v1/posts/\(p)" }, body: #"{"title":"T","body":"B","published":true}"#, expected: [200, 403, 200, 401]),
        Row(name: "DELETE a published post", method: "DELETE", path: { p, _, _ in "/api/v1/posts/\(p)" }, body: nil, expected: [204, 403, 204, 401]),
        Row(name: "DELETE a draft", method: "DELETE", path: { _, d, _ in "/api/v1/posts/\(d)" }, body: nil, expected: [204, 404, 204, 401]),
        Row(name: "vote on a published post", method: "PUT", path: { p, _, _ in "/api/v1/posts/\(p)/vote" }, body: nil, expected: [200, 200, 200, 401]),
        Row(name: "vote on a draft", method: "PUT", path: { _, d, _ in "/api/v1/posts/\(d)/vote" }, body: nil, expected: [200, 404, 200, 401]),
        Row(name: "withdraw a vote", method: "DELETE", path: { p, _, _ in "/api/v1/posts/\(p)/vote" }, body: nil, expected: [200, 200, 200, 401]),
        Row(name: "POST a post", method: "POST", path: { _, _, _ in "/api/v1/posts" }, body: #"{"title":"New"}"#, expected: [201, 201, 201, 401]),
        Row(name: "list posts", method: "GET", path: { _, _, _ in "/api/v1/posts" }, body: nil, expected: [200, 200, 200, 200]),
        Row(name: "list one's drafts", method: "GET", path: { _, _, _ in "/api/v1/posts?published=false" }, body: nil, expected: [200, 200, 200, 401]),
        Row(name: "list A's posts", method: "GET", path: { _, _, a in "/api/v1/users/\(a)/posts" }, body: nil, expected: [200, 200, 200, 200]),
    ]

    @Test("each caller gets the status the contract gives it", arguments: rows)
    func matrix(row: Row) throws {
        let (app, database) = TestSupport.makeApplication()
        let unique = TestSupport.uniqueToken()
        let author = try TestAccount.register(app, "a", unique: unique)
        let other = try TestAccount.register(app, "b", unique: unique)
        let admin = try TestAccount.admin(app, database, unique: unique)
        let callers: [(String, TestAccount?)] = [("A", author), ("B", other), ("admin", admin), ("anonymous", nil)]
        for ((label, caller), expected) in zip(callers, row.expected) {
            let published = try post(app, by: author, published: true)
            let draft = try post(app, by: author, published: false)
            let target = row.path(published, draft, author.id)
            let parts = target.split(separator: "?", maxSplits: 1).map(String.init)
            var request = row.body.map { TestSupport.json(row.method, parts[0], $0, bearer: caller?.accessToken) }
                ?? TestSupport.request(row.method, parts[0], query: parts.count > 1 ? parts[1] : "", bearer: caller?.accessToken)
            if parts.count > 1 { request.queryString = parts[1] }
            let response = app.respond(to: request)
            #expect(response.status == expected, "\(row.name) as \(label): \(response.bodyText)")
        }
    }

    private func post(_ app: HTTPApplication, by author: TestAccount, published: Bool) throws -> Int64 {
        let response = app.respond(to: TestSupport.json(
            "POST", "/api/v1/posts", #"{"title":"Matrix","body":"cell","published":\#(published)}"#, bearer: author.accessToken))
        return try #require(response.json["id"].integerValue)
    }
}
