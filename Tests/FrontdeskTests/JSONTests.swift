@testable import HTTPCore
import Testing

@Suite("JSON parsing and writing")
struct JSONTests {
    @Test("types are kept apart: booleans, integers, doubles, strings")
    func types() throws {
        let value = try JSONValue.parse(Array(#"{"b":true,"f":false,"i":36,"neg":-7,"d":1.5,"s":"36","n":null,"a":[1,0],"big":1e300,"whole":30.0,"exp":3e1,"huge":12345678901234567890}"#.utf8))
        #expect(value == .object([
            "b": .bool(true), "f": .bool(false), "i": .integer(36), "neg": .integer(-7), "d": .double(1.5), "s": .string("36"),
            "n": .null, "a": .array([.integer(1), .integer(0)]), "big": .double(1e300), "whole": .double(30), "exp": .double(30),
            "huge": .double(12345678901234567890),
        ]))
    }

    @Test("malformed documents are 400", arguments: [
        "", "{", #"{"a":1,}"#, "[1,]", "{'a':1}", #"{"a":01}"#, "nul", #"{"a":"\ud800"}"#, "{} {}",
    ])
    func malformed(text: String) {
        #expect(throws: APIError.self) { try JSONValue.parse(Array(text.utf8)) }
        do { _ = try JSONValue.parse(Array(text.utf8)) } catch { #expect(error.status == 400) }
    }

    @Test("invalid UTF-8 and deep nesting are rejected, not crashed on")
    func hostile() throws {
        #expect(throws: APIError.self) { try JSONValue.parse([0x22, 0xFF, 0xFE, 0x22]) }
        let deep = Array(repeating: UInt8(ascii: "["), count: 100_000) + Array(repeating: UInt8(ascii: "]"), count: 100_000)
        #expect(throws: APIError.self) { try JSONValue.parse(deep) }
        let limit = JSONValue.maxDepth
        let deepest = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        #expect((try? JSONValue.parse(Array(deepest.utf8))) != nil)
        #expect(throws: APIError.self) { try JSONValue.parse(Array(("[" + deepest + "]").utf8)) }
        // Brackets inside strings do not count.
        #expect(try JSONValue.parse(Array(#"{"s":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[,]"}"#.utf8))["s"].stringValue?.count == 42)
    }

    @Test("a member name given twice keeps the last value")
    func duplicateKeys() throws {
        #expect(try JSONValue.parse(Array(#"{"a":1,"a":2}"#.utf8)) == .object(["a": .integer(2)]))
    }

    @Test("the writer escapes strings, keeps key order and writes null")
    func writer() {
        var json = JSONWriter()
        json.object { body in
            body.field("z", "quote\" backslash\\ newline\n tab\t bell\u{07} é 😀")
            body.field("a", nil as Int?)
            body.field("n", 5)
            body.key("list")
            body.array { list in
                list.value(true)
                list.value(nil as String?)
            }
        }
        #expect(String(decoding: json.bytes, as: UTF8.self)
            == #"{"z":"quote\" backslash\\ newline\n tab\t bell\u0007 é 😀","a":null,"n":5,"list":[true,null]}"#)
        #expect((try? JSONValue.parse(json.bytes)) != nil)
    }

    @Test("the writer grows past its first room, and its text read early stays as it was")
    func writerGrows() throws {
        var json = JSONWriter()
        let long = String(repeating: "abcdefghij", count: 100)  // 1,000 bytes: past the first 256
        var early: [UInt8] = []
        json.array { list in
            for index in 0..<40 {
                list.value(index)
                list.value("é\"\(index)")
            }
            early = list.bytes
            list.value(long)
        }
        let text = String(decoding: json.bytes, as: UTF8.self)
        let expectedEarly = "[" + (0..<40).map { #"\#($0),"é\"\#($0)""# }.joined(separator: ",")
        #expect(text == expectedEarly + ",\"\(long)\"]")
        #expect(early == Array(expectedEarly.utf8))
        #expect(early.count > 256)
        #expect(json.bytes == Array(text.utf8))  // a second read gives the same text
        #expect((try? JSONValue.parse(json.bytes)) != nil)
    }

    @Test("the writer's integers: zero, negative, and the extremes of every width")
    func integers() {
        var json = JSONWriter()
        json.array { list in
            list.value(0)
            list.value(-7)
            list.value(Int64.max)
            list.value(Int64.min)
            list.value(UInt64.max)
            list.value(Int8.min)
            list.value("plain ascii, no escapes" as String?)
        }
        #expect(String(decoding: json.bytes, as: UTF8.self)
            == #"[0,-7,9223372036854775807,-9223372036854775808,18446744073709551615,-128,"plain ascii, no escapes"]"#)
    }

    @Test("the eight-bytes-at-a-time escape check agrees with the byte rule for every byte at every place")
    func escapeCheck() {
        func byteRule(_ bytes: [UInt8]) -> Bool {
            bytes.contains { $0 < 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
        }
        var disagreements: [String] = []
        for length in [1, 7, 8, 9, 16, 27] {
            for position in 0..<length {
                for value in 0...255 {
                    // Around the byte: UTF-8 continuation bytes (>= 0x80) and plain letters, so that
                    // borrows from one byte into the next cannot hide or invent a match.
                    var bytes = [UInt8](repeating: position % 2 == 0 ? 0xA9 : UInt8(ascii: "a"), count: length)
                    bytes[position] = UInt8(value)
                    let fast = bytes.withUnsafeBufferPointer { JSONWriter.needsEscaping($0) }
                    if fast != byteRule(bytes) { disagreements.append("length \(length), byte \(value) at \(position)") }
                }
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
        #expect(!Array("2026-11-23T23:25:33.353900Z".utf8).withUnsafeBufferPointer { JSONWriter.needsEscaping($0) })
        #expect(Array("an ordinary name with a \" late".utf8).withUnsafeBufferPointer { JSONWriter.needsEscaping($0) })
    }
}
