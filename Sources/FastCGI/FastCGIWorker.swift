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
            var head = HeadBuffer(storage: storage)
            // `emit` is passed along rather than stored in the buffer: a stored closure is boxed
            // on the heap, one allocation per request.
            func put(_ text: StaticString) { head.append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount), emit) }
            func put(_ text: String) { head.append(text, emit) }
            func put(_ value: Int) { withDecimalDigits(of: Int64(value)) { head.append($0, emit) } }
            put("Status: ")
            put(response.status)
            put(" ")
            put(HTTPStatus.reasonPhrase(for: response.status))
            put("\r\n")
            var hasContentLength = false
            for field in response.headers {
                put(field.name)
                put(": ")
                put(field.value)
                put("\r\n")
                if !hasContentLength { hasContentLength = field.name.equalsIgnoringASCIICase("Content-Length") }
            }
            if response.status != 204 && response.status != 304 && !hasContentLength {
                put("Content-Length: ")
                put(response.body.count)
                put("\r\n")
            }
            put("\r\n")
            head.flush(emit)
        }
    }
}

/// Gathers a response head's pieces in a fixed buffer and hands them to `emit` when it is full
/// and at the end; a piece larger than the buffer goes straight through.
private struct HeadBuffer {
    static let capacity = 1024
    let storage: UnsafeMutableRawBufferPointer
    var count = 0

    mutating func append(_ bytes: UnsafeRawBufferPointer, _ emit: (UnsafeRawBufferPointer) -> Void) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        if bytes.count > storage.count - count {
            flush(emit)
            guard bytes.count <= storage.count else { return emit(bytes) }
        }
        (storage.baseAddress! + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    mutating func append(_ text: String, _ emit: (UnsafeRawBufferPointer) -> Void) {
        if text.utf8.withContiguousStorageIfAvailable({ append(UnsafeRawBufferPointer($0), emit) }) == nil {
            var copy = text
            copy.withUTF8 { append(UnsafeRawBufferPointer($0), emit) }
        }
    }

    mutating func flush(_ emit: (UnsafeRawBufferPointer) -> Void) {
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
