import FrontdeskApp
import HTTPCore
import Testing

@Suite("CORS and cache headers")
struct SecurityHeadersTests {
    let origin = "https://app.example.com"

    private func preflight(_ app: HTTPApplication, from origin: String) -> Response {
        app.respond(to: TestSupport.request("OPTIONS", "/api/v1/posts", headers: [
            "Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization, content-type",
        ]))
    }

    @Test("CORS is off by default: no CORS header fields, OPTIONS is 405")
    func corsOff() {
        let (app, _) = TestSupport.makeApplication()
        let response = preflight(app, from: origin)
        #expect(response.status == 405)
        #expect(response.header("Access-Control-Allow-Origin") == nil)
        #expect(app.respond(to: TestSupport.request("GET", "/api/v1/health", headers: ["Origin": origin])).header("Access-Control-Allow-Origin") == nil)
    }

    @Test("a configured origin gets its preflight answered and can read responses, errors included")
    func corsOn() {
        let (app, _) = TestSupport.makeApplication(corsOrigins: [origin])
        let allowed = preflight(app, from: origin)
        #expect(allowed.status == 204)
        #expect(allowed.header("Access-Control-Allow-Origin") == origin)
        #expect(allowed.header("Access-Control-Allow-Methods")?.contains("PATCH") == true)
        #expect(allowed.header("Access-Control-Allow-Headers")?.contains("Authorization") == true)
        #expect(allowed.header("Access-Control-Allow-Credentials") == nil)
        #expect(allowed.header("Vary") == "Origin")
        let refused = preflight(app, from: "https://evil.example")
        #expect(refused.status == 403)
        #expect(refused.json["code"].stringValue == "cors.origin_not_allowed")
        #expect(refused.header("Access-Control-Allow-Origin") == nil)
        let health = app.respond(to: TestSupport.request("GET", "/api/v1/health", headers: ["Origin": origin]))
        #expect(health.header("Access-Control-Allow-Origin") == origin)
        #expect(health.header("Access-Control-Expose-Headers")?.contains("ETag") == true)
        let problem = app.respond(to: TestSupport.request("GET", "/api/v1/users/me", headers: ["Origin": origin]))
        #expect(problem.status == 401)
        #expect(problem.header("Access-Control-Allow-Origin") == origin)
        let other = app.respond(to: TestSupport.request("GET", "/api/v1/health", headers: ["Origin": "https://evil.example"]))
        #expect(other.header("Access-Control-Allow-Origin") == nil)
    }

    @Test("account and token responses are never stored by caches; public reads may be")
    func cacheControl() throws {
        let (app, _) = TestSupport.makeApplication()
        let account = try TestAccount.register(app, "cache")
        #expect(app.respond(to: TestSupport.request("GET", "/api/v1/users/me", bearer: account.accessToken)).header("Cache-Control") == "no-store")
        #expect(app.respond(to: TestSupport.request("GET", "/api/v1/users/me")).header("Cache-Control") == "no-store")
        let login = app.respond(to: TestSupport.json("POST", "/api/v1/auth/login", #"{"email":"\#(account.email)","password":"\#(account.password)"}"#))
        #expect(login.header("Cache-Control") == "no-store")
        #expect(login.headers.filter { $0.name == "Cache-Control" }.count == 1)
        #expect(app.respond(to: TestSupport.request("GET", "/api/v1/health")).header("Cache-Control") == nil)
        #expect(app.respond(to: TestSupport.request("GET", "/api/v1/posts")).header("Cache-Control") == nil)
        #expect(app.respond(to: TestSupport.request("GET", "/api/v1/posts", bearer: account.accessToken)).header("Cache-Control") == "no-store")
    }

    @Test("CORS origins must be exact origins")
    func corsConfiguration() throws {
        let secret = String(repeating: "s", count: 40)
        let configuration = try Configuration(environment: ["FRONTDESK_JWT_SECRET": secret, "FRONTDESK_CORS_ORIGINS": "https://a.example, http://localhost:3000"])
        #expect(configuration.corsOrigins == ["https://a.example", "http://localhost:3000"])
        for bad in ["*", "https://a.example/", "a.example", "ftp://a.example"] {
            #expect(throws: ConfigurationError.self) { try Configuration(environment: ["FRONTDESK_JWT_SECRET": secret, "FRONTDESK_CORS_ORIGINS": bad]) }
        }
    }
}
