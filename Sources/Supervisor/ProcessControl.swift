import CSupervisor
import Foundation

/// Memory settings for a long-lived worker.
public enum MemoryPolicy {
    /// Serves allocations of 1 MiB and more from their own mappings, returned to the system when
    /// freed. Without it glibc raises its threshold after the first Argon2id hash (19 MiB) and
    /// every worker keeps that memory for good: measured as +19 MB RSS per worker after a login.
    public static func returnLargeAllocations() {
        _ = frontdesk_mmap_large_allocations(1 << 20)
    }
}

/// The process-level system calls the supervisor needs: spawning a worker, reaping exits, reading
/// signals as data (signalfd), pipes and polling. The only file that calls them.
enum ProcessControl {
    /// Why a child process ended.
    enum Exit: Equatable, CustomStringConvertible {
        case exited(code: Int32)
        case signaled(signal: Int32)

        var description: String {
            switch self {
            case .exited(let code): "exit status \(code)"
            case .signaled(let signal): "killed by signal \(signal) (\(String(cString: strsignal(signal))))"
            }
        }
    }

    /// A failed system call, with its errno text.
    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ call: String, _ code: Int32 = errno) {
            description = "\(call): \(String(cString: strerror(code)))"
        }
    }

    /// Starts `path` with `arguments`, sharing our fd 0 (the listening socket), with its stdout
    /// and stderr on `outputDescriptor`, every signal at its default and none blocked, in a
    /// session of its own.
    ///
    /// Its own session, as spawn-fcgi gives each child it forks: with the kernel's autogroup
    /// scheduling (`kernel.sched_autogroup_enabled`, on by default in Debian's kernels) every
    /// session is one group that gets one share of the CPU, and each PostgreSQL backend is a
    /// session of its own. A pool sharing the supervisor's session had one share for all its
    /// workers against one per backend and one for nginx: when the cores were busy its workers
    /// were preempted about once per request (1.0-1.3 involuntary switches per authenticated read,
    /// against 0.24 with a session each; bench/README.md). The supervisor signals each worker
    /// itself, so nothing relies on the process group.
    static func spawn(path: String, arguments: [String], extraEnvironment: [String: String], outputDescriptor: Int32) throws(Failure) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, outputDescriptor, 1)
        posix_spawn_file_actions_adddup2(&actions, outputDescriptor, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF) | frontdesk_spawn_setsid())

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var environment = ProcessInfo.processInfo.environment
        environment.merge(extraEnvironment) { _, extra in extra }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard status == 0 else { throw Failure("posix_spawn \(path)", status) }
        return pid
    }

    /// Every child that has exited since the last call, without blocking.
    static func reapExited() -> [(pid: pid_t, exit: Exit)] {
        var exited: [(pid_t, Exit)] = []
        while true {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, WNOHANG)
            guard pid > 0 else { return exited }
            if frontdesk_signaled(status) != 0 {
                exited.append((pid, .signaled(signal: frontdesk_term_signal(status))))
            } else {
                exited.append((pid, .exited(code: frontdesk_exit_status(status))))
            }
        }
    }

    /// Sends `signal` to `pid`, ignoring a process that is already gone.
    static func send(_ signal: Int32, to pid: pid_t) {
        _ = kill(pid, signal)
    }

    /// A pipe whose read end is non-blocking; both ends close on exec except where dup2'd.
    static func makePipe() throws(Failure) -> (read: Int32, write: Int32) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw Failure("pipe") }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        _ = fcntl(ends[0], F_SETFL, fcntl(ends[0], F_GETFL) | O_NONBLOCK)
        return (ends[0], ends[1])
    }

    /// Reads what is available on a non-blocking descriptor; nil at end of file.
    static func readAvailable(_ descriptor: Int32) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count == 0 { return nil }
        if count < 0 { return errno == EAGAIN || errno == EINTR ? [] : nil }
        return Array(buffer.prefix(count))
    }

    /// Writes all of `bytes` to `descriptor`.
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }

    /// Waits until one of `descriptors` is readable or `timeout` milliseconds pass; the readable ones.
    static func waitReadable(_ descriptors: [Int32], timeout milliseconds: Int32) -> Set<Int32> {
        var entries = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        let ready = poll(&entries, nfds_t(entries.count), milliseconds)
        guard ready > 0 else { return [] }
        return Set(entries.filter { $0.revents != 0 }.map(\.fd))
    }

    /// Signals delivered through a descriptor instead of handlers: they are blocked for the whole
    /// process and read as data in the supervisor's poll loop, so nothing runs at an odd moment.
    struct SignalQueue {
        let descriptor: Int32

        init(_ signals: [Int32]) throws(Failure) {
            var mask = sigset_t()
            sigemptyset(&mask)
            for signal in signals { sigaddset(&mask, signal) }
            guard sigprocmask(SIG_BLOCK, &mask, nil) == 0 else { throw Failure("sigprocmask") }
            let descriptor = signalfd(-1, &mask, Int32(SFD_NONBLOCK | SFD_CLOEXEC))
            guard descriptor >= 0 else { throw Failure("signalfd") }
            self.descriptor = descriptor
        }

        /// The signals received since the last call.
        func pending() -> [Int32] {
            var signals: [Int32] = []
            var info = signalfd_siginfo()
            while read(descriptor, &info, MemoryLayout<signalfd_siginfo>.size) == MemoryLayout<signalfd_siginfo>.size {
                signals.append(Int32(info.ssi_signo))
            }
            return signals
        }
    }
}
