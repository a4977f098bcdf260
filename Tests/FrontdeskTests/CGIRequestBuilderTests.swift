@testable import FastCGI
import HTTPCore
import Testing

/// The worker's CGI parameter decoding, on the `NAME=VALUE` entries as libfcgi hands them over.
@Suite("FastCGI parameters to Request")
struct CGIRequestBuilderTests {
    static func request(_ entries: [String], body: [UInt8] = [], maxBodyBytes: Int = 64) -> Request {
        var builder = CGIRequestBuilder()
        for entry in entries { entry.withCString { builder.add(entry: $0) } }
        return builder.build(maxBodyBytes: maxBodyBytes) { limit in Array(body.prefix(limit)) }
    }

    @Test("the parameters the application reads, and header fields from HTTP_*")
    func parameters() {
        let request = Self.request([
            "SCRIPT_FILENAME=/srv/x", "REQUEST_METHOD=PATCH", "REQUEST_URI=/api/v1/posts/7?a=1&b=2",
            "DOCUMENT_URI=/api/v1/posts/7", "QUERY_STRING=a=1&b=2", "CONTENT_TYPE=application/json",
            "CONTENT_LENGTH=2", "REMOTE_ADDR=192.0.2.1", "HTTP_IF_MATCH=\"3\"", "HTTP_X_CUSTOM_THING=yes",
            "SERVER_SOFTWARE=nginx",
        ], body: Array("{}".utf8))
        #expect(request.method == "PATCH")
        #expect(request.path == "/api/v1/posts/7")
        #expect(request.queryString == "a=1&b=2")
        #expect(request.header("content-type") == "application/json")
        #expect(request.header("if-match") == "\"3\"")
        #expect(request.header("x-custom-thing") == "yes")
        #expect(request.declaredContentLength == 2 && request.body == Array("{}".utf8))
        #expect(request.remoteAddress == "192.0.2.1")
        #expect(request.header("server-software") == nil && request.header("script-filename") == nil)
    }

    @Test("entries without a name or an '=' are skipped; values keep later '=' signs")
    func oddEntries() {
        let request = Self.request(["REQUEST_METHOD", "=GET", "HTTP_=x", "HTTP_A=b=c", "QUERY_STRING=x==y", "REQUEST_URI="])
        #expect(request.method == "GET")
        #expect(request.header("a") == "b=c")
        #expect(request.queryString == "x==y")
        #expect(request.path == "")
    }

    @Test("a repeated header field reads as its last value; REQUEST_ID wins over the client's X-Request-ID")
    func precedence() {
        let request = Self.request(["HTTP_X_REQUEST_ID=client", "HTTP_ACCEPT=a", "HTTP_ACCEPT=b", "REQUEST_ID=nginx"])
        #expect(request.header("accept") == "b")
        #expect(request.header("x-request-id") == "nginx")
        #expect(Self.request(["HTTP_X_REQUEST_ID=client", "REQUEST_ID="]).header("x-request-id") == "client")
    }

    @Test("the body is read up to the limit plus one byte; an unreadable or oversized CONTENT_LENGTH reads nothing")
    func bodyLimit() {
        let body = Array(repeating: UInt8(ascii: "x"), count: 100)
        #expect(Self.request(["CONTENT_LENGTH=10"], body: body, maxBodyBytes: 64).body.count == 65)
        #expect(Self.request(["CONTENT_LENGTH=100"], body: body, maxBodyBytes: 64).body.isEmpty)
        let garbled = Self.request(["CONTENT_LENGTH=ten"], body: body, maxBodyBytes: 64)
        #expect(garbled.declaredContentLength == Int.max && garbled.body.isEmpty)
        #expect(Self.request([], body: [], maxBodyBytes: 64).declaredContentLength == nil)
    }

    @Test("the response head: Status line, fields, one Content-Length whatever its case, none on 204 and 304")
    func head() {
        func head(_ response: Response) -> String { String(decoding: FastCGIWorker.encodeHead(response), as: UTF8.self) }
        #expect(head(.json(201, Array("{}".utf8), headers: [HeaderField("Location", "/x")]))
            == "Status: 201 Created\r\nContent-Type: application/json; charset=utf-8\r\nLocation: /x\r\nContent-Length: 2\r\n\r\n")
        #expect(head(Response(status: 200, headers: [HeaderField("content-length", "0")])) == "Status: 200 OK\r\ncontent-length: 0\r\n\r\n")
        #expect(head(.empty(204)) == "Status: 204 No Content\r\n\r\n")
        #expect(head(.empty(304, headers: [HeaderField("ETag", "\"1\"")])) == "Status: 304 Not Modified\r\nETag: \"1\"\r\n\r\n")
        #expect(head(Response(status: 500)) == "Status: 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n")
        #expect(head(Response(status: 200, body: [UInt8](repeating: 0x20, count: 1_048_576)))
            == "Status: 200 OK\r\nContent-Length: 1048576\r\n\r\n")
    }

    @Test("a head longer than the worker's 1 KiB head buffer comes out whole and in order")
    func longHead() {
        // Fields that fill the buffer several times over, and one value larger than the buffer.
        let fields = (0..<6).map { HeaderField("X-Field-\($0)", String(repeating: Character(String($0)), count: 300)) }
            + [HeaderField("Link", String(repeating: "l", count: 2_500))]
        let expected = "Status: 200 OK\r\n" + fields.map { "\($0.name): \($0.value)\r\n" }.joined() + "Content-Length: 3\r\n\r\n"
        var pieces: [[UInt8]] = []
        FastCGIWorker.writeHead(Response(status: 200, headers: fields, body: Array("abc".utf8))) { pieces.append(Array($0)) }
        #expect(String(decoding: pieces.joined(), as: UTF8.self) == expected)
        // Gathered: a few pieces, none empty, each at most the buffer but the one larger value.
        #expect(pieces.count > 2 && pieces.count < 8)
        #expect(pieces.allSatisfy { !$0.isEmpty && ($0.count <= 1024 || $0.count == 2_500) })
    }
}
