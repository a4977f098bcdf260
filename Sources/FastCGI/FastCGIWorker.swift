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
            connection.write(Self.encodeHead(response))
            connection.write(response.body)
            connection.finish()
            served += 1
            activity.requestFinished(served: served)
            if connection.isShuttingDown { break }
            if let maxRequests, served >= maxRequests { break }
        }
        return served
    }

    /// The CGI response head: `Status:`, header fields, `Content-Length`, blank line.
    /// Appended as bytes to one buffer: string interpolation cost a /health request a seventh of its CPU.
    static func encodeHead(_ response: Response) -> [UInt8] {
        var head: [UInt8] = []
        head.reserveCapacity(256)
        append("Status: ", to: &head)
        append(String(response.status), to: &head)
        append(" ", to: &head)
        append(HTTPStatus.reasonPhrase(for: response.status), to: &head)
        append("\r\n", to: &head)
        var hasContentLength = false
        for field in response.headers {
            append(field.name, to: &head)
            append(": ", to: &head)
            append(field.value, to: &head)
            append("\r\n", to: &head)
            if !hasContentLength { hasContentLength = field.name.equalsIgnoringASCIICase("Content-Length") }
        }
        if response.status != 204 && response.status != 304 && !hasContentLength {
            append("Content-Length: ", to: &head)
            append(String(response.body.count), to: &head)
            append("\r\n", to: &head)
        }
        append("\r\n", to: &head)
        return head
    }

    // Each string copied whole from its UTF-8 storage: appending a string's UTF-8 view byte by
    // byte cost a /health request 8% of its CPU.
    private static func append(_ text: StaticString, to head: inout [UInt8]) {
        head.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private static func append(_ text: String, to head: inout [UInt8]) {
        var text = text
        text.withUTF8 { head.append(contentsOf: $0) }
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
