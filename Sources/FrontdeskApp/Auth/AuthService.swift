import Foundation
import HTTPCore
import Logging

/// The authentication rules: registration, login with throttling, refresh-token rotation with
/// theft detection, logout, password changes, and turning a bearer token into a principal.
public struct AuthService {
    private let users: any UserRepository
    private let userService: UserService
    private let sessions: any SessionRepository
    private let failures: any LoginFailureRepository
    private let passwords: PasswordHasher
    private let tokens: AccessTokens
    private let configuration: AuthConfiguration
    private let now: @Sendable () -> Int64
    private let logger: Logger

    /// Creates the service; `now` gives the time in seconds since 1970 (tests move it).
    public init(
        users: any UserRepository, sessions: any SessionRepository, failures: any LoginFailureRepository,
        passwords: PasswordHasher, tokens: AccessTokens, configuration: AuthConfiguration,
        now: @escaping @Sendable () -> Int64 = AuthService.systemClock, logger: Logger
    ) {
        self.users = users
        self.userService = UserService(repository: users, passwords: passwords)
        self.sessions = sessions
        self.failures = failures
        self.passwords = passwords
        self.tokens = tokens
        self.configuration = configuration
        self.now = now
        self.logger = logger
    }

    /// The time in seconds since 1970, by the system clock.
    public static let systemClock: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }

    /// Creates an account for someone registering themself, if registration is open.
    public func register(_ newUser: NewUser) throws -> User {
        guard configuration.isRegistrationOpen else {
            throw DomainError.forbidden(code: "auth.registration_closed", message: "Registration is closed; ask an admin for an account.")
        }
        return try userService.register(newUser)
    }

    /// Checks an email and password and opens a session. Unknown emails, wrong passwords and
    /// inactive accounts fail alike, in the same time; failures back off per account and per
    /// client address.
    public func login(email: String, password: String, clientAddress: String) throws -> TokenPair {
        let keys = Self.throttleKeys(email: email, clientAddress: clientAddress)
        try registerAttempt(keys)
        // Stored emails are ASCII (`EmailAddress`); anything else is an unknown account here, so
        // that Unicode case mappings that differ between Swift and Postgres cannot give one
        // account many throttle keys.
        let credentials = email.utf8.allSatisfy { $0 < 0x80 } ? try users.credentials(email: email) : nil
        let matches = passwords.verify(password, against: credentials?.passwordHash)
        guard matches, let credentials, credentials.user.profile.isActive else {
            try failures.pruneQuiet(quietPeriod: configuration.throttle.quietPeriod)
            throw DomainError.unauthenticated(.invalidCredentials)
        }
        try forgive(keys)
        if let stored = credentials.passwordHash, passwords.needsRehash(stored) {
            _ = try users.setPasswordHash(id: credentials.user.id, to: passwords.hash(password))
            logger.info("password hash upgraded", metadata: ["user.id": "\(credentials.user.id)", "argon2": "\(passwords.parameters)"])
        }
        let refreshToken = RefreshToken.generate()
        let sessionID = try sessions.openSession(
            userID: credentials.user.id, refreshTokenHash: refreshToken.storageHash, lifetime: configuration.refreshTokenLifetime)
        try sessions.pruneExpired()
        return try pair(for: credentials.user, sessionID: sessionID, refreshToken: refreshToken)
    }

    /// Spends a refresh token and hands out a new pair in the same session. Presenting a token
    /// that was already spent revokes the whole session: someone holds a copy.
    public func refresh(_ presented: RefreshToken) throws -> TokenPair {
        guard presented.isWellFormed else { throw DomainError.unauthenticated(.invalidRefreshToken) }
        let successor = RefreshToken.generate()
        guard let (sessionID, userID) = try sessions.rotate(
            refreshTokenHash: presented.storageHash, successorHash: successor.storageHash, lifetime: configuration.refreshTokenLifetime)
        else {
            if let revoked = try sessions.revokeSessionOfSpentToken(refreshTokenHash: presented.storageHash) {
                logger.warning("spent refresh token presented again: session revoked", metadata: ["session.id": "\(revoked)"])
            }
            throw DomainError.unauthenticated(.invalidRefreshToken)
        }
        guard let user = try users.find(id: userID) else { throw DomainError.unauthenticated(.invalidRefreshToken) }
        return try pair(for: user, sessionID: sessionID, refreshToken: successor)
    }

    /// Revokes the principal's session, and with it the access token (and any other of that session).
    public func logout(_ principal: Principal) throws {
        try sessions.logout(sessionID: principal.sessionID)
    }

    /// The principal's own row; 401 if it went away since the access check.
    public func account(of principal: Principal) throws -> User {
        guard let user = try users.find(id: principal.caller.id) else { throw DomainError.unauthenticated(.accountUnavailable) }
        return user
    }

    /// Changes the password of `account` (the principal's row) after checking the current one, and
    /// revokes every other session. Wrong current passwords count as failed logins.
    public func changePassword(of principal: Principal, account: User, current: String, new: String, clientAddress: String) throws {
        let keys = Self.throttleKeys(email: account.profile.email, clientAddress: clientAddress)
        try registerAttempt(keys)
        let credentials = try users.credentials(email: account.profile.email)
        guard passwords.verify(current, against: credentials?.passwordHash) else {
            throw DomainError.invalid([FieldError(field: "current_password", message: "is incorrect")])
        }
        try forgive(keys)
        guard try users.setPasswordHash(id: principal.caller.id, to: passwords.hash(new)) else {
            throw DomainError.unauthenticated(.accountUnavailable)
        }
        try sessions.revokeOtherSessions(userID: principal.caller.id, keeping: principal.sessionID)
    }

    /// The authentication of a bearer token: its signature and claims are checked now; that the
    /// token and its session are not revoked and the user is live and active is checked on first
    /// need (the query goes out with the next read), every time, never remembered.
    public func authenticate(bearerToken: Substring) -> Authentication {
        let claims: AccessTokenClaims
        do {
            claims = try tokens.verify(bearerToken, now: now())
        } catch {
            return Authentication(failure: error)
        }
        return Authentication(claims: claims, pending: sessions.queueAccessState(userID: claims.userID, sessionID: claims.sessionID))
    }

    private func pair(for user: User, sessionID: Int64, refreshToken: RefreshToken) throws -> TokenPair {
        let token = try tokens.issue(userID: user.id, role: user.profile.role, sessionID: sessionID, now: now())
        return TokenPair(accessToken: token, expiresIn: configuration.accessTokenLifetime, refreshToken: refreshToken)
    }

    private static func throttleKeys(email: String, clientAddress: String) -> (account: String, address: String) {
        let account = email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        return ("account:" + String(account.prefix(254)), "address:" + String(clientAddress.prefix(100)))
    }

    /// Counts the attempt against the account and the address before any hashing; a blocked key
    /// is a 429 with the time left.
    private func registerAttempt(_ keys: (account: String, address: String)) throws {
        let policy = configuration.throttle
        for (key, limit) in [(keys.account, policy.accountFailures), (keys.address, policy.addressFailures)] {
            guard let count = try failures.registerAttempt(key: key, limit: limit, policy: policy) else {
                throw DomainError.throttled(retryAfterSeconds: max(1, try failures.blockedSeconds(keys: [keys.account, keys.address])))
            }
            if count >= limit {
                logger.notice("login throttled", metadata: ["throttle.key_kind": "\(key.prefix { $0 != ":" })", "throttle.attempts": "\(count)"])
            }
        }
    }

    /// A successful attempt: the account starts afresh, and the address gets its attempt back.
    private func forgive(_ keys: (account: String, address: String)) throws {
        try failures.clear(key: keys.account)
        try failures.forgiveAttempt(key: keys.address, limit: configuration.throttle.addressFailures)
    }
}
