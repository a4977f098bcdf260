import CFastCGI
#if canImport(Glibc)
import Glibc
#endif

// The only file that calls libfcgi. It uses the thread-safe `_r` API (`FCGX_Init` once, then
// `FCGX_InitRequest` / `FCGX_Accept_r` / `FCGX_Finish_r`) on one `FCGX_Request` at a stable address.

/// Errors from setting up libfcgi.
public enum FastCGIError: Error, CustomStringConvertible {
    /// `FCGX_Init` failed.
    case initializationFailed(Int32)
    /// The socket given with `--socket` could not be opened.
    case cannotOpenSocket(String)

    /// A one-line description.
    public var description: String {
        switch self {
        case .initializationFailed(let code): "FCGX_Init failed with \(code)"
        case .cannotOpenSocket(let path): "cannot listen on \(path)"
        }
    }
}

/// A listening FastCGI socket and the one request slot a single-threaded worker serves from it.
public final class FastCGIConnection {
    private let request: UnsafeMutablePointer<FCGX_Request>
    private let listener: Int32

    /// Listens on the socket inherited as fd 0 (what spawn-fcgi hands over), or binds `socketPath`
    /// (`/path/to.sock` or `HOST:PORT`) when given.
    public init(socketPath: String?) throws(FastCGIError) {
        let status = FCGX_Init()
        guard status == 0 else { throw .initializationFailed(status) }
        var listener: Int32 = 0
        if let socketPath {
            listener = FCGX_OpenSocket(socketPath, 128)
            guard listener >= 0 else { throw .cannotOpenSocket(socketPath) }
        }
        // Non-blocking, so that losing a connection to another worker of the pool (all of them wake
        // up in ppoll) returns EAGAIN instead of blocking in accept() with SIGTERM held off.
        _ = fcntl(listener, F_SETFL, fcntl(listener, F_GETFL) | O_NONBLOCK)
        self.listener = listener
        request = .allocate(capacity: 1)
        FCGX_InitRequest(request, listener, 0)
        Self.installSignalHandlers()
    }

    deinit {
        FCGX_Free(request, 1)
        request.deallocate()
    }

    /// Waits for the next request; false when the worker should stop (SIGTERM) or accepting failed.
    ///
    /// SIGTERM and SIGINT stay blocked except inside `ppoll`, which unblocks them atomically while it
    /// waits for a connection: a signal can end the wait (never lost between a check and a blocking
    /// call), but it can never interrupt the `read()`s libfcgi does for a request, parameters
    /// included, which it would take as a truncated request.
    public func accept() -> Bool {
        while !Self.shutdownRequested {
            var waiting = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            var noSignalsBlocked = sigset_t()
            sigemptyset(&noSignalsBlocked)
            let ready = ppoll(&waiting, 1, nil, &noSignalsBlocked)
            if ready < 0 && errno != EINTR { return false }
            if ready <= 0 || Self.shutdownRequested { continue }
            let status = FCGX_Accept_r(request)
            if status >= 0 { return true }
            // Another worker took the connection, or it was reset before we got to it.
            if status != -EAGAIN && status != -EWOULDBLOCK && status != -ECONNABORTED { return false }
        }
        return false
    }

    /// Whether SIGTERM arrived; the request in flight is finished first.
    public var isShuttingDown: Bool {
        Self.shutdownRequested
    }

    /// The FastCGI parameters of the current request named in `names` or starting with `prefix`,
    /// as name/value pairs; the others (nginx sends about twenty) are skipped undecoded.
    public func parameters(named names: [String], orPrefixed prefix: String) -> [(name: String, value: String)] {
        var result: [(name: String, value: String)] = []
        guard var entry = request.pointee.envp else { return result }
        result.reserveCapacity(16)
        // Split at the first "=" on the bytes: a Character-by-Character search cost about half
        // the CPU of a whole /health request.
        while let pointer = entry.pointee {
            let bytes = UnsafeRawBufferPointer(start: pointer, count: strlen(pointer))
            if let equals = bytes.firstIndex(of: UInt8(ascii: "=")) {
                // Compared in C: the generic collection comparisons cost more than decoding everything.
                let isWanted = (equals >= prefix.utf8.count && prefix.withCString { strncmp($0, pointer, prefix.utf8.count) == 0 })
                    || names.contains { $0.utf8.count == equals && $0.withCString { strncmp($0, pointer, equals) == 0 } }
                if isWanted {
                    result.append(Self.parameter(bytes, splitAt: equals))
                }
            }
            entry += 1
        }
        return result
    }

    /// One `NAME=VALUE` entry of libfcgi's environment split at its first `=` byte; nil without one.
    /// The fuzz harness splits its parameters with this too.
    static func parameter(fromEntry bytes: UnsafeRawBufferPointer) -> (name: String, value: String)? {
        guard let equals = bytes.firstIndex(of: UInt8(ascii: "=")) else { return nil }
        return parameter(bytes, splitAt: equals)
    }

    /// The entry's name and value around the `=` at `equals`.
    private static func parameter(_ bytes: UnsafeRawBufferPointer, splitAt equals: Int) -> (name: String, value: String) {
        (String(decoding: bytes[..<equals], as: UTF8.self), String(decoding: bytes[(equals + 1)...], as: UTF8.self))
    }

    /// Reads at most `limit` bytes of the request body.
    public func readBody(limit: Int) -> [UInt8] {
        guard limit > 0 else { return [] }
        var body: [UInt8] = []
        while body.count < limit {
            // Read straight into uninitialised storage: zeroing a 64 KiB buffer first cost a GET
            // (no body) a fifth of its CPU.
            let wanted = min(64 * 1024, limit - body.count)
            let chunk = [UInt8](unsafeUninitializedCapacity: wanted) { buffer, initialized in
                let count = FCGX_GetStr(UnsafeMutableRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self), Int32(wanted), request.pointee.in)
                initialized = max(0, Int(count))
            }
            guard !chunk.isEmpty else { break }
            if body.isEmpty { body = chunk } else { body += chunk }
        }
        return body
    }

    /// Writes bytes to the response; false when the client went away (the rest is then dropped).
    @discardableResult
    public func write(_ bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty else { return true }
        let written = bytes.withUnsafeBytes { buffer in
            FCGX_PutStr(buffer.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(buffer.count), request.pointee.out)
        }
        return written == Int32(bytes.count)
    }

    /// Completes the current request and releases its connection.
    public func finish() {
        FCGX_Finish_r(request)
    }

    // Set from the signal handler; a plain C-compatible flag read between requests.
    nonisolated(unsafe) private static var shutdownRequested = false

    /// SIGTERM (and SIGINT) ask the worker to stop accepting and let the request in flight finish.
    /// Installed after `FCGX_Init` (which replaces earlier dispositions), without `SA_RESTART`, and
    /// blocked outside `ppoll`; SIGPIPE is ignored so a client that disconnects mid-response cannot
    /// kill the worker.
    private static func installSignalHandlers() {
        shutdownRequested = false
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            FastCGIConnection.shutdownRequested = true
            FCGX_ShutdownPending()
        }
        action.sa_flags = 0
        sigemptyset(&action.sa_mask)
        sigaction(SIGTERM, &action, nil)
        sigaction(SIGINT, &action, nil)
        signal(SIGPIPE, SIG_IGN)
        var shutdownSignals = sigset_t()
        sigemptyset(&shutdownSignals)
        sigaddset(&shutdownSignals, SIGTERM)
        sigaddset(&shutdownSignals, SIGINT)
        pthread_sigmask(SIG_BLOCK, &shutdownSignals, nil)
    }
}
