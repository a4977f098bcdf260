import HTTPCore

/// The validation table for the auth routes' bodies. Login and refresh take JSON or, as OAuth2
/// clients send to a token endpoint, an HTML form (RFC 6749 sections 4.3 and 6).
enum AuthInput {
    static let loginEmail = FieldRule<String>.credential("email", maxLength: 254)
    static let loginPassword = FieldRule<String>.credential("password", maxLength: 1024)
    static let refreshToken = FieldRule<String>.credential("refresh_token", maxLength: 128)
    static let currentPassword = FieldRule<String>.credential("current_password", maxLength: 1024)
    static let newPassword = FieldRule<String>.password("new_password")

    /// `POST /auth/login`: `{email, password}`, or the form `grant_type=password&username&password`.
    static func login(from request: Request) throws -> (email: String, password: String) {
        if LimitsMiddleware.isForm(request.header("content-type")) {
            let form = try formFields(request, grantType: "password", fields: ["username", "password"])
            return (form["username"]!, form["password"]!)
        }
        var reader = ObjectReader(try JSONValue.parse(request.body), writable: ["email", "password"], readOnly: [])
        let email = reader.required(loginEmail)
        let password = reader.required(loginPassword)
        try reader.finish()
        return (email!, password!)
    }

    /// `POST /auth/refresh`: `{refresh_token}`, or the form `grant_type=refresh_token&refresh_token`.
    static func refresh(from request: Request) throws -> RefreshToken {
        if LimitsMiddleware.isForm(request.header("content-type")) {
            let form = try formFields(request, grantType: "refresh_token", fields: ["refresh_token"])
            return RefreshToken(value: form["refresh_token"]!)
        }
        var reader = ObjectReader(try JSONValue.parse(request.body), writable: ["refresh_token"], readOnly: [])
        let token = reader.required(refreshToken)
        try reader.finish()
        return RefreshToken(value: token!)
    }

    /// `PUT /users/me/password`: `{current_password, new_password}`; the new one follows the
    /// password rules and differs from the email.
    static func passwordChange(from body: JSONValue, email: String) throws(DomainError) -> (current: String, new: String) {
        var reader = ObjectReader(body, writable: ["current_password", "new_password"], readOnly: [])
        let current = reader.required(currentPassword)
        let new = reader.required(newPassword)
        if let new, new.lowercased() == email.lowercased() {
            reader.fail("new_password", "must not be the same as the email")
        }
        try reader.finish()
        return (current!, new!)
    }

    /// Parses a form body: `fields` are required, `grant_type` must be `grantType` when sent, and
    /// OAuth2's `scope`, `client_id` and `client_secret` are accepted and ignored.
    private static func formFields(_ request: Request, grantType: String, fields: [String]) throws -> [String: String] {
        let form: QueryParameters
        do {
            form = try QueryParameters(parsing: String(decoding: request.body, as: UTF8.self))
        } catch {
            throw APIError(
                status: 400, code: "request.malformed_form", title: "Malformed form",
                detail: error.fieldErrors.map(\.description).joined(separator: "; "), fieldErrors: error.fieldErrors)
        }
        var errors: [FieldError] = []
        var values: [String: String] = [:]
        for field in fields {
            if let value = form[field], !value.isEmpty, value.unicodeScalars.count <= 1024 {
                values[field] = value
            } else {
                errors.append(FieldError(field: field, message: "is required (1 to 1024 characters)"))
            }
        }
        if let sent = form["grant_type"], sent != grantType {
            errors.append(FieldError(field: "grant_type", message: "must be \(grantType)"))
        }
        let known = Set(fields + ["grant_type", "scope", "client_id", "client_secret"])
        for name in form.names.sorted() where !known.contains(name) {
            errors.append(FieldError(field: name, message: "is not a known field"))
        }
        if !errors.isEmpty { throw DomainError.invalid(errors) }
        return values
    }
}
