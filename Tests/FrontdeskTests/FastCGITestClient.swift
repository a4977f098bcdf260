import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A minimal FastCGI client (the web server's side of the protocol), as nginx speaks it:
/// one request per connection, request id 1.
struct FastCGITestClient {
    /// What came back: the CGI response text (`Status:`, fields, body).
    struct Reply {
        var stdout: [UInt8]
        var status: Int {
            Int(String(decoding: stdout, as: UTF8.self).split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        var text: String { String(decoding: stdout, as: UTF8.self) }
        var body: String { text.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n") }
    }

    let socketPath: String

    /// Connects to the socket; the caller closes the descriptor.
    func connect() throws -> Int32 {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in socketPath.utf8.enumerated() { buffer[index] = byte }
        }
        let status = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard status == 0 else {
            close(descriptor)
            throw POSIXError(.ECONNREFUSED)
        }
        return descriptor
    }

    /// Sends one whole request and reads the reply until FCGI_END_REQUEST.
    func send(params: [String: String], body: [UInt8] = []) throws -> Reply {
        let descriptor = try connect()
        defer { close(descriptor) }
        write(descriptor, Self.beginning(params: params) + Self.stdin(body))
        return read(descriptor)
    }

    /// The records that open a request: BEGIN_REQUEST and the PARAMS stream.
    static func beginning(params: [String: String]) -> [UInt8] {
        var pairs: [UInt8] = []
        for (name, value) in params {
            pairs += length(name.utf8.count) + length(value.utf8.count) + Array(name.utf8) + Array(value.utf8)
        }
        return record(type: 1, content: [0, 1, 0, 0, 0, 0, 0, 0]) + record(type: 4, content: pairs) + record(type: 4, content: [])
    }

    /// The STDIN stream: the body in records, then the empty record that ends it.
    static func stdin(_ body: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        var offset = 0
        while offset < body.count {
            let end = min(offset + 65_535, body.count)
            bytes += record(type: 5, content: Array(body[offset..<end]))
            offset = end
        }
        return bytes + record(type: 5, content: [])
    }

    static func record(type: UInt8, content: [UInt8]) -> [UInt8] {
        [1, type, 0, 1, UInt8(content.count >> 8), UInt8(content.count & 0xFF), 0, 0] + content
    }

    private static func length(_ count: Int) -> [UInt8] {
        count < 128 ? [UInt8(count)] : [UInt8(0x80 | (count >> 24)), UInt8((count >> 16) & 0xFF), UInt8((count >> 8) & 0xFF), UInt8(count & 0xFF)]
    }

    func write(_ descriptor: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { return }
            offset += written
        }
    }

    /// Reads records until END_REQUEST or end of stream, collecting STDOUT.
    func read(_ descriptor: Int32) -> Reply {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var stdout: [UInt8] = []
        while true {
            while received.count >= 8 {
                let contentLength = Int(received[4]) << 8 | Int(received[5])
                let total = 8 + contentLength + Int(received[6])
                guard received.count >= total else { break }
                if received[1] == 6 { stdout += received[8..<(8 + contentLength)] }
                if received[1] == 3 { return Reply(stdout: stdout) }
                received.removeFirst(total)
            }
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return Reply(stdout: stdout) }
            received += buffer[0..<count]
        }
    }
}
