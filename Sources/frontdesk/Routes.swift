import ArgumentParser
import FrontdeskApp
import Logging
import Postgres

/// `frontdesk routes`: every route a supervised worker serves, one `METHOD TEMPLATE` line each.
/// docs/check compares this list with docs/openapi.yaml in both directions.
struct Routes: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print every route the worker serves (METHOD TEMPLATE per line); needs no database or secret.")

    func run() throws {
        // Built exactly as a worker builds it; nothing here connects to the database.
        let application = Frontdesk.makeApplication(
            configuration: Configuration(databaseURL: ""),
            database: Database(configuration: Database.Configuration(url: "")),
            logger: Logger(label: "frontdesk"),
            metricsPage: { "" })
        for route in application.routes {
            print("\(route.method) \(route.template)")
        }
    }
}
