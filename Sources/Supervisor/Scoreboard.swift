import CSupervisor
import Foundation

/// A small shared-memory table, one slot per worker, that workers write and the supervisor and
/// `frontdesk status` read: who is busy with what since when, and how much each has served. The
/// only file that maps memory.
///
/// Each slot has a single writer (its worker, or the supervisor while the slot is free), so no
/// locks: a reader may see a field a moment old, which status and the hang check tolerate.
public final class Scoreboard: @unchecked Sendable {
    /// Slots in the file: the most workers one pool can run.
    public static let slotCount = 256
    static let slotSize = 128
    static let summaryOffset = 40
    static let summaryLength = slotSize - summaryOffset

    // After the slots: one block of request metrics per slot, then the archive block that keeps
    // the counts of workers that exited, then the supervisor's restart counters, then the route
    // labels. See `Metrics.swift` for the layout of a block.
    static let metricsOffset = slotCount * slotSize
    static let archiveBlock = slotCount
    static let restartsOffset = metricsOffset + (slotCount + 1) * MetricsBlock.size
    static let labelsOffset = restartsOffset + 64
    static let labelSize = 64
    static let fileSize = labelsOffset + MetricsBlock.routeKeys * labelSize

    /// What a slot says.
    public struct Entry: Sendable {
        public let slot: Int
        public let pid: Int64
        public let isBusy: Bool
        /// CLOCK_MONOTONIC nanoseconds when the current request started (busy only).
        public let requestStarted: UInt64
        public let requestsServed: Int64
        /// Seconds since 1970 when the worker started.
        public let startedAt: Int64
        /// Method and path of the current (or last) request.
        public let summary: String
    }

    private let base: UnsafeMutableRawPointer

