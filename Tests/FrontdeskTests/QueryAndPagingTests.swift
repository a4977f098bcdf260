import Foundation
import HTTPCore
import Testing

@Suite("Query strings, cursors and ETags")
struct QueryAndPagingTests {
    @Test("query parameters are percent-decoded")
    func decoding() throws {
        let query = try QueryParameters(parsing: "q=Ada+L%C3%B6velace&limit=2&empty")
        #expect(query["q"] == "Ada Lövelace")
        #expect(query["limit"] == "2")
        #expect(query["empty"] == "")
    }

    @Test("pairs split on the bytes & and =: empty pairs skipped, the value keeps later =, a combining mark does not hide &")
    func splitting() throws {
        let query = try QueryParameters(parsing: "&a=b=c&&flag&=x&e=&\u{301}z=2&")
        #expect(query["a"] == "b=c")
        #expect(query["flag"] == "")
        #expect(query[""] == "x")
        #expect(query["e"] == "")
        #expect(query["\u{301}z"] == "2")
        #expect(query.names.count == 5)
        do {
            _ = try QueryParameters(parsing: "ok=1&q%zz=1&ok=2")
            Issue.record("a bad escape and a repeat were accepted")
        } catch {
            #expect(error.fieldErrors.map(\.field) == ["q%zz", "ok"])
        }
    }

    @Test("repeated, badly encoded and NUL parameters are 400", arguments: ["a=1&a=2", "q=%zz", "q=%", "q=%00", "q=%FF"])
    func badQueries(text: String) {
        #expect(throws: APIError.self) { try QueryParameters(parsing: text) }
    }

    @Test("cursors round-trip and foreign cursors are refused")
    func cursors() throws {
        let cursor = PageRequest.encodeCursor(afterID: 123_456)
        #expect(PageRequest.decodeCursor(cursor) == 123_456)
        #expect(PageRequest.decodeCursor("bogus") == nil)
        #expect(PageRequest.decodeCursor("aWQ6LTE") == nil)  // "id:-1"
        let page = try PageRequest(query: QueryParameters(parsing: "limit=5&cursor=\(cursor)"))
        #expect(page == PageRequest(limit: 5, afterID: 123_456))
        #expect(try PageRequest(query: QueryParameters(parsing: "")) == PageRequest(limit: 20, afterID: 0))
        for bad in ["limit=0", "limit=101", "limit=x", "cursor=%21"] {
            #expect(throws: APIError.self) { try PageRequest(query: QueryParameters(parsing: bad)) }
        }
    }

    @Test("cursors are the same strings as before the byte-wise encoder, and the old forms still decode")
    func cursorCompatibility() {
        // The encoding the API has always issued, through Foundation's string replacement.
        func issuedBefore(_ id: Int64) -> String {
            Data("id:\(id)".utf8).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }
        for id: Int64 in [1, 9, 62, 63, 999, 123_456, 4_000_000_000, Int64.max] {
            #expect(PageRequest.encodeCursor(afterID: id) == issuedBefore(id))
            #expect(PageRequest.decodeCursor(issuedBefore(id)) == id)
            // Padded, and in the plain base64 alphabet: accepted before, accepted now.
            let padded = Data("id:\(id)".utf8).base64EncodedString()
            #expect(PageRequest.decodeCursor(padded) == id)
        }
        #expect(PageRequest.decodeCursor("aWQ6KzU") == 5)  // "id:+5", as Int64("+5") always read it
        for foreign in ["", "=", "aWQ6", "aWQ6MA", "aWQ6MS4w", "aWQ6\u{e9}", "a-b_c", String(repeating: "A", count: 65)] {
            #expect(PageRequest.decodeCursor(foreign) == nil, "\(foreign)")
        }
    }

    @Test("the next link keeps the filters and replaces the cursor")
    func nextLink() throws {
        #expect(try PageRequest.nextLink(path: "/api/v1/users", query: QueryParameters(parsing: "role=admin&cursor=old&limit=2"), cursor: "new")
            == #"</api/v1/users?limit=2&role=admin&cursor=new>; rel="next""#)
        // A cursor whose name arrives percent-encoded is still the cursor; text is re-encoded.
        #expect(try PageRequest.nextLink(path: "/u", query: QueryParameters(parsing: "curso%72=old&q=a+b%26c"), cursor: "new")
            == #"</u?q=a%20b%26c&cursor=new>; rel="next""#)
    }

    @Test("If-Match and If-None-Match compare against the version")
    func entityTags() {
        #expect(EntityTag.make(version: 3) == "\"3\"")
        #expect(EntityTag.acceptedVersions(ifMatch: nil) == nil)
        #expect(EntityTag.acceptedVersions(ifMatch: "*") == nil)
        #expect(EntityTag.acceptedVersions(ifMatch: "\"3\", \"4\"") == [3, 4])
        #expect(EntityTag.acceptedVersions(ifMatch: "W/\"3\"") == [])
        #expect(EntityTag.ifNoneMatch("W/\"3\"", matchesVersion: 3))
        #expect(EntityTag.ifNoneMatch("*", matchesVersion: 9))
        #expect(!EntityTag.ifNoneMatch("\"2\"", matchesVersion: 3))
    }
}
