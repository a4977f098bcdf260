import Foundation
import Logging

/// Everything the worker reads from its environment, parsed and checked once at start-up.
///
/// Secrets may come from `NAME_FILE` (systemd credentials / Docker secrets) instead of `NAME`.
public struct Configuration: Sendable {
    /// A libpq URL or connection string (`DATABASE_URL`); empty means libpq's `PG*` variables.
    public var databaseURL: String
    /// The largest request body accepted, in bytes (`FRONTDESK_MAX_BODY_BYTES`, default 1 MiB).
    public var maxBodyBytes: Int
    /// The lowest log level written (`FRONTDESK_LOG_LEVEL`, default `info`).
    public var logLevel: Logger.Level
    /// Milliseconds one SQL statement may run (`FRONTDESK_DB_STATEMENT_TIMEOUT_MS`, default 10000).
    public var statementTimeoutMilliseconds: Int
    /// Seconds a database connection attempt may take (`FRONTDESK_DB_CONNECT_TIMEOUT`, default 3).
    public var connectTimeoutSeconds: Int

    /// Creates a configuration directly, as tests do.
    public init(
        databaseURL: String, maxBodyBytes: Int = 1 << 20, logLevel: Logger.Level = .info,
        statementTimeoutMilliseconds: Int = 10_000, connectTimeoutSeconds: Int = 3
    ) {
        self.databaseURL = databaseURL
        self.maxBodyBytes = maxBodyBytes
        self.logLevel = logLevel
        self.statementTimeoutMilliseconds = statementTimeoutMilliseconds
        self.connectTimeoutSeconds = connectTimeoutSeconds
    }

    /// Reads the configuration from `environment`, naming the variable in any error.
    public init(environment: [String: String]) throws(ConfigurationError) {
        let reader = EnvironmentReader(environment: environment)
        self.init(
            databaseURL: try reader.secret("DATABASE_URL") ?? "",
            maxBodyBytes: try reader.integer("FRONTDESK_MAX_BODY_BYTES", default: 1 << 20, range: 1...(64 << 20)),
            logLevel: try reader.logLevel("FRONTDESK_LOG_LEVEL", default: .info),
            statementTimeoutMilliseconds: try reader.integer("FRONTDESK_DB_STATEMENT_TIMEOUT_MS", default: 10_000, range: 0...3_600_000),
            connectTimeoutSeconds: try reader.integer("FRONTDESK_DB_CONNECT_TIMEOUT", default: 3, range: 1...60))
    }
}

/// A configuration variable that is present but unusable.
public struct ConfigurationError: Error, CustomStringConvertible {
    /// The one-line reason, naming the variable.
    public let description: String
}

/// Reads typed values from an environment dictionary.
struct EnvironmentReader {
    let environment: [String: String]

    /// `NAME`, or the contents of the file named by `NAME_FILE` (trailing newline removed).
    func secret(_ name: String) throws(ConfigurationError) -> String? {
        if let value = environment[name], !value.isEmpty { return value }
        guard let path = environment[name + "_FILE"], !path.isEmpty else { return nil }
        guard let contents = FileManager.default.contents(atPath: path), let text = String(data: contents, encoding: .utf8) else {
            throw ConfigurationError(description: "\(name)_FILE: cannot read \(path)")
        }
        return text.trimmingCharacters(in: .newlines)
    }

    func integer(_ name: String, default defaultValue: Int, range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        guard let text = environment[name], !text.isEmpty else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            throw ConfigurationError(description: "\(name) must be an integer from \(range.lowerBound) to \(range.upperBound); got '\(text)'")
        }
        return value
    }

    func logLevel(_ name: String, default defaultValue: Logger.Level) throws(ConfigurationError) -> Logger.Level {
        guard let text = environment[name], !text.isEmpty else { return defaultValue }
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            throw ConfigurationError(description: "\(name) must be one of \(names); got '\(text)'")
        }
        return level
    }
}
