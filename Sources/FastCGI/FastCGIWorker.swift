import HTTPCore

/// The FastCGI adapter: accepts requests one at a time, maps CGI parameters into a `Request`,
/// runs the application, and writes `Status:`, header fields and body back.
public struct FastCGIWorker {
    private let connection: FastCGIConnection
    private let maxBodyBytes: Int
    private let respond: (Request) -> Response
    private let activity: any WorkerActivity

    /// Creates a worker serving `respond` on `connection`; bodies are read up to `maxBodyBytes` + 1.
    /// `activity` hears when each request starts and ends (the supervisor's scoreboard).
    public init(
        connection: FastCGIConnection, maxBodyBytes: Int, activity: any WorkerActivity = NoActivity(),
        respond: @escaping (Request) -> Response
    ) {
        self.connection = connection
        self.maxBodyBytes = maxBodyBytes
        self.activity = activity
        self.respond = respond
    }

    /// Serves requests until SIGTERM or until `maxRequests` (if given) have been served.
    /// Returns the number of requests served.
    @discardableResult
    public func run(maxRequests: Int? = nil) -> Int {
        var served = 0
        while connection.accept() {
            var builder = CGIRequestBuilder()
            connection.forEachParameter { builder.add(entry: $0) }
            activity.requestStarted(method: builder.method, uri: builder.uri)
            let request = builder.build(maxBodyBytes: maxBodyBytes, readBody: connection.readBody(limit:))
            let response = respond(request)
            Self.writeHead(response) { connection.write(bytes: $0) }
            connection.write(response.body)
            connection.finish()
            served += 1
            activity.requestFinished(served: served)
            if connection.isShuttingDown { break }
            if let maxRequests, served >= maxRequests { break }
        }
        return served
    }

    /// The CGI response head as bytes (the fuzz harness and the tests read it this way).
    static func encodeHead(_ response: Response) -> [UInt8] {
        var head: [UInt8] = []
        writeHead(response) { head.append(contentsOf: $0) }
        return head
    }

    /// The CGI response head: `Status:`, header fields, `Content-Length`, blank line, handed to
    /// `emit` piece by piece. The worker's `emit` copies each piece straight into libfcgi's output
    /// buffer: assembling the head in an array first cost a /health request a tenth of its
    /// instructions (callgrind).
    static func writeHead(_ response: Response, _ emit: (UnsafeRawBufferPointer) -> Void) {
        func emitText(_ text: StaticString) {
            emit(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }
        func emitText(_ text: String) {
            var text = text
            text.withUTF8 { emit(UnsafeRawBufferPointer($0)) }
        }
        func emitDecimal(_ value: Int) {
            withDecimalDigits(of: Int64(value), emit)
        }
        emitText("Status: ")
        emitDecimal(response.status)
        emitText(" ")
        emitText(HTTPStatus.reasonPhrase(for: response.status))
        emitText("\r\n")
        var hasContentLength = false
        for field in response.headers {
            emitText(field.name)
            emitText(": ")
            emitText(field.value)
            emitText("\r\n")
            if !hasContentLength { hasContentLength = field.name.equalsIgnoringASCIICase("Content-Length") }
        }
        if response.status != 204 && response.status != 304 && !hasContentLength {
            emitText("Content-Length: ")
            emitDecimal(response.body.count)
            emitText("\r\n")
        }
        emitText("\r\n")
    }
}

/// Hears what a worker is doing, request by request.
public protocol WorkerActivity {
    /// A request was accepted, for `method` and `uri`.
    func requestStarted(method: String, uri: String)
    /// The request was answered; `served` counts every request so far.
    func requestFinished(served: Int)
}

/// Activity that nobody watches.
public struct NoActivity: WorkerActivity {
    /// Creates it.
    public init() {}
    public func requestStarted(method: String, uri: String) {}
    public func requestFinished(served: Int) {}
}
