import FrontdeskApp
import HTTPCore
import Postgres
import Testing

/// The users contract through the whole application (Request -> middleware chain -> router ->
/// service -> Postgres -> Response), on the real test database. Each test uses its own emails.
@Suite("Users API on PostgreSQL")
struct UsersAPITests {
    let app: HTTPApplication
    let token = TestSupport.uniqueToken()
    let admin: TestAccount

    init() throws {
        let (app, database) = TestSupport.makeApplication()
        self.app = app
        admin = try TestAccount.admin(app, database)
    }

    /// Creates a user as the admin.
    private func create(_ name: String, extra: String = "") -> Response {
        app.respond(to: TestSupport.json(
            "POST", "/api/v1/users", #"{"email":"\#(name).\#(token)@example.com","name":"\#(name)","password":"long enough"\#(extra)}"#,
            bearer: admin.accessToken))
    }

    /// Sends a request as the admin.
    private func asAdmin(_ request: Request) -> Response {
        var request = request
        request.headers["authorization"] = "Bearer \(admin.accessToken)"
        return app.respond(to: request)
    }

    @Test("POST creates: 201, Location, ETag, the full representation")
    func createUser() throws {
        let response = create("ada", extra: #","age":36"#)
        #expect(response.status == 201)
        let id = try #require(response.json["id"].integerValue)
        #expect(response.header("Location") == "/api/v1/users/\(id)")
        #expect(response.header("ETag") == "\"1\"")
        #expect(response.header("Content-Type") == "application/json; charset=utf-8")
        #expect(response.bodyText.hasPrefix(#"{"id":\#(id),"email":"ada.\#(token)@example.com","name":"ada","age":36,"role":"user","active":true,"created_at":""#))
        #expect(response.bodyText.hasSuffix(#","version":1}"#))
        #expect(!response.bodyText.contains("password"))
    }

    @Test("GET one, 304 on If-None-Match, 404 for unknown and malformed ids")
    func readOne() throws {
        let id = try #require(create("bob").json["id"].integerValue)
        #expect(asAdmin(TestSupport.request("GET", "/api/v1/users/\(id)")).json["name"].stringValue == "bob")
        let notModified = asAdmin(TestSupport.request("GET", "/api/v1/users/\(id)", headers: ["If-None-Match": "\"1\""]))
        #expect(notModified.status == 304)
        #expect(notModified.body.isEmpty)
        #expect(asAdmin(TestSupport.request("GET", "/api/v1/users/\(Int64.max)")).status == 404)
        #expect(asAdmin(TestSupport.request("GET", "/api/v1/users/x1")).status == 404)
    }

    @Test("duplicate emails are 409, case-insensitively")
    func duplicateEmail() throws {
        #expect(create("carol").status == 201)
        let duplicate = asAdmin(TestSupport.json("POST", "/api/v1/users", #"{"email":"CAROL.\#(token)@EXAMPLE.com","name":"Other","password":"long enough"}"#))
        #expect(duplicate.status == 409)
        #expect(duplicate.json["code"].stringValue == "users.email_taken")
        #expect(duplicate.json.errorFields == ["email"])
        let dave = try TestAccount.register(app, "dave", unique: token)
        let update = app.respond(to: TestSupport.json("PATCH", "/api/v1/users/me", #"{"email":"carol.\#(token)@example.com"}"#, bearer: dave.accessToken))
        #expect(update.status == 409)
    }

    @Test("validation failures are 422 with one entry per field; malformed JSON is 400")
    func badBodies() {
        let invalid = asAdmin(TestSupport.json("POST", "/api/v1/users", #"{"email":"nope","age":-1,"extra":1,"password":"short"}"#))
        #expect(invalid.status == 422)
        #expect(invalid.header("Content-Type") == "application/problem+json")
        #expect(invalid.json.errorFields == ["age", "email", "extra", "name", "password"])
        #expect(invalid.json["instance"].stringValue == "/api/v1/users")
        let malformed = asAdmin(TestSupport.json("POST", "/api/v1/users", #"{"email":"#))
        #expect(malformed.status == 400)
        #expect(malformed.json["code"].stringValue == "request.malformed_json")
        let nul = asAdmin(TestSupport.json("POST", "/api/v1/users", #"{"email":"a@example.com","name":"a\u0000b","password":"long enough"}"#))
        #expect(nul.status == 422)
    }

    @Test("PUT replaces, PATCH merges, If-Match mismatches are 412")
    func writes() throws {
        let id = try #require(create("erin", extra: #","age":40"#).json["id"].integerValue)
        let path = "/api/v1/users/\(id)"
        let put = asAdmin(TestSupport.json("PUT", path, #"{"name":"Erin B","age":null,"role":"admin","active":false}"#, headers: ["If-Match": "\"1\""]))
        #expect(put.status == 200)
        #expect(put.json["age"] == .null)
        #expect(put.json["role"].stringValue == "admin")
        #expect(put.header("ETag") == "\"2\"")
        let patch = asAdmin(TestSupport.json("PATCH", path, #"{"age":41}"#))
        #expect(patch.json["name"].stringValue == "Erin B")
        #expect(patch.json["age"].integerValue == 41)
        #expect(patch.json["version"].integerValue == 3)
        let stale = asAdmin(TestSupport.json("PATCH", path, #"{"age":42}"#, headers: ["If-Match": "\"2\""]))
        #expect(stale.status == 412)
        #expect(asAdmin(TestSupport.request("GET", path)).json["age"].integerValue == 41)
        let staleDelete = asAdmin(TestSupport.request("DELETE", path, headers: ["If-Match": "\"1\""]))
        #expect(staleDelete.status == 412)
    }

    @Test("DELETE is soft: 204, then 404 and gone from lists; the email can be reused")
    func softDelete() throws {
        let id = try #require(create("fay").json["id"].integerValue)
        #expect(asAdmin(TestSupport.request("DELETE", "/api/v1/users/\(id)")).status == 204)
        #expect(asAdmin(TestSupport.request("GET", "/api/v1/users/\(id)")).status == 404)
        #expect(asAdmin(TestSupport.json("PATCH", "/api/v1/users/\(id)", #"{"name":"again"}"#)).status == 404)
        #expect(asAdmin(TestSupport.request("GET", "/api/v1/users", query: "q=\(token)")).json["items"].count == 0)
        #expect(create("fay").status == 201)
    }

    @Test("lists page by keyset and filter by role, active and q")
    func lists() throws {
        let ids = try ["gus", "hal", "ivy"].map { name in
            try #require(create(name, extra: name == "hal" ? #","role":"admin","active":false"#: "").json["id"].integerValue)
        }
        let first = asAdmin(TestSupport.request("GET", "/api/v1/users", query: "q=\(token)&limit=2"))
        #expect(first.json["items"].count == 2)
        #expect(first.json["items"][0]["id"].integerValue == ids[0])
        let cursor = try #require(first.json["next_cursor"].stringValue)
        #expect(first.header("Link") == "</api/v1/users?limit=2&q=\(token)&cursor=\(cursor)>; rel=\"next\"")
        let second = asAdmin(TestSupport.request("GET", "/api/v1/users", query: "q=\(token)&limit=2&cursor=\(cursor)"))
        #expect(second.json["items"].count == 1)
        #expect(second.json["items"][0]["id"].integerValue == ids[2])
        #expect(second.json["next_cursor"] == .null)
        #expect(second.header("Link") == nil)
        let admins = asAdmin(TestSupport.request("GET", "/api/v1/users", query: "q=\(token)&role=admin"))
        #expect(admins.json["items"].count == 1)
        let inactive = asAdmin(TestSupport.request("GET", "/api/v1/users", query: "q=\(token)&active=false"))
        #expect(inactive.json["items"][0]["id"].integerValue == ids[1])
        let wildcard = asAdmin(TestSupport.request("GET", "/api/v1/users", query: "q=%25\(token)"))
        #expect(wildcard.json["items"].count == 0)
        let bad = asAdmin(TestSupport.request("GET", "/api/v1/users", query: "role=root&active=1&limit=500"))
        #expect(bad.status == 400)
        #expect(bad.json.errorFields == ["active", "limit", "role"])
    }

    @Test("405 with Allow, 413 and 415 come through the chain as problems")
    func requestErrors() {
        let wrongMethod = asAdmin(TestSupport.request("DELETE", "/api/v1/users"))
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.header("Allow") == "GET, HEAD, POST")
        let (smallApp, _) = TestSupport.makeApplication(maxBodyBytes: 64)
        let large = smallApp.respond(to: TestSupport.json("POST", "/api/v1/users", String(repeating: " ", count: 65) + "{}", bearer: admin.accessToken))
        #expect(large.status == 413)
        let text = asAdmin(Request(method: "POST", path: "/api/v1/users", headers: ["Content-Type": "text/plain"], body: Array("{}".utf8)))
        #expect(text.status == 415)
    }
}
