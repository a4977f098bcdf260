/// The email syntax Frontdesk accepts: a pragmatic subset of RFC 5321 that every mail system
/// delivers to. `local@domain`, an ASCII local part of at most 64 characters from the atom set and
/// dots, and a domain of at least two dot-separated labels of letters, digits and hyphens
/// (internationalised domains in their `xn--` form).
enum EmailAddress {
    private static let localSymbols = Set("!#$%&'*+/=?^_`{|}~.-".utf8)

    /// Why `address` is not acceptable, or nil if it is.
    static func problem(_ address: String) -> String? {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return "must be an email address like name@example.com" }
        let local = parts[0].utf8
        let domain = parts[1].utf8
        guard (1...64).contains(local.count),
            local.allSatisfy({ isAlphanumeric($0) || localSymbols.contains($0) }),
            local.first != UInt8(ascii: "."), local.last != UInt8(ascii: "."),
            !parts[0].contains("..")
        else { return "must have a valid part before the @" }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, domain.count <= 253,
            labels.allSatisfy({ label in
                (1...63).contains(label.utf8.count)
                    && label.utf8.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
                    && label.first != "-" && label.last != "-"
            })
        else { return "must have a valid domain after the @" }
        return nil
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
