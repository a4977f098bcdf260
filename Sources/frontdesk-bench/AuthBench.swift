import Argon2
import Foundation
import FrontdeskApp

/// `frontdesk-bench`: what authentication costs per call, in process (no HTTP, no database).
/// Run it in release through `bench/auth`, which writes the figures to `bench/results/`.
@main
struct AuthBench {
    static func main() throws {
        let iterations = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 100_000
        let configuration = AuthConfiguration(signingKeys: [.random()])
        let passwords = PasswordHasher(parameters: configuration.passwordHashing)
        let hash = try passwords.hash("correct horse battery")
        report("argon2id hash (\(configuration.passwordHashing))", count: 20) { _ = try? passwords.hash("correct horse battery") }
        report("argon2id verify, right password", count: 20) { _ = passwords.verify("correct horse battery", against: hash) }
        report("argon2id verify, unknown email (decoy)", count: 20) { _ = passwords.verify("correct horse battery", against: nil) }
        let tokens = AccessTokens(configuration: configuration)
        let now = Int64(Date().timeIntervalSince1970)
        report("access token issue (HS256)", count: iterations) { _ = try? tokens.issue(userID: 42, role: .user, sessionID: 7, now: now) }
        let fresh = try (0..<iterations).map { try tokens.issue(userID: 42, role: .user, sessionID: Int64($0 + 1), now: now) }
        var next = 0
        report("access token verify, first sight (HS256, claims)", count: iterations) {
            _ = try? tokens.verify(fresh[next % fresh.count], now: now)
            next += 1
        }
        let token = fresh[0]
        report("access token verify, same token again (memo)", count: iterations) { _ = try? tokens.verify(token, now: now) }
        report("refresh token generate + SHA-256", count: iterations) { _ = RefreshToken.generate().storageHash }
    }

    static func report(_ name: String, count: Int, _ body: () -> Void) {
        for _ in 0..<max(1, count / 10) { body() }
        let elapsed = ContinuousClock().measure { for _ in 0..<count { body() } }
        let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        let perCall = nanoseconds / Double(count)
        let shown = perCall >= 1e6 ? String(format: "%.1f ms", perCall / 1e6) : String(format: "%.1f us", perCall / 1e3)
        print("\(name.padding(toLength: 48, withPad: " ", startingAt: 0)) \(shown) per call (\(count) calls)")
    }
}
