import Logging
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes one line per log event to standard error: `LEVEL label: message key=value ...`.
///
/// Under systemd (`JOURNAL_STREAM` set) the journal adds its own timestamps and priorities, so
/// the line carries a `<N>` syslog-priority prefix instead of a time; elsewhere it starts with
/// the wall-clock time.
public struct AgentLogHandler: LogHandler {
    /// Log level; events below it are dropped.
    public var logLevel: Logger.Level
    /// Metadata added to every event.
    public var metadata: Logger.Metadata = [:]
    private let label: String
    private let toJournal: Bool
    private let journal: JournalSink?

    /// Creates a handler; with a `journal` sink, entries go to journald's native socket with
    /// structured fields, and only fall back to the stderr line when the socket refuses them.
    public init(label: String, level: Logger.Level, toJournal: Bool, journal: JournalSink? = nil) {
        self.label = label
        self.logLevel = level
        self.toJournal = toJournal || journal != nil
        self.journal = journal
    }

    /// Metadata keys that become journal fields of their own (systemd.journal-fields(7) has `ERRNO=`).
    static let fieldKeys = ["sensor": "SENSOR", "bus": "BUS", "errno": "ERRNO"]

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        if let journal, journal.send(journalFields(event, merged)) { return }
        var line = ""
        if toJournal {
            line += "<\(Self.syslogPriority(event.level))>"
        } else {
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            var parts = tm()
            var seconds = now.tv_sec
            gmtime_r(&seconds, &parts)
            line += format2(Int(parts.tm_hour)) + ":" + format2(Int(parts.tm_min)) + ":" + format2(Int(parts.tm_sec)) + "Z "
        }
        line += "\(event.level.rawValue) \(label): \(event.message)"
        for key in merged.keys.sorted() {
            line += " \(key)=\(merged[key].map { "\($0)" } ?? "")"
        }
        line += "\n"
        // One write(2) per line, so lines from concurrent tasks never interleave.
        var bytes = Array(line.utf8)
        _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
    }

    /// PRIORITY, MESSAGE (the message and all metadata, as on the stderr line), the identifier,
    /// and `SENSOR=`/`BUS=`/`ERRNO=` from the metadata keys `sensor`, `bus` and `errno`.
    func journalFields(_ event: LogEvent, _ metadata: Logger.Metadata) -> [(key: String, value: String)] {
        var message = "\(label): \(event.message)"
        for key in metadata.keys.sorted() {
            message += " \(key)=\(metadata[key].map { "\($0)" } ?? "")"
        }
        var fields: [(key: String, value: String)] = [
            ("PRIORITY", "\(Self.syslogPriority(event.level))"), ("SYSLOG_IDENTIFIER", "sensorgw"), ("MESSAGE", message),
        ]
        for key in metadata.keys.sorted() {
            if let field = Self.fieldKeys[key], let value = metadata[key] { fields.append((field, "\(value)")) }
        }
        return fields
    }

    private func format2(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }

    /// sd-daemon(3) priorities: the journal reads them from the line prefix.
    static func syslogPriority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }
}
