@testable import HTTPCore
import Logging
import Testing

@Suite("Router and middleware chain")
struct RouterTests {
    /// A small application whose handlers echo what the router matched.
    static func makeApplication() -> HTTPApplication {
        var router = Router()
        router.add("GET", "/items", { _, _ in .json(200, Array("[]".utf8)) })
        router.add("POST", "/items", { _, _ in .json(201, Array("{}".utf8)) })
        router.add("GET", "/items/{id:int}", { _, context in .json(200, Array("{\"id\":\(context.integerParameter("id"))}".utf8)) })
        router.add("DELETE", "/items/{id:int}", { _, _ in .empty(204) })
        router.add("GET", "/boom", { _, _ in throw CancellationError() })
        let middlewares: [any Middleware] = [RequestIDMiddleware(), AccessLogMiddleware(), ErrorMiddleware(), LimitsMiddleware(maxBodyBytes: 16)]
        return HTTPApplication(middlewares: middlewares, router: router, logger: TestSupport.quietLogger)
    }

    let app = RouterTests.makeApplication()

    @Test("typed parameters match positive 64-bit integers only")
    func typedParameters() {
        #expect(app.respond(to: Request(method: "GET", path: "/items/42")).bodyText == #"{"id":42}"#)
        for path in ["/items/abc", "/items/-1", "/items/0", "/items/1.5", "/items/99999999999999999999", "/items/", "/items/4/x"] {
            #expect(app.respond(to: Request(method: "GET", path: path)).status == 404, "\(path)")
        }
    }

    @Test("an unknown path is a problem+json 404")
    func unknownPath() {
        let response = app.respond(to: Request(method: "GET", path: "/nope"))
        #expect(response.status == 404)
        #expect(response.header("Content-Type") == "application/problem+json")
        #expect(response.json["code"].stringValue == "request.not_found")
    }

    @Test("a known path with the wrong method is 405 with Allow")
    func methodNotAllowed() {
        let response = app.respond(to: Request(method: "PUT", path: "/items/3"))
        #expect(response.status == 405)
        #expect(response.header("Allow") == "GET, HEAD, DELETE")
        #expect(app.respond(to: Request(method: "PATCH", path: "/items")).header("Allow") == "GET, HEAD, POST")
    }

    @Test("HEAD is served by GET without a body")
    func head() {
        let response = app.respond(to: Request(method: "HEAD", path: "/items/7"))
        #expect(response.status == 200)
        #expect(response.body.isEmpty)
        #expect(response.header("Content-Length") == "8")
    }

    @Test("an unexpected error is a generic 500 that names the request id and nothing else")
    func unexpectedError() {
        let response = app.respond(to: Request(method: "GET", path: "/boom", headers: ["X-Request-ID": "abc-123"]))
        #expect(response.status == 500)
        #expect(response.json["request_id"].stringValue == "abc-123")
        #expect(!response.bodyText.contains("Cancellation"))
        #expect(response.header("X-Request-ID") == "abc-123")
    }

    @Test("a malformed request id is replaced by a generated one")
    func requestIDs() {
        let generated = app.respond(to: Request(method: "GET", path: "/items", headers: ["X-Request-ID": "bad id\n{}"]))
        let id = generated.header("X-Request-ID") ?? ""
        #expect(id.count == 32 && id.allSatisfy(\.isHexDigit))
        let next = app.respond(to: Request(method: "GET", path: "/items")).header("X-Request-ID") ?? ""
        #expect(next.count == 32 && next != id)
    }

