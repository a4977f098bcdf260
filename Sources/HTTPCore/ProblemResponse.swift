/// Renders an `APIError` as an RFC 9457 `application/problem+json` response.
public enum ProblemResponse {
    /// The problem response for `error`, for the request at `path` with id `requestID`.
    public static func make(_ error: APIError, path: String, requestID: String) -> Response {
        var json = JSONWriter()
        json.object { body in
            body.field("type", "urn:frontdesk:problem:\(error.code)")
            body.field("title", error.title)
            body.field("status", error.status)
            body.field("detail", error.detail)
            body.field("instance", path)
            body.field("code", error.code)
            body.field("request_id", requestID)
            if !error.fieldErrors.isEmpty {
                body.key("errors")
                body.array { list in
                    for fieldError in error.fieldErrors {
                        list.object { entry in
                            entry.field("field", fieldError.field)
                            entry.field("message", fieldError.message)
                        }
                    }
                }
            }
        }
        return Response(
            status: error.status,
            headers: [HeaderField("Content-Type", "application/problem+json")] + error.headers,
            body: json.bytes)
    }
}
