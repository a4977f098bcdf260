/// Why the supervisor replaced a worker.
public enum RestartCause: Int, CaseIterable, Sendable {
    case died = 0, recycled, hung

    /// The Prometheus label value.
    public var label: String { String(describing: self) }
}

/// One worker's request counters inside the scoreboard: per route key (an index into the route
/// labels; the last one counts requests no route matched), responses by status class, a latency
/// histogram and the latency sum; then the worker's database error and reconnect counts.
public struct MetricsBlock {
    /// Route keys per block; the last is "no route matched".
    public static let routeKeys = 64
    /// Upper bounds of the latency buckets, in seconds (the Prometheus defaults plus 1 ms).
    public static let bucketBounds: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
    static let perRoute = 5 + bucketBounds.count + 1
    static let databaseOffset = routeKeys * perRoute
    static let size = (databaseOffset + 2) * 8

    let base: UnsafeMutablePointer<UInt64>

    /// Counts one response.
    func record(routeKey: Int, status: Int, microseconds: UInt64) {
        let route = base + min(max(routeKey, 0), Self.routeKeys - 1) * Self.perRoute
        route[min(max(status / 100, 1), 5) - 1] += 1
        let seconds = Double(microseconds) / 1_000_000
        if let bucket = Self.bucketBounds.firstIndex(where: { seconds <= $0 }) { route[5 + bucket] += 1 }
        route[5 + Self.bucketBounds.count] += microseconds
    }

    /// Sets the worker's database counters.
    func setDatabase(errors: Int, reconnects: Int) {
        base[Self.databaseOffset] = UInt64(errors)
        base[Self.databaseOffset + 1] = UInt64(reconnects)
    }

    func add(_ other: MetricsBlock) {
        for index in 0..<(Self.size / 8) { base[index] &+= other.base[index] }
    }

    func clear() {
        for index in 0..<(Self.size / 8) { base[index] = 0 }
    }

    func value(_ index: Int) -> UInt64 { base[index] }
}

/// The totals of every block, ready to print.
public struct MetricsSnapshot {
    /// Per route key: responses by status class (1xx...5xx).
    public var statusClasses = [[UInt64]](repeating: [UInt64](repeating: 0, count: 5), count: MetricsBlock.routeKeys)
    /// Per route key: non-cumulative latency bucket counts.
    public var buckets = [[UInt64]](repeating: [UInt64](repeating: 0, count: MetricsBlock.bucketBounds.count), count: MetricsBlock.routeKeys)
    /// Per route key: the latency sum in microseconds.
    public var microseconds = [UInt64](repeating: 0, count: MetricsBlock.routeKeys)
    public var databaseErrors: UInt64 = 0
    public var databaseReconnects: UInt64 = 0
    public var inFlight = 0
    public var workers = 0
    public var restarts: [RestartCause: UInt64] = [:]
    public var routeLabels: [String] = []
}

extension Scoreboard {
    /// The pool's totals: every live worker's block plus the archive of exited ones.
    public func snapshot() -> MetricsSnapshot {
        var snapshot = MetricsSnapshot()
        for block in 0...Self.archiveBlock {
            let metrics = metrics(block)
            for key in 0..<MetricsBlock.routeKeys {
                let route = key * MetricsBlock.perRoute
                for index in 0..<5 { snapshot.statusClasses[key][index] &+= metrics.value(route + index) }
                for index in 0..<MetricsBlock.bucketBounds.count { snapshot.buckets[key][index] &+= metrics.value(route + 5 + index) }
                snapshot.microseconds[key] &+= metrics.value(route + 5 + MetricsBlock.bucketBounds.count)
            }
            snapshot.databaseErrors &+= metrics.value(MetricsBlock.databaseOffset)
            snapshot.databaseReconnects &+= metrics.value(MetricsBlock.databaseOffset + 1)
        }
        let entries = entries()
        snapshot.workers = entries.count
        snapshot.inFlight = entries.filter(\.isBusy).count
        snapshot.restarts = restarts()
        snapshot.routeLabels = routeLabels()
        return snapshot
    }
}

/// Renders a snapshot in the Prometheus text exposition format (version 0.0.4).
public enum PrometheusText {
    /// The media type to send it with.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The exposition text.
    public static func render(_ snapshot: MetricsSnapshot) -> String {
        var text = ""
        func header(_ name: String, _ type: String, _ help: String) {
            text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }
        let routes = (0..<MetricsBlock.routeKeys).filter { snapshot.statusClasses[$0].reduce(0, +) > 0 }
        func labels(_ key: Int) -> String {
            let label = key == MetricsBlock.routeKeys - 1 ? "- unmatched" : snapshot.routeLabels[key]
            let parts = label.split(separator: " ", maxSplits: 1).map(String.init)
            let method = parts.first ?? "-", route = parts.count > 1 ? parts[1] : "-"
            return "route=\"\(escape(route))\",method=\"\(escape(method))\""
        }
        header("frontdesk_http_requests_total", "counter", "Requests answered, by route template, method and status class.")
        for key in routes {
            for (index, count) in snapshot.statusClasses[key].enumerated() where count > 0 {
                text += "frontdesk_http_requests_total{\(labels(key)),status=\"\(index + 1)xx\"} \(count)\n"
            }
        }
        header("frontdesk_http_request_duration_seconds", "histogram", "Time from the middleware chain's start to the response, by route template and method.")
        for key in routes {
            var cumulative: UInt64 = 0
            for (index, bound) in MetricsBlock.bucketBounds.enumerated() {
                cumulative += snapshot.buckets[key][index]
                text += "frontdesk_http_request_duration_seconds_bucket{\(labels(key)),le=\"\(bound)\"} \(cumulative)\n"
            }
            let total = snapshot.statusClasses[key].reduce(0, +)
            text += "frontdesk_http_request_duration_seconds_bucket{\(labels(key)),le=\"+Inf\"} \(total)\n"
            text += "frontdesk_http_request_duration_seconds_sum{\(labels(key))} \(Double(snapshot.microseconds[key]) / 1_000_000)\n"
            text += "frontdesk_http_request_duration_seconds_count{\(labels(key))} \(total)\n"
        }
        header("frontdesk_http_requests_in_flight", "gauge", "Requests being handled right now, this one included.")
        text += "frontdesk_http_requests_in_flight \(snapshot.inFlight)\n"
        header("frontdesk_workers", "gauge", "Workers running in the pool.")
        text += "frontdesk_workers \(snapshot.workers)\n"
        header("frontdesk_database_errors_total", "counter", "Database statements that failed (connection problems, timeouts, server errors).")
        text += "frontdesk_database_errors_total \(snapshot.databaseErrors)\n"
        header("frontdesk_database_reconnects_total", "counter", "Database connections replaced after they broke.")
        text += "frontdesk_database_reconnects_total \(snapshot.databaseReconnects)\n"
        header("frontdesk_worker_restarts_total", "counter", "Workers the supervisor replaced, by cause.")
        for cause in RestartCause.allCases {
            text += "frontdesk_worker_restarts_total{cause=\"\(cause.label)\"} \(snapshot.restarts[cause] ?? 0)\n"
        }
        return text
    }

    private static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
