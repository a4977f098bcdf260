import HTTPCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The chain's authentication stage: reads `Authorization: Bearer <token>` and, when present,
/// records an `Authentication` for the request: the token's verified claims, and its access check
/// against the database, made on first need (so that it can share the handler's round trip).
///
/// It never rejects a request itself: routes wrapped in `authenticated(_:)` answer 401 with the
/// recorded reason, while public routes (login, refresh, health) work even when a client sends a
/// stale token along, as many do with every request.
public struct AuthMiddleware: Middleware {
    private let authenticate: (Substring) -> Authentication

    /// Creates the middleware around the function that turns a token into an authentication.
    public init(authenticate: @escaping (Substring) -> Authentication) {
        self.authenticate = authenticate
    }

    /// Records the authentication in the context, then continues.
    public func handle(_ request: Request, context: RequestContext, next: Responder) throws -> Response {
        guard let header = request.header("authorization") else { return try next(request, context) }
        let authentication = Self.bearerToken(header).map(authenticate)
            ?? Authentication(failure: DomainError.unauthenticated(.malformedToken))
        context.authentication = authentication
        defer {
            // A check nobody asked for (a public route) must not ride along with a later request.
            authentication.cancel()
            context.userID = authentication.checkedPrincipal?.caller.id
        }
        return try next(request, context)
    }

    /// The token of a `Bearer` credential (scheme case-insensitive, RFC 6750 section 2.1), or nil:
    /// the scheme and the token, separated (and surrounded) by spaces, and nothing else.
    ///
    /// One pass over the bytes: a generic split of a 300-byte header cost a fifth of an
    /// authenticated request's CPU.
    ///
    /// A slice of `header`, not a copy: copying and validating the ~300 bytes again cost ~900
    /// instructions per authenticated request (callgrind).
    static func bearerToken(_ header: String) -> Substring? {
        var header = header
        let range = header.withUTF8 { bytes -> Range<Int>? in
            let space = UInt8(ascii: " ")
            var start = 0
            var end = bytes.count
            while start < end && bytes[start] == space { start += 1 }
            while end > start && bytes[end - 1] == space { end -= 1 }
            guard end - start > 7 else { return nil }
            // From the literal's bytes: enumerating `"bearer".utf8` cost ~450 instructions.
            let scheme: StaticString = "bearer"
            for offset in 0..<scheme.utf8CodeUnitCount where bytes[start + offset] | 0x20 != scheme.utf8Start[offset] {
                return nil
            }
            var tokenStart = start + 6
            guard bytes[tokenStart] == space else { return nil }
            while bytes[tokenStart] == space { tokenStart += 1 }
            let token = UnsafeBufferPointer(rebasing: bytes[tokenStart..<end])
            guard token.count <= 4096, memchr(token.baseAddress!, Int32(space), token.count) == nil else { return nil }
            return tokenStart..<end
        }
        guard let range else { return nil }
        let utf8 = header.utf8
        return Substring(utf8[utf8.index(utf8.startIndex, offsetBy: range.lowerBound)..<utf8.index(utf8.startIndex, offsetBy: range.upperBound)])
    }
}
