// Debug builds only: the harness reaches internals through @testable imports (fuzz/run builds debug).
#if DEBUG
import Argon2
@testable import FastCGI
import FrontdeskApp
import HTTPCore
import Logging

/// The real application (`Frontdesk.makeApplication`: middleware chain, router, services,
/// Postgres repositories) on a database that cannot be reached, and the invariants every response
/// it gives must keep.
enum ApplicationCheck {
    /// Small, so that fuzz inputs of a few KiB reach the 413 path too.
    static let maxBodyBytes = 1024
    /// The clock the application runs on: fixed, so that the seed corpus' access token stays valid.
    static let now: Int64 = 1_800_000_000
    /// The key that signed the seed corpus' access token (`fuzz/seeds`).
    static let signingKey = SigningKey(secret: Array("frontdesk fuzz signing key, 32+ bytes long".utf8))

    // The fuzzer calls in from one thread, as a worker serves one request at a time.
    nonisolated(unsafe) static let application: HTTPApplication = {
        // A socket directory that does not exist: every connection attempt fails at once, as
        // while PostgreSQL is down, and every route that needs the database answers 503.
        var configuration = Configuration(
            databaseURL: "host=/nonexistent/frontdesk-fuzz dbname=none", maxBodyBytes: maxBodyBytes,
            auth: AuthConfiguration(
                signingKeys: [signingKey],
                // The cheapest Argon2id, so that registrations (hashed before the insert) stay fast.
                passwordHashing: Argon2Parameters(memoryKiB: 8, iterations: 1, parallelism: 1)))
        configuration.corsOrigins = ["https://app.example.com"]
        let database = Frontdesk.makeDatabase(configuration: configuration)
        let quiet = Logger(label: "fuzz") { _ in SwiftLogNoOpLogHandler() }
        return Frontdesk.makeApplication(configuration: configuration, database: database, logger: quiet, now: { now })
    }()

    /// Runs `request` through the application and checks the response.
    @discardableResult
    static func run(_ request: Request) -> Response {
        let response = application.respond(to: request)
        check(response, to: request)
        return response
    }

    static func check(_ response: Response, to request: Request) {
        let status = response.status
        expect((100...599).contains(status), "status \(status) out of range")
        expect(status != 500, "500 for \(request.method) \(request.path): \(text(response.body))")
        if status >= 500 {
            expect(status == 503 && response.header("Retry-After") != nil, "\(status) other than 503 + Retry-After")
        }
        for field in response.headers {
            expect(!field.name.isEmpty && field.name.utf8.allSatisfy(isTokenCharacter), "bad header name \(field.name.debugDescription)")
            expect(!field.value.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0 }, "CR, LF or NUL in \(field.name): \(field.value.debugDescription)")
        }
        let requestIDs = response.headers.filter { $0.name == "X-Request-ID" }
        expect(requestIDs.count == 1, "\(requestIDs.count) X-Request-ID fields")
        if status == 401 { expect(response.header("WWW-Authenticate") != nil, "401 without WWW-Authenticate") }
        if status == 405 { expect(response.header("Allow") != nil, "405 without Allow") }
        if status == 204 || status == 304 { expect(response.body.isEmpty, "\(status) with a body") }
        checkContentLength(response, isHead: request.method == "HEAD")
        guard request.method != "HEAD", !response.body.isEmpty else { return }
        let body: JSONValue
        do {
            body = try JSONValue.parse(response.body)
        } catch {
            fail("\(status) body is not JSON: \(text(response.body))")
        }
        if status >= 400 {
            checkProblem(body, response, requestID: requestIDs.first?.value, path: request.path)
        }
    }

    /// What the worker writes: at most one Content-Length, equal to the body it sends (for HEAD,
    /// the length a GET would have had).
    static func checkContentLength(_ response: Response, isHead: Bool) {
        let head = String(decoding: FastCGIWorker.encodeHead(response), as: UTF8.self)
        let lengths = head.split(separator: "\r\n").filter { $0.lowercased().hasPrefix("content-length:") }
        if response.status == 204 || response.status == 304 {
            expect(lengths.isEmpty || isHead, "Content-Length on \(response.status)")
            return
        }
        expect(lengths.count == 1, "\(lengths.count) Content-Length fields")
        let declared = lengths.first.flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) }
        expect(declared != nil, "unreadable Content-Length in \(head.debugDescription)")
        if !isHead { expect(declared == response.body.count, "Content-Length \(declared ?? -1) for \(response.body.count) bytes") }
    }

    /// RFC 9457 with the members the contract promises, agreeing with the response.
    static func checkProblem(_ body: JSONValue, _ response: Response, requestID: String?, path: String) {
        expect(response.header("Content-Type") == "application/problem+json", "error with Content-Type \(response.header("Content-Type") ?? "none")")
        guard case .object(let members) = body else { fail("problem is not an object") }
        for name in ["type", "title", "detail", "instance", "code", "request_id"] {
            guard case .string(let value)? = members[name], !value.isEmpty || name == "instance" else { fail("problem without a string \(name)") }
        }
        expect(members["status"] == .integer(Int64(response.status)), "problem status \(String(describing: members["status"])) on a \(response.status)")
        expect(members["request_id"] == requestID.map { .string($0) }, "problem request_id differs from X-Request-ID")
        expect(members["instance"] == .string(path), "problem instance differs from the path")
        if let errors = members["errors"] {
            guard case .array(let entries) = errors, !entries.isEmpty else { fail("problem errors is not a non-empty array") }
            for case let entry in entries {
                guard case .object(let fields) = entry, case .string? = fields["field"], case .string? = fields["message"] else {
                    fail("problem error entry without field and message")
                }
            }
        }
        if response.status == 503 {
            expect(members["code"] == .string("database.unavailable"), "503 that is not the unreachable database")
        }
    }

    /// RFC 9110 token characters.
    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        default: Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    static func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.prefix(300), as: UTF8.self)
    }
}
#endif
