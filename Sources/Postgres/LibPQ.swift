import CLibPQ
#if canImport(Glibc)
import Glibc
#endif

// The only file that calls libpq. Everything libpq hands out is owned by one Swift object here
// and released in its deinit; every status goes through `check`.

/// One libpq connection; closed when released.
public final class PostgresConnection {
    private let handle: OpaquePointer

    /// Connects with a libpq connection string or URL (empty: libpq's `PG*` environment variables).
    ///
    /// `connectTimeout` bounds the attempt in seconds; `statementTimeoutMilliseconds` bounds every
    /// statement on the server, so a stuck query cannot hold a worker forever (0: no limit).
    public init(url: String, connectTimeout: Int = 3, statementTimeoutMilliseconds: Int = 0, applicationName: String = "frontdesk") throws(PostgresError) {
        // No JIT and no parallel workers: every statement here is a short keyset read or a write,
        // and both cost more than they save. Measured at 10M posts, a search for a common word
        // took 0.8 s (0.9 s of JIT compiling, two workers launched) instead of 0.5 ms.
        // Timestamps come back as ISO text in UTC (`PostgresResult.timestamp`): formatting them
        // with to_char instead cost ~3 us of the server's CPU per value in a one-row statement.
        var options = "-c jit=off -c max_parallel_workers_per_gather=0 -c TimeZone=UTC -c DateStyle=ISO,YMD"
        if statementTimeoutMilliseconds > 0 {
            options += " -c statement_timeout=\(statementTimeoutMilliseconds)"
        }
        let keywords = ["dbname", "connect_timeout", "application_name", "keepalives_idle", "keepalives_interval", "keepalives_count", "options"]
        let values = [url, String(connectTimeout), applicationName, "30", "10", "3", options]
        let connection = withCStrings(keywords) { keywordPointers in
            withCStrings(values) { valuePointers in
                PQconnectdbParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let connection else { throw .connectionFailed("out of memory") }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.errorMessage(connection)
            PQfinish(connection)
            throw .connectionFailed(message)
        }
        handle = connection
    }

    deinit {
        PQfinish(handle)
    }

    /// Whether libpq still considers the connection usable.
    public var isOK: Bool {
        PQstatus(handle) == CONNECTION_OK
    }

    /// Whether no transaction is open.
    public var isIdle: Bool {
        PQtransactionStatus(handle) == PQTRANS_IDLE
    }

    /// Whether an idle connection is still usable, checked without sending anything. An idle
    /// connection that nobody LISTENs on receives nothing unless the server is closing it (it
    /// restarted, or terminated this backend): anything readable means it should be replaced.
    public func isStillOpen() -> Bool {
        guard isOK else { return false }
        var socket = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
        return poll(&socket, 1, 0) == 0
    }

    /// Prepares `statement` on this connection.
    public func prepare(_ statement: Statement) throws(PostgresError) {
        let result = PQprepare(handle, statement.name, statement.sql, 0, nil)
        _ = try check(result)
    }

    /// Runs `statement`, prepared before, with text parameters (nil is SQL NULL).
    public func execute(prepared statement: Statement, parameters: [String?]) throws(PostgresError) -> PostgresResult {
        try validate(parameters)
        let result = statement.cName.withUnsafeBufferPointer { name in
            withOptionalCStrings(parameters) { pointers in
                PQexecPrepared(handle, name.baseAddress, Int32(parameters.count), pointers, nil, nil, 0)
            }
        }
        return try check(result)
    }

    /// Runs two prepared statements in one round trip (libpq pipeline mode, one sync), as one
    /// implicit transaction. Each gets its result or its error; nil means it was skipped because
    /// the first one failed. A broken connection throws. Two, not a list: the arrays of calls and
    /// outcomes cost an authenticated read four allocations.
    public func executePipelined(
        _ first: Statement, _ firstParameters: [String?], then second: Statement, _ secondParameters: [String?]
    ) throws(PostgresError) -> (Result<PostgresResult, PostgresError>?, Result<PostgresResult, PostgresError>?) {
        try validate(firstParameters)
        try validate(secondParameters)
        guard PQenterPipelineMode(handle) == 1 else { throw .connectionLost(Self.errorMessage(handle)) }
        try send(first, firstParameters)
        try send(second, secondParameters)
        guard PQpipelineSync(handle) == 1 else { throw .connectionLost(Self.errorMessage(handle)) }
        let outcomes = (try pipelinedOutcome(), try pipelinedOutcome())
        guard let sync = PQgetResult(handle) else { throw .connectionLost(Self.errorMessage(handle)) }
        let synced = PQresultStatus(sync) == PGRES_PIPELINE_SYNC
        PQclear(sync)
        guard synced, PQexitPipelineMode(handle) == 1 else { throw .connectionLost(Self.errorMessage(handle)) }
        return outcomes
    }

    private func send(_ statement: Statement, _ parameters: [String?]) throws(PostgresError) {
        let sent = statement.cName.withUnsafeBufferPointer { name in
            withOptionalCStrings(parameters) { pointers in
                PQsendQueryPrepared(handle, name.baseAddress, Int32(parameters.count), pointers, nil, nil, 0)
            }
        }
        guard sent == 1 else { throw .connectionLost(Self.errorMessage(handle)) }
    }

    /// The next statement's outcome in the pipeline: nil when it was skipped (an earlier one failed).
    private func pipelinedOutcome() throws(PostgresError) -> Result<PostgresResult, PostgresError>? {
        guard let result = PQgetResult(handle) else { throw .connectionLost(Self.errorMessage(handle)) }
        var outcome: Result<PostgresResult, PostgresError>?
        if PQresultStatus(result) == PGRES_PIPELINE_ABORTED {
            PQclear(result)
        } else {
            do throws(PostgresError) {
                outcome = .success(try check(result))
            } catch {
                if case .connectionLost = error { throw error }
                outcome = .failure(error)
            }
        }
        // Each statement's results end with a null.
        while let extra = PQgetResult(handle) { PQclear(extra) }
        return outcome
    }

    /// Runs one parameterised statement without preparing it.
    public func execute(_ sql: String, parameters: [String?] = []) throws(PostgresError) -> PostgresResult {
        try validate(parameters)
        let result = withOptionalCStrings(parameters) { pointers in
            PQexecParams(handle, sql, Int32(parameters.count), nil, pointers, nil, nil, 0)
        }
        return try check(result)
    }

    /// Runs a script of several statements with no parameters, as migrations are.
    public func executeScript(_ sql: String) throws(PostgresError) {
        _ = try check(PQexec(handle, sql))
    }

    private func validate(_ parameters: [String?]) throws(PostgresError) {
        for (index, parameter) in parameters.enumerated() {
            guard let parameter else { continue }
            let hasNUL = parameter.utf8.withContiguousStorageIfAvailable { $0.count > 0 && memchr($0.baseAddress!, 0, $0.count) != nil } ?? parameter.utf8.contains(0)
            if hasNUL { throw .invalidParameter(index: index) }
        }
    }

    /// Turns a libpq result into a `PostgresResult` or a thrown error, freeing failed results.
    private func check(_ result: OpaquePointer?) throws(PostgresError) -> PostgresResult {
        guard let result else {
            throw isOK ? .server(sqlState: "XX000", message: Self.errorMessage(handle), constraint: nil)
                : .connectionLost(Self.errorMessage(handle))
        }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return PostgresResult(result)
        default:
            let sqlState = Self.field(result, "C")
            let message = Self.field(result, "M") ?? Self.errorMessage(handle)
            let constraint = Self.field(result, "n")
            PQclear(result)
            if sqlState == nil || !isOK {
                throw .connectionLost(message)
            }
            throw .server(sqlState: sqlState ?? "XX000", message: message, constraint: constraint)
        }
    }

