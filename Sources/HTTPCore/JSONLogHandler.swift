import Foundation
import Logging

/// A swift-log handler that writes one JSON object per line to standard error (fd 2).
///
/// Each line carries `time` (UTC, milliseconds), `level`, `msg`, `pid` and the metadata as
/// top-level string members. Writes go straight to the file descriptor with one `write` call, so
/// lines from concurrent workers sharing a log file do not interleave.
public struct JSONLogHandler: LogHandler {
    /// Metadata attached to every line of this logger.
    public var metadata: Logger.Metadata = [:]
    /// The lowest level written.
    public var logLevel: Logger.Level
    private let label: String

    /// Creates a handler for `label` writing lines at `level` and above.
    public init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    /// Metadata by key.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Formats and writes one line.
    public func log(event: LogEvent) {
        var json = JSONWriter()
        json.object { line in
            line.field("time", Self.timestamp())
            line.field("level", event.level.rawValue)
            line.field("msg", event.message.description)
            line.field("pid", Int(getpid()))
            line.field("logger", label)
            let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
            for key in merged.keys.sorted() {
                line.key(named: key)
                line.value(merged[key]?.description)
            }
        }
        var bytes = json.bytes
        bytes.append(UInt8(ascii: "\n"))
        bytes.withUnsafeBytes { buffer in
            _ = write(2, buffer.baseAddress, buffer.count)
        }
    }

    /// Now, as `2026-11-23T21:06:46.123Z`.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var parts = tm()
        var seconds = now.tv_sec
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(now.tv_nsec / 1_000_000), 3))Z"
    }
}
