/// One HTTP request as the application sees it: a plain value, independent of FastCGI.
public struct Request: Sendable {
    /// The method in upper case, for example `GET`.
    public var method: String
    /// The path without the query string, for example `/api/v1/users/7`.
    public var path: String
    /// The raw query string, without the leading `?`.
    public var queryString: String
    /// Header fields, by lower-cased name.
    public var headers: HTTPHeaders
    /// The body bytes; at most the configured limit plus one byte is ever read.
    public var body: [UInt8]
    /// The length the client declared in `Content-Length`, when it declared one.
    public var declaredContentLength: Int?
    /// The client's address as nginx saw it.
    public var remoteAddress: String

    /// Creates a request; tests build these directly.
    public init(
        method: String,
        path: String,
        queryString: String = "",
        headers: [String: String] = [:],
        body: [UInt8] = [],
        declaredContentLength: Int? = nil,
        remoteAddress: String = "127.0.0.1"
    ) {
        self.method = method
        self.path = path
        self.queryString = queryString
        self.headers = HTTPHeaders(headers)
        self.body = body
        self.declaredContentLength = declaredContentLength ?? (body.isEmpty ? nil : body.count)
        self.remoteAddress = remoteAddress
    }

    /// The value of a header field, looked up case-insensitively.
    public func header(_ name: String) -> String? {
        headers[name]
    }

    /// Whether the request carries a body, declared or actual.
    public var hasBody: Bool {
        !body.isEmpty || (declaredContentLength ?? 0) > 0
    }
}