    /// An error field by its one-letter code (`PG_DIAG_*` in libpq-fe.h, char macros Swift does not import):
    /// C is the SQLSTATE, M the primary message, n the constraint name.
    private static func field(_ result: OpaquePointer, _ code: Unicode.Scalar) -> String? {
        PQresultErrorField(result, Int32(code.value)).map { String(cString: $0) }
    }

    private static func errorMessage(_ connection: OpaquePointer) -> String {
        guard let message = PQerrorMessage(connection) else { return "unknown libpq error" }
        return String(cString: message).trimmingTrailingNewlines()
    }
}

/// The rows of a successful statement, read in place from libpq's buffer; freed when released.
public final class PostgresResult {
    private let handle: OpaquePointer

    init(_ handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        PQclear(handle)
    }

    /// The number of rows returned.
    public var rowCount: Int {
        Int(PQntuples(handle))
    }

    /// The number of rows an INSERT, UPDATE or DELETE touched.
    public var affectedRows: Int {
        Int(String(cString: PQcmdTuples(handle))) ?? 0
    }

    /// Whether the value at `row`, `column` is SQL NULL.
    public func isNull(row: Int, column: Int) -> Bool {
        PQgetisnull(handle, Int32(row), Int32(column)) == 1
    }

    /// The text of the value at `row`, `column`, or nil for NULL.
    public func string(row: Int, column: Int) -> String? {
        if isNull(row: row, column: column) { return nil }
        // With libpq's own length: no strlen, and the bytes validated once.
        let length = Int(PQgetlength(handle, Int32(row), Int32(column)))
        return PQgetvalue(handle, Int32(row), Int32(column)).withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }

    /// The `timestamptz` at `row`, `column` in RFC 3339 form with microseconds, in UTC
    /// (`2026-11-23T23:25:33.353900Z`), or nil for NULL. The server sends it as ISO text in the
    /// session's time zone, UTC (`2026-11-23 23:25:33.3539+00`: trailing zeros of the fraction,
    /// and the fraction itself when zero, left out); text of any other shape (years beyond 9999,
    /// BC) comes back as the server sent it.
    public func timestamp(row: Int, column: Int) -> String? {
        if isNull(row: row, column: column) { return nil }
        let length = Int(PQgetlength(handle, Int32(row), Int32(column)))
        return PQgetvalue(handle, Int32(row), Int32(column)).withMemoryRebound(to: UInt8.self, capacity: length) {
            Self.rfc3339(fromISO: UnsafeBufferPointer(start: $0, count: length))
        }
    }

