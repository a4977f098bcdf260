import HTTPCore

/// The HTTP side that every resource shares: versioned representations with `ETag`, conditional
/// GET (304), `If-Match` for writes, `201 Created` with `Location`, and keyset pages with
/// `next_cursor` and a `Link` header.
enum ResourceResponses {
    /// The representation `write` produces, with `ETag` for `version`.
    static func representation(
        version: Int, status: Int = 200, headers: [HeaderField] = [], write: (inout JSONWriter) -> Void
    ) -> Response {
        var json = JSONWriter()
        write(&json)
        // Appended to the response's own list, which has room for it: `headers + [etag]` made
        // two arrays more per response.
        var response = Response.json(status, json.bytes, headers: headers)
        response.headers.append(HeaderField("ETag", EntityTag.make(version: version)))
        return response
    }

    /// 201 with the representation and `Location: path`.
    static func created(version: Int, location path: String, write: (inout JSONWriter) -> Void) -> Response {
        representation(version: version, status: 201, headers: [HeaderField("Location", path)], write: write)
    }

    /// The representation, or 304 when `If-None-Match` names `version`.
    static func conditional(version: Int, request: Request, write: (inout JSONWriter) -> Void) -> Response {
        if EntityTag.ifNoneMatch(request.header("if-none-match"), matchesVersion: version) {
            return .empty(304, headers: [HeaderField("ETag", EntityTag.make(version: version))])
        }
        return representation(version: version, write: write)
    }

    /// The versions `If-Match` accepts (nil: any).
    static func expectedVersions(_ request: Request) -> Set<Int>? {
        EntityTag.acceptedVersions(ifMatch: request.header("if-match"))
    }

    /// A keyset page: `{"items": [...], "next_cursor": ...}` and `Link: <...>; rel="next"`.
    static func page<Item>(
        _ items: [Item], nextAfterID: Int64?, request: Request, query: QueryParameters, write: (Item, inout JSONWriter) -> Void
    ) -> Response {
        let nextCursor = nextAfterID.map { PageRequest.encodeCursor(afterID: $0) }
        var json = JSONWriter()
        json.object { body in
            body.key("items")
            body.array { list in
                for item in items { write(item, &list) }
            }
            body.field("next_cursor", nextCursor)
        }
        var headers: [HeaderField] = []
        if let nextCursor {
            headers.append(HeaderField("Link", PageRequest.nextLink(path: request.path, query: query, cursor: nextCursor)))
        }
        return .json(200, json.bytes, headers: headers)
    }

    /// Parses the query of a list route: only `allowed` parameters (plus paging), each bad one
    /// reported in one 400 with the paging errors.
    static func listQuery<Filter>(
        _ request: Request, allowed: Set<String>, filter: (QueryParameters) throws(APIError) -> Filter
    ) throws -> (query: QueryParameters, page: PageRequest, filter: Filter) {
        let query = try QueryParameters(parsing: request.queryString)
        try query.rejectUnknown(allowed: allowed.union(["limit", "cursor"]))
        let (page, filter) = try APIError.combiningBadQueries(try PageRequest(query: query), try filter(query))
        return (query, page, filter)
    }
}
