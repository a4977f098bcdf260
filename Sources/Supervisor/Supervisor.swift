import CSupervisor
import Foundation
import Logging

/// Keeps a pool of workers accepting on the listening socket it holds as fd 0 (from spawn-fcgi):
/// respawns a worker that dies (with back-off when they die at start-up), replaces one that
/// recycled after its request budget, replaces them all one at a time on reload, scales, and on
/// SIGTERM lets every worker finish its request before exiting. Everything workers write to
/// stdout or stderr comes through a pipe and is written to our stderr, line by line.
///
/// Signals: TERM/INT stop gracefully; HUP reloads (rolling, with the binary now at `binary`);
/// USR2 re-reads the wanted worker count from `controlFile`; TTIN/TTOU add or remove one worker.
public final class Supervisor {
    /// How the pool is run.
    public struct Configuration: Sendable {
        /// The worker executable; read again for every spawn, so a reload picks up a new one.
        public var binary: String
        /// Arguments after the executable (`worker` and its options but `--max-requests`).
        public var workerArguments: [String]
        /// Workers to keep running.
        public var workers: Int
        /// Requests a worker serves before it exits and is replaced (0: no limit).
        public var maxRequests: Int
        /// Up to this many requests are added at random to `maxRequests`, so workers do not all
        /// recycle at once.
        public var maxRequestsJitter: Int
        /// Seconds stop waits for workers before SIGKILL.
        public var gracefulTimeout: Int
        /// Where `pid` lines of the current workers are written after every change.
        public var pidFile: String?
        /// Holds the wanted worker count for USR2 (`deploy/pool scale`).
        public var controlFile: String?
        /// The shared status table workers write (`frontdesk status` reads it).
        public var scoreboardPath: String?
        /// Seconds a worker may spend on one request before it is killed and replaced (0: never).
        public var requestTimeout: Int

        /// Creates a configuration.
        public init(
            binary: String, workerArguments: [String], workers: Int, maxRequests: Int = 0, maxRequestsJitter: Int = 0,
            gracefulTimeout: Int = 10, pidFile: String? = nil, controlFile: String? = nil,
            scoreboardPath: String? = nil, requestTimeout: Int = 0
        ) {
            self.scoreboardPath = scoreboardPath
            self.requestTimeout = requestTimeout
            self.binary = binary
            self.workerArguments = workerArguments
            self.workers = workers
            self.maxRequests = maxRequests
            self.maxRequestsJitter = maxRequestsJitter
            self.gracefulTimeout = gracefulTimeout
            self.pidFile = pidFile
            self.controlFile = controlFile
        }
    }

    private struct Worker {
        let pid: pid_t
        let output: Int32
        let startedAt: ContinuousClock.Instant
        let generation: Int
        let slot: Int?
        var isRetiring = false
        var killedAsHung = false
        var pendingOutput: [UInt8] = []
    }

    private var configuration: Configuration
    private let logger: Logger
    private var workers: [pid_t: Worker] = [:]
    private var generation = 1
    private var isStopping = false
    private var hasFilledPool = false
    private var stopDeadline: ContinuousClock.Instant?
    private var quickDeaths = 0
    private var nextSpawnAllowed = ContinuousClock.now
    private var reloadQueue: [pid_t] = []
    private var reloadReplacement: (pid: pid_t, spawnedAt: ContinuousClock.Instant)?
    private var scoreboard: Scoreboard?

    /// A worker that lives less than this is counted as dying at start-up.
    static let startupGrace = Duration.seconds(1)
    /// How long a replacement runs before the worker it replaces is asked to stop.
    static let reloadStep = Duration.milliseconds(300)

    /// Creates the supervisor.
    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs the pool until a stop signal has been handled and every worker has exited.
    public func run() throws {
        let signals = try ProcessControl.SignalQueue([SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGUSR2, SIGTTIN, SIGTTOU])
        signal(SIGPIPE, SIG_IGN)
        if let path = configuration.scoreboardPath { scoreboard = try Scoreboard(path: path, create: true) }
        logger.info("supervisor started", metadata: ["workers": "\(configuration.workers)", "binary": "\(configuration.binary)"])
        while !(isStopping && workers.isEmpty) {
            maintainPool()
            let outputs = workers.values.map(\.output)
            let ready = ProcessControl.waitReadable([signals.descriptor] + outputs, timeout: 100)
            for descriptor in ready where descriptor != signals.descriptor { drainOutput(descriptor) }
            for signal in signals.pending() { handle(signal) }
            for (pid, exit) in ProcessControl.reapExited() { workerExited(pid, exit) }
            if let stopDeadline, ContinuousClock.now >= stopDeadline { killRemaining() }
            killHungWorkers()
        }
        logger.info("supervisor stopped")
    }

