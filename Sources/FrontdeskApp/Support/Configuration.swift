import Argon2
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
    /// Tokens, passwords and login throttling.
    public var auth: AuthConfiguration
    /// Browser origins allowed to call the API (`FRONTDESK_CORS_ORIGINS`); empty: CORS off.
    public var corsOrigins: Set<String> = []
    /// Things worth a loud warning at start-up, such as a development-only signing key.
    public var warnings: [String] = []

    /// Creates a configuration directly, as tests do.
    public init(
        databaseURL: String, maxBodyBytes: Int = 1 << 20, logLevel: Logger.Level = .info,
        statementTimeoutMilliseconds: Int = 10_000, connectTimeoutSeconds: Int = 3,
        auth: AuthConfiguration = AuthConfiguration(signingKeys: [.random()])
    ) {
        self.databaseURL = databaseURL
        self.maxBodyBytes = maxBodyBytes
        self.logLevel = logLevel
        self.statementTimeoutMilliseconds = statementTimeoutMilliseconds
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.auth = auth
    }

    /// Reads the configuration from `environment`, naming the variable in any error. Commands
    /// that never sign or verify tokens (`migrate`, `user create`) pass `needsSigningKeys: false`
    /// and get a throwaway key instead of a refusal.
    public init(environment: [String: String], needsSigningKeys: Bool = true) throws(ConfigurationError) {
        let reader = EnvironmentReader(environment: environment)
        let (keys, warnings) = needsSigningKeys ? try reader.signingKeys() : ([.random()], [])
        self.init(
            databaseURL: try reader.secret("DATABASE_URL") ?? "",
            maxBodyBytes: try reader.integer("FRONTDESK_MAX_BODY_BYTES", default: 1 << 20, range: 1...(64 << 20)),
            logLevel: try reader.logLevel("FRONTDESK_LOG_LEVEL", default: .info),
            statementTimeoutMilliseconds: try reader.integer("FRONTDESK_DB_STATEMENT_TIMEOUT_MS", default: 10_000, range: 0...3_600_000),
            connectTimeoutSeconds: try reader.integer("FRONTDESK_DB_CONNECT_TIMEOUT", default: 3, range: 1...60),
            auth: AuthConfiguration(
                signingKeys: keys,
                issuer: reader.text("FRONTDESK_JWT_ISSUER", default: "frontdesk"),
                audience: reader.text("FRONTDESK_JWT_AUDIENCE", default: "frontdesk-api"),
                accessTokenLifetime: try reader.integer("FRONTDESK_ACCESS_TOKEN_TTL", default: 900, range: 60...86_400),
                refreshTokenLifetime: try reader.integer("FRONTDESK_REFRESH_TOKEN_TTL", default: 30 * 86_400, range: 300...(365 * 86_400)),
                clockLeeway: try reader.integer("FRONTDESK_JWT_LEEWAY_SECONDS", default: 30, range: 0...300),
                isRegistrationOpen: try reader.boolean("FRONTDESK_REGISTRATION_OPEN", default: true),
                passwordHashing: Argon2Parameters(
                    memoryKiB: UInt32(try reader.integer("FRONTDESK_ARGON2_MEMORY_KIB", default: 19_456, range: 19_456...(4 << 20))),
                    iterations: UInt32(try reader.integer("FRONTDESK_ARGON2_ITERATIONS", default: 2, range: 2...64)),
                    parallelism: UInt32(try reader.integer("FRONTDESK_ARGON2_PARALLELISM", default: 1, range: 1...16))),
                throttle: LoginThrottlePolicy(
                    accountFailures: try reader.integer("FRONTDESK_LOGIN_MAX_FAILURES", default: 5, range: 1...1000),
                    addressFailures: try reader.integer("FRONTDESK_LOGIN_MAX_FAILURES_PER_ADDRESS", default: 20, range: 1...100_000),
                    baseLockout: try reader.integer("FRONTDESK_LOGIN_LOCKOUT_SECONDS", default: 60, range: 1...86_400),
                    maxLockout: try reader.integer("FRONTDESK_LOGIN_MAX_LOCKOUT_SECONDS", default: 900, range: 1...86_400),
                    quietPeriod: try reader.integer("FRONTDESK_LOGIN_QUIET_SECONDS", default: 900, range: 1...86_400))))
        self.warnings = warnings
        self.corsOrigins = try reader.origins("FRONTDESK_CORS_ORIGINS")
    }
}

