import ArgumentParser
import Foundation
import FrontdeskApp

/// `frontdesk user`: account administration from the command line.
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage accounts from the command line.",
        subcommands: [CreateUser.self])
}

/// `frontdesk user create --admin`: bootstraps an admin, reading the password from stdin or a file.
struct CreateUser: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create an admin account (for the first admin; later ones can be made through the API).",
        discussion: """
            The password is read from the first line of --password-file, or of standard input, never from \
            the command line (where other users could see it in the process list). It follows the API's \
            rules: 8 to 128 characters, not the email. Exit status: 0 created, 64 refused (the reason is printed).
            """)

    @Flag(help: "Create the account as an admin (required: the API creates ordinary users).")
    var admin = false

    @Option(help: "The account's email address.")
    var email: String

    @Option(help: "The display name.")
    var name: String = "Administrator"

    @Option(help: "Read the password from this file instead of standard input.")
    var passwordFile: String?

    func run() throws {
        guard admin else { throw ValidationError("only --admin accounts are created here; ordinary users register through the API") }
        let configuration = try loadConfiguration(needsSigningKeys: false)
        let password = try readPassword()
        let database = Frontdesk.makeDatabase(configuration: configuration)
        do {
            let user = try Frontdesk.createAdmin(email: email, name: name, password: password, configuration: configuration, database: database)
            print("created admin \(user.profile.email) with id \(user.id)")
        } catch let error as DomainError {
            throw ValidationError(Self.describe(error))
        }
    }

    private func readPassword() throws -> String {
        let line: String?
        if let passwordFile {
            guard let data = FileManager.default.contents(atPath: passwordFile) else { throw ValidationError("cannot read \(passwordFile)") }
            line = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init)
        } else {
            line = Swift.readLine(strippingNewline: true)
        }
        guard let line, !line.isEmpty else { throw ValidationError("no password given: pipe it to standard input or use --password-file") }
        return line
    }

    private static func describe(_ error: DomainError) -> String {
        switch error {
        case .invalid(let fields): fields.map { "\($0.field) \($0.message)" }.joined(separator: "; ")
        case .conflict(_, _, let message): "email \(message)"
        default: "\(error)"
        }
    }
}
