import ArgumentParser
import Foundation
import Supervisor

/// `frontdesk status`: what each worker of a pool is doing, from the supervisor's scoreboard.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List a pool's workers: pid, state, requests served, current request and for how long, RSS, start time.",
        discussion: "Exit status: 0 when at least one worker is listed, 1 otherwise.")

    @Option(help: "The pool's scoreboard (deploy/pool: RUN_DIR/state/run/scoreboard).")
    var scoreboard: String

    func run() throws {
        let entries = try Scoreboard(path: scoreboard, create: false, readOnly: true).entries()
        let now = Scoreboard.monotonicNow()
        let started = DateFormatter()
        started.dateFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'"
        started.timeZone = TimeZone(identifier: "UTC")
        print(["SLOT", "PID", "STATE", "SERVED", "BUSY_MS", "RSS_KB", "STARTED", "REQUEST"].joined(separator: "\t"))
        for entry in entries {
            let busy = entry.isBusy && now > entry.requestStarted ? String((now - entry.requestStarted) / 1_000_000) : "-"
            print([
                String(entry.slot), String(entry.pid), entry.isBusy ? "busy" : "idle", String(entry.requestsServed), busy,
                Self.residentKilobytes(pid: entry.pid), started.string(from: Date(timeIntervalSince1970: TimeInterval(entry.startedAt))),
                entry.summary.isEmpty ? "-" : entry.summary,
            ].joined(separator: "\t"))
        }
        if entries.isEmpty { throw ExitCode(1) }
    }

    private static func residentKilobytes(pid: Int64) -> String {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return "-" }
        return line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.map(String.init) ?? "-"
    }
}
