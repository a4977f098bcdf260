import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The real `frontdesk worker` binary on a real unix socket, spoken to in FastCGI.
@Suite("FastCGI worker over a real socket")
struct FastCGISocketTests {
    /// A worker process bound to its own socket; terminated when the test ends.
    final class WorkerProcess {
        let process = Process()
        let socketPath = "/tmp/frontdesk-test-\(UUID().uuidString.prefix(8)).sock"
        var client: FastCGITestClient { FastCGITestClient(socketPath: socketPath) }

        init(maxBodyBytes: Int = 1 << 20) throws {
            let binary = ProcessInfo.processInfo.environment["FRONTDESK_BINARY"] ?? TestSupport.repositoryRoot + "/.build/debug/frontdesk"
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["worker", "--socket", socketPath]
            process.environment = [
                "DATABASE_URL": TestSupport.databaseURL, "FRONTDESK_MAX_BODY_BYTES": String(maxBodyBytes),
                "FRONTDESK_LOG_LEVEL": "error", "FRONTDESK_JWT_SECRET": String(decoding: TestSupport.signingKey.secret, as: UTF8.self),
            ]
            try process.run()
            for _ in 0..<100 where !FileManager.default.fileExists(atPath: socketPath) {
                usleep(20_000)
            }
            usleep(20_000)
        }

        deinit {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            unlink(socketPath)
        }

        /// Waits up to `seconds` for the process to exit; its exit status, or nil if it is still running.
        func exitStatus(within seconds: Double) -> Int32? {
            let deadline = Date().addingTimeInterval(seconds)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            return process.isRunning ? nil : process.terminationStatus
        }
    }

    static func params(_ method: String, _ uri: String, _ extra: [String: String] = [:]) -> [String: String] {
        let parts = uri.split(separator: "?", maxSplits: 1)
        return ["REQUEST_METHOD": method, "REQUEST_URI": uri, "QUERY_STRING": parts.count > 1 ? String(parts[1]) : "", "REMOTE_ADDR": "127.0.0.1"]
            .merging(extra) { _, new in new }
    }

