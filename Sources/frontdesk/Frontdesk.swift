import ArgumentParser
import FastCGI
import Foundation
import FrontdeskApp
import HTTPCore
import Logging
import Postgres

/// The `frontdesk` command: parses arguments, bootstraps logging, builds, runs. Nothing else.
@main
struct FrontdeskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frontdesk",
        abstract: "Frontdesk: a REST JSON API served as a FastCGI worker pool behind nginx.",
        subcommands: [Worker.self, Supervise.self, Status.self, Migrate.self, UserCommand.self, Routes.self])
}

/// Reads the configuration from the environment, exiting with a one-line reason when it is unusable.
func loadConfiguration(needsSigningKeys: Bool = true) throws -> Configuration {
    do {
        return try Configuration(environment: ProcessInfo.processInfo.environment, needsSigningKeys: needsSigningKeys)
    } catch {
        throw ValidationError("configuration: \(error)")
    }
}

/// Sends swift-log's output to fd 2 as JSON lines.
func bootstrapLogging(level: Logger.Level) -> Logger {
    LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
    return Logger(label: "frontdesk")
}

/// Appends everything written to fd 2 (our log lines) to `path` from now on.
func redirectStandardError(to path: String) throws {
    let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o640)
    guard descriptor >= 0 else { throw ValidationError("cannot open log file \(path)") }
    dup2(descriptor, 2)
    close(descriptor)
}
