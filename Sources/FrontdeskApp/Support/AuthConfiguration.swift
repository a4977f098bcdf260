import Argon2
import Crypto

/// Authentication settings: signing keys, token lifetimes, password hashing cost, login throttling.
public struct AuthConfiguration: Sendable {
    /// Access-token signing keys, newest first: the first signs, every one verifies.
    public var signingKeys: [SigningKey]
    /// The `iss` claim written and required.
    public var issuer: String
    /// The `aud` claim written and required.
    public var audience: String
    /// Seconds an access token is valid (`FRONTDESK_ACCESS_TOKEN_TTL`, default 900).
    public var accessTokenLifetime: Int
    /// Seconds a refresh token is valid (`FRONTDESK_REFRESH_TOKEN_TTL`, default 30 days).
    public var refreshTokenLifetime: Int
    /// Seconds of clock difference tolerated on `exp`, `nbf` and `iat`.
    public var clockLeeway: Int
    /// Whether `POST /auth/register` is open to anyone.
    public var isRegistrationOpen: Bool
    /// Argon2id cost for new password hashes; older, weaker hashes are upgraded at login.
    public var passwordHashing: Argon2Parameters
    /// When failed logins back off.
    public var throttle: LoginThrottlePolicy

    /// Creates the settings; tests pass their own keys and a fast throttle.
    public init(
        signingKeys: [SigningKey], issuer: String = "frontdesk", audience: String = "frontdesk-api",
        accessTokenLifetime: Int = 900, refreshTokenLifetime: Int = 30 * 86_400, clockLeeway: Int = 30,
        isRegistrationOpen: Bool = true, passwordHashing: Argon2Parameters = .owaspMinimum,
        throttle: LoginThrottlePolicy = LoginThrottlePolicy()
    ) {
        self.signingKeys = signingKeys
        self.issuer = issuer
        self.audience = audience
        self.accessTokenLifetime = accessTokenLifetime
        self.refreshTokenLifetime = refreshTokenLifetime
        self.clockLeeway = clockLeeway
        self.isRegistrationOpen = isRegistrationOpen
        self.passwordHashing = passwordHashing
        self.throttle = throttle
    }
}

/// One HMAC key of the key ring, named by a `kid` derived from the secret itself, so that moving
/// from a single secret to a ring (or reordering the ring) never changes a key's name.
public struct SigningKey: Sendable {
    /// The `kid` header value: 16 hex digits of a SHA-256 over the secret.
    public let id: String
    /// The secret bytes.
    public let secret: [UInt8]

    /// The shortest secret accepted in production, in bytes (RFC 7518 section 3.2: at least the hash size).
    public static let minimumLength = 32

    /// Creates the key and derives its id.
    public init(secret: [UInt8]) {
        self.secret = secret
        let digest = SHA256.hash(data: Array("frontdesk-jwt-kid:".utf8) + secret)
        self.id = digest.prefix(8).hexString
    }

    /// A random 32-byte key, for development and tests.
    public static func random() -> SigningKey {
        var generator = SystemRandomNumberGenerator()
        return SigningKey(secret: (0..<minimumLength).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }
}

/// When failed logins start to be refused with 429, per account and per client address.
public struct LoginThrottlePolicy: Sendable {
    /// Failures for one email before it is blocked.
    public var accountFailures: Int
    /// Failures from one client address before it is blocked (higher: many users share a NAT).
    public var addressFailures: Int
    /// The first block, in seconds; each further failure doubles it.
    public var baseLockout: Int
    /// The longest block, in seconds.
    public var maxLockout: Int
    /// Seconds without a failure after which the count starts again.
    public var quietPeriod: Int

    /// Creates a policy; the defaults block an account for 60 s after 5 failures, up to 15 minutes.
    public init(accountFailures: Int = 5, addressFailures: Int = 20, baseLockout: Int = 60, maxLockout: Int = 900, quietPeriod: Int = 900) {
        self.accountFailures = accountFailures
        self.addressFailures = addressFailures
        self.baseLockout = baseLockout
        self.maxLockout = maxLockout
        self.quietPeriod = quietPeriod
    }

    /// Seconds to block after `failures` failures against a limit of `limit`, or nil for no block.
    public func lockout(failures: Int, limit: Int) -> Int? {
        guard failures >= limit else { return nil }
        let doublings = min(failures - limit, 20)
        return min(baseLockout << doublings, maxLockout)
    }
}
