/// Writes JSON text straight into a byte buffer, with keys in the order written and `null` for absent values.
///
/// Written by hand rather than through `JSONEncoder`, whose key order varies between processes,
/// which omits `nil` instead of writing `null`, and which cost a third of a bare worker's
/// throughput (DESIGN.md section 7). Parsing stays on `JSONDecoder`.
///
/// The text goes into an array kept larger than what is written (`storage[..<count]` is the text,
/// the rest zeros), and each piece is copied through one pointer into it: `Array.append` paid a
/// uniqueness and capacity check per call, and a member took five of them (~500 instructions for
/// `"email":"..."`).
public struct JSONWriter {
    private var storage: [UInt8]
    private var count = 0
    private var needsComma = false

    /// Creates an empty writer.
    public init() {
        storage = [UInt8](repeating: 0, count: 256)
    }

    /// The JSON text written so far. Reading it trims the spare room from the writer's array and
    /// hands that array over without a copy; a later write copies it first (arrays are values).
    public var bytes: [UInt8] {
        mutating get {
            if storage.count > count { storage.removeSubrange(count...) }
            return storage
        }
    }

    /// Writes an object whose members `body` writes.
    public mutating func object(_ body: (inout JSONWriter) -> Void) {
        separate()
        append(UInt8(ascii: "{"))
        needsComma = false
        body(&self)
        append(UInt8(ascii: "}"))
        needsComma = true
    }

