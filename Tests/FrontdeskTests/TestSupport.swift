import Foundation
import FrontdeskApp
import HTTPCore
import Logging
import Postgres
import Testing

/// Shared helpers: the test database, an application on it, and request builders.
enum TestSupport {
    /// The database the suite runs against, migrated by `deploy/test`.
    static var databaseURL: String {
        guard let url = ProcessInfo.processInfo.environment["FRONTDESK_TEST_DATABASE_URL"], !url.isEmpty else {
            Issue.record("FRONTDESK_TEST_DATABASE_URL is not set: run the suite with deploy/test, which creates and migrates the test database")
            return "postgresql://invalid@127.0.0.1:1/missing"
        }
        return url
    }

    /// A logger that drops everything, so test output stays readable.
    static let quietLogger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// The signing key the test applications share, so a token from one verifies in another.
    static let signingKey = SigningKey(secret: Array("frontdesk test signing key, 32+ bytes long".utf8))

    /// Auth settings for tests: the shared key, the real password cost, and a throttle that
    /// blocks an account after 3 failures for 1 second.
    static func authConfiguration(keys: [SigningKey] = [signingKey], registrationOpen: Bool = true) -> AuthConfiguration {
        AuthConfiguration(
            signingKeys: keys, isRegistrationOpen: registrationOpen,
            throttle: LoginThrottlePolicy(accountFailures: 3, addressFailures: 1000, baseLockout: 1, maxLockout: 2, quietPeriod: 60))
    }

    /// The full application (middleware chain, router, services, Postgres repositories).
    static func makeApplication(
        databaseURL: String = TestSupport.databaseURL, maxBodyBytes: Int = 1 << 20,
        auth: AuthConfiguration = authConfiguration(), logger: Logger = quietLogger,
        now: @escaping @Sendable () -> Int64 = AuthService.systemClock, corsOrigins: Set<String> = []
    ) -> (HTTPApplication, Database) {
        var configuration = Configuration(databaseURL: databaseURL, maxBodyBytes: maxBodyBytes, connectTimeoutSeconds: 2, auth: auth)
        configuration.corsOrigins = corsOrigins
        let database = Frontdesk.makeDatabase(configuration: configuration)
        return (Frontdesk.makeApplication(configuration: configuration, database: database, logger: logger, now: now), database)
    }

    /// A unique token for emails and searches, so tests sharing one database never collide.
    static func uniqueToken() -> String {
        "t" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
    }

    /// A request with a JSON body, sent with `bearer` as its access token when given.
    static func json(_ method: String, _ path: String, _ body: String, headers: [String: String] = [:], bearer: String? = nil) -> Request {
        var all = ["Content-Type": "application/json"].merging(headers) { _, new in new }
        if let bearer { all["Authorization"] = "Bearer \(bearer)" }
        return Request(method: method, path: path, headers: all, body: Array(body.utf8))
    }

    /// A request without a body, sent with `bearer` as its access token when given.
    static func request(_ method: String, _ path: String, query: String = "", headers: [String: String] = [:], bearer: String? = nil) -> Request {
        var all = headers
        if let bearer { all["Authorization"] = "Bearer \(bearer)" }
        return Request(method: method, path: path, queryString: query, headers: all)
    }
}

extension Response {
    /// The body parsed as JSON; a test failure when it is not.
    var json: JSONValue {
        (try? JSONValue.parse(body)) ?? .null
    }
}

extension JSONValue {
    /// A member of an object, or `.null`.
    subscript(_ key: String) -> JSONValue {
        if case .object(let members) = self { return members[key] ?? .null }
        return .null
    }

    /// An element of an array, or `.null`.
    subscript(_ index: Int) -> JSONValue {
        if case .array(let items) = self, items.indices.contains(index) { return items[index] }
        return .null
    }

    /// The string value, if this is a string.
    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The integer value, if this is an integer.
    var integerValue: Int64? {
        if case .integer(let number) = self { return number }
        return nil
    }

    /// The number of elements of an array (0 otherwise).
    var count: Int {
        if case .array(let items) = self { return items.count }
        return 0
    }

    /// The `field` of every entry of a problem's `errors`, sorted.
    var errorFields: [String] {
        guard case .array(let entries) = self["errors"] else { return [] }
        return entries.compactMap { $0["field"].stringValue }.sorted()
    }
}

extension TestSupport {
    /// The checkout this test file lives in.
    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }
}

/// What a suite of application tests on the real database starts from: an application, its
/// database handle, and a unique token for the emails and titles it creates.
struct TestStack {
    let app: HTTPApplication
    let database: Database
    let unique = TestSupport.uniqueToken()

    init() {
        (app, database) = TestSupport.makeApplication()
    }
}

/// A suite that starts from a `TestStack`; reads its parts by name.
protocol OnTestStack {
    var stack: TestStack { get }
}

extension OnTestStack {
    var app: HTTPApplication { stack.app }
    var database: Database { stack.database }
    var unique: String { stack.unique }
}
