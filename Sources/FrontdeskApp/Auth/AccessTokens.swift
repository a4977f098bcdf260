import Crypto
import Foundation
import HTTPCore

/// Issues and verifies access tokens: JWTs (RFC 7519) signed with HMAC-SHA256 from swift-crypto.
///
/// Written here rather than through vapor/jwt-kit, whose API is async only (an actor): from this
/// synchronous worker, a Task-and-semaphore bridge cost about 50 us per verification against
/// 12-15 us for the verification itself (measured in the issue 3 note), and it can deadlock when
/// called from the cooperative pool. The rules follow RFC 8725:
/// - the header must say `alg: HS256` (the allow-list; `none` and anything else are refused) and
///   `typ: at+jwt` (RFC 9068), so no other kind of token passes for an access token;
/// - `kid` must name a key of the ring; an unknown `kid` never falls back to another key;
/// - `crit` is refused (no extensions are understood);
/// - the signature is compared in constant time before any claim is read;
/// - `iss`, `aud`, `exp`, `nbf` and `iat` are required and checked, with a small leeway.
public struct AccessTokens: Sendable {
    private let keys: [String: SymmetricKey]
    private let signingKeyID: String
    private let issuer: String
    private let audience: String
    private let lifetime: Int
    private let leeway: Int
    private let verified = VerifiedTokens()

    /// The only algorithm accepted.
    static let algorithm = "HS256"
    /// The media type of an access token (RFC 9068 section 2.1).
    static let tokenType = "at+jwt"
    /// Longer tokens are refused unread.
    static let maxLength = 4096

    /// Creates the issuer/verifier from the key ring (newest first) and the claim settings.
    public init(configuration: AuthConfiguration) {
        precondition(!configuration.signingKeys.isEmpty, "at least one signing key")
        var keys: [String: SymmetricKey] = [:]
        for key in configuration.signingKeys where keys[key.id] == nil {
            keys[key.id] = SymmetricKey(data: key.secret)
        }
        self.keys = keys
        self.signingKeyID = configuration.signingKeys[0].id
        self.issuer = configuration.issuer
        self.audience = configuration.audience
        self.lifetime = configuration.accessTokenLifetime
        self.leeway = configuration.clockLeeway
    }

    /// A signed token for the user's session, valid from `now` for the configured lifetime.
    public func issue(userID: Int64, role: Role, sessionID: Int64, now: Int64) throws -> String {
        var header = JSONWriter()
        header.object { fields in
            fields.field("alg", Self.algorithm)
            fields.field("typ", Self.tokenType)
            fields.field("kid", signingKeyID)
        }
        var payload = JSONWriter()
        payload.object { claims in
            claims.field("iss", issuer)
            claims.field("aud", audience)
            claims.field("sub", String(userID))
            claims.field("iat", now)
            claims.field("nbf", now)
            claims.field("exp", now + Int64(lifetime))
            claims.field("jti", UUID().uuidString.lowercased())
            claims.field("sid", sessionID)
            claims.field("role", role.rawValue)
        }
        let signingInput = Data(header.bytes).base64URLEncoded() + "." + Data(payload.bytes).base64URLEncoded()
        let signature = HMAC<SHA256>.authenticationCode(for: Array(signingInput.utf8), using: keys[signingKeyID]!)
        return signingInput + "." + Data(signature).base64URLEncoded()
    }

    /// The claims of a token that is well-formed, signed by a key of the ring, and valid at `now`.
    ///
    /// Clients send the same token with every request for its 15 minutes, so the outcome of the
    /// checks that do not depend on the time (format, header, signature, issuer, audience, claim
    /// types) is remembered per token; the time checks run on every call.
    public func verify(_ token: String, now: Int64) throws(DomainError) -> AccessTokenClaims {
        try verify(token[...], now: now)
    }

    /// The same for a token that is a slice of a longer string (the `Authorization` value).
    public func verify(_ token: Substring, now: Int64) throws(DomainError) -> AccessTokenClaims {
        let claims: AccessTokenClaims
        if let remembered = verified.claims(for: token) {
            claims = remembered
        } else {
            claims = try verifySignatureAndClaims(token)
            verified.remember(claims, for: token)
        }
        guard now < claims.expiresAt + Int64(leeway) else { throw .unauthenticated(.expired) }
        guard now + Int64(leeway) >= claims.notBefore, now + Int64(leeway) >= claims.issuedAt else { throw .unauthenticated(.notYetValid) }
        return claims
    }

    private func verifySignatureAndClaims(_ token: Substring) throws(DomainError) -> AccessTokenClaims {
        guard token.utf8.count <= Self.maxLength else { throw .unauthenticated(.malformedToken) }
        let parts = token.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3,
              let headerBytes = Data(base64URLEncoded: Substring(parts[0])),
              let payloadBytes = Data(base64URLEncoded: Substring(parts[1])),
              let signature = Data(base64URLEncoded: Substring(parts[2])),
              case .object(let header)? = try? JSONValue.parse(Array(headerBytes))
        else { throw .unauthenticated(.malformedToken) }

        guard header["alg"] == .string(Self.algorithm) else { throw .unauthenticated(.unsupportedAlgorithm) }
        guard header["typ"] == .string(Self.tokenType), header["crit"] == nil else { throw .unauthenticated(.wrongTokenType) }
        guard case .string(let keyID)? = header["kid"], let key = keys[keyID] else { throw .unauthenticated(.unknownKey) }
        let signingInput = Array(token.utf8.prefix(parts[0].count + 1 + parts[1].count))
        guard HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: signingInput, using: key) else {
            throw .unauthenticated(.badSignature)
        }

        guard case .object(let claims)? = try? JSONValue.parse(Array(payloadBytes)) else { throw .unauthenticated(.malformedToken) }
        return try validated(claims)
    }

    private func validated(_ claims: [String: JSONValue]) throws(DomainError) -> AccessTokenClaims {
        guard case .integer(let expiresAt)? = claims["exp"], case .integer(let notBefore)? = claims["nbf"],
              case .integer(let issuedAt)? = claims["iat"],
              case .string(let subject)? = claims["sub"], let userID = Int64(subject), userID > 0,
              case .integer(let sessionID)? = claims["sid"], sessionID > 0,
              case .string(let tokenID)? = claims["jti"], UUID(uuidString: tokenID) != nil,
              case .string(let roleName)? = claims["role"], let role = Role(rawValue: roleName)
        else { throw .unauthenticated(.malformedToken) }
        guard claims["iss"] == .string(issuer) else { throw .unauthenticated(.wrongIssuer) }
        guard Self.audiences(claims["aud"]).contains(audience) else { throw .unauthenticated(.wrongAudience) }
        return AccessTokenClaims(
            userID: userID, role: role, sessionID: sessionID, tokenID: tokenID,
            issuedAt: issuedAt, notBefore: notBefore, expiresAt: expiresAt)
    }

    /// `aud` is a string or an array of strings (RFC 7519 section 4.1.3).
    private static func audiences(_ claim: JSONValue?) -> [String] {
        switch claim {
        case .string(let single)?: [single]
        case .array(let many)?: many.compactMap { if case .string(let name) = $0 { name } else { nil } }
        default: []
        }
    }
}