    private func handle(_ signal: Int32) {
        switch signal {
        case SIGTERM, SIGINT:
            guard !isStopping else { return }
            isStopping = true
            stopDeadline = .now + .seconds(configuration.gracefulTimeout)
            logger.info("stopping: every worker finishes its request in flight", metadata: ["workers": "\(workers.count)"])
            for pid in workers.keys { ProcessControl.send(SIGTERM, to: pid) }
        case SIGHUP:
            generation += 1
            reloadQueue = workers.values.filter { !$0.isRetiring }.map(\.pid).sorted()
            logger.info("rolling reload", metadata: ["workers": "\(reloadQueue.count)", "generation": "\(generation)"])
        case SIGUSR2:
            guard let path = configuration.controlFile,
                  let text = try? String(contentsOfFile: path, encoding: .utf8),
                  let wanted = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), (1...256).contains(wanted)
            else {
                logger.warning("scale: the control file does not hold a worker count from 1 to 256")
                return
            }
            scale(to: wanted)
        case SIGTTIN:
            scale(to: min(configuration.workers + 1, 256))
        case SIGTTOU:
            scale(to: max(configuration.workers - 1, 1))
        default:
            break
        }
    }

    private func scale(to wanted: Int) {
        logger.info("scaling", metadata: ["from": "\(configuration.workers)", "to": "\(wanted)"])
        configuration.workers = wanted
        let active = workers.values.filter { !$0.isRetiring }.sorted { $0.startedAt > $1.startedAt }
        for worker in active.prefix(max(0, active.count - wanted)) { retire(worker.pid, reason: "scaled down") }
    }

    /// Starts workers until the wanted number runs, and moves a rolling reload one step on.
    private func maintainPool() {
        guard !isStopping else { return }
        stepReload()
        let active = workers.values.filter { !$0.isRetiring }.count
        let missing = configuration.workers - active
        guard missing > 0, ContinuousClock.now >= nextSpawnAllowed else { return }
        for _ in 0..<missing { spawn(reason: hasFilledPool ? "replace" : "start") }
        hasFilledPool = true
    }

    private func stepReload() {
        if let replacement = reloadReplacement {
            guard workers[replacement.pid] != nil else {
                // The new binary does not start: keep the old workers serving rather than retire
                // them one by one in favour of workers that die.
                logger.error("reload aborted: the new worker died at start-up; the old workers keep serving", metadata: [
                    "worker.pid": "\(replacement.pid)", "old_workers_kept": "\(reloadQueue.count)",
                ])
                reloadQueue = []
                reloadReplacement = nil
                return
            }
            guard ContinuousClock.now - replacement.spawnedAt >= Self.reloadStep else { return }
            reloadReplacement = nil
            if let old = reloadQueue.first {
                reloadQueue.removeFirst()
                retire(old, reason: "reload")
            }
            return
        }
        while let old = reloadQueue.first, workers[old] == nil || workers[old]!.isRetiring { reloadQueue.removeFirst() }
        guard !reloadQueue.isEmpty, ContinuousClock.now >= nextSpawnAllowed, let pid = spawn(reason: "reload") else { return }
        reloadReplacement = (pid, .now)
    }

    @discardableResult
    private func spawn(reason: String) -> pid_t? {
        var pipe: (read: Int32, write: Int32)?
        do {
            let ends = try ProcessControl.makePipe()
            pipe = ends
            defer { close(ends.write) }
            var arguments = configuration.workerArguments
            if configuration.maxRequests > 0 {
                let budget = configuration.maxRequests + Int.random(in: 0...max(0, configuration.maxRequestsJitter))
                arguments += ["--max-requests", String(budget)]
            }
            let used = Set(workers.values.compactMap(\.slot))
            let slot = scoreboard == nil ? nil : (0..<Scoreboard.slotCount).first { !used.contains($0) }
            var environment: [String: String] = [:]
            if let slot, let path = configuration.scoreboardPath {
                environment = ["FRONTDESK_SCOREBOARD": path, "FRONTDESK_SCOREBOARD_SLOT": String(slot)]
            }
            // libpq loads GnuTLS (through libldap), whose constructor initialises it, p11-kit
            // included, in every worker that never uses it: 0.5-0.9 MB of each worker's RSS. Code
            // that does use it (LDAP over TLS) initialises it itself. An operator's setting stays.
            if ProcessInfo.processInfo.environment["GNUTLS_NO_IMPLICIT_INIT"] == nil {
                environment["GNUTLS_NO_IMPLICIT_INIT"] = "1"
            }
            // A request allocates and frees ~70 blocks (libfcgi ~34, Swift ~30, libpq ~8): with 64
            // per size class in glibc's thread cache instead of 7, they come back from it rather
            // than from the bins, and the large stream buffers stop forcing fastbin consolidation.
            // Measured with callgrind: /health 29,521 -> 28,101 instructions per request, by-id
            // 86,228 -> 82,067. An operator's own GLIBC_TUNABLES stays as it is.
            if ProcessInfo.processInfo.environment["GLIBC_TUNABLES"] == nil {
                environment["GLIBC_TUNABLES"] = "glibc.malloc.tcache_count=64"
            }
            let pid = try ProcessControl.spawn(
                path: configuration.binary, arguments: arguments, extraEnvironment: environment, outputDescriptor: ends.write)
            if let slot { scoreboard?.claim(slot, pid: Int64(pid)) }
            workers[pid] = Worker(pid: pid, output: ends.read, startedAt: .now, generation: generation, slot: slot)
            logger.info("worker started", metadata: ["worker.pid": "\(pid)", "reason": "\(reason)", "generation": "\(generation)"])
            writePidFile()
            return pid
        } catch {
            if let pipe { close(pipe.read) }
            logger.error("cannot start a worker", metadata: ["error": "\(error)"])
            nextSpawnAllowed = .now + .seconds(1)
            return nil
        }
    }

    private func retire(_ pid: pid_t, reason: String) {
        guard workers[pid] != nil else { return }
        workers[pid]!.isRetiring = true
        logger.info("worker retiring", metadata: ["worker.pid": "\(pid)", "reason": "\(reason)"])
        ProcessControl.send(SIGTERM, to: pid)
    }

    private func workerExited(_ pid: pid_t, _ exit: ProcessControl.Exit) {
        guard let worker = workers.removeValue(forKey: pid) else { return }
        drainOutput(worker.output, final: true, worker: worker)
        close(worker.output)
        if let slot = worker.slot {
            scoreboard?.archive(slot)
            scoreboard?.release(slot)
        }
        writePidFile()
        let lifetime = ContinuousClock.now - worker.startedAt
        var metadata: Logger.Metadata = ["worker.pid": "\(pid)", "exit": "\(exit)", "lifetime_s": "\(lifetime.components.seconds)"]
        if isStopping || worker.isRetiring {
            logger.info("worker exited", metadata: metadata)
            return
        }
        let restartCause: RestartCause = worker.killedAsHung ? .hung : exit == .exited(code: 0) ? .recycled : .died
        let cause = restartCause.label
        metadata["cause"] = "\(cause)"
        scoreboard?.countRestart(restartCause)
        if cause == "died" && lifetime < Self.startupGrace {
            quickDeaths += 1
            let delay = Duration.milliseconds(min(500 << min(quickDeaths - 1, 6), 30_000))
            nextSpawnAllowed = .now + delay
            metadata["respawn_in_ms"] = "\(delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000)"
            logger.error("worker died at start-up; backing off (see its last lines above for why)", metadata: metadata)
        } else {
            quickDeaths = 0
            logger.log(level: cause == "recycled" ? .info : .error, "worker exited; replacing it", metadata: metadata)
        }
    }

    /// Kills every worker busy with one request for longer than the request timeout; it is
    /// replaced like any worker that died.
    private func killHungWorkers() {
        guard configuration.requestTimeout > 0, let scoreboard else { return }
        let limit = UInt64(configuration.requestTimeout) * 1_000_000_000
        let now = Scoreboard.monotonicNow()
        for entry in scoreboard.entries() where entry.isBusy && now > entry.requestStarted && now - entry.requestStarted > limit {
            let pid = pid_t(entry.pid)
            guard let worker = workers[pid], !worker.killedAsHung else { continue }
            workers[pid]!.killedAsHung = true
            logger.error("worker hung: killing it", metadata: [
                "worker.pid": "\(pid)", "request": "\(entry.summary)",
                "busy_s": "\((now - entry.requestStarted) / 1_000_000_000)", "request_timeout_s": "\(configuration.requestTimeout)",
            ])
            ProcessControl.send(SIGKILL, to: pid)
        }
    }

    private func killRemaining() {
        stopDeadline = nil
        guard !workers.isEmpty else { return }
        logger.warning("graceful stop timed out; killing", metadata: ["workers": "\(workers.keys.sorted())"])
        for pid in workers.keys { ProcessControl.send(SIGKILL, to: pid) }
    }

    /// Copies complete lines a worker wrote to our stderr; at exit, the rest too.
    private func drainOutput(_ descriptor: Int32) {
        guard let worker = workers.values.first(where: { $0.output == descriptor }) else { return }
        drainOutput(descriptor, final: false, worker: worker)
    }

    private func drainOutput(_ descriptor: Int32, final: Bool, worker: Worker) {
        var pending = worker.pendingOutput
        while let chunk = ProcessControl.readAvailable(descriptor), !chunk.isEmpty {
            pending += chunk
        }
        if let lastNewline = pending.lastIndex(of: UInt8(ascii: "\n")) {
            ProcessControl.writeAll(Array(pending[...lastNewline]), to: 2)
            pending = Array(pending[(lastNewline + 1)...])
        }
        if final, !pending.isEmpty {
            ProcessControl.writeAll(pending + [UInt8(ascii: "\n")], to: 2)
            pending = []
        }
        if workers[worker.pid] != nil { workers[worker.pid]!.pendingOutput = pending }
    }

    private func writePidFile() {
        guard let path = configuration.pidFile else { return }
        let text = workers.keys.sorted().map(String.init).joined(separator: "\n") + (workers.isEmpty ? "" : "\n")
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8)) else { return }
        _ = rename(temporary, path)
    }
}