    /// Maps the scoreboard at `path`, creating it (zeroed) when `create` is set; `readOnly` for a
    /// reader such as `frontdesk status`, which never follows a symbolic link there either.
    public init(path: String, create: Bool, readOnly: Bool = false) throws {
        let size = Self.fileSize
        let flags = readOnly ? (O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : create ? (O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC) : (O_RDWR | O_NOFOLLOW | O_CLOEXEC)
        let descriptor = open(path, flags, 0o600)
        guard descriptor >= 0 else { throw ProcessControl.Failure("open \(path)") }
        defer { close(descriptor) }
        if create { guard ftruncate(descriptor, off_t(size)) == 0 else { throw ProcessControl.Failure("ftruncate \(path)") } }
        var status = stat()
        guard fstat(descriptor, &status) == 0, create || Int(status.st_size) == size else {
            throw ProcessControl.Failure("\(path) is not a scoreboard of this version", EINVAL)
        }
        guard let mapped = mmap(nil, size, readOnly ? PROT_READ : PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0), mapped != MAP_FAILED else {
            throw ProcessControl.Failure("mmap \(path)")
        }
        base = mapped
    }

    /// Now on CLOCK_MONOTONIC, in nanoseconds: the same clock in every process on the machine.
    public static func monotonicNow() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// The metrics block of `slot` (or of the archive).
    func metrics(_ block: Int) -> MetricsBlock {
        MetricsBlock(base: (base + Self.metricsOffset + block * MetricsBlock.size).assumingMemoryBound(to: UInt64.self))
    }

    /// Adds the counts of the worker in `slot` to the archive and clears them (the supervisor,
    /// after the worker exited), so totals never go backwards when workers are replaced.
    public func archive(_ slot: Int) {
        metrics(Self.archiveBlock).add(metrics(slot))
        metrics(slot).clear()
    }

    /// Counts a worker replacement for `cause` (the supervisor).
    public func countRestart(_ cause: RestartCause) {
        (base + Self.restartsOffset).assumingMemoryBound(to: UInt64.self)[cause.rawValue] += 1
    }

    /// Replacements so far, by cause.
    public func restarts() -> [RestartCause: UInt64] {
        let counters = (base + Self.restartsOffset).assumingMemoryBound(to: UInt64.self)
        return Dictionary(uniqueKeysWithValues: RestartCause.allCases.map { ($0, counters[$0.rawValue]) })
    }

    /// Writes the route labels (every worker of one binary writes the same ones).
    public func writeRouteLabels(_ labels: [String]) {
        for (index, label) in labels.prefix(MetricsBlock.routeKeys).enumerated() {
            let bytes = Array(label.utf8.prefix(Self.labelSize - 1)) + [0]
            bytes.withUnsafeBytes { (base + Self.labelsOffset + index * Self.labelSize).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        }
    }

    /// The route labels by route key; empty where none was written.
    public func routeLabels() -> [String] {
        (0..<MetricsBlock.routeKeys).map { index in
            String(cString: (base + Self.labelsOffset + index * Self.labelSize).assumingMemoryBound(to: CChar.self))
        }
    }

    private func field(_ slot: Int, _ offset: Int) -> UnsafeMutablePointer<Int64> {
        (base + slot * Self.slotSize + offset).assumingMemoryBound(to: Int64.self)
    }

    /// Claims `slot` for a new worker (the supervisor, before the worker runs).
    public func claim(_ slot: Int, pid: Int64) {
        memset(base + slot * Self.slotSize, 0, Self.slotSize)
        field(slot, 32).pointee = Int64(time(nil))
        field(slot, 0).pointee = pid
    }

    /// Frees `slot` after its worker exited.
    public func release(_ slot: Int) {
        memset(base + slot * Self.slotSize, 0, Self.slotSize)
    }

    /// The worker in `slot` started a request: "METHOD URI", cut to fit, written in place.
    public func markBusy(_ slot: Int, method: String, uri: String) {
        field(slot, 16).pointee = Int64(bitPattern: Self.monotonicNow())
        let summary = UnsafeMutableRawBufferPointer(start: base + slot * Self.slotSize + Self.summaryOffset, count: Self.summaryLength - 1)
        var length = Self.copy(method, into: summary, at: 0)
        length += Self.copy(" ", into: summary, at: length)
        length += Self.copy(uri, into: summary, at: length)
        summary.baseAddress!.storeBytes(of: 0, toByteOffset: length, as: UInt8.self)
        field(slot, 8).pointee = 1
    }

    /// Copies as much of `text` as fits into `buffer` at `offset`; returns the bytes copied. From
    /// the string's contiguous UTF-8: a generic copy through `prefix` cost a /health request 2% of
    /// its instructions.
    private static func copy(_ text: String, into buffer: UnsafeMutableRawBufferPointer, at offset: Int) -> Int {
        var text = text
        return text.withUTF8 { bytes in
            let count = min(bytes.count, buffer.count - offset)
            guard count > 0, let source = bytes.baseAddress, let target = buffer.baseAddress else { return 0 }
            (target + offset).copyMemory(from: source, byteCount: count)
            return count
        }
    }

    /// The worker in `slot` finished a request.
    public func markIdle(_ slot: Int, served: Int) {
        field(slot, 8).pointee = 0
        field(slot, 24).pointee = Int64(served)
    }

    /// Every claimed slot.
    public func entries() -> [Entry] {
        (0..<Self.slotCount).compactMap { slot in
            let pid = field(slot, 0).pointee
            guard pid != 0 else { return nil }
            let summaryPointer = (base + slot * Self.slotSize + Self.summaryOffset).assumingMemoryBound(to: CChar.self)
            return Entry(
                slot: slot, pid: pid, isBusy: field(slot, 8).pointee == 1,
                requestStarted: UInt64(bitPattern: field(slot, 16).pointee), requestsServed: field(slot, 24).pointee,
                startedAt: field(slot, 32).pointee, summary: String(cString: summaryPointer))
        }
    }
}

/// A worker's view of its own slot, as `FastCGIWorker` activity.
public struct ScoreboardSlot {
    let scoreboard: Scoreboard
    let slot: Int

    /// The slot named by `FRONTDESK_SCOREBOARD` and `FRONTDESK_SCOREBOARD_SLOT`, if the supervisor set them.
    public static func fromEnvironment() -> ScoreboardSlot? {
        let environment = ProcessInfo.processInfo.environment
        guard let path = environment["FRONTDESK_SCOREBOARD"], let slot = environment["FRONTDESK_SCOREBOARD_SLOT"].flatMap(Int.init),
              (0..<Scoreboard.slotCount).contains(slot), let scoreboard = try? Scoreboard(path: path, create: false)
        else { return nil }
        return ScoreboardSlot(scoreboard: scoreboard, slot: slot)
    }

    /// Marks the slot busy with the request's method and URI.
    public func requestStarted(method: String, uri: String) { scoreboard.markBusy(slot, method: method, uri: uri) }

    /// Marks the slot idle.
    public func requestFinished(served: Int) { scoreboard.markIdle(slot, served: served) }

    /// Counts one response under `routeKey`.
    public func record(routeKey: Int, status: Int, microseconds: UInt64) {
        scoreboard.metrics(slot).record(routeKey: routeKey, status: status, microseconds: microseconds)
    }

    /// Publishes the worker's database counters.
    public func setDatabase(errors: Int, reconnects: Int) {
        scoreboard.metrics(slot).setDatabase(errors: errors, reconnects: reconnects)
    }

    /// The scoreboard this slot belongs to, for `/metrics`.
    public var pool: Scoreboard { scoreboard }
}
