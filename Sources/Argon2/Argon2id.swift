import CArgon2

/// Argon2id password hashing through libargon2: the only file that calls the C library.
///
/// Hashes are PHC strings (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`), so every stored hash
/// carries the parameters it was made with and can be verified after the configuration changes.
public struct Argon2id: Sendable {
    /// The cost parameters new hashes are made with.
    public let parameters: Argon2Parameters

    /// Bytes of random salt per hash (RFC 9106 recommends 16).
    static let saltLength = 16
    /// Bytes of hash output (RFC 9106 recommends 32).
    static let hashLength = 32

    /// Creates a hasher that makes new hashes with `parameters`.
    public init(parameters: Argon2Parameters) {
        self.parameters = parameters
    }

    /// Hashes `password` with a fresh random salt, as a PHC string.
    public func hash(_ password: [UInt8]) throws(Argon2Error) -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<Self.saltLength).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let length = argon2_encodedlen(
            parameters.iterations, parameters.memoryKiB, parameters.parallelism,
            UInt32(Self.saltLength), UInt32(Self.hashLength), Argon2_id)
        var encoded = [CChar](repeating: 0, count: length)
        let status = password.withUnsafeBytes { passwordBytes in
            salt.withUnsafeBytes { saltBytes in
                argon2id_hash_encoded(
                    parameters.iterations, parameters.memoryKiB, parameters.parallelism,
                    passwordBytes.baseAddress, passwordBytes.count,
                    saltBytes.baseAddress, saltBytes.count,
                    Self.hashLength, &encoded, length)
            }
        }
        try Self.check(status)
        return String(decoding: encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether `password` matches the PHC string `encoded`; libargon2 compares in constant time.
    /// A malformed or non-Argon2id string never matches.
    public static func verify(_ password: [UInt8], against encoded: String) -> Bool {
        guard encoded.hasPrefix("$argon2id$") else { return false }
        let status = password.withUnsafeBytes { passwordBytes in
            argon2id_verify(encoded, passwordBytes.baseAddress, passwordBytes.count)
        }
        return status == ARGON2_OK.rawValue
    }

    private static func check(_ status: Int32) throws(Argon2Error) {
        guard status != ARGON2_OK.rawValue else { return }
        throw Argon2Error(code: status, message: String(cString: argon2_error_message(status)))
    }
}

/// A libargon2 failure, such as a memory allocation that failed.
public struct Argon2Error: Error, CustomStringConvertible {
    /// libargon2's error code.
    public let code: Int32
    /// libargon2's description of the code.
    public let message: String

    /// The code and its description.
    public var description: String { "argon2 error \(code): \(message)" }
}
