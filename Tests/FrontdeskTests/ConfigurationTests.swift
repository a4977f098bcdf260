import Foundation
import FrontdeskApp
import Testing

@Suite("Configuration and secrets")
struct ConfigurationTests {
    private let strongSecret = String(repeating: "k", count: 32)

    private func reason(_ environment: [String: String]) -> String? {
        do {
            _ = try Configuration(environment: environment)
            return nil
        } catch {
            return error.description
        }
    }

    @Test("production refuses a missing or short signing secret, naming the variable")
    func productionSecrets() {
        #expect(reason([:])?.contains("FRONTDESK_JWT_SECRET is missing") == true)
        #expect(reason(["FRONTDESK_JWT_SECRET": "short"])?.contains("FRONTDESK_JWT_SECRET key 1 is 5 bytes") == true)
        #expect(reason(["FRONTDESK_JWT_KEYS": "\(strongSecret) tiny"])?.contains("FRONTDESK_JWT_KEYS key 2 is 4 bytes") == true)
        #expect(reason(["FRONTDESK_JWT_SECRET": strongSecret, "FRONTDESK_JWT_KEYS": strongSecret])?.contains("not both") == true)
        #expect(reason(["FRONTDESK_ENV": "staging"])?.contains("FRONTDESK_ENV") == true)
        #expect(reason(["FRONTDESK_JWT_SECRET": strongSecret]) == nil)
    }

    @Test("development makes a random key for the process and says so loudly")
    func developmentKey() throws {
        let configuration = try Configuration(environment: ["FRONTDESK_ENV": "development"])
        #expect(configuration.auth.signingKeys.count == 1)
        #expect(configuration.warnings.first?.contains("random key") == true)
        let short = try Configuration(environment: ["FRONTDESK_ENV": "development", "FRONTDESK_JWT_SECRET": "short"])
        #expect(short.warnings.first?.contains("5 bytes") == true)
    }

    @Test("a key ring signs with its first key; key ids come from the secrets, so order changes nothing")
    func keyRing() throws {
        let old = String(repeating: "o", count: 40), new = String(repeating: "n", count: 40)
        let single = try Configuration(environment: ["FRONTDESK_JWT_SECRET": old])
        let ring = try Configuration(environment: ["FRONTDESK_JWT_KEYS": "\(new)\n\(old)"])
        #expect(ring.auth.signingKeys.map(\.id) == [SigningKey(secret: Array(new.utf8)).id, single.auth.signingKeys[0].id])
        #expect(ring.auth.signingKeys[0].id.count == 16)
    }

    @Test("the secret can come from a file, and the password cost cannot go below OWASP's minimum")
    func fileSecretAndMinimums() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("jwt-\(UUID().uuidString)").path
        try (strongSecret + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let configuration = try Configuration(environment: ["FRONTDESK_JWT_SECRET_FILE": path])
        #expect(configuration.auth.signingKeys[0].secret == Array(strongSecret.utf8))
        #expect(configuration.auth.passwordHashing == .owaspMinimum)
        #expect(reason(["FRONTDESK_JWT_SECRET": strongSecret, "FRONTDESK_ARGON2_MEMORY_KIB": "4096"])?.contains("FRONTDESK_ARGON2_MEMORY_KIB") == true)
        #expect(reason(["FRONTDESK_JWT_SECRET": strongSecret, "FRONTDESK_ARGON2_ITERATIONS": "1"])?.contains("FRONTDESK_ARGON2_ITERATIONS") == true)
    }

    @Test("the worker binary refuses to start without a secret, with a one-line reason")
    func workerRefuses() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.environment["FRONTDESK_BINARY"] ?? TestSupport.repositoryRoot + "/.build/debug/frontdesk")
        process.arguments = ["worker", "--socket", "/tmp/frontdesk-refuse-\(UUID().uuidString).sock"]
        process.environment = ["DATABASE_URL": TestSupport.databaseURL]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        let output = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus != 0)
        #expect(output.contains("FRONTDESK_JWT_SECRET is missing"))
    }
}
