import Foundation
import FrontdeskApp
import HTTPCore
import Logging
import Postgres
import Testing

/// Registration, login, tokens, refresh rotation, logout and password changes through the whole
/// application on the real test database.
@Suite("Auth API on PostgreSQL")
struct AuthAPITests: OnTestStack {
    let stack = TestStack()

    private func me(_ token: String?) -> Response {
        app.respond(to: TestSupport.request("GET", "/api/v1/users/me", bearer: token))
    }

    private func refresh(_ token: String) -> Response {
        app.respond(to: TestSupport.json("POST", "/api/v1/auth/refresh", #"{"refresh_token":"\#(token)"}"#))
    }

    private func login(_ email: String, _ password: String, from address: String = "127.0.0.1") -> Response {
        var request = TestSupport.json("POST", "/api/v1/auth/login", #"{"email":"\#(email)","password":"\#(password)"}"#)
        request.remoteAddress = address
        return app.respond(to: request)
    }

    /// The 401 cause a response reports, after checking its challenge.
    private func unauthorizedCode(_ response: Response) -> String? {
        guard response.status == 401, response.header("WWW-Authenticate")?.hasPrefix("Bearer realm=\"frontdesk\"") == true else { return nil }
        return response.json["code"].stringValue
    }

    @Test("register: 201, Location, no password in the body; role is refused; closed registration is 403")
    func register() throws {
        let body = #"{"email":"reg.\#(unique)@example.com","name":"Reg","password":"correct horse battery"}"#
        let created = app.respond(to: TestSupport.json("POST", "/api/v1/auth/register", body))
        #expect(created.status == 201)
        let id = try #require(created.json["id"].integerValue)
        #expect(created.header("Location") == "/api/v1/users/\(id)")
        #expect(created.json["role"].stringValue == "user")
        #expect(!created.bodyText.contains("password") && !created.bodyText.contains("argon2"))
        #expect(app.respond(to: TestSupport.json("POST", "/api/v1/auth/register", body)).status == 409)
        let admin = app.respond(to: TestSupport.json("POST", "/api/v1/auth/register", #"{"email":"x.\#(unique)@example.com","name":"X","password":"correct horse battery","role":"admin"}"#))
        #expect(admin.status == 422)
        #expect(admin.json.errorFields == ["role"])
        let (closed, _) = TestSupport.makeApplication(auth: TestSupport.authConfiguration(registrationOpen: false))
        let refused = closed.respond(to: TestSupport.json("POST", "/api/v1/auth/register", #"{"email":"y.\#(unique)@example.com","name":"Y","password":"correct horse battery"}"#))
        #expect(refused.status == 403)
        #expect(refused.json["code"].stringValue == "auth.registration_closed")
    }

    @Test("register -> login -> me -> refresh -> logout -> token refused")
    func lifecycle() throws {
        let account = try TestAccount.register(app, "life", unique: unique)
        let login = self.login(account.email, account.password)
        #expect(login.header("Cache-Control") == "no-store")
        #expect(login.json["token_type"].stringValue == "bearer")
        #expect(login.json["expires_in"].integerValue == 900)
        let mine = me(account.accessToken)
        #expect(mine.status == 200)
        #expect(mine.json["email"].stringValue == account.email)
        let refreshed = refresh(account.refreshToken)
        #expect(refreshed.status == 200)
        let access = try #require(refreshed.json["access_token"].stringValue)
        #expect(access != account.accessToken)
        #expect(me(access).status == 200)
        #expect(app.respond(to: TestSupport.request("POST", "/api/v1/auth/logout", bearer: access)).status == 204)
        #expect(unauthorizedCode(me(access)) == "auth.revoked")
        let afterLogout = try #require(refreshed.json["refresh_token"].stringValue)
        #expect(unauthorizedCode(refresh(afterLogout)) == "auth.invalid_refresh_token")
        #expect(unauthorizedCode(me(account.accessToken)) == "auth.revoked", "the session's earlier access token too")
        let otherSession = try #require(login.json["access_token"].stringValue)
        #expect(me(otherSession).status == 200, "a logout ends only its own session")
    }

    @Test("login accepts an OAuth2 password-grant form; bad forms are specific errors")
    func formLogin() throws {
        let account = try TestAccount.register(app, "form", unique: unique)
        let email = account.email.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        func form(_ body: String) -> Response {
            app.respond(to: Request(method: "POST", path: "/api/v1/auth/login", headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Array(body.utf8)))
        }
        let ok = form("grant_type=password&username=\(email)&password=correct+horse+battery&scope=")
        #expect(ok.status == 200)
        #expect(ok.json["access_token"].stringValue != nil)
        #expect(form("grant_type=client_credentials&username=\(email)&password=x").json.errorFields == ["grant_type"])
        #expect(form("username=\(email)").json.errorFields == ["password"])
        #expect(form("username=%zz&password=x").status == 400)
        let elsewhere = app.respond(to: Request(method: "POST", path: "/api/v1/auth/register", headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Array("a=b".utf8)))
        #expect(elsewhere.status == 415)
    }

    @Test("wrong password and unknown email fail alike")
    func badCredentials() throws {
        let account = try TestAccount.register(app, "cred", unique: unique)
        let wrong = login(account.email, "not the password", from: "10.1.0.1")
        let unknown = login("nobody.\(unique)@example.com", "not the password", from: "10.1.0.1")
        #expect(unauthorizedCode(wrong) == "auth.invalid_credentials")
        #expect(unauthorizedCode(unknown) == "auth.invalid_credentials")
        #expect(wrong.json["detail"] == unknown.json["detail"])
        #expect(login(account.email.uppercased(), account.password).status == 200, "emails match in any case")
    }

    @Test("every 401 cause through the chain: missing, malformed, forged, alg none, wrong kid, wrong audience, expired")
    func tokenFailures() throws {
        let account = try TestAccount.register(app, "forge", unique: unique)
        let (header, payload) = TokenForgery.parts(of: account.accessToken)
        #expect(unauthorizedCode(me(nil)) == "auth.missing_token")
        #expect(me(nil).header("WWW-Authenticate")?.contains(#"error="invalid_token""#) == true)
        #expect(unauthorizedCode(app.respond(to: TestSupport.request("GET", "/api/v1/users/me", headers: ["Authorization": "Basic YTpi"]))) == "auth.malformed_token")
        #expect(unauthorizedCode(me("not-a-jwt")) == "auth.malformed_token")
        let forged = TokenForgery.token(header: header, payload: payload.replacingOccurrences(of: #""role":"user""#, with: #""role":"admin""#), secret: Array("guessed secret guessed secret 32b".utf8))
        #expect(unauthorizedCode(me(forged)) == "auth.bad_signature")
        #expect(unauthorizedCode(me(TokenForgery.token(header: header.replacingOccurrences(of: "HS256", with: "none"), payload: payload, secret: nil))) == "auth.unsupported_algorithm")
        let stranger = AccessTokens(configuration: TestSupport.authConfiguration(keys: [.random()]))
        #expect(unauthorizedCode(me(try stranger.issue(userID: account.id, role: .user, sessionID: 1, now: AuthService.systemClock()))) == "auth.unknown_key")
        var elsewhere = TestSupport.authConfiguration()
        elsewhere.audience = "some-other-api"
        let otherAudience = try AccessTokens(configuration: elsewhere).issue(userID: account.id, role: .user, sessionID: 1, now: AuthService.systemClock())
        #expect(unauthorizedCode(me(otherAudience)) == "auth.wrong_audience")
        let (later, _) = TestSupport.makeApplication(now: { AuthService.systemClock() + 3600 })
        #expect(unauthorizedCode(later.respond(to: TestSupport.request("GET", "/api/v1/users/me", bearer: account.accessToken))) == "auth.expired")
        let (earlier, _) = TestSupport.makeApplication(now: { AuthService.systemClock() - 3600 })
        #expect(unauthorizedCode(earlier.respond(to: TestSupport.request("GET", "/api/v1/users/me", bearer: account.accessToken))) == "auth.not_yet_valid")
    }

    @Test("a stale token does not block public routes such as refresh and health")
    func publicRoutesIgnoreBadTokens() throws {
        let account = try TestAccount.register(app, "stale", unique: unique)
        let request = TestSupport.json("POST", "/api/v1/auth/refresh", #"{"refresh_token":"\#(account.refreshToken)"}"#, bearer: "expired.or.garbage")
        #expect(app.respond(to: request).status == 200)
        #expect(app.respond(to: TestSupport.request("GET", "/api/v1/health", bearer: "garbage")).status == 200)
    }

    @Test("a spent refresh token presented again revokes its whole session")
    func refreshReuse() throws {
        let account = try TestAccount.register(app, "reuse", unique: unique)
        let first = refresh(account.refreshToken)
        #expect(first.status == 200)
        let successor = try #require(first.json["refresh_token"].stringValue)
        let successorAccess = try #require(first.json["access_token"].stringValue)
        #expect(unauthorizedCode(refresh(account.refreshToken)) == "auth.invalid_refresh_token")
        #expect(unauthorizedCode(refresh(successor)) == "auth.invalid_refresh_token", "the thief's copy is dead too")
        #expect(unauthorizedCode(me(successorAccess)) == "auth.revoked")
        #expect(unauthorizedCode(me(account.accessToken)) == "auth.revoked")
        #expect(unauthorizedCode(refresh("x")) == "auth.invalid_refresh_token")
        #expect(refresh(String(repeating: "A", count: 43)).status == 401)
    }

    @Test("changing the password needs the current one and revokes every other session")
    func passwordChange() throws {
        let account = try TestAccount.register(app, "pw", unique: unique)
        let other = try TestAccount.login(app, id: account.id, email: account.email, password: account.password)
        func change(_ body: String) -> Response {
            app.respond(to: TestSupport.json("PUT", "/api/v1/users/me/password", body, bearer: account.accessToken))
        }
        #expect(change(#"{"current_password":"wrong one","new_password":"a brand new one"}"#).json.errorFields == ["current_password"])
        #expect(change(#"{"current_password":"\#(account.password)","new_password":"short"}"#).json.errorFields == ["new_password"])
        #expect(change(#"{"current_password":"\#(account.password)","new_password":"\#(account.email)"}"#).json.errorFields == ["new_password"])
        #expect(change(#"{"current_password":"\#(account.password)","new_password":"a brand new one"}"#).status == 204)
        #expect(me(account.accessToken).status == 200)
        #expect(unauthorizedCode(me(other.accessToken)) == "auth.revoked")
        #expect(unauthorizedCode(refresh(other.refreshToken)) == "auth.invalid_refresh_token")
        #expect(login(account.email, account.password).status == 401)
        #expect(login(account.email, "a brand new one").status == 200)
        let viaPatch = app.respond(to: TestSupport.json("PATCH", "/api/v1/users/me", #"{"password":"sneaky new one"}"#, bearer: account.accessToken))
        #expect(viaPatch.json.errorFields == ["password"])
    }

    @Test("failed logins back off with 429 and Retry-After, per account, and reset after a success")
    func throttling() throws {
        let account = try TestAccount.register(app, "throttle", unique: unique)
        let address = "10.2.\(Int.random(in: 0...255)).\(Int.random(in: 1...254))"
        for _ in 0..<3 { #expect(login(account.email, "wrong password", from: address).status == 401) }
        let blocked = login(account.email, account.password, from: address)
        #expect(blocked.status == 429)
        #expect(blocked.json["code"].stringValue == "auth.too_many_attempts")
        let retryAfter = try #require(blocked.header("Retry-After").flatMap(Int.init))
        #expect((1...2).contains(retryAfter))
        #expect(login(account.email, account.password, from: "10.3.0.1").status == 429, "the account is blocked from every address")
        Thread.sleep(forTimeInterval: Double(retryAfter) + 0.2)
        #expect(login(account.email, account.password, from: address).status == 200)
        for _ in 0..<2 { #expect(login(account.email, "wrong password", from: address).status == 401) }
        #expect(login(account.email, account.password, from: address).status == 200, "the success reset the count")
    }

    @Test("parallel guesses from many workers get exactly the allowed number of tries")
    func parallelGuesses() throws {
        let account = try TestAccount.register(app, "parallel", unique: unique)
        let statuses = LockedStatuses()
        let email = account.email
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            let (worker, _) = TestSupport.makeApplication()
            var request = TestSupport.json("POST", "/api/v1/auth/login", #"{"email":"\#(email)","password":"wrong guess \#(index)"}"#)
            request.remoteAddress = "10.5.0.\(index + 1)"
            statuses.append(worker.respond(to: request).status)
        }
        #expect(statuses.all.filter { $0 == 401 }.count == 3, "\(statuses.all.sorted())")
        #expect(statuses.all.filter { $0 == 429 }.count == 5)
    }

    @Test("per-address throttling blocks an address that sprays many accounts")
    func addressThrottling() throws {
        var policy = TestSupport.authConfiguration()
        policy.throttle.addressFailures = 4
        let (strict, _) = TestSupport.makeApplication(auth: policy)
        let address = "10.4.\(Int.random(in: 0...255)).\(Int.random(in: 1...254))"
        func attempt(_ index: Int) -> Int {
            var request = TestSupport.json("POST", "/api/v1/auth/login", #"{"email":"spray\#(index).\#(unique)@example.com","password":"guess guess"}"#)
            request.remoteAddress = address
            return strict.respond(to: request).status
        }
        #expect((0..<4).map(attempt) == [401, 401, 401, 401])
        #expect(attempt(5) == 429)
    }

    @Test("a login upgrades a hash made with weaker parameters")
    func rehashOnLogin() throws {
        let email = "weak.\(unique)@example.com"
        let weakHash = try PasswordHasher(parameters: .init(memoryKiB: 8192, iterations: 1, parallelism: 1)).hash("correct horse battery")
        let user = try PostgresUserRepository(database: database).insert(UserProfile(email: email, name: "Weak"), passwordHash: weakHash)
        #expect(login(email, "correct horse battery").status == 200)
        let stored = try #require(try PostgresUserRepository(database: database).credentials(email: email)?.passwordHash)
        #expect(stored != weakHash)
        #expect(stored.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
        #expect(user.id > 0)
    }

    @Test("tokens, passwords and hashes never reach the logs")
    func redaction() throws {
        let lines = LogCapture()
        let (logged, _) = TestSupport.makeApplication(logger: Logger(label: "test") { _ in LogCaptureHandler(capture: lines) })
        let account = try TestAccount.register(logged, "logs", unique: unique)
        _ = logged.respond(to: TestSupport.json("POST", "/api/v1/auth/refresh", #"{"refresh_token":"\#(account.refreshToken)"}"#))
        _ = logged.respond(to: TestSupport.json("POST", "/api/v1/auth/refresh", #"{"refresh_token":"\#(account.refreshToken)"}"#))
        _ = logged.respond(to: TestSupport.request("GET", "/api/v1/users/me", bearer: account.accessToken))
        let text = lines.text
        #expect(text.contains("request"), "the capture saw the access log")
        for secret in [account.password, account.accessToken, account.refreshToken, "argon2id", "correct horse"] {
            #expect(!text.contains(secret))
        }
    }
}
