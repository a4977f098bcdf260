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
    /// `emit` gathered in a 1 KiB buffer on the stack: one piece for any head the application
    /// makes. Handed to libfcgi piece by piece (~20 calls of `emit`), a /health head took ~2.5k
    /// instructions, gathered ~1.9k (callgrind).
    static func writeHead(_ response: Response, _ emit: (UnsafeRawBufferPointer) -> Void) {
        withUnsafeTemporaryAllocation(byteCount: HeadBuffer.capacity, alignment: 16) { storage in
            withoutActuallyEscaping(emit) { emit in
                var head = HeadBuffer(storage: storage, emit: emit)
                head.append("Status: ")
                head.appendDecimal(response.status)
                head.append(" ")
                head.append(HTTPStatus.reasonPhrase(for: response.status))
                head.append("\r\n")
                var hasContentLength = false
                for field in response.headers {
                    head.append(field.name)
                    head.append(": ")
                    head.append(field.value)
                    head.append("\r\n")
                    if !hasContentLength { hasContentLength = field.name.equalsIgnoringASCIICase("Content-Length") }
                }
                if response.status != 204 && response.status != 304 && !hasContentLength {
                    head.append("Content-Length: ")
                    head.appendDecimal(response.body.count)
                    head.append("\r\n")
                }
                head.append("\r\n")
                head.flush()
            }
        }
    }
}

/// Gathers a response head's pieces in a fixed buffer and hands them to `emit` when it is full
/// and at the end; a piece larger than the buffer goes straight through.
private struct HeadBuffer {
    static let capacity = 1024
    let storage: UnsafeMutableRawBufferPointer
    let emit: (UnsafeRawBufferPointer) -> Void
    var count = 0

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        if bytes.count > storage.count - count {
            flush()
            guard bytes.count <= storage.count else { return emit(bytes) }
        }
        (storage.baseAddress! + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    mutating func append(_ text: StaticString) {
        append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func append(_ text: String) {
        if text.utf8.withContiguousStorageIfAvailable({ append(UnsafeRawBufferPointer($0)) }) == nil {
            var copy = text
            copy.withUTF8 { append(UnsafeRawBufferPointer($0)) }
        }
    }

    mutating func appendDecimal(_ value: Int) {
        withDecimalDigits(of: Int64(value)) { append($0) }
    }

    mutating func flush() {
        guard count > 0 else { return }
        emit(UnsafeRawBufferPointer(rebasing: storage[..<count]))
        count = 0
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
