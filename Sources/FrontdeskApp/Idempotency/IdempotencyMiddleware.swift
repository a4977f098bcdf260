import Crypto
import HTTPCore
import Postgres

/// `Idempotency-Key` on POST: the first response to a key is stored for 24 hours, per caller (the
/// user, or for anonymous requests the client address); a retry with the same key and the same
/// request gets that response again (`Idempotent-Replayed: true`) and writes nothing; the same key
/// with a different request is a 422; a retry while the first is still running is a 409.
///
/// It runs after authentication, just before the router. A request that fails with an error is
/// not stored, so it can be retried. Login, refresh and logout are left out: their responses hold
/// tokens, which are never stored. Without a valid token a key counts only on `anonymousPaths`
/// (registration); elsewhere the route answers 401 first, whatever key was sent.
struct IdempotencyMiddleware: Middleware {
    let repository: IdempotencyRepository
    let excludedPaths: Set<String>
    let anonymousPaths: Set<String>

    func handle(_ request: Request, context: RequestContext, next: Responder) throws -> Response {
        guard request.method == "POST", let key = request.header("idempotency-key"), !excludedPaths.contains(request.path),
            context.optionalCaller != nil || anonymousPaths.contains(request.path)
        else {
            return try next(request, context)
        }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw APIError(
                status: 400, code: "idempotency.bad_key", title: "Bad Idempotency-Key",
                detail: "Idempotency-Key must be 1 to 255 visible ASCII characters, such as a UUID.")
        }
        let scope = context.optionalCaller.map { "user:\($0.id)" } ?? "address:\(request.remoteAddress)"
        let hash = Self.requestHash(request)
        guard try repository.claim(scope: scope, key: key, requestHash: hash) else {
            return try replay(scope: scope, key: key, hash: hash)
        }
        let response: Response
        do {
            response = try next(request, context)
        } catch {
            try? repository.release(scope: scope, key: key)
            throw error
        }
        let kept = response.headers.filter { ["content-type", "location", "etag"].contains($0.name.lowercased()) }
        try repository.complete(
            scope: scope, key: key, status: response.status, headers: kept.map { "\($0.name): \($0.value)" }, body: response.body)
        return response
    }

    private func replay(scope: String, key: String, hash: String) throws -> Response {
        switch try repository.find(scope: scope, key: key) {
        case .done(let stored, let status, let headers, let body) where stored == hash:
            let fields = headers.compactMap { line -> HeaderField? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return HeaderField(String(line[..<colon]), String(line[line.index(after: colon)...].dropFirst()))
            }
            return Response(status: status, headers: fields + [HeaderField("Idempotent-Replayed", "true")], body: body)
        case .pending(let stored) where stored == hash:
            throw APIError(
                status: 409, code: "idempotency.in_progress", title: "Conflict",
                detail: "A request with this Idempotency-Key is still being processed; retry shortly.",
                headers: [HeaderField("Retry-After", "1")])
        case .done, .pending:
            throw APIError(
                status: 422, code: "idempotency.key_reused", title: "Idempotency-Key reused",
                detail: "This Idempotency-Key was used for a different request; use a new key for a new request.")
        case nil:
            // Expired or released between the claim and now: let the client retry.
            throw APIError(
                status: 409, code: "idempotency.in_progress", title: "Conflict",
                detail: "The Idempotency-Key changed state during this request; retry.", headers: [HeaderField("Retry-After", "1")])
        }
    }

    /// SHA-256 over the method, path, query and body.
    static func requestHash(_ request: Request) -> String {
        var hasher = SHA256()
        hasher.update(data: Array("\(request.method) \(request.path)?\(request.queryString)\n".utf8))
        hasher.update(data: request.body)
        return hasher.finalize().hexString
    }
}