    @Test("made ids: 32 lower-case hex digits, one process prefix, no repeats in 100,000")
    func requestIDSequence() {
        let ids = (0..<100_000).map { _ in RequestIDSequence.next() }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.utf8.count == 32 && $0.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) } })
        #expect(Set(ids.map { $0.prefix(16) }).count == 1)
        #expect(RequestIDSequence.format(0x0123456789abcdef, 0xfedcba9876543210) == "0123456789abcdeffedcba9876543210")
        // The mix is SplitMix64's finaliser: its published first output for seed 0 (state 0x9e3779b97f4a7c15).
        #expect(RequestIDSequence.mix(0x9e3779b97f4a7c15) == 0xe220a8397b1dcdaf)
    }

    @Test("bodies over the limit are 413 whether declared or actual; non-JSON bodies are 415")
    func limits() {
        let big = Request(method: "POST", path: "/items", headers: ["Content-Type": "application/json"], body: Array(repeating: 32, count: 17))
        #expect(app.respond(to: big).status == 413)
        let declared = Request(method: "POST", path: "/items", headers: ["Content-Type": "application/json"], body: [], declaredContentLength: 1_000_000)
        #expect(app.respond(to: declared).status == 413)
        let text = Request(method: "POST", path: "/items", headers: ["Content-Type": "text/plain"], body: Array("hi".utf8))
        #expect(app.respond(to: text).status == 415)
        let missing = Request(method: "POST", path: "/items", body: Array("{}".utf8))
        #expect(app.respond(to: missing).status == 415)
        for type in ["application/json", "application/json; charset=utf-8", "application/merge-patch+json"] {
            let ok = Request(method: "POST", path: "/items", headers: ["Content-Type": type], body: Array("{}".utf8))
            #expect(app.respond(to: ok).status == 201, "\(type)")
        }
    }

    /// Remembers the route index each response was counted under.
    final class RecordingMetrics: RequestMetrics {
        var indexes: [Int?] = []
        func record(routeIndex: Int?, status: Int, microseconds: UInt64) { indexes.append(routeIndex) }
    }

    @Test("each response is counted under its route's place in the registered routes; HEAD as GET")
    func routeIndexes() {
        var router = Router()
        router.add("GET", "/items", { _, _ in .empty(204) })
        router.add("GET", "/items/{id:int}", { _, _ in .empty(204) })
        router.add("POST", "/items", { _, _ in .empty(204) })
        router.add("DELETE", "/items/{id:int}", { _, _ in .empty(204) })
        let metrics = RecordingMetrics()
        let app = HTTPApplication(middlewares: [AccessLogMiddleware(metrics: metrics), ErrorMiddleware()], router: router, logger: TestSupport.quietLogger)
        let requests = [("GET", "/items"), ("POST", "/items"), ("HEAD", "/items/3"), ("DELETE", "/items/3"), ("GET", "/nope"), ("PUT", "/items")]
        for (method, path) in requests { _ = app.respond(to: Request(method: method, path: path)) }
        let counted = metrics.indexes.map { $0.map { "\(app.routes[$0].method) \(app.routes[$0].template)" } ?? "-" }
        #expect(counted == ["GET /items", "POST /items", "GET /items/{id:int}", "DELETE /items/{id:int}", "-", "-"])
    }

    @Test("a path matches only in full: one slash between segments, none at either end beyond the first")
    func wholePaths() {
        #expect(app.respond(to: Request(method: "GET", path: "/items")).status == 200)
        for path in ["items", "//items", "/items/", "/items//4", "items/4", "/items/4/", "/Items", "/item", "/itemsx", ""] {
            #expect(app.respond(to: Request(method: "GET", path: path)).status == 404, "\(path)")
        }
    }

    @Test("request header fields: any case, the last of a repeated name, removed by nil")
    func headerFields() {
        var headers = HTTPHeaders(["Content-Type": "application/json"])
        #expect(headers["content-type"] == "application/json" && headers["CONTENT-TYPE"] == "application/json")
        headers.append(lowercasedName: "x-thing", value: "1")
        headers.append(lowercasedName: "x-thing", value: "2")
        #expect(headers["X-Thing"] == "2")
        headers["x-thing"] = nil
        #expect(headers["x-thing"] == nil && headers["content-type"] == "application/json")
        headers["X-Other"] = "a"
        headers["x-other"] = "b"
        #expect(headers["x-other"] == "b")
    }
}

