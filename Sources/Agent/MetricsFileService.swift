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
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else {
            logger.warning("cannot write metrics", metadata: ["path": "\(temporary)", "errno": "\(errno)"])
            return
        }
        // Counters are not secret, and node_exporter runs as another user: readable by all,
        // whatever the service's UMask.
        fchmod(fd, 0o644)
        var bytes = Array(metrics.prometheusText().utf8)
        let written = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
        if written == bytes.count {
            rename(temporary, path)
        } else {
            unlink(temporary)
        }
    }
}
