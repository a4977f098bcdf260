import Foundation
import FrontdeskApp
import HTTPCore
import Postgres
import Testing

@Suite("Idempotency-Key on POST")
struct IdempotencyTests: OnTestStack {
    let stack = TestStack()

    private func postCount(title: String) throws -> Int64 {
        try database.execute("SELECT count(*) FROM posts WHERE title = $1", [title]).integer(row: 0, column: 0) ?? -1
    }

    @Test("a retry returns the first response and writes nothing; a different body is a 422")
    func retry() throws {
        let account = try TestAccount.register(app, "idem", unique: unique)
        let title = "Once \(unique)"
        let request = TestSupport.json("POST", "/api/v1/posts", #"{"title":"\#(title)"}"#, headers: ["Idempotency-Key": "key-\(unique)"], bearer: account.accessToken)
        let first = app.respond(to: request)
        let second = app.respond(to: request)
        #expect(first.status == 201)
        #expect(second.status == 201)
        #expect(second.body == first.body)
        #expect(second.header("Location") == first.header("Location"))
        #expect(second.header("Idempotent-Replayed") == "true")
        #expect(first.header("Idempotent-Replayed") == nil)
        #expect(try postCount(title: title) == 1)
        let other = app.respond(to: TestSupport.json("POST", "/api/v1/posts", #"{"title":"Other"}"#, headers: ["Idempotency-Key": "key-\(unique)"], bearer: account.accessToken))
        #expect(other.status == 422)
        #expect(other.json["code"].stringValue == "idempotency.key_reused")
        let someoneElse = try TestAccount.register(app, "idem2", unique: unique)
        let scoped = app.respond(to: TestSupport.json("POST", "/api/v1/posts", #"{"title":"\#(title)"}"#, headers: ["Idempotency-Key": "key-\(unique)"], bearer: someoneElse.accessToken))
        #expect(scoped.status == 201, "keys are per caller")
        #expect(scoped.header("Idempotent-Replayed") == nil)
    }

    @Test("a failed request is not stored, so its retry runs again")
    func failuresAreNotStored() throws {
        let account = try TestAccount.register(app, "fail", unique: unique)
        let bad = TestSupport.json("POST", "/api/v1/posts", #"{"title":""}"#, headers: ["Idempotency-Key": "bad-\(unique)"], bearer: account.accessToken)
        #expect(app.respond(to: bad).status == 422)
        #expect(app.respond(to: bad).status == 422)
        let fixed = TestSupport.json("POST", "/api/v1/posts", #"{"title":"Fixed \#(unique)"}"#, headers: ["Idempotency-Key": "bad-\(unique)"], bearer: account.accessToken)
        #expect(app.respond(to: fixed).status == 201)
    }

    @Test("keys must be 1-255 visible ASCII characters; login ignores them")
    func keyRules() throws {
        let account = try TestAccount.register(app, "rules", unique: unique)
        for key in [String(repeating: "k", count: 256), "has space", "ünïcode"] {
            let response = app.respond(to: TestSupport.json("POST", "/api/v1/posts", #"{"title":"X"}"#, headers: ["Idempotency-Key": key], bearer: account.accessToken))
            #expect(response.status == 400)
            #expect(response.json["code"].stringValue == "idempotency.bad_key")
        }
        let login = TestSupport.json("POST", "/api/v1/auth/login", #"{"email":"\#(account.email)","password":"\#(account.password)"}"#, headers: ["Idempotency-Key": "login-\(unique)"])
        let first = app.respond(to: login), second = app.respond(to: login)
        #expect(first.json["refresh_token"] != second.json["refresh_token"], "tokens are never stored or replayed")
        #expect(try database.execute("SELECT count(*) FROM idempotency_keys WHERE key = $1", ["login-\(unique)"]).integer(row: 0, column: 0) == 0)
    }

    @Test("an anonymous registration retried with its key creates one account")
    func anonymousRegistration() throws {
        let body = #"{"email":"once.\#(unique)@example.com","name":"Once","password":"long enough"}"#
        let request = TestSupport.json("POST", "/api/v1/auth/register", body, headers: ["Idempotency-Key": "reg-\(unique)"])
        #expect(app.respond(to: request).status == 201)
        #expect(app.respond(to: request).status == 201)
        let count = try database.execute("SELECT count(*) FROM users WHERE email = $1", ["once.\(unique)@example.com"]).integer(row: 0, column: 0)
        #expect(count == 1)
    }

    @Test("without a valid token a route that needs one answers 401 whatever the key, and keeps nothing")
    func anonymousKeysOnAuthenticatedRoutes() throws {
        // This address's key is taken by an anonymous registration (schemathesis found a 422 here).
        let key = "anon-\(unique)"
        let registration = #"{"email":"anon.\#(unique)@example.com","name":"Anon","password":"long enough"}"#
        #expect(app.respond(to: TestSupport.json("POST", "/api/v1/auth/register", registration, headers: ["Idempotency-Key": key])).status == 201)
        let anonymous = app.respond(to: TestSupport.json("POST", "/api/v1/posts", #"{"title":"A"}"#, headers: ["Idempotency-Key": key]))
        let forged = app.respond(to: TestSupport.json("POST", "/api/v1/posts", #"{"title":"A"}"#, headers: ["Idempotency-Key": key], bearer: "not.a.token"))
        #expect(anonymous.status == 401)
        #expect(forged.status == 401)
        #expect(try database.execute("SELECT count(*) FROM idempotency_keys WHERE key = $1", [key]).integer(row: 0, column: 0) == 1)
    }

    @Test("the same key sent at once from several connections creates exactly one row")
    func concurrentRetries() throws {
        let account = try TestAccount.register(app, "race", unique: unique)
        let title = "Race \(unique)"
        let statuses = LockedStatuses()
        let key = "race-\(unique)", token = account.accessToken
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            let (connectionApp, _) = TestSupport.makeApplication()
            let response = connectionApp.respond(to: TestSupport.json(
                "POST", "/api/v1/posts", #"{"title":"\#(title)"}"#, headers: ["Idempotency-Key": key], bearer: token))
            statuses.append(response.status)
        }
        #expect(try postCount(title: title) == 1)
        #expect(statuses.all.allSatisfy { $0 == 201 || $0 == 409 })
        #expect(statuses.all.contains(201))
    }
}

/// Statuses collected from concurrent requests.
final class LockedStatuses: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int] = []
    func append(_ status: Int) { lock.withLock { values.append(status) } }
    var all: [Int] { lock.withLock { values } }
}
