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
    private var queryString = ""
    private var declaredLength: Int?
    private var remoteAddress = ""
    private var headers = HTTPHeaders()
    private var requestID: String?

    /// Reads one entry; one without `=` is skipped.
    mutating func add(entry: UnsafeRawBufferPointer) {
        guard let start = entry.baseAddress, let found = memchr(start, Int32(UInt8(ascii: "=")), entry.count) else { return }
        let equals = start.distance(to: UnsafeRawPointer(found))
        guard equals > 0 else { return }
        let name = UnsafeRawBufferPointer(rebasing: entry[..<equals])
        let value = UnsafeRawBufferPointer(rebasing: entry[(equals + 1)...])
        if name.count > 5 && Self.has(name, prefix: "HTTP_") {
            headers.append(lowercasedName: Self.headerName(fromParameter: name), value: String(decoding: value, as: UTF8.self))
            return
        }
        // By length first: most of what nginx sends is skipped after one comparison.
        switch name.count {
        case 10:
            if Self.has(name, prefix: "REQUEST_ID") { requestID = String(decoding: value, as: UTF8.self) }
        case 11:
            if Self.has(name, prefix: "REQUEST_URI") {
                uri = String(decoding: value, as: UTF8.self)
            } else if Self.has(name, prefix: "REMOTE_ADDR") {
                remoteAddress = String(decoding: value, as: UTF8.self)
            }
        case 12:
            if Self.has(name, prefix: "QUERY_STRING") {
                queryString = String(decoding: value, as: UTF8.self)
            } else if Self.has(name, prefix: "CONTENT_TYPE"), !value.isEmpty {
                headers.append(lowercasedName: "content-type", value: String(decoding: value, as: UTF8.self))
            }
        case 14:
            if Self.has(name, prefix: "REQUEST_METHOD") {
                method = String(decoding: value, as: UTF8.self)
            } else if Self.has(name, prefix: "CONTENT_LENGTH") {
                declaredLength = value.isEmpty ? nil : (Int(String(decoding: value, as: UTF8.self)) ?? Int.max)
            }
        default:
            break
        }
    }

    /// The request, reading its body through `readBody` never more than `maxBodyBytes` plus one
    /// byte: a lying or missing CONTENT_LENGTH cannot make the worker read more.
    func build(maxBodyBytes: Int, readBody: (_ limit: Int) -> [UInt8]) -> Request {
        var headers = headers
        if let requestID, !requestID.isEmpty { headers.append(lowercasedName: "x-request-id", value: requestID) }
        let path = uri.utf8.firstIndex(of: UInt8(ascii: "?")).map { String(uri[..<$0]) } ?? uri
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