    /// `YYYY-MM-DD HH:MM:SS[.f{1,6}]+00` as `YYYY-MM-DDTHH:MM:SS.ffffffZ`; other text unchanged.
    static func rfc3339(fromISO text: UnsafeBufferPointer<UInt8>) -> String {
        guard isISOTimestampInUTC(text) else { return String(decoding: text, as: UTF8.self) }
        let fractionDigits = text.count == 22 ? 0 : text.count - 23
        return String(unsafeUninitializedCapacity: 27) { output in
            for index in 0..<19 { output[index] = text[index] }
            output[10] = UInt8(ascii: "T")
            output[19] = UInt8(ascii: ".")
            for index in 0..<6 { output[20 + index] = index < fractionDigits ? text[20 + index] : UInt8(ascii: "0") }
            output[26] = UInt8(ascii: "Z")
            return 27
        }
    }

    /// Whether `text` is "YYYY-MM-DD HH:MM:SS" (19 bytes), then "." with 1-6 digits or nothing, then "+00".
    private static func isISOTimestampInUTC(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = text.count
        guard count == 22 || (count >= 24 && count <= 29 && text[19] == UInt8(ascii: ".")) else { return false }
        guard text[count - 3] == UInt8(ascii: "+"), text[count - 2] == UInt8(ascii: "0"), text[count - 1] == UInt8(ascii: "0"),
              text[4] == UInt8(ascii: "-"), text[7] == UInt8(ascii: "-"), text[10] == UInt8(ascii: " "),
              text[13] == UInt8(ascii: ":"), text[16] == UInt8(ascii: ":")
        else { return false }
        func isDigit(_ index: Int) -> Bool { text[index] &- UInt8(ascii: "0") < 10 }
        for index in 0..<19 where index != 4 && index != 7 && index != 10 && index != 13 && index != 16 && !isDigit(index) {
            return false
        }
        for index in 20..<max(20, count - 3) where !isDigit(index) { return false }  // the fraction's digits
        return true
    }

    /// The value at `row`, `column` as an integer, or nil for NULL.
    public func integer(row: Int, column: Int) -> Int64? {
        if isNull(row: row, column: column) { return nil }
        return strtoll(PQgetvalue(handle, Int32(row), Int32(column)), nil, 10)
    }

    /// The value at `row`, `column` as a boolean (`t`/`f`), or nil for NULL.
    public func boolean(row: Int, column: Int) -> Bool? {
        if isNull(row: row, column: column) { return nil }
        return PQgetvalue(handle, Int32(row), Int32(column)).pointee == CChar(UInt8(ascii: "t"))
    }
}

private func withCStrings<Result>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> Result) -> Result {
    let pointers = strings.map { strdup($0) } + [nil]
    defer { pointers.forEach { free($0) } }
    return pointers.map { UnsafePointer($0) }.withUnsafeBufferPointer { body($0.baseAddress!) }
}

/// Parameters as C strings in one buffer, on the stack when small (nil stays a null pointer, SQL
/// NULL): a `strdup` per parameter and two arrays of pointers cost ~8k instructions for a
/// pipelined pair of statements, and a heap buffer per statement two allocations more.
private func withOptionalCStrings<Result>(_ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> Result) -> Result {
    if strings.isEmpty { return body(nil) }
    let size = strings.reduce(0) { $0 + ($1?.utf8.count ?? -1) + 1 }
    let pointerSize = MemoryLayout<UnsafePointer<CChar>?>.stride
    return withUnsafeTemporaryAllocation(byteCount: strings.count * pointerSize + size, alignment: MemoryLayout<UnsafePointer<CChar>?>.alignment) { buffer in
        let storage = buffer.baseAddress!
        let pointers = storage.bindMemory(to: UnsafePointer<CChar>?.self, capacity: strings.count)
        var text = storage + strings.count * pointerSize
        for (index, string) in strings.enumerated() {
            guard var string else {
                pointers[index] = nil
                continue
            }
            let count = string.withUTF8 { bytes in
                if let base = bytes.baseAddress { text.copyMemory(from: base, byteCount: bytes.count) }
                return bytes.count
            }
            text.storeBytes(of: 0, toByteOffset: count, as: UInt8.self)
            pointers[index] = UnsafePointer(text.bindMemory(to: CChar.self, capacity: count + 1))
            text += count + 1
        }
        return body(UnsafePointer(pointers))
    }
}

extension String {
    fileprivate func trimmingTrailingNewlines() -> String {
        var text = self
        while text.last?.isNewline == true { text.removeLast() }
        return text
    }
}
