import FrontdeskApp
import HTTPCore
import Postgres
import Testing

/// An account a test made and logged in, with its tokens.
struct TestAccount {
    let id: Int64
    let email: String
    let password: String
    var accessToken: String
    var refreshToken: String

    static let defaultPassword = "correct horse battery"

    /// Registers `name` (with a unique email) through the API and logs in.
    static func register(_ app: HTTPApplication, _ name: String, unique: String = TestSupport.uniqueToken()) throws -> TestAccount {
        let email = "\(name).\(unique)@example.com"
        let created = app.respond(to: TestSupport.json(
            "POST", "/api/v1/auth/register", #"{"email":"\#(email)","name":"\#(name)","password":"\#(defaultPassword)"}"#))
        try #require(created.status == 201, "register: \(created.bodyText)")
        let id = try #require(created.json["id"].integerValue)
        return try login(app, id: id, email: email, password: defaultPassword)
    }

    /// Creates an admin the way `frontdesk user create --admin` does, and logs in.
    static func admin(_ app: HTTPApplication, _ database: Database, unique: String = TestSupport.uniqueToken()) throws -> TestAccount {
        let email = "admin.\(unique)@example.com"
        let user = try Frontdesk.createAdmin(
            email: email, name: "Admin", password: defaultPassword,
            configuration: Configuration(databaseURL: TestSupport.databaseURL), database: database)
        return try login(app, id: user.id, email: email, password: defaultPassword)
    }

    /// Logs in with JSON and keeps the tokens.
    static func login(_ app: HTTPApplication, id: Int64, email: String, password: String) throws -> TestAccount {
        let response = app.respond(to: TestSupport.json("POST", "/api/v1/auth/login", #"{"email":"\#(email)","password":"\#(password)"}"#))
        try #require(response.status == 200, "login: \(response.bodyText)")
        return TestAccount(
            id: id, email: email, password: password,
            accessToken: try #require(response.json["access_token"].stringValue),
            refreshToken: try #require(response.json["refresh_token"].stringValue))
    }
}
