/// What the auth middleware established about a request's bearer token.
///
/// The token's signature and claims are checked at once. Whether its user, session and `jti`
/// still grant access is asked of the database when first needed, and that query goes out with
/// the handler's first read: one round trip for both (see `authenticated(_:)`).
public final class Authentication {
    /// The caller the token names, with the role it was issued with; nil when the token itself
    /// did not check out. Only a hint until `principal()` confirms it.
    public let claimedCaller: Caller?
    private let check: () throws -> Principal
    private let cancelCheck: () -> Void
    private var outcome: Result<Principal, any Error>?

    /// A token whose access is checked by `check` (once, on first need); `cancel` drops that
    /// check unsent.
    init(claimedCaller: Caller, check: @escaping () throws -> Principal, cancel: @escaping () -> Void) {
        self.claimedCaller = claimedCaller
        self.check = check
        self.cancelCheck = cancel
    }

    /// A token that failed before any database check (malformed, bad signature, expired).
    init(failure: any Error) {
        claimedCaller = nil
        check = { throw failure }
        cancelCheck = {}
        outcome = .failure(failure)
    }

    /// The authenticated user and token, or the reason there is none (401, or 503 when the
    /// database could not be asked).
    public func principal() throws -> Principal {
        if outcome == nil { outcome = Result { try check() } }
        return try outcome!.get()
    }

    /// The principal if access was checked and granted; nil otherwise. Never queries.
    public var checkedPrincipal: Principal? {
        guard case .success(let principal)? = outcome else { return nil }
        return principal
    }

    /// Drops the access check if nobody asked for it, so it cannot ride along with a later request.
    public func cancel() {
        if outcome == nil { cancelCheck() }
    }
}
