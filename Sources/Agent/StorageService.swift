import Logging
import Metrics
import Outbox
import ServiceLifecycle
import Uplink

/// Commits buffered readings to the outbox every flush interval, wakes the uplink, and makes
/// a last flush when the agent stops.
struct StorageService: Service {
    let buffer: ReadingBuffer
    let outbox: OutboxStore
    let uplink: UplinkControl
    let interval: Duration
    let logger: Logger
    let monitor: HealthMonitor<ContinuousClock>
    let hooks: TestHooks

    func run() async throws {
        // With a zero interval the sampler flushes every sample itself; this loop then only
        // commits acknowledged deletes, once a second, instead of spinning.
        let period = interval > .zero ? interval : .seconds(1)
        await cancelWhenGracefulShutdown {
            var quiet = true
            while !Task.isCancelled {
                if quiet && interval > .zero {
                    // After a quiet spell the first reading is committed (and sent) at once
                    // rather than up to a flush interval later; the wait still ends every
                    // interval to commit acknowledged deletes.
                    await buffer.waitForReadings(atMost: period)
                } else {
                    // A burst: what arrives during the interval shares one commit.
                    try? await Task.sleep(for: period)
                }
                quiet = await flush() == 0
            }
        }
        // Sampling has stopped (the sampler shuts down first): store what it left.
        await flush()
    }

    /// Commits what is buffered; returns how many readings it took from the buffer.
    @discardableResult
    func flush() async -> Int {
        await hooks.pass(.storage)
        let readings = buffer.takeAll()
        let bufferDrops = buffer.takeDroppedCount()
        if bufferDrops > 0 {
            logger.error("readings dropped: the storage has been failing and the memory buffer is full",
                         metadata: ["dropped": "\(bufferDrops)"])
            Counter(label: "sensorgw_readings_dropped_total", dimensions: [("reason", "buffer_full")]).increment(by: bufferDrops)
        }
        guard !readings.isEmpty else {
            // Nothing new to store: commit the acknowledged deletes on their own.
            do {
                try await outbox.commitAcknowledgements()
                monitor.storagePassed(succeeded: true)
            } catch {
                monitor.storagePassed(succeeded: false)
                logger.error("cannot delete acknowledged readings; they will be sent again", metadata: ["error": "\(error)"])
            }
            return 0
        }
        let dropsBefore = await outbox.droppedTotal
        do {
            let stored = try await outbox.append(pending: readings)
            let dropsAfter = await outbox.droppedTotal
            if dropsAfter != dropsBefore {
                let new = dropsAfter - dropsBefore
                logger.warning("outbox full: readings dropped by policy", metadata: [
                    "capacity": "\(new.capacity)", "age": "\(new.age)", "disk_full": "\(new.diskFull)",
                ])
                for reason in DropReason.allCases where new[reason] > 0 {
                    Counter(label: "sensorgw_readings_dropped_total", dimensions: [("reason", reason.rawValue)]).increment(by: new[reason])
                }
                uplink.dropsChanged()
            }
            monitor.storagePassed(succeeded: true)
            if !stored.isEmpty {
                monitor.readingsStored()
                uplink.readingsStored()
            }
        } catch {
            monitor.storagePassed(succeeded: false)
            // Keep them for the next attempt; the buffer's bound decides what is given up.
            buffer.putBack(readings)
            logger.error("cannot store readings; will retry", metadata: ["error": "\(error)", "readings": "\(readings.count)"])
        }
        return readings.count
    }
}
