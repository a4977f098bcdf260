import HTTPCore

/// The `/api/v1/auth` routes and `PUT /api/v1/users/me/password`.
public struct AuthController {
    /// What the handlers call; the controller is made with the memberwise `init(service:)`.
    let service: AuthService
    static let basePath = "/api/v1/auth"
    /// Paths whose bodies may be HTML forms, for OAuth2 password-grant clients.
    public static let formPaths: Set<String> = [basePath + "/login", basePath + "/refresh"]

    /// Registers every auth route, in one place.
    public func register(in router: inout Router) {
        router.add("POST", Self.basePath + "/register", register)
        router.add("POST", Self.basePath + "/login", login)
        router.add("POST", Self.basePath + "/refresh", refresh)
        router.add("POST", Self.basePath + "/logout", authenticated(logout))
        router.add("PUT", UsersController.basePath + "/me/password", authenticated(changePassword))
    }

    /// `POST /auth/register`: 201 with the new user and its `Location`.
    func register(_ request: Request, _ context: RequestContext) throws -> Response {
        let newUser = try UserInput.creation(from: JSONValue.parse(request.body), access: UserFieldAccess(creatingAsAdmin: false))
        return UserRepresentation.created(try service.register(newUser))
    }

    /// `POST /auth/login`: a token pair.
    func login(_ request: Request, _ context: RequestContext) throws -> Response {
        let (email, password) = try AuthInput.login(from: request)
        return Self.tokenResponse(try service.login(email: email, password: password, clientAddress: request.remoteAddress))
    }

    /// `POST /auth/refresh`: a new token pair; the presented refresh token is spent.
    func refresh(_ request: Request, _ context: RequestContext) throws -> Response {
        Self.tokenResponse(try service.refresh(AuthInput.refresh(from: request)))
    }

    /// `POST /auth/logout`: 204; the access token and its session are revoked.
    func logout(_ request: Request, _ auth: AuthenticatedContext) throws -> Response {
        try service.logout(auth.principal())
        return .empty(204)
    }

    /// `PUT /users/me/password`: 204; every other session is revoked.
    func changePassword(_ request: Request, _ auth: AuthenticatedContext) throws -> Response {
        let principal = try auth.principal()
        let account = try service.account(of: principal)
        let (current, new) = try AuthInput.passwordChange(from: JSONValue.parse(request.body), email: account.profile.email)
        try service.changePassword(of: principal, account: account, current: current, new: new, clientAddress: request.remoteAddress)
        return .empty(204)
    }

    /// RFC 6749 section 5.1's token response, never cached.
    static func tokenResponse(_ pair: TokenPair) -> Response {
        var json = JSONWriter()
        json.object { body in
            body.field("access_token", pair.accessToken)
            body.field("token_type", "bearer")
            body.field("expires_in", pair.expiresIn)
            body.field("refresh_token", pair.refreshToken.value)
        }
        return .json(200, json.bytes, headers: [HeaderField("Cache-Control", "no-store"), HeaderField("Pragma", "no-cache")])
    }
}
