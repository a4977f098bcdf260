import Crypto
import Foundation

/// Builds tokens the way an attacker would: any header, any payload, any key or none.
enum TokenForgery {
    static func base64URL(_ bytes: some Sequence<UInt8>) -> String {
        Data(Array(bytes)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ part: Substring) -> [UInt8] {
        var text = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        text += String(repeating: "=", count: (4 - text.count % 4) % 4)
        return Array(Data(base64Encoded: text) ?? Data())
    }

    /// The decoded header and payload JSON of a real token.
    static func parts(of token: String) -> (header: String, payload: String) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        return (String(decoding: decode(parts[0]), as: UTF8.self), String(decoding: decode(parts[1]), as: UTF8.self))
    }

    /// A token from raw header and payload JSON, HS256-signed with `secret`, or unsigned when nil.
    static func token(header: String, payload: String, secret: [UInt8]?) -> String {
        let input = base64URL(Array(header.utf8)) + "." + base64URL(Array(payload.utf8))
        guard let secret else { return input + "." }
        let mac = HMAC<SHA256>.authenticationCode(for: Array(input.utf8), using: SymmetricKey(data: secret))
        return input + "." + base64URL(Array(mac))
    }
}
