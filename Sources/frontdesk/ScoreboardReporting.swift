import FastCGI
import HTTPCore
import Postgres
import Supervisor

/// A supervised worker's link to its scoreboard slot: what it is doing, its request counters
/// by route, and its database counters.
final class ScoreboardReporting: WorkerActivity, RequestMetrics {
    private let slot: ScoreboardSlot
    private let database: Database
    private var routeKeys: [String: Int] = [:]

    init(slot: ScoreboardSlot, database: Database) {
        self.slot = slot
        self.database = database
    }

    /// Names the route keys after the application's routes (the last key counts unmatched requests).
    func label(routes: [(method: String, template: String)]) {
        let labels = routes.prefix(MetricsBlock.routeKeys - 1).map { "\($0.method) \($0.template)" }
        routeKeys = Dictionary(labels.enumerated().map { ($1, $0) }) { first, _ in first }
        slot.pool.writeRouteLabels(labels)
    }

    func requestStarted(_ summary: String) {
        slot.requestStarted(summary)
    }

    func requestFinished(served: Int) {
        slot.setDatabase(errors: database.errorCount, reconnects: database.reconnectCount)
        slot.requestFinished(served: served)
    }

    func record(method: String, route: String?, status: Int, microseconds: UInt64) {
        let key = route.flatMap { routeKeys["\(method == "HEAD" ? "GET" : method) \($0)"] } ?? MetricsBlock.routeKeys - 1
        slot.record(routeKey: key, status: status, microseconds: microseconds)
    }

    /// The whole pool's metrics, as Prometheus text.
    func metricsPage() -> String {
        PrometheusText.render(slot.pool.snapshot())
    }
}
