import Foundation
import FrontdeskApp
import Testing

/// Access-token issuing and every reason a token is refused, without a database.
@Suite("Access tokens (JWT, HS256)")
struct AccessTokensTests {
    let key = TestSupport.signingKey
    let now: Int64 = 1_800_000_000
    var tokens: AccessTokens { AccessTokens(configuration: TestSupport.authConfiguration()) }

    private func problem(_ token: String, at time: Int64? = nil, with verifier: AccessTokens? = nil) -> AuthenticationProblem? {
        do {
            _ = try (verifier ?? tokens).verify(token, now: time ?? now)
            return nil
        } catch DomainError.unauthenticated(let problem) {
            return problem
        } catch {
            return nil
        }
    }

    @Test("a fresh token verifies and carries its claims")
    func roundTrip() throws {
        let token = try tokens.issue(userID: 42, role: .admin, sessionID: 7, now: now)
        let claims = try tokens.verify(token, now: now + 10)
        #expect(claims.userID == 42 && claims.role == .admin && claims.sessionID == 7)
        #expect(claims.expiresAt == now + 900 && claims.issuedAt == now && claims.notBefore == now)
        #expect(UUID(uuidString: claims.tokenID) != nil)
        let (header, payload) = TokenForgery.parts(of: token)
        #expect(header == #"{"alg":"HS256","typ":"at+jwt","kid":"\#(key.id)"}"#)
        for claim in ["iss", "aud", "sub", "exp", "iat", "nbf", "jti", "sid", "role"] { #expect(payload.contains("\"\(claim)\":")) }
    }

    @Test("expired and not-yet-valid tokens are refused, within a small leeway")
    func timing() throws {
        let token = try tokens.issue(userID: 1, role: .user, sessionID: 1, now: now)
        #expect(problem(token, at: now + 900 + 29) == nil)
        #expect(problem(token, at: now + 900 + 30) == .expired)
        #expect(problem(token, at: now - 29) == nil)
        #expect(problem(token, at: now - 31) == .notYetValid)
    }

    @Test("a payload changed after signing fails the signature check")
    func tamperedPayload() throws {
        let token = try tokens.issue(userID: 1, role: .user, sessionID: 1, now: now)
        let parts = token.split(separator: ".")
        let (_, payload) = TokenForgery.parts(of: token)
        let promoted = TokenForgery.base64URL(Array(payload.replacingOccurrences(of: #""role":"user""#, with: #""role":"admin""#).utf8))
        #expect(problem("\(parts[0]).\(promoted).\(parts[2])") == .badSignature)
    }

    @Test("a signature with a non-canonical last character is refused, though it decodes to the same bytes")
    func nonCanonicalSignature() throws {
        let token = try tokens.issue(userID: 1, role: .user, sessionID: 1, now: now)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        let last = alphabet.firstIndex(of: token.last!)!
        let sibling = alphabet[(last & ~0b11) | ((last + 1) & 0b11)]  // same top 4 bits, other unused bits
        #expect(problem(String(token.dropLast()) + String(sibling)) == .malformedToken)
        #expect(problem(token) == nil)
    }

    @Test("a token signed with another secret under our kid is refused")
    func forgedSignature() throws {
        let (header, payload) = TokenForgery.parts(of: try tokens.issue(userID: 1, role: .user, sessionID: 1, now: now))
        let forged = TokenForgery.token(header: header, payload: payload, secret: Array("attacker's own secret, 32 bytes!!".utf8))
        #expect(problem(forged) == .badSignature)
    }

    @Test("alg none, other algorithms, missing typ and crit are refused before the signature")
    func headerRules() throws {
        let (header, payload) = TokenForgery.parts(of: try tokens.issue(userID: 1, role: .user, sessionID: 1, now: now))
        let none = header.replacingOccurrences(of: "HS256", with: "none")
        #expect(problem(TokenForgery.token(header: none, payload: payload, secret: nil)) == .unsupportedAlgorithm)
        #expect(problem(TokenForgery.token(header: none, payload: payload, secret: key.secret)) == .unsupportedAlgorithm)
        for alg in ["HS512", "RS256", "hs256", "ES256"] {
            let other = header.replacingOccurrences(of: "HS256", with: alg)
            #expect(problem(TokenForgery.token(header: other, payload: payload, secret: key.secret)) == .unsupportedAlgorithm)
        }
        let plainJWT = header.replacingOccurrences(of: "at+jwt", with: "JWT")
        #expect(problem(TokenForgery.token(header: plainJWT, payload: payload, secret: key.secret)) == .wrongTokenType)
        let critical = header.replacingOccurrences(of: "}", with: #","crit":["exp"]}"#)
        #expect(problem(TokenForgery.token(header: critical, payload: payload, secret: key.secret)) == .wrongTokenType)
    }

    @Test("an unknown or missing kid never falls back to another key")
    func unknownKey() throws {
        let stranger = AccessTokens(configuration: TestSupport.authConfiguration(keys: [.random()]))
        #expect(problem(try stranger.issue(userID: 1, role: .user, sessionID: 1, now: now)) == .unknownKey)
        let (header, payload) = TokenForgery.parts(of: try tokens.issue(userID: 1, role: .user, sessionID: 1, now: now))
        let noKid = header.replacingOccurrences(of: #","kid":"\#(key.id)""#, with: "")
        #expect(problem(TokenForgery.token(header: noKid, payload: payload, secret: key.secret)) == .unknownKey)
    }

    @Test("a token for another audience or from another issuer is refused")
    func audienceAndIssuer() throws {
        var other = TestSupport.authConfiguration()
        other.audience = "another-api"
        #expect(problem(try AccessTokens(configuration: other).issue(userID: 1, role: .user, sessionID: 1, now: now)) == .wrongAudience)
        other = TestSupport.authConfiguration()
        other.issuer = "someone-else"
        #expect(problem(try AccessTokens(configuration: other).issue(userID: 1, role: .user, sessionID: 1, now: now)) == .wrongIssuer)
    }

    @Test("rotation: new tokens use the newest key, old tokens verify until their key is removed")
    func rotation() throws {
        let newKey = SigningKey.random()
        let oldToken = try tokens.issue(userID: 1, role: .user, sessionID: 1, now: now)
        let rotated = AccessTokens(configuration: TestSupport.authConfiguration(keys: [newKey, key]))
        #expect(problem(oldToken, with: rotated) == nil)
        let newToken = try rotated.issue(userID: 1, role: .user, sessionID: 1, now: now)
        #expect(TokenForgery.parts(of: newToken).header.contains(newKey.id))
        let retired = AccessTokens(configuration: TestSupport.authConfiguration(keys: [newKey]))
        #expect(problem(newToken, with: retired) == nil)
        #expect(problem(oldToken, with: retired) == .unknownKey)
    }

    @Test("malformed tokens are refused as malformed", arguments: [
        "", "abc", "a.b", "a.b.c.d", "!!!.???.***", "eyJhbGciOiJIUzI1NiJ9.!!.x", String(repeating: "a", count: 5000),
    ])
    func malformed(token: String) {
        #expect(problem(token) == .malformedToken)
    }

    @Test("claims of the wrong type are refused even when correctly signed")
    func claimTypes() throws {
        let (header, payload) = TokenForgery.parts(of: try tokens.issue(userID: 1, role: .user, sessionID: 1, now: now))
        for (from, to) in [(#""sub":"1""#, #""sub":1"#), (#""role":"user""#, #""role":"root""#), (#""sid":1"#, #""sid":"1""#)] {
            let bad = payload.replacingOccurrences(of: from, with: to)
            #expect(problem(TokenForgery.token(header: header, payload: bad, secret: key.secret)) == .malformedToken)
        }
    }
}
