import HTTPCore
#if canImport(Glibc)
import Glibc
#endif

/// Builds a `Request` from a request's CGI parameters, handed over one `NAME=VALUE` entry at a
/// time as libfcgi holds them. Only the entries the application reads are decoded into strings
/// (nginx sends about twenty); the names are compared as bytes. The worker and the fuzz harness
/// both build their requests with this.
struct CGIRequestBuilder {
    private(set) var method = "GET"
    private(set) var uri = "/"
    private var path = "/"
    private var queryString = ""
    private var declaredLength: Int?
    private var remoteAddress = ""
    private var headers = HTTPHeaders()
    private var requestID: String?

    /// Reads one entry, a C string; one without `=` is skipped. Only the values of entries the
    /// application reads are measured and decoded.
    mutating func add(entry: UnsafePointer<CChar>) {
        // Every entry read starts with H, R, Q or C; the others (SCRIPT_*, SERVER_*, DOCUMENT_*,
        // GATEWAY_INTERFACE: about half of what nginx sends) are skipped before looking for "=".
        switch UInt8(bitPattern: entry.pointee) {
        case UInt8(ascii: "H"), UInt8(ascii: "R"), UInt8(ascii: "Q"), UInt8(ascii: "C"): break
        default: return
        }
        guard let equalsSign = strchr(entry, Int32(UInt8(ascii: "="))) else { return }
        let name = UnsafeRawBufferPointer(start: entry, count: entry.distance(to: equalsSign))
        let valueStart = UnsafePointer(equalsSign + 1)
        func value() -> String { String(cString: valueStart) }
        guard let first = name.first else { return }
        if first == UInt8(ascii: "H") && name.count > 5 && Self.has(name, prefix: "HTTP_") {
            headers.append(lowercasedName: Self.headerName(fromParameter: name), value: value())
            return
        }
        // By length and first letter: most of what nginx sends is skipped after two comparisons.
        switch (name.count, first) {
        case (10, UInt8(ascii: "R")):
            if Self.has(name, prefix: "REQUEST_ID") { requestID = value() }
        case (11, UInt8(ascii: "R")):
            if Self.has(name, prefix: "REQUEST_URI") {
                let bytes = UnsafeRawBufferPointer(start: valueStart, count: strlen(valueStart))
                uri = String(decoding: bytes, as: UTF8.self)
                // Without a query the path is the URI: the same string, not a second copy (one
                // allocation fewer for a path over 15 bytes).
                if let query = bytes.firstIndex(of: UInt8(ascii: "?")) {
                    path = String(decoding: bytes[..<query], as: UTF8.self)
                } else {
                    path = uri
                }
            } else if Self.has(name, prefix: "REMOTE_ADDR") {
                remoteAddress = value()
            }
        case (12, UInt8(ascii: "Q")):
            if Self.has(name, prefix: "QUERY_STRING") { queryString = value() }
        case (12, UInt8(ascii: "C")):
            if Self.has(name, prefix: "CONTENT_TYPE"), valueStart.pointee != 0 {
                headers.append(lowercasedName: "content-type", value: value())
            }
        case (14, UInt8(ascii: "R")):
            if Self.has(name, prefix: "REQUEST_METHOD") { method = value() }
        case (14, UInt8(ascii: "C")):
            if Self.has(name, prefix: "CONTENT_LENGTH") {
                declaredLength = valueStart.pointee == 0 ? nil : (Int(value()) ?? Int.max)
            }
        default:
            break
        }
    }

    /// The request, reading its body through `readBody` never more than `maxBodyBytes` plus one
    /// byte: a lying or missing CONTENT_LENGTH cannot make the worker read more. Mutating, so that
    /// the request id is appended to the builder's own list: to a copy, the list was copied whole.
    mutating func build(maxBodyBytes: Int, readBody: (_ limit: Int) -> [UInt8]) -> Request {
        // Last, so that nginx's REQUEST_ID hides an X-Request-ID header the client sent.
        if let requestID, !requestID.isEmpty { headers.append(lowercasedName: "x-request-id", value: requestID) }
        let body = (declaredLength ?? 0) > maxBodyBytes ? [] : readBody(maxBodyBytes + 1)
        var request = Request(
            method: method, path: path, queryString: queryString, body: body,
            declaredContentLength: declaredLength, remoteAddress: remoteAddress)
        request.headers = headers
        return request
    }

    /// `HTTP_IF_NONE_MATCH` -> `if-none-match`.
    static func headerName(fromParameter name: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: name.count - 5) { buffer in
            for index in 5..<name.count {
                let byte = name[index]
                buffer[index - 5] = switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte + 32
                case UInt8(ascii: "_"): UInt8(ascii: "-")
                default: byte
                }
            }
            return name.count - 5
        }
    }

    /// Whether `bytes` starts with `prefix`.
    private static func has(_ bytes: UnsafeRawBufferPointer, prefix: StaticString) -> Bool {
        bytes.count >= prefix.utf8CodeUnitCount && memcmp(bytes.baseAddress!, prefix.utf8Start, prefix.utf8CodeUnitCount) == 0
    }
}
