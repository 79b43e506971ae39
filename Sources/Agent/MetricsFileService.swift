import Logging
import ServiceLifecycle
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes the metrics to a Prometheus textfile every `interval` (and once more on stop).
///
/// The unit gives the agent `RuntimeDirectory=sensorgw`, so the file is
/// `/run/sensorgw/metrics.prom` on tmpfs: no SD-card writes. Point node_exporter's
/// `--collector.textfile.directory` at it to scrape. The file is replaced atomically (write then
/// rename), so a reader never sees half of it.
struct MetricsFileService: Service {
    let metrics: AgentMetrics
    /// Sets the state gauges just before each write.
    let refresh: @Sendable () async -> Void
    let path: String
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await refresh()
                write()
                try? await Task.sleep(for: interval)
            }
        }
        await refresh()
        write()
    }

    func write() {
        if !RuntimeFile.replace(path, with: Array(metrics.prometheusText().utf8)) {
            logger.warning("cannot write metrics", metadata: ["path": "\(path)", "errno": "\(errno)"])
        }
    }
}
