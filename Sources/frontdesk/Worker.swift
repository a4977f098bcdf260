import ArgumentParser
import FastCGI
import Foundation
import FrontdeskApp
import Logging
import Supervisor

/// `frontdesk worker`: serves FastCGI requests one at a time until SIGTERM.
struct Worker: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve FastCGI requests on the inherited socket (fd 0) or on --socket.",
        discussion: """
            Configuration comes from the environment: DATABASE_URL (or DATABASE_URL_FILE, or libpq's PG* \
            variables), FRONTDESK_MAX_BODY_BYTES, FRONTDESK_LOG_LEVEL, FRONTDESK_DB_STATEMENT_TIMEOUT_MS, \
            FRONTDESK_DB_CONNECT_TIMEOUT, FRONTDESK_ENV, FRONTDESK_JWT_SECRET (or FRONTDESK_JWT_KEYS, or their _FILE \
            variants) and the token, password-hashing and login-throttling settings listed in .env.example. \
            In production (the default) it refuses to start without a signing secret of at least 32 bytes. SIGTERM finishes the request in flight, then exits 0.
            """)

    @Option(help: "Bind this unix socket path or HOST:PORT instead of using the inherited fd 0.")
    var socket: String?

    @Option(help: "Append log lines to this file instead of standard error (spawn-fcgi discards a forked child's stderr).")
    var logFile: String?

    @Option(help: "Exit after serving this many requests (the pool manager starts a replacement).")
    var maxRequests: Int?

    func run() throws {
        if let logFile { try redirectStandardError(to: logFile) }
        MemoryPolicy.returnLargeAllocations()
        let configuration = try loadConfiguration()
        let logger = bootstrapLogging(level: configuration.logLevel)
        for warning in configuration.warnings { logger.warning("\(warning)") }
        let database = Frontdesk.makeDatabase(configuration: configuration)
        // Under the supervisor, the worker reports to its scoreboard slot and serves the pool's /metrics.
        let reporting = ScoreboardSlot.fromEnvironment().map { ScoreboardReporting(slot: $0, database: database) }
        let application = Frontdesk.makeApplication(
            configuration: configuration, database: database, logger: logger,
            metrics: reporting, metricsPage: reporting.map { reporting in { reporting.metricsPage() } })
        reporting?.label(routes: application.routes)
        let connection = try FastCGIConnection(socketPath: socket)
        logger.info("worker started", metadata: ["socket": "\(socket ?? "fd 0")"])
        let worker = FastCGIWorker(
            connection: connection, maxBodyBytes: configuration.maxBodyBytes, activity: reporting ?? NoActivity(),
            respond: application.respond)
        let served = worker.run(maxRequests: maxRequests)
        logger.info("worker stopped", metadata: ["requests": "\(served)"])
    }
}
