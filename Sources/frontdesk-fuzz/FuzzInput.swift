// Debug builds only: the harness reaches internals through @testable imports (fuzz/run builds debug).
#if DEBUG
@testable import FastCGI
import HTTPCore

/// One fuzz input read as what nginx hands a worker: CGI parameters, one `NAME=VALUE` per line,
/// then an empty line, then the body bytes.
///
/// ```
/// REQUEST_METHOD=POST
/// REQUEST_URI=/api/v1/auth/login
/// CONTENT_TYPE=application/json
/// HTTP_IDEMPOTENCY_KEY=k1
///
/// {"email":"ada@example.com","password":"correct horse"}
/// ```
///
/// Each line is cut at its first NUL byte, as libfcgi's C strings are, and handed to the
/// adapter's own request builder as the worker hands it libfcgi's entries.
struct FuzzInput {
    let entries: [[UInt8]]
    let body: [UInt8]

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        let newline = UInt8(ascii: "\n")
        var entries: [[UInt8]] = []
        var position = bytes.startIndex
        while position < bytes.endIndex {
            let end = bytes[position...].firstIndex(of: newline) ?? bytes.endIndex
            let line = bytes[position..<end]
            position = min(end + 1, bytes.endIndex)
            if line.isEmpty { break }
            let cString = line.prefix { $0 != 0 }
            entries.append(Array(cString) + [0])
        }
        self.entries = entries
        self.body = Array(bytes[position...])
    }

    /// The request as the worker builds it, reading the body as libfcgi would: what the client
    /// sent, never more than the adapter asks for.
    func makeRequest(maxBodyBytes: Int) -> Request {
        var builder = CGIRequestBuilder()
        for entry in entries {
            entry.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { builder.add(entry: $0.baseAddress!) }
            }
        }
        return builder.build(maxBodyBytes: maxBodyBytes) { limit in Array(body.prefix(limit)) }
    }
}
#endif
