import Crypto
import Foundation
import HTTPCore

/// An opaque refresh token: 256 random bits, base64url-encoded. Only its SHA-256 is stored, so a
/// copy of the database does not hand out sessions.
public struct RefreshToken: Sendable, Equatable {
    /// The token as the client holds it (43 characters).
    public let value: String

    /// A new random token.
    public static func generate() -> RefreshToken {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return RefreshToken(value: Data(bytes).base64URLEncoded())
    }

    /// Wraps a token a client sent.
    public init(value: String) {
        self.value = value
    }

    /// Whether the token has the shape of one this server made; anything else is refused unseen.
    public var isWellFormed: Bool {
        value.utf8.count == 43 && value.utf8.allSatisfy { Data.isBase64URLCharacter($0) }
    }

    /// The SHA-256 of the token, as hex: what the database stores and looks up.
    public var storageHash: String {
        SHA256.hash(data: Array(value.utf8)).hexString
    }
}
