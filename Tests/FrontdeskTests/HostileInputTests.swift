import Foundation
import FrontdeskApp
import HTTPCore
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Bodies, strings and FastCGI records an attacker might send: each gets a clear 4xx or is
/// stored byte for byte; never a 500, a crash or a wedged worker.
@Suite("Hostile input")
struct HostileInputTests {
    /// Bodies that are not JSON, or JSON at its edges. Each: the bytes, and the statuses allowed.
    static let bodies: [(name: String, bytes: [UInt8], allowed: Set<Int>)] = [
        ("empty", [], [400]),
        ("truncated", Array(#"{"email":"a@b.co","na"#.utf8), [400]),
        ("trailing comma", Array(#"{"email":"a@b.co",}"#.utf8), [400]),
        ("trailing comma in array", Array(#"{"email":["a",]}"#.utf8), [400]),
        ("lone high surrogate", Array(#"{"name":"\ud800"}"#.utf8), [400, 422]),
        ("lone low surrogate", Array(#"{"name":"\udc00x"}"#.utf8), [400, 422]),
        ("100,000 nested arrays", Array(repeating: UInt8(ascii: "["), count: 100_000) + Array(repeating: UInt8(ascii: "]"), count: 100_000), [400]),
        ("100,000 nested objects", Array(String(repeating: #"{"a":"#, count: 100_000).utf8), [400]),
        ("huge exponent", Array(#"{"email":"a@b.co","name":"A","password":"long enough","age":1e999999}"#.utf8), [400, 422]),
        ("huge integer", Array(#"{"email":"a@b.co","name":"A","password":"long enough","age":123456789012345678901234567890}"#.utf8), [400, 422]),
        ("invalid UTF-8", [UInt8(ascii: "{"), UInt8(ascii: "\""), 0xFF, 0xFE, UInt8(ascii: "\""), UInt8(ascii: ":"), UInt8(ascii: "1"), UInt8(ascii: "}")], [400]),
        ("overlong UTF-8 slash", [UInt8(ascii: "\""), 0xC0, 0xAF, UInt8(ascii: "\"")], [400]),
        ("raw NUL byte", Array(#"{"name":"a"#.utf8) + [0] + Array(#"b"}"#.utf8), [400]),
        ("escaped NUL", Array(#"{"email":"a@b.co","name":"a\u0000b","password":"long enough"}"#.utf8), [422]),
        ("a bare string", Array(#""just a string""#.utf8), [422]),
        ("null", Array("null".utf8), [422]),
        ("comment", Array(#"{"email":"a@b.co"} // note"#.utf8), [400]),
        ("single quotes", Array("{'email':'a@b.co'}".utf8), [400]),
        ("NaN", Array(#"{"age":NaN}"#.utf8), [400]),
        ("BOM", [0xEF, 0xBB, 0xBF] + Array("{}".utf8), [400, 422]),
    ]

    @Test("malformed and extreme JSON bodies get 400 or 422, never 500", arguments: bodies.indices)
    func malformedBody(index: Int) {
        let (app, _) = TestSupport.makeApplication()
        let (name, bytes, allowed) = Self.bodies[index]
        let response = app.respond(to: Request(method: "POST", path: "/api/v1/auth/register", headers: ["Content-Type": "application/json"], body: bytes))
        #expect(allowed.contains(response.status), "\(name): \(response.status) \(response.bodyText.prefix(200))")
        #expect(response.header("Content-Type") == "application/problem+json", "\(name)")
    }

    @Test("a repeated member name keeps its last value (documented)")
    func duplicateKeys() throws {
        let (app, _) = TestSupport.makeApplication()
        let unique = TestSupport.uniqueToken()
        let body = #"{"email":"dup.\#(unique)@example.com","name":"First","name":"Last","password":"long enough"}"#
        let response = app.respond(to: TestSupport.json("POST", "/api/v1/auth/register", body))
        #expect(response.status == 201)
        #expect(response.json["name"].stringValue == "Last")
    }

    static let hostileStrings = [
        "Robert'); DROP TABLE posts;--", "%s%s%s%n%x%p", "\u{202E}evil\u{202C} text", "👩‍👩‍👧‍👦 family",
        "zero\u{200B}width\u{200D}joiner", "<script>alert(1)</script>", "\\\"quoted\\\" \\\\ slashes", "Ω≈ç√∫˜µ≤≥÷ 田中さん",
        "line\nbreak\ttab", String(repeating: "x", count: 10_000),
    ]

    @Test("hostile strings in every post text field are stored and returned byte for byte, or refused with 422", arguments: hostileStrings.indices)
    func hostileStringRoundTrip(index: Int) throws {
        let (app, _) = TestSupport.makeApplication()
        let account = try TestAccount.register(app, "hostile")
        let text = Self.hostileStrings[index]
        var json = JSONWriter()
        json.object { $0.field("title", text); $0.field("body", text); $0.field("published", true) }
        let created = app.respond(to: Request(
            method: "POST", path: "/api/v1/posts",
            headers: ["Content-Type": "application/json", "Authorization": "Bearer \(account.accessToken)"], body: json.bytes))
        #expect(created.status == 201 || created.status == 422, "\(created.status)")
        if created.status == 201 {
            let id = try #require(created.json["id"].integerValue)
            let read = app.respond(to: TestSupport.request("GET", "/api/v1/posts/\(id)"))
            #expect(read.json["body"].stringValue == text)
            #expect(read.json["title"].stringValue == text.trimmingCharacters(in: .whitespacesAndNewlines))
        } else {
            #expect(!created.json.errorFields.isEmpty)
        }
        var profile = JSONWriter()
        profile.object { $0.field("name", text) }
        let patched = app.respond(to: Request(
            method: "PATCH", path: "/api/v1/users/me",
            headers: ["Content-Type": "application/json", "Authorization": "Bearer \(account.accessToken)"], body: profile.bytes))
        #expect(patched.status == 200 || patched.status == 422)
        if patched.status == 200 { #expect(patched.json["name"].stringValue == text.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// Raw byte sequences sent on a fresh FastCGI connection, then closed.
    static let records: [(name: String, bytes: [UInt8])] = [
        ("bad version", [9, 1, 0, 1, 0, 8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]),
        ("truncated header", [1, 1, 0]),
        ("unknown record type", FastCGITestClient.record(type: 42, content: [1, 2, 3])),
        ("params length beyond the record", FastCGITestClient.record(type: 1, content: [0, 1, 0, 0, 0, 0, 0, 0])
            + FastCGITestClient.record(type: 4, content: [0x8F, 0xFF, 0xFF, 0xFF, 0x8F, 0xFF, 0xFF, 0xFF, 65, 66])),
        ("begin, then close mid-params", FastCGITestClient.record(type: 1, content: [0, 1, 0, 0, 0, 0, 0, 0]) + [1, 4, 0, 1, 0, 200]),
        ("garbage", Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)),
    ]

    @Test("malformed FastCGI records never wedge or crash the worker")
    func malformedRecords() throws {
        let worker = try FastCGISocketTests.WorkerProcess()
        for (name, bytes) in Self.records {
            let descriptor = try worker.client.connect()
            worker.client.write(descriptor, bytes)
            shutdown(descriptor, Int32(SHUT_WR))
            var timeout = timeval(tv_sec: 3, tv_usec: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            _ = worker.client.read(descriptor)
            close(descriptor)
            let reply = try worker.client.send(params: FastCGISocketTests.params("GET", "/api/v1/health"))
            #expect(reply.status == 200, "after \(name)")
        }
        #expect(worker.exitStatus(within: 0) == nil, "the worker is still running")
    }
}
