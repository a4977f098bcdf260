import Crypto
import Foundation

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

extension Data {
    /// Base64url without padding (RFC 4648 section 5), as JWTs and tokens use it.
    func base64URLEncoded() -> String {
        base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Decodes base64url without padding; nil for any other character.
    init?(base64URLEncoded text: Substring) {
        guard text.utf8.allSatisfy(Data.isBase64URLCharacter) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        self.init(base64Encoded: base64)
    }

    static func isBase64URLCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }
}

extension Sequence where Element == UInt8 {
    /// Lower-case hex digits.
    var hexString: String {
        map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }
}
