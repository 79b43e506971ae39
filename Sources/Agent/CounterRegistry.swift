import CoreMetrics
import Synchronization

/// A swift-metrics backend that keeps counters in memory and renders them in Prometheus's text
/// format, for node_exporter's textfile collector (see ``MetricsFileService``).
///
/// A board has no room for an HTTP exporter and nothing should listen on its network; a file on
/// tmpfs that the board's node_exporter already reads costs nothing. Only counters are kept
/// (the agent uses no other kind); the rest are no-ops.
public final class CounterRegistry: MetricsFactory {
    private let counters = Mutex<[Key: Handler]>([:])

    private struct Key: Hashable {
        let label: String
        let dimensions: [String]
    }

    /// Creates an empty registry.
    public init() {}

    public func makeCounter(label: String, dimensions: [(String, String)]) -> CounterHandler {
        let key = Key(label: label, dimensions: dimensions.map { "\($0.0)=\"\(Self.escape($0.1))\"" })
        return counters.withLock { counters in
            if let existing = counters[key] { return existing }
            let handler = Handler()
            counters[key] = handler
            return handler
        }
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> RecorderHandler {
        NOOPMetricsHandler.instance
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> TimerHandler {
        NOOPMetricsHandler.instance
    }

    public func destroyCounter(_ handler: CounterHandler) {}
    public func destroyRecorder(_ handler: RecorderHandler) {}
    public func destroyTimer(_ handler: TimerHandler) {}

    /// The value of one counter (0 when it never counted).
    public func value(_ label: String, _ dimensions: [(String, String)] = []) -> Int64 {
        let key = Key(label: label, dimensions: dimensions.map { "\($0.0)=\"\(Self.escape($0.1))\"" })
        return counters.withLock { $0[key]?.value ?? 0 }
    }

    /// All counters in Prometheus's text exposition format, sorted.
    public func prometheusText() -> String {
        let snapshot = counters.withLock { $0.map { ($0.key, $0.value.value) } }
        let byLabel = Dictionary(grouping: snapshot, by: { $0.0.label })
        var text = ""
        for label in byLabel.keys.sorted() {
            text += "# TYPE \(label) counter\n"
            let lines = (byLabel[label] ?? []).map { key, value -> String in
                let dimensions = key.dimensions.isEmpty ? "" : "{" + key.dimensions.joined(separator: ",") + "}"
                return "\(label)\(dimensions) \(value)\n"
            }
            text += lines.sorted().joined()
        }
        return text
    }

    private static func escape(_ text: String) -> String {
        text.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"").replacingAll("\n", with: "\\n")
    }

    private final class Handler: CounterHandler, Sendable {
        private let count = Atomic<Int64>(0)
        var value: Int64 { count.load(ordering: .relaxed) }
        func increment(by amount: Int64) { count.add(amount, ordering: .relaxed) }
        func reset() { count.store(0, ordering: .relaxed) }
    }
}

private extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}
