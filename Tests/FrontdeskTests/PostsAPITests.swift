import Foundation
import FrontdeskApp
import HTTPCore
import Postgres
import Testing

/// Posts and votes through the whole application on the real test database.
@Suite("Posts API on PostgreSQL")
struct PostsAPITests: OnTestStack {
    let stack = TestStack()

    private func send(_ method: String, _ path: String, _ body: String? = nil, as account: TestAccount?, query: String = "", headers: [String: String] = [:]) -> Response {
        if let body { return app.respond(to: TestSupport.json(method, path, body, headers: headers, bearer: account?.accessToken)) }
        return app.respond(to: TestSupport.request(method, path, query: query, headers: headers, bearer: account?.accessToken))
    }

    private func createPost(_ title: String, published: Bool, by account: TestAccount, body: String = "Some text") throws -> Int64 {
        let response = send("POST", "/api/v1/posts", #"{"title":"\#(title)","body":"\#(body)","published":\#(published)}"#, as: account)
        try #require(response.status == 201, "create: \(response.bodyText)")
        return try #require(response.json["id"].integerValue)
    }

    @Test("create: 201, Location, the author is the caller; author_id in the body is refused")
    func create() throws {
        let ann = try TestAccount.register(app, "ann", unique: unique)
        let response = send("POST", "/api/v1/posts", #"{"title":"  Hello  ","body":"Line one\nLine two\ttab"}"#, as: ann)
        #expect(response.status == 201)
        let id = try #require(response.json["id"].integerValue)
        #expect(response.header("Location") == "/api/v1/posts/\(id)")
        #expect(response.header("ETag") == "\"1\"")
        #expect(response.bodyText.hasPrefix(#"{"id":\#(id),"author_id":\#(ann.id),"title":"Hello","body":"Line one\nLine two\ttab","published":false,"votes":0,"voted_by_me":false,"created_at":""#))
        let forged = send("POST", "/api/v1/posts", #"{"title":"X","author_id":1}"#, as: ann)
        #expect(forged.status == 422)
        #expect(forged.json.errorFields == ["author_id"])
        let bad = send("POST", "/api/v1/posts", #"{"title":"","body":5,"published":"yes","extra":1}"#, as: ann)
        #expect(bad.json.errorFields == ["body", "extra", "published", "title"])
        let long = send("POST", "/api/v1/posts", #"{"title":"Long","body":"\#(String(repeating: "a", count: 20_001))"}"#, as: ann)
        #expect(long.json.errorFields == ["body"])
        #expect(send("POST", "/api/v1/posts", #"{"title":"X"}"#, as: nil).status == 401)
    }

    @Test("drafts are seen only by their author and admins; lists show published posts of live authors")
    func visibility() throws {
        let bea = try TestAccount.register(app, "bea", unique: unique)
        let cal = try TestAccount.register(app, "cal", unique: unique)
        let admin = try TestAccount.admin(app, database, unique: unique)
        let draft = try createPost("Draft \(unique)", published: false, by: bea)
        let published = try createPost("Published \(unique)", published: true, by: bea)
        #expect(send("GET", "/api/v1/posts/\(draft)", as: bea).status == 200)
        #expect(send("GET", "/api/v1/posts/\(draft)", as: admin).status == 200)
        #expect(send("GET", "/api/v1/posts/\(draft)", as: cal).status == 404)
        #expect(send("GET", "/api/v1/posts/\(draft)", as: nil).status == 404)
        let anonymous = send("GET", "/api/v1/posts/\(published)", as: nil)
        #expect(anonymous.status == 200)
        #expect(anonymous.json["voted_by_me"] == .null)
        #expect(!anonymous.bodyText.contains("voted_by_me"))
        let list = send("GET", "/api/v1/posts", as: nil, query: "author_id=\(bea.id)")
        #expect(list.json["items"].count == 1)
        #expect(send("GET", "/api/v1/posts", as: bea, query: "author_id=\(bea.id)&published=false").json["items"][0]["id"].integerValue == draft)
        #expect(send("GET", "/api/v1/posts", as: cal, query: "author_id=\(bea.id)&published=false").json["items"].count == 0)
        #expect(send("GET", "/api/v1/posts", as: nil, query: "published=false").status == 401)
        #expect(send("GET", "/api/v1/users/\(bea.id)/posts", as: bea).json["items"].count == 2)
        #expect(send("GET", "/api/v1/users/\(bea.id)/posts", as: cal).json["items"].count == 1)
        #expect(send("GET", "/api/v1/users/\(bea.id)/posts", as: admin).json["items"].count == 2)
        #expect(send("GET", "/api/v1/users/\(Int64.max)/posts", as: nil).status == 404)
        #expect(send("GET", "/api/v1/posts", as: nil, query: "author_id=x&published=maybe").json.errorFields == ["author_id", "published"])
    }

    @Test("full-text search over title and body, with keyset pages")
    func search() throws {
        let dee = try TestAccount.register(app, "dee", unique: unique)
        let word = "zq" + unique.suffix(8)
        let first = try createPost("Running \(word)", published: true, by: dee)
        _ = try createPost("Other", published: true, by: dee, body: "nothing here")
        let third = try createPost("Third", published: true, by: dee, body: "the runner \(word) ran")
        let page = send("GET", "/api/v1/posts", as: nil, query: "q=\(word)&limit=1")
        #expect(page.json["items"][0]["id"].integerValue == first)
        let cursor = try #require(page.json["next_cursor"].stringValue)
        #expect(page.header("Link")?.contains("cursor=\(cursor)") == true)
        let next = send("GET", "/api/v1/posts", as: nil, query: "q=\(word)&limit=1&cursor=\(cursor)")
        #expect(next.json["items"][0]["id"].integerValue == third)
        #expect(next.json["next_cursor"] == .null)
        #expect(send("GET", "/api/v1/posts", as: nil, query: "q=\(word)%20-runner").json["items"].count == 1)
    }

    @Test("search finds a rare term thousands of posts past the cursor, and pages across that distance")
    func rareSearchTerm() throws {
        let fay = try TestAccount.register(app, "fay", unique: unique)
        let word = "zr" + unique.suffix(8)
        // 2,100 posts; the word is in the 5th and the 2,050th only, past the 2,000 posts the
        // search reads in id order before it turns to the full-text index.
        _ = try database.execute("""
            INSERT INTO posts (author_id, title, body, published)
            SELECT $1, 'Filler ' || g, CASE WHEN g IN (5, 2050) THEN 'the ' || $2 ELSE 'nothing' END, true
            FROM generate_series(1, 2100) g
            """, [String(fay.id), word])
        let ids = try database.execute("SELECT id FROM posts WHERE author_id = $1 ORDER BY id", [String(fay.id)])
        let fifth = try #require(ids.integer(row: 4, column: 0))
        let far = try #require(ids.integer(row: 2049, column: 0))
        let before = PageRequest.encodeCursor(afterID: try #require(ids.integer(row: 0, column: 0)) - 1)
        let page = send("GET", "/api/v1/posts", as: nil, query: "q=\(word)&limit=1&cursor=\(before)")
        #expect(page.json["items"][0]["id"].integerValue == fifth)
        let cursor = try #require(page.json["next_cursor"].stringValue)
        let next = send("GET", "/api/v1/posts", as: nil, query: "q=\(word)&limit=1&cursor=\(cursor)")
        #expect(next.json["items"].count == 1)
        #expect(next.json["items"][0]["id"].integerValue == far)
        #expect(next.json["next_cursor"] == .null)
        let both = send("GET", "/api/v1/posts", as: nil, query: "q=\(word)&author_id=\(fay.id)")
        #expect(both.json["items"].count == 2)
        #expect(send("GET", "/api/v1/posts", as: nil, query: "q=\(word)&author_id=\(fay.id + 1)").json["items"].count == 0)
    }

    @Test("PUT replaces, PATCH merges, If-Match is honoured, DELETE is soft")
    func writes() throws {
        let eve = try TestAccount.register(app, "eve", unique: unique)
        let id = try createPost("Title", published: false, by: eve)
        let path = "/api/v1/posts/\(id)"
        #expect(send("PUT", path, #"{"title":"New"}"#, as: eve).json.errorFields == ["body", "published"])
        let put = send("PUT", path, #"{"title":"New","body":"Text","published":true}"#, as: eve, headers: ["If-Match": "\"1\""])
        #expect(put.status == 200)
        #expect(put.json["version"].integerValue == 2)
        let patch = send("PATCH", path, #"{"body":"Changed"}"#, as: eve)
        #expect(patch.json["title"].stringValue == "New")
        #expect(patch.json["body"].stringValue == "Changed")
        #expect(send("PATCH", path, #"{"title":"Stale"}"#, as: eve, headers: ["If-Match": "\"1\""]).status == 412)
        #expect(send("GET", path, as: nil, headers: ["If-None-Match": "\"3\""]).status == 304)
        #expect(send("PATCH", path, #"{"title":null}"#, as: eve).status == 422)
        #expect(send("DELETE", path, as: eve).status == 204)
        #expect(send("GET", path, as: eve).status == 404)
        #expect(send("DELETE", path, as: eve).status == 404)
    }

    @Test("votes: idempotent, withdrawn, counted exactly, voted_by_me per caller")
    func votes() throws {
        let fay = try TestAccount.register(app, "fay", unique: unique)
        let gil = try TestAccount.register(app, "gil", unique: unique)
        let id = try createPost("Vote on me", published: true, by: fay)
        let first = send("PUT", "/api/v1/posts/\(id)/vote", as: gil)
        #expect(first.json["votes"].integerValue == 1)
        #expect(first.json["voted_by_me"] == .bool(true))
        #expect(send("PUT", "/api/v1/posts/\(id)/vote", as: gil).json["votes"].integerValue == 1, "voting twice counts once")
        #expect(send("GET", "/api/v1/posts/\(id)", as: fay).json["voted_by_me"] == .bool(false))
        #expect(send("PUT", "/api/v1/posts/\(id)/vote", as: fay).json["votes"].integerValue == 2)
        #expect(send("DELETE", "/api/v1/posts/\(id)/vote", as: gil).json["votes"].integerValue == 1)
        #expect(send("DELETE", "/api/v1/posts/\(id)/vote", as: gil).json["votes"].integerValue == 1, "withdrawing twice too")
        #expect(send("PUT", "/api/v1/posts/\(id)/vote", as: nil).status == 401)
        let draft = try createPost("Hidden", published: false, by: fay)
        #expect(send("PUT", "/api/v1/posts/\(draft)/vote", as: gil).status == 404)
    }

    @Test("concurrent votes from many connections are counted exactly")
    func concurrentVotes() throws {
        let author = try TestAccount.register(app, "hal", unique: unique)
        let id = try createPost("Popular", published: true, by: author)
        let voters = 12
        let ids = try (0..<voters).map { index in
            try PostgresUserRepository(database: database).insert(UserProfile(email: "voter\(index).\(unique)@example.com", name: "V"), passwordHash: nil).id
        }
        // Each voter votes three times, each from its own connection, all at once.
        DispatchQueue.concurrentPerform(iterations: voters * 3) { index in
            let connection = Database(configuration: Database.Configuration(url: TestSupport.databaseURL))
            try? PostgresPostRepository(database: connection).vote(postID: id, userID: ids[index % voters])
        }
        let post = try #require(try PostgresPostRepository(database: database).find(id: id, viewerID: nil))
        #expect(post.votes == voters)
        let rows = try database.execute("SELECT count(*) FROM post_votes WHERE post_id = $1", [String(id)])
        #expect(rows.integer(row: 0, column: 0) == Int64(voters))
        DispatchQueue.concurrentPerform(iterations: voters * 2) { index in
            let connection = Database(configuration: Database.Configuration(url: TestSupport.databaseURL))
            try? PostgresPostRepository(database: connection).unvote(postID: id, userID: ids[index % voters])
        }
        #expect(try PostgresPostRepository(database: database).find(id: id, viewerID: nil)?.votes == 0)
    }

    @Test("a soft-deleted author's posts disappear from every read and come back on restore")
    func deletedAuthor() throws {
        let ivy = try TestAccount.register(app, "ivy", unique: unique)
        let admin = try TestAccount.admin(app, database, unique: unique)
        let id = try createPost("Ivy's \(unique)", published: true, by: ivy)
        #expect(send("DELETE", "/api/v1/users/\(ivy.id)", as: admin).status == 204)
        #expect(send("GET", "/api/v1/posts/\(id)", as: admin).status == 404)
        #expect(send("GET", "/api/v1/posts", as: nil, query: "author_id=\(ivy.id)").json["items"].count == 0)
        #expect(send("GET", "/api/v1/users/\(ivy.id)/posts", as: nil).status == 404)
        let restored = send("POST", "/api/v1/users/\(ivy.id)/restore", as: admin)
        #expect(restored.status == 200)
        #expect(restored.json["email"].stringValue == ivy.email)
        #expect(send("GET", "/api/v1/posts/\(id)", as: nil).status == 200)
        #expect(send("POST", "/api/v1/users/\(ivy.id)/restore", as: admin).status == 404, "only a deleted user can be restored")
        #expect(send("POST", "/api/v1/users/\(ivy.id)/restore", as: ivy).status == 403)
    }
}
