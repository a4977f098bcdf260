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
            let parameters = connection.parameters(named: Self.parameterNames, orPrefixed: "HTTP_")
            let method = parameters.first { $0.name == "REQUEST_METHOD" }?.value ?? "?"
            let uri = parameters.first { $0.name == "DOCUMENT_URI" || $0.name == "REQUEST_URI" }?.value ?? "?"
            activity.requestStarted(method + " " + uri)
            let request = makeRequest(parameters: parameters)
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

    /// The CGI parameters `makeRequest` and the activity summary read, besides `HTTP_*` headers.
    static let parameterNames = [
        "REQUEST_METHOD", "REQUEST_URI", "DOCUMENT_URI", "QUERY_STRING", "CONTENT_LENGTH", "CONTENT_TYPE",
        "REMOTE_ADDR", "REQUEST_ID",
    ]

    /// Builds a `Request` from the current request's CGI parameters and its body on the connection.
    func makeRequest(parameters: [(name: String, value: String)]) -> Request {
        Self.makeRequest(parameters: parameters, maxBodyBytes: maxBodyBytes, readBody: connection.readBody(limit:))
    }

    /// Builds a `Request` from CGI parameters, reading the body through `readBody` never more than
    /// `maxBodyBytes` plus one byte: a lying or missing CONTENT_LENGTH cannot make the worker read
    /// more. Pure apart from `readBody`, so the fuzz harness runs exactly this code.
    static func makeRequest(
        parameters: [(name: String, value: String)], maxBodyBytes: Int, readBody: (_ limit: Int) -> [UInt8]
    ) -> Request {
        var method = "GET"
        var uri = "/"
        var queryString = ""
        var declaredLength: Int?
        var remoteAddress = ""
        var headers: [String: String] = [:]
        var requestID: String?
        for (name, value) in parameters {
            switch name {
            case "REQUEST_METHOD": method = value
            case "REQUEST_URI": uri = value
            case "QUERY_STRING": queryString = value
            case "CONTENT_LENGTH": declaredLength = value.isEmpty ? nil : (Int(value) ?? Int.max)
            case "CONTENT_TYPE": if !value.isEmpty { headers["content-type"] = value }
            case "REMOTE_ADDR": remoteAddress = value
            case "REQUEST_ID": requestID = value
            default:
                if name.hasPrefix("HTTP_") {
                    headers[Self.headerName(fromParameter: name)] = value
                }
            }
        }
        if let requestID, !requestID.isEmpty { headers["x-request-id"] = requestID }
        let path = uri.utf8.firstIndex(of: UInt8(ascii: "?")).map { String(uri[..<$0]) } ?? uri
        let body = (declaredLength ?? 0) > maxBodyBytes ? [] : readBody(maxBodyBytes + 1)
        var request = Request(
            method: method, path: path, queryString: queryString, body: body,
            declaredContentLength: declaredLength, remoteAddress: remoteAddress)
        request.headers = headers
        return request
    }

    /// `HTTP_IF_NONE_MATCH` -> `if-none-match`.
    static func headerName(fromParameter name: String) -> String {
        String(decoding: name.utf8.dropFirst(5).map { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte + 32
            case UInt8(ascii: "_"): UInt8(ascii: "-")
            default: byte
            }
        }, as: UTF8.self)
    }

    /// The CGI response head: `Status:`, header fields, `Content-Length`, blank line.
    /// Appended as bytes to one buffer: string interpolation cost a /health request a seventh of its CPU.
    static func encodeHead(_ response: Response) -> [UInt8] {
        var head: [UInt8] = []
        head.reserveCapacity(512)
        func line(_ name: String, _ value: String) {
            head.append(contentsOf: name.utf8)
            head.append(contentsOf: ": ".utf8)
            head.append(contentsOf: value.utf8)
            head.append(contentsOf: "\r\n".utf8)
        }
        line("Status", String(response.status) + " " + HTTPStatus.reasonPhrase(for: response.status))
        for field in response.headers {
            line(field.name, field.value)
        }
        if response.status != 204 && response.status != 304 && response.header("Content-Length") == nil {
            line("Content-Length", String(response.body.count))
        }
        head.append(contentsOf: "\r\n".utf8)
        return head
    }
}

/// Hears what a worker is doing, request by request.
public protocol WorkerActivity {
    /// A request was accepted; `summary` is its method and path.
    func requestStarted(_ summary: String)
    /// The request was answered; `served` counts every request so far.
    func requestFinished(served: Int)
}

/// Activity that nobody watches.
public struct NoActivity: WorkerActivity {
    /// Creates it.
    public init() {}
    public func requestStarted(_ summary: String) {}
    public func requestFinished(served: Int) {}
}
