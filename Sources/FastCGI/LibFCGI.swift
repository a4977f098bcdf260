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
    /// The epoll set the worker waits on could not be made (the errno).
    case waitSetFailed(Int32)
    /// The socket given with `--socket` could not be opened.
    case cannotOpenSocket(String)

    /// A one-line description.
    public var description: String {
        switch self {
        case .initializationFailed(let code): "FCGX_Init failed with \(code)"
        case .waitSetFailed(let code): "cannot wait for connections (epoll: \(String(cString: strerror(code))))"
        case .cannotOpenSocket(let path): "cannot listen on \(path)"
        }
    }
}

/// A listening FastCGI socket and the one request slot a single-threaded worker serves from it.
public final class FastCGIConnection {
    private let request: UnsafeMutablePointer<FCGX_Request>
    private let listener: Int32
    private let readiness: Int32
    private static let bodyChunkSize = 64 * 1024
    private let bodyChunk = UnsafeMutableRawPointer.allocate(byteCount: bodyChunkSize, alignment: 16)

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
        // Non-blocking, so that losing a connection to another worker of the pool (EPOLLEXCLUSIVE
        // may still wake more than one) returns EAGAIN instead of blocking in accept() with
        // SIGTERM held off.
        _ = fcntl(listener, F_SETFL, fcntl(listener, F_GETFL) | O_NONBLOCK)
        self.listener = listener
        readiness = epoll_create1(Int32(EPOLL_CLOEXEC))
        var interest = epoll_event()
        interest.events = frontdesk_listener_events
        interest.data.fd = listener
        guard readiness >= 0, epoll_ctl(readiness, EPOLL_CTL_ADD, listener, &interest) == 0 else {
            throw .waitSetFailed(errno)
        }
        request = .allocate(capacity: 1)
        FCGX_InitRequest(request, listener, 0)
        Self.installSignalHandlers()
    }

    deinit {
        FCGX_Free(request, 1)
        close(readiness)
        request.deallocate()
        bodyChunk.deallocate()
    }

    /// Waits for the next request; false when the worker should stop (SIGTERM) or accepting failed.
    ///
    /// SIGTERM and SIGINT stay blocked except inside `epoll_pwait`, which unblocks them atomically
    /// while it waits for a connection: a signal can end the wait (never lost between a check and a
    /// blocking call), but it can never interrupt the `read()`s libfcgi does for a request,
    /// parameters included, which it would take as a truncated request.
    ///
    /// The worker accepts only after `epoll_pwait` has said a connection is waiting (it returns at
    /// once when one is). Trying `accept` first cost more than it saved: Linux makes the new
    /// socket and its file before it looks at the queue, so an `accept` that finds nothing took
    /// ~2.1 us here against ~0.3 us for an `epoll_pwait` that finds a connection, and under load
    /// a worker found none after 6 requests in 10.
    public func accept() -> Bool {
        while !Self.shutdownRequested {
            var event = epoll_event()
            var noSignalsBlocked = sigset_t()
            sigemptyset(&noSignalsBlocked)
            let ready = epoll_pwait(readiness, &event, 1, -1, &noSignalsBlocked)
            if ready < 0 && errno != EINTR { return false }
            if ready <= 0 || Self.shutdownRequested { continue }
            let status = FCGX_Accept_r(request)
            if status >= 0 { return true }
            if !Self.isLostConnection(status) { return false }
        }
        return false
    }

    /// No connection was waiting: another worker took it, or it was reset before we got to it.
    private static func isLostConnection(_ acceptStatus: Int32) -> Bool {
        acceptStatus == -EAGAIN || acceptStatus == -EWOULDBLOCK || acceptStatus == -ECONNABORTED
    }

    /// Whether SIGTERM arrived; the request in flight is finished first.
    public var isShuttingDown: Bool {
        Self.shutdownRequested
    }

    /// Calls `body` with each `NAME=VALUE` entry (a C string) of the current request's FastCGI parameters.
    public func forEachParameter(_ body: (UnsafePointer<CChar>) -> Void) {
        guard var entry = request.pointee.envp else { return }
        while let pointer = entry.pointee {
            body(pointer)
            entry += 1
        }
    }

    /// Reads at most `limit` bytes of the request body.
    public func readBody(limit: Int) -> [UInt8] {
        var body: [UInt8] = []
        while body.count < limit {
            // Through one buffer kept for the worker's life: a fresh 64 KiB per request cost a GET
            // (which has no body) an allocation for nothing.
            let wanted = min(Self.bodyChunkSize, limit - body.count)
            let count = Int(FCGX_GetStr(bodyChunk.assumingMemoryBound(to: CChar.self), Int32(wanted), request.pointee.in))
            guard count > 0 else { break }
            body.append(contentsOf: UnsafeRawBufferPointer(start: bodyChunk, count: count))
        }
        return body
    }

    /// Writes bytes to the response; false when the client went away (the rest is then dropped).
    @discardableResult
    public func write(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { write(bytes: $0) }
    }

    /// Writes bytes to the response (into libfcgi's buffer, sent when full or at `finish()`);
    /// false when the client went away.
    @discardableResult
    public func write(bytes: UnsafeRawBufferPointer) -> Bool {
        guard let start = bytes.baseAddress, !bytes.isEmpty else { return true }
        return FCGX_PutStr(start.assumingMemoryBound(to: CChar.self), Int32(bytes.count), request.pointee.out) == Int32(bytes.count)
    }

    /// Completes the current request and releases its connection.
    ///
    /// When the request was read to its end, the connection is closed at once. Otherwise libfcgi
    /// closes it gracefully: it shuts down its side and reads until nginx closes (up to 2 s), so
    /// that a body left unread cannot reset the connection before nginx has the response. After
    /// a whole request nothing more can come, and that wait only kept the worker from its next
    /// request until nginx had run (`FCGX_Detach` makes `FCGX_Finish_r` skip it; `FCGX_Attach`
    /// restores it, as the flag outlives a kept connection's request).
    public func finish() {
        if let input = request.pointee.in, FCGX_HasSeenEOF(input) == EOF {
            FCGX_Detach(request)
        } else {
            FCGX_Attach(request)
        }
        FCGX_Finish_r(request)
    }

    // Set from the signal handler; a plain C-compatible flag read between requests.
    nonisolated(unsafe) private static var shutdownRequested = false

    /// SIGTERM (and SIGINT) ask the worker to stop accepting and let the request in flight finish.
    /// Installed after `FCGX_Init` (which replaces earlier dispositions), without `SA_RESTART`, and
    /// blocked outside `epoll_pwait`; SIGPIPE is ignored so a client that disconnects mid-response cannot
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
