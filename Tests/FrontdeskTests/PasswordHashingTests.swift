import Argon2
import FrontdeskApp
import Testing

@Suite("Argon2id password hashing")
struct PasswordHashingTests {
    let hasher = PasswordHasher(parameters: .owaspMinimum)

    @Test("hashes are PHC strings with OWASP's minimum cost and a fresh salt")
    func phcStrings() throws {
        let first = try hasher.hash("correct horse battery")
        let second = try hasher.hash("correct horse battery")
        #expect(first.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
        #expect(first != second)
        #expect(Argon2Parameters(phcString: first) == .owaspMinimum)
        #expect(hasher.verify("correct horse battery", against: first))
        #expect(!hasher.verify("correct horse batterY", against: first))
        #expect(!hasher.verify("correct horse battery", against: "$argon2id$v=19$m=19456,t=2,p=1$bad$bad"))
        #expect(!hasher.verify("correct horse battery", against: "$2b$12$bcrypt.is.not.accepted"))
    }

    @Test("passwords are compared after NFKC normalisation")
    func normalisation() throws {
        let composed = "caf\u{00E9} au lait", decomposed = "cafe\u{0301} au lait"
        #expect(hasher.verify(decomposed, against: try hasher.hash(composed)))
    }

    @Test("hashes weaker than the configured cost need a rehash; equal or stronger do not")
    func rehash() throws {
        let weak = try PasswordHasher(parameters: Argon2Parameters(memoryKiB: 8192, iterations: 1, parallelism: 1)).hash("p4ssword!")
        #expect(hasher.needsRehash(weak))
        #expect(!hasher.needsRehash(try hasher.hash("p4ssword!")))
        #expect(hasher.needsRehash("not a hash"))
    }

    @Test("checking against no hash costs as much as a real check")
    func decoyCost() throws {
        let stored = try hasher.hash("correct horse battery")
        _ = hasher.verify("warm up", against: nil)
        func fastest(_ body: () -> Void) -> Duration { (0..<3).map { _ in ContinuousClock().measure(body) }.min()! }
        let real = fastest { _ = hasher.verify("wrong password", against: stored) }
        let decoy = fastest { _ = hasher.verify("wrong password", against: nil) }
        #expect(decoy > real * 0.5, "decoy \(decoy) vs real \(real)")
    }
}
