/// One header field of a response.
public struct HeaderField: Sendable, Equatable {
    /// The field name as it is sent, for example `Content-Type`.
    public var name: String
    /// The field value.
    public var value: String

    /// Creates a header field.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// One HTTP response: status, header fields and body bytes.
public struct Response: Sendable {
    /// The status code, for example 200.
    public var status: Int
    /// Header fields in the order they are sent.
    public var headers: [HeaderField]
    /// The body bytes.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: [HeaderField] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response with `application/json; charset=utf-8`.
    public static func json(_ status: Int, _ body: [UInt8], headers: [HeaderField] = []) -> Response {
        // With room for the fields the middlewares add on the way out (request id, caching):
        // growing the array twice per request cost two allocations.
        var fields: [HeaderField] = []
        fields.reserveCapacity(headers.count + 4)
        fields.append(HeaderField("Content-Type", "application/json; charset=utf-8"))
        fields.append(contentsOf: headers)
        return Response(status: status, headers: fields, body: body)
    }

    /// A response with no body, such as 204 or 304.
    public static func empty(_ status: Int, headers: [HeaderField] = []) -> Response {
        Response(status: status, headers: headers)
    }

    /// The first value of a header field, looked up case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.equalsIgnoringASCIICase(name) }?.value
    }

    /// The body as UTF-8 text, for tests and logs.
    public var bodyText: String {
        String(decoding: body, as: UTF8.self)
    }
}
