import Foundation

extension Data {
    /// Decodes base64url without padding; nil for any other character, and for a non-canonical
    /// last character (unused low bits set), so that no two strings decode to the same bytes.
    init?(base64URLEncoded text: Substring) {
        if let last = text.utf8.last, let value = Data.base64URLValue(last) {
            switch text.utf8.count % 4 {
            case 1: return nil
            case 2: if value & 0b1111 != 0 { return nil }
            case 3: if value & 0b11 != 0 { return nil }
            default: break
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 3)
        for byte in text.utf8 {
            guard Data.isBase64URLCharacter(byte) else { return nil }
            switch byte {
            case UInt8(ascii: "-"): bytes.append(UInt8(ascii: "+"))
            case UInt8(ascii: "_"): bytes.append(UInt8(ascii: "/"))
            default: bytes.append(byte)
            }
        }
        bytes += Array(repeating: UInt8(ascii: "="), count: (4 - bytes.count % 4) % 4)
        self.init(base64Encoded: Data(bytes))
    }

    /// The 6-bit value of a base64url character.
    static func base64URLValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "-"): 62
        case UInt8(ascii: "_"): 63
        default: nil
        }
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
