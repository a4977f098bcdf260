import HTTPCore
import Testing

@Suite("JSON parsing and writing")
struct JSONTests {
    @Test("types are kept apart: booleans, integers, doubles, strings")
    func types() throws {
        let value = try JSONValue.parse(Array(#"{"b":true,"i":36,"d":1.5,"s":"36","n":null,"a":[1],"big":1e300}"#.utf8))
        #expect(value == .object([
            "b": .bool(true), "i": .integer(36), "d": .double(1.5), "s": .string("36"), "n": .null,
            "a": .array([.integer(1)]), "big": .double(1e300),
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
    func hostile() {
        #expect(throws: APIError.self) { try JSONValue.parse([0x22, 0xFF, 0xFE, 0x22]) }
        let deep = Array(repeating: UInt8(ascii: "["), count: 100_000) + Array(repeating: UInt8(ascii: "]"), count: 100_000)
        #expect(throws: APIError.self) { try JSONValue.parse(deep) }
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
}