    @Test("a request is answered with Status, header fields and body; the request id param wins")
    func answers() throws {
        let worker = try WorkerProcess()
        let reply = try worker.client.send(params: Self.params("GET", "/api/v1/health", ["REQUEST_ID": "abc123", "HTTP_X_REQUEST_ID": "client"]))
        #expect(reply.text.hasPrefix("Status: 200 OK\r\n"))
        #expect(reply.text.contains("Content-Type: application/json; charset=utf-8\r\n"))
        #expect(reply.text.contains("X-Request-ID: abc123\r\n"))
        #expect(reply.text.contains("Content-Length: 15\r\n"))
        #expect(reply.body == #"{"status":"ok"}"#)
        let created = try worker.client.send(
            params: Self.params("POST", "/api/v1/auth/register", ["CONTENT_TYPE": "application/json", "CONTENT_LENGTH": "0"]),
            body: Array(#"{"email":"\#(TestSupport.uniqueToken())@example.com","name":"Over FastCGI","password":"long enough"}"#.utf8))
        #expect(created.status == 201)
        #expect(created.text.contains("Location: /api/v1/users/"))
    }

    @Test("the body limit holds whatever CONTENT_LENGTH says")
    func bodyLimit() throws {
        let worker = try WorkerProcess(maxBodyBytes: 64)
        let body = Array(#"{"email":"a@example.com","name":""#.utf8) + Array(repeating: UInt8(ascii: "x"), count: 10_000) + Array(#""}"#.utf8)
        let lying = try worker.client.send(params: Self.params("POST", "/api/v1/auth/register", ["CONTENT_TYPE": "application/json", "CONTENT_LENGTH": "10"]), body: body)
        #expect(lying.status == 413)
        let declared = try worker.client.send(params: Self.params("POST", "/api/v1/auth/register", ["CONTENT_TYPE": "application/json", "CONTENT_LENGTH": "99999999"]), body: body)
        #expect(declared.status == 413)
        let small = try worker.client.send(params: Self.params("POST", "/api/v1/auth/register", ["CONTENT_TYPE": "application/json", "CONTENT_LENGTH": "2"]), body: Array("{}".utf8))
        #expect(small.status == 422)
    }

    @Test("a request read to its end is closed at once, without waiting for the web server to close")
    func closesAtOnce() throws {
        let worker = try WorkerProcess()
        let first = try worker.client.connect()
        defer { close(first) }
        worker.client.write(first, FastCGITestClient.beginning(params: Self.params("GET", "/api/v1/health")) + FastCGITestClient.stdin([]))
        #expect(worker.client.read(first).status == 200)
        // The first connection stays open here. libfcgi's graceful close would have the worker
        // read it until it closed, up to 2 s, before taking the next request.
        let started = Date()
        #expect(try worker.client.send(params: Self.params("GET", "/api/v1/health")).status == 200)
        #expect(Date().timeIntervalSince(started) < 1)
        // A worker that kept it open would fail this check after 2 s instead of hanging the suite.
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(first, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var byte: UInt8 = 0
        #expect(recv(first, &byte, 1, 0) == 0, "the worker closed its end")
    }

    @Test("a client that disconnects mid-request does not crash or wedge the worker")
    func disconnect() throws {
        let worker = try WorkerProcess()
        for _ in 0..<5 {
            let descriptor = try worker.client.connect()
            worker.client.write(descriptor, FastCGITestClient.beginning(params: Self.params("GET", "/api/v1/users?limit=100")) + FastCGITestClient.stdin([]))
            close(descriptor)
        }
        let descriptor = try worker.client.connect()
        worker.client.write(descriptor, FastCGITestClient.beginning(params: Self.params("POST", "/api/v1/auth/register", ["CONTENT_TYPE": "application/json"])))
        close(descriptor)
        let reply = try worker.client.send(params: Self.params("GET", "/api/v1/health"))
        #expect(reply.status == 200)
        #expect(worker.process.isRunning)
    }

    @Test("SIGTERM while idle exits 0 at once")
    func sigtermIdle() throws {
        let worker = try WorkerProcess()
        #expect(try worker.client.send(params: Self.params("GET", "/api/v1/health")).status == 200)
        kill(worker.process.processIdentifier, SIGTERM)
        #expect(worker.exitStatus(within: 3) == 0)
    }

    @Test("SIGTERM during a request lets it finish, then exits 0")
    func sigtermInFlight() throws {
        let worker = try WorkerProcess()
        let descriptor = try worker.client.connect()
        defer { close(descriptor) }
        let body = Array(#"{"email":"\#(TestSupport.uniqueToken())@example.com","name":"In flight","password":"long enough"}"#.utf8)
        worker.client.write(descriptor, FastCGITestClient.beginning(params: Self.params("POST", "/api/v1/auth/register", ["CONTENT_TYPE": "application/json", "CONTENT_LENGTH": String(body.count)])))
        worker.client.write(descriptor, FastCGITestClient.record(type: 5, content: Array(body.prefix(10))))
        usleep(200_000)
        kill(worker.process.processIdentifier, SIGTERM)
        usleep(100_000)
        worker.client.write(descriptor, FastCGITestClient.record(type: 5, content: Array(body.dropFirst(10))) + FastCGITestClient.record(type: 5, content: []))
        let reply = worker.client.read(descriptor)
        #expect(reply.status == 201)
        #expect(worker.exitStatus(within: 3) == 0)
    }

    @Test("SIGTERM while a request's parameters are still arriving does not drop it")
    func sigtermDuringParameters() throws {
        let worker = try WorkerProcess()
        let descriptor = try worker.client.connect()
        defer { close(descriptor) }
        let opening = FastCGITestClient.beginning(params: Self.params("GET", "/api/v1/health"))
        worker.client.write(descriptor, Array(opening.prefix(16)))  // BEGIN_REQUEST only: the worker is reading parameters
        usleep(200_000)
        kill(worker.process.processIdentifier, SIGTERM)
        usleep(100_000)
        worker.client.write(descriptor, Array(opening.dropFirst(16)) + FastCGITestClient.stdin([]))
        let reply = worker.client.read(descriptor)
        #expect(reply.status == 200)
        #expect(worker.exitStatus(within: 3) == 0)
    }
}
