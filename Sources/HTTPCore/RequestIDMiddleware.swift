import Synchronization

/// Gives every request an id and every response an `X-Request-ID` header.
///
/// The id is the `X-Request-ID` header: the client's own when it is well-formed (or, when an nginx
/// config passes `REQUEST_ID`, nginx's); anything missing or malformed is replaced by a new id
/// (`RequestIDSequence`), so a client cannot inject text into the logs through it.
public struct RequestIDMiddleware: Middleware {
    /// Creates the middleware.
    public init() {}

    /// Assigns the id, then stamps it on the response.
    public func handle(_ request: Request, context: RequestContext, next: Responder) throws -> Response {
        let id = request.header("x-request-id").flatMap { Self.isWellFormed($0) ? $0 : nil } ?? Self.makeID()
        context.requestID = id
        var response = try next(request, context)
        response.headers.append(HeaderField("X-Request-ID", id))
        return response
    }

    /// Accepts 1-128 characters from `[A-Za-z0-9._-]`.
    static func isWellFormed(_ id: String) -> Bool {
        // On the contiguous bytes: iterating the UTF-8 view cost a /health request 2% of its CPU.
        id.utf8.withContiguousStorageIfAvailable(isWellFormed) ?? Array(id.utf8).withUnsafeBufferPointer(isWellFormed)
    }

    private static func isWellFormed(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        !bytes.isEmpty && bytes.count <= 128 && bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
                true
            default:
                false
            }
        }
    }

    /// A new id: 32 hex digits, the shape of nginx's `$request_id` (see `RequestIDSequence`).
    static func makeID() -> String {
        RequestIDSequence.next()
    }
}

/// The ids a worker makes for requests that came without one: 32 hex digits, unique, and cheap.
///
/// The first 16 digits are drawn at random once per process; the last 16 are a per-process
/// counter passed through a bijective mix (SplitMix64's finaliser), so no two requests of one
/// process share an id and two processes share one only if their random halves collide
/// (2^-64 a pair). An id is a trace label, not a secret.
///
/// Drawing 128 fresh random bits per request cost two `getrandom` system calls; nginx's
/// `$request_id` (`RAND_bytes` per request) cost the ceiling worker ~5% of its `/health`
/// throughput (bench/README.md), which is why nginx no longer makes the id.
enum RequestIDSequence {
    private static let processPart = UInt64.random(in: .min ... .max)
    private static let counterOffset = UInt64.random(in: .min ... .max)
    private static let counter = Atomic<UInt64>(0)

    /// The next id.
    static func next() -> String {
        let count = counter.wrappingAdd(1, ordering: .relaxed).newValue
        return format(processPart, mix(count &+ counterOffset))
    }

    /// SplitMix64's finaliser: a bijection on 64 bits that scatters consecutive inputs.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xbf58476d1ce4e5b9
        z = (z ^ (z >> 27)) &* 0x94d049bb133111eb
        return z ^ (z >> 31)
    }

    /// `high` then `low` as 32 lower-case hex digits.
    static func format(_ high: UInt64, _ low: UInt64) -> String {
        String(unsafeUninitializedCapacity: 32) { buffer in
            let digits: StaticString = "0123456789abcdef"
            func write(_ half: UInt64, at offset: Int) {
                for index in 0..<16 {
                    buffer[offset + index] = digits.utf8Start[Int((half >> UInt64(60 - 4 * index)) & 0xf)]
                }
            }
            write(high, at: 0)
            write(low, at: 16)
            return 32
        }
    }
}
