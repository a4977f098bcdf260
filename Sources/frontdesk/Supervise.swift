import ArgumentParser
import Foundation
import HTTPCore
import Logging
import Supervisor

/// `frontdesk supervise`: holds the listening socket (fd 0, from spawn-fcgi) and keeps a pool of
/// `frontdesk worker` processes on it.
struct Supervise: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run and supervise a pool of workers on the inherited listening socket (fd 0).",
        discussion: """
            Start it under spawn-fcgi with -F 1 (deploy/pool does): spawn-fcgi creates the socket, sets its \
            owner and mode, drops privileges, and hands the socket over as fd 0; every worker inherits it.
            Signals: TERM or INT stop gracefully (each worker finishes its request in flight; SIGKILL after \
            --graceful-timeout); HUP replaces every worker, one at a time, with the binary now at --binary; \
            USR2 sets the worker count to the number in --control-file; TTIN and TTOU add or remove one.
            A worker that dies is replaced at once; one that dies within a second of starting is replaced \
            after a back-off from 0.5 s doubling to 30 s. Workers' stdout and stderr are copied, line by \
            line, to this process's stderr (or --log-file). Exit status: 0 after a stop.
            """)

    @Option(name: [.short, .long], help: "Workers to keep running.")
    var workers = 4

    @Option(help: "The worker executable, read again at every spawn (default: this executable).")
    var binary: String?

    @Option(help: "Requests a worker serves before it is replaced (0: no limit).")
    var maxRequests = 0

    @Option(help: "Up to this many requests added at random to --max-requests per worker.")
    var maxRequestsJitter = 0

    @Option(help: "Seconds a stop waits for workers before killing them.")
    var gracefulTimeout = 10

    @Option(help: "Append log lines (ours and the workers') to this file instead of stderr.")
    var logFile: String?

    @Option(help: "Write the workers' pids here, one per line, after every change.")
    var pidFile: String?

    @Option(help: "The file USR2 reads the wanted worker count from.")
    var controlFile: String?

    @Option(help: "The shared status file workers write and `frontdesk status` reads.")
    var scoreboard: String?

    @Option(help: "Seconds a worker may spend on one request before it is killed and replaced (0: never; needs --scoreboard). Keep it above nginx's fastcgi_read_timeout, so nginx answers 504 first.")
    var requestTimeout = 0

    func validate() throws {
        guard (1...256).contains(workers) else { throw ValidationError("--workers must be from 1 to 256") }
        guard maxRequests >= 0, maxRequestsJitter >= 0, gracefulTimeout >= 0 else { throw ValidationError("counts and timeouts must not be negative") }
    }

    func run() throws {
        if let logFile { try redirectStandardError(to: logFile) }
        let level = Logger.Level(rawValue: ProcessInfo.processInfo.environment["FRONTDESK_LOG_LEVEL"]?.lowercased() ?? "info") ?? .info
        let logger = bootstrapLogging(level: level)
        let executable = binary ?? URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
        let supervisor = Supervisor(
            configuration: Supervisor.Configuration(
                binary: executable, workerArguments: ["worker"], workers: workers, maxRequests: maxRequests,
                maxRequestsJitter: maxRequestsJitter, gracefulTimeout: gracefulTimeout, pidFile: pidFile, controlFile: controlFile,
                scoreboardPath: scoreboard, requestTimeout: requestTimeout),
            logger: logger)
        try supervisor.run()
    }
}
