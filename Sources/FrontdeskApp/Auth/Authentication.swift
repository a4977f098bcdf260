/// What the auth middleware established about a request's bearer token.
///
/// The token's signature and claims are checked at once. Whether its user and session still
/// grant access is asked of the database when first needed, and that query goes out with the
/// handler's first read: one round trip for both (see `authenticated(_:)`).
public final class Authentication {
    /// The caller the token names, with the role it was issued with; nil when the token itself
    /// did not check out. Only a hint until `principal()` confirms it.
    public let claimedCaller: Caller?
    private let claims: AccessTokenClaims?
    private let pending: (any PendingAccessState)?
    private var outcome: Result<Principal, any Error>?

    /// A verified token whose access `pending` checks (once, on first need).
    init(claims: AccessTokenClaims, pending: any PendingAccessState) {
        claimedCaller = Caller(id: claims.userID, role: claims.role)
        self.claims = claims
        self.pending = pending
    }

    /// A token that failed before any database check (malformed, bad signature, expired).
    init(failure: any Error) {
        claimedCaller = nil
        claims = nil
        pending = nil
        outcome = .failure(failure)
    }

    /// The authenticated user and token, or the reason there is none (401, or 503 when the
    /// database could not be asked).
    public func principal() throws -> Principal {
        if outcome == nil { outcome = Result { try checkAccess() } }
        return try outcome!.get()
    }

    private func checkAccess() throws -> Principal {
        guard let claims, let pending else { throw DomainError.unauthenticated(.missingToken) }
        switch try pending.resolve() {
        case .granted(let caller):
            return Principal(caller: caller, tokenID: claims.tokenID, sessionID: claims.sessionID, tokenExpiresAt: claims.expiresAt)
        case .revoked:
            throw DomainError.unauthenticated(.revoked)
        case .accountUnavailable:
            throw DomainError.unauthenticated(.accountUnavailable)
        }
    }

    /// The principal if access was checked and granted; nil otherwise. Never queries.
    public var checkedPrincipal: Principal? {
        guard case .success(let principal)? = outcome else { return nil }
        return principal
    }

    /// Drops the access check if nobody asked for it, so it cannot ride along with a later request.
    public func cancel() {
        if outcome == nil { pending?.cancel() }
    }
}