    /// Writes an array whose elements `body` writes.
    public mutating func array(_ body: (inout JSONWriter) -> Void) {
        separate()
        append(UInt8(ascii: "["))
        needsComma = false
        body(&self)
        append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Writes a member name given in the source; the next value written is its value. Copied
    /// as it is: a name in the source needs no escaping (checked in debug builds).
    public mutating func key(_ name: StaticString) {
        assert(name.withUTF8Buffer { $0.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") } })
        name.withUTF8Buffer { name in
            // `,"name":` in one copy.
            let comma = needsComma ? 1 : 0
            let length = comma + name.count + 3
            write(length) { target in
                if comma == 1 { target[0] = UInt8(ascii: ",") }
                target[comma] = UInt8(ascii: "\"")
                if let start = name.baseAddress { (target + comma + 1).update(from: start, count: name.count) }
                target[length - 2] = UInt8(ascii: "\"")
                target[length - 1] = UInt8(ascii: ":")
            }
        }
        needsComma = false
    }

    /// Writes a member name made at run time (escaped as any string); the next value written is its value.
    public mutating func key(named name: String) {
        separate()
        appendString(name)
        append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// Writes a string value, or `null`.
    public mutating func value(_ string: String?) {
        separate()
        if let string { appendString(string) } else { appendNull() }
        needsComma = true
    }

    /// Writes an integer value, or `null`. Concrete types rather than a generic `BinaryInteger`:
    /// unspecialised across modules, the generic cost ~950 instructions per number.
    public mutating func value(_ number: Int64?) {
        separate()
        if let number { appendInteger(number) } else { appendNull() }
        needsComma = true
    }

    /// Writes an integer value, or `null`.
    public mutating func value(_ number: Int?) {
        value(number.map(Int64.init))
    }

    /// Writes an integer of any other width, or `null` (the two above are the fast path).
    public mutating func value<T: BinaryInteger>(_ number: T?) {
        guard let number, Int64(exactly: number) == nil else {
            value(number.map { Int64($0) })
            return
        }
        separate()
        var digits = String(number)
        digits.withUTF8 { append(UnsafeRawBufferPointer($0)) }
        needsComma = true
    }

    /// Writes a boolean value, or `null`.
    public mutating func value(_ flag: Bool?) {
        separate()
        if let flag { appendLiteral(flag ? "true" : "false") } else { appendNull() }
        needsComma = true
    }

    /// Writes `name: string` (or `null`).
    public mutating func field(_ name: StaticString, _ string: String?) {
        key(name)
        value(string)
    }

    /// Writes `name: number` (or `null`).
    public mutating func field(_ name: StaticString, _ number: Int64?) {
        key(name)
        value(number)
    }

    /// Writes `name: number` (or `null`).
    public mutating func field(_ name: StaticString, _ number: Int?) {
        key(name)
        value(number)
    }

    /// Writes `name: boolean` (or `null`).
    public mutating func field(_ name: StaticString, _ flag: Bool?) {
        key(name)
        value(flag)
    }

    private mutating func separate() {
        if needsComma { append(UInt8(ascii: ",")) }
    }

    /// Makes room for `extra` more bytes, at least doubling the room when it grows.
    private mutating func reserve(_ extra: Int) {
        if count + extra > storage.count {
            storage.append(contentsOf: repeatElement(0, count: max(storage.count, count + extra - storage.count)))
        }
    }

    /// Writes `length` bytes, all of which `body` sets, through a pointer to where they go.
    private mutating func write(_ length: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Void) {
        reserve(length)
        let start = count
        storage.withUnsafeMutableBufferPointer { buffer in body(buffer.baseAddress! + start) }
        count += length
    }

    private mutating func append(_ byte: UInt8) {
        write(1) { $0.pointee = byte }
    }

    private mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        write(bytes.count) { UnsafeMutableRawPointer($0).copyMemory(from: source, byteCount: bytes.count) }
    }

    private mutating func appendNull() {
        appendLiteral("null")
    }

    /// From the literal's bytes: appending a `String.UTF8View` goes through the generic path.
    private mutating func appendLiteral(_ text: StaticString) {
        text.withUTF8Buffer { append(UnsafeRawBufferPointer($0)) }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Decimal digits straight into the buffer, without making a `String` first.
    private mutating func appendInteger(_ value: Int64) {
        withDecimalDigits(of: value) { append($0) }
    }

    /// Whether any byte is a control character, DEL, `"` or `\`. Eight bytes at a time (the
    /// classic "has a zero byte" and "has a byte less than n" word tests, exact as yes/no answers
    /// for n <= 128): byte by byte, the check cost ~350 instructions for a 27-byte timestamp.
    static func needsEscaping(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ word: UInt64) -> Bool { (word &- ones) & ~word & highBits != 0 }
        func hasByteBelow0x20(_ word: UInt64) -> Bool { (word &- ones &* 0x20) & ~word & highBits != 0 }
        var index = 0
        if let base = buffer.baseAddress {
            while index + 8 <= buffer.count {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                if hasByteBelow0x20(word) || hasZeroByte(word ^ (ones &* 0x22)) || hasZeroByte(word ^ (ones &* 0x5C))
                    || hasZeroByte(word ^ (ones &* 0x7F))
                {
                    return true
                }
                index += 8
            }
        }
        while index < buffer.count {
            let byte = buffer[index]
            if byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return true }
            index += 1
        }
        return false
    }

    private mutating func appendString(_ string: String) {
        // Most strings need no escaping: checked and copied whole, quotes and all, over their
        // contiguous UTF-8 rather than byte by byte through the generic view (a user's JSON cost
        // ~15k instructions).
        let copied = string.utf8.withContiguousStorageIfAvailable { text -> Bool in
            guard !Self.needsEscaping(text) else { return false }
            write(text.count + 2) { target in
                target[0] = UInt8(ascii: "\"")
                if let start = text.baseAddress { (target + 1).update(from: start, count: text.count) }
                target[text.count + 1] = UInt8(ascii: "\"")
            }
            return true
        }
        if copied == true { return }
        append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): appendLiteral("\\\"")
            case UInt8(ascii: "\\"): appendLiteral("\\\\")
            case UInt8(ascii: "\n"): appendLiteral("\\n")
            case UInt8(ascii: "\r"): appendLiteral("\\r")
            case UInt8(ascii: "\t"): appendLiteral("\\t")
            case 0..<0x20, 0x7F:
                appendLiteral("\\u00")
                append(Self.hexDigits[Int(byte >> 4)])
                append(Self.hexDigits[Int(byte & 0x0F)])
            default: append(byte)
            }
        }
        append(UInt8(ascii: "\""))
    }
}

/// The decimal digits of `value`, with a leading "-" when it is negative, handed to `body` from a
/// buffer on the stack: for writers that append numbers (JSON, the response head's status and
/// Content-Length) without making a `String` first.
public func withDecimalDigits(of value: Int64, _ body: (UnsafeRawBufferPointer) -> Void) {
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: a sign and up to 20 digits
    withUnsafeMutableBytes(of: &digits) { buffer in
        var start = buffer.count
        var rest = value.magnitude
        repeat {
            start -= 1
            buffer[start] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        } while rest > 0
        if value < 0 {
            start -= 1
            buffer[start] = UInt8(ascii: "-")
        }
        body(UnsafeRawBufferPointer(rebasing: buffer[start...]))
    }
}
