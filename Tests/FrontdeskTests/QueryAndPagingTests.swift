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