/// Whether the worker runs for real (`production`, the default) or on a developer's machine.
public enum DeploymentEnvironment: String, Sendable {
    case production
    case development
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

    /// Exact origins (`https://app.example.com`, `http://localhost:3000`), separated by commas or
    /// white space; `*` and paths are refused so that nothing is allowed by accident.
    func origins(_ name: String) throws(ConfigurationError) -> Set<String> {
        guard let text = environment[name], !text.isEmpty else { return [] }
        var origins: Set<String> = []
        for item in text.split(whereSeparator: { $0 == "," || $0.isWhitespace }) {
            let origin = String(item)
            let parts = origin.components(separatedBy: "://")
            guard parts.count == 2, ["http", "https"].contains(parts[0]), !parts[1].isEmpty, !parts[1].contains("/") else {
                throw ConfigurationError(description: "\(name): '\(origin)' is not an origin like https://app.example.com")
            }
            origins.insert(origin)
        }
        return origins
    }

    func text(_ name: String, default defaultValue: String) -> String {
        guard let text = environment[name], !text.isEmpty else { return defaultValue }
        return text
    }

    func boolean(_ name: String, default defaultValue: Bool) throws(ConfigurationError) -> Bool {
        guard let text = environment[name], !text.isEmpty else { return defaultValue }
        switch text.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw ConfigurationError(description: "\(name) must be true or false; got '\(text)'")
        }
    }

    /// The signing key ring from `FRONTDESK_JWT_KEYS` (secrets separated by white space, newest
    /// first) or the single `FRONTDESK_JWT_SECRET` (taken whole), each possibly from a `_FILE`. Production refuses a missing
    /// or short secret; development warns and, when none is set, makes a random one for this process.
    func signingKeys() throws(ConfigurationError) -> (keys: [SigningKey], warnings: [String]) {
        let environmentName = text("FRONTDESK_ENV", default: "production")
        guard let deployment = DeploymentEnvironment(rawValue: environmentName) else {
            throw ConfigurationError(description: "FRONTDESK_ENV must be production or development; got '\(environmentName)'")
        }
        let ring = try secret("FRONTDESK_JWT_KEYS")
        let single = try secret("FRONTDESK_JWT_SECRET")
        if ring != nil && single != nil {
            throw ConfigurationError(description: "set FRONTDESK_JWT_SECRET or FRONTDESK_JWT_KEYS, not both")
        }
        let name = ring != nil ? "FRONTDESK_JWT_KEYS" : "FRONTDESK_JWT_SECRET"
        let secrets = ring.map { $0.split(whereSeparator: { $0.isWhitespace }).map { Array($0.utf8) } } ?? single.map { [Array($0.utf8)] } ?? []
        let production = deployment == .production
        guard !secrets.isEmpty else {
            if production {
                throw ConfigurationError(description: "FRONTDESK_JWT_SECRET is missing: set it (or FRONTDESK_JWT_SECRET_FILE) to at least \(SigningKey.minimumLength) random bytes, e.g. `openssl rand -base64 48`")
            }
            return ([.random()], ["FRONTDESK_JWT_SECRET is not set: signing tokens with a random key made for this process only. Tokens will not survive a restart or work across workers. Never do this in production."])
        }
        var warnings: [String] = []
        for (index, secret) in secrets.enumerated() where secret.count < SigningKey.minimumLength {
            let problem = "\(name) key \(index + 1) is \(secret.count) bytes; it must be at least \(SigningKey.minimumLength)"
            if production { throw ConfigurationError(description: problem) }
            warnings.append(problem + " (allowed only because FRONTDESK_ENV=development)")
        }
        return (secrets.map(SigningKey.init(secret:)), warnings)
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
