import ArgumentParser
import Foundation
import FrontdeskApp
import Postgres

/// `frontdesk migrate`: applies pending migrations from `sql/`.
struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply the pending numbered migrations in --dir, each in a transaction, under an advisory lock.")

    @Option(help: "The directory holding NNNN_name.sql files.")
    var dir = "sql"

    func run() throws {
        let configuration = try loadConfiguration(needsSigningKeys: false)
        let logger = bootstrapLogging(level: configuration.logLevel)
        let migrations = try Migrator.migrations(in: dir)
        let connection = try PostgresConnection(url: configuration.databaseURL, connectTimeout: configuration.connectTimeoutSeconds)
        let applied = try Migrator(connection: connection).apply(migrations)
        logger.info("migrations applied", metadata: ["applied": "\(applied)", "known": "\(migrations.count)"])
    }
}
