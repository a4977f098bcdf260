import Postgres

/// What is stored for one idempotency key.
public enum IdempotencyRecord: Sendable, Equatable {
    /// The first request with the key is still running.
    case pending(requestHash: String)
    /// The stored response.
    case done(requestHash: String, status: Int, headers: [String], body: [UInt8])
}

/// Storage of idempotency keys in PostgreSQL. Claiming a key is one INSERT, so of two requests
/// racing with the same key exactly one wins; the other sees the row.
struct IdempotencyRepository {
    let database: Database

    private static let claimStatement = Statement("idempotency_claim", """
        WITH expired AS (
            -- An expired key, or one whose request never finished (its worker died): statements
            -- time out after seconds, so a minute-old pending row is abandoned.
            DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2
              AND (expires_at < now() OR (status IS NULL AND created_at < now() - interval '60 seconds'))
        )
        INSERT INTO idempotency_keys (scope, key, request_hash, expires_at)
        VALUES ($1, $2, decode($3, 'hex'), now() + interval '24 hours')
        ON CONFLICT (scope, key) DO NOTHING
        RETURNING 1
        """)

    /// Claims the key for a new request; false when a live row exists already.
    func claim(scope: String, key: String, requestHash: String) throws -> Bool {
        try database.query(Self.claimStatement, [scope, key, requestHash]).rowCount == 1
    }

    private static let findStatement = Statement("idempotency_find", """
        SELECT encode(request_hash, 'hex'), status, headers, encode(body, 'hex')
        FROM idempotency_keys WHERE scope = $1 AND key = $2 AND expires_at >= now()
        """)

    /// The live row for the key, if any.
    func find(scope: String, key: String) throws -> IdempotencyRecord? {
        let result = try database.query(Self.findStatement, [scope, key])
        guard result.rowCount == 1, let hash = result.string(row: 0, column: 0) else { return nil }
        guard let status = result.integer(row: 0, column: 1), let body = result.string(row: 0, column: 3) else {
            return .pending(requestHash: hash)
        }
        let headers = (result.string(row: 0, column: 2) ?? "").split(separator: "\n").map(String.init)
        return .done(requestHash: hash, status: Int(status), headers: headers, body: Self.bytes(hex: body))
    }

    private static let completeStatement = Statement("idempotency_complete", """
        UPDATE idempotency_keys SET status = $3, headers = $4, body = decode($5, 'hex')
        WHERE scope = $1 AND key = $2
        """)

    /// Stores the response for the key.
    func complete(scope: String, key: String, status: Int, headers: [String], body: [UInt8]) throws {
        _ = try database.query(Self.completeStatement, [scope, key, String(status), headers.joined(separator: "\n"), body.hexString])
    }

    private static let releaseStatement = Statement("idempotency_release", """
        WITH released AS (DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status IS NULL)
        DELETE FROM idempotency_keys
        WHERE (scope, key) IN (SELECT scope, key FROM idempotency_keys WHERE expires_at < now() LIMIT 100)
        """)

    /// Forgets a key whose request failed, so that a retry runs again; prunes expired keys.
    func release(scope: String, key: String) throws {
        _ = try database.query(Self.releaseStatement, [scope, key])
    }

    private static func bytes(hex: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.utf8.count / 2)
        var high: UInt8?
        for character in hex.utf8 {
            let value = character <= UInt8(ascii: "9") ? character - UInt8(ascii: "0") : character - UInt8(ascii: "a") + 10
            if let first = high {
                bytes.append(first << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return bytes
    }
}
