import FastCGI
import HTTPCore
import Postgres
import Supervisor

/// A supervised worker's link to its scoreboard slot: what it is doing, its request counters
/// by route, and its database counters.
final class ScoreboardReporting: WorkerActivity, RequestMetrics {
    private let slot: ScoreboardSlot
    private let database: Database

    init(slot: ScoreboardSlot, database: Database) {
        self.slot = slot
        self.database = database
    }

    /// Names the route keys after the application's routes (the last key counts unmatched requests).
    func label(routes: [(method: String, template: String)]) {
        let labels = routes.prefix(MetricsBlock.routeKeys - 1).map { "\($0.method) \($0.template)" }
        slot.pool.writeRouteLabels(labels)
    }

    func requestStarted(method: String, uri: String) {
        slot.requestStarted(method: method, uri: uri)
    }

    func requestFinished(served: Int) {
        slot.setDatabase(errors: database.errorCount, reconnects: database.reconnectCount)
        slot.requestFinished(served: served)
    }

    func record(routeIndex: Int?, status: Int, microseconds: UInt64) {
        // The route keys are the routes' places (labels written in that order); the last counts the rest.
        let key = routeIndex.map { min($0, MetricsBlock.routeKeys - 1) } ?? MetricsBlock.routeKeys - 1
        slot.record(routeKey: key, status: status, microseconds: microseconds)
    }

    /// The whole pool's metrics, as Prometheus text.
    func metricsPage() -> String {
        PrometheusText.render(slot.pool.snapshot())
    }
}
