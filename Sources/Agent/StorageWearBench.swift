import Outbox
import Pipeline
#if canImport(Glibc)
import Glibc
#endif

/// Measures what the outbox writes to storage per reading, the SD-card wear figure.
///
/// Runs the agent's storage cycle on a real file: readings committed in batches (one per flush
/// interval) and deleted in batches once acknowledged, and reads this
/// process's `/proc/self/io` before and after. `write_bytes` is what reached the block layer
/// (page-granular, counted when a clean page is dirtied, so every fsync'd rewrite counts again);
/// `wchar` is what was passed to write(2).
public enum StorageWearBench {
    /// The figures of one run.
    public struct Result: Sendable {
        /// Readings stored and acknowledged.
        public var readings: Int
        /// Bytes the kernel sent toward the disk.
        public var writeBytes: Int
        /// Bytes passed to write(2).
        public var writeCalls: Int
        /// Mean length of one encoded reading (SenML JSON).
        public var encodedBytesPerReading: Double

        /// `writeBytes / readings`.
        public var writeBytesPerReading: Double { Double(writeBytes) / Double(max(1, readings)) }
        /// How many encoded readings' worth of bytes reach the disk per reading.
        public var amplification: Double { writeBytesPerReading / encodedBytesPerReading }
    }

    /// Stores and acknowledges `readings` readings in `directory`, as the agent does: each flush
    /// commits `perCommit` new readings and the deletes of those acknowledged since the last one.
    public static func run(readings: Int, perCommit: Int, directory: String) async throws -> Result {
        let path = directory + "/wear-bench.sqlite"
        for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
        let store = try OutboxStore(path: path)
        let encoder = SenMLJSONEncoder(gatewayID: "greenhouse-1")
        var encodedTotal = 0
        let before = ioCounters()
        var produced = 0
        let start = SystemClock.now()
        while produced < readings {
            let count = min(perCommit, readings - produced)
            let batch = (0..<count).map { index -> PendingReading in
                let quantity = ["temperature", "pressure", "humidity"][(produced + index) % 3]
                let unit: SenMLUnit = [.celsius, .pascal, .relativeHumidity][(produced + index) % 3]
                let value = [21.53, 101_325.25, 45.5][(produced + index) % 3]
                var stamp = start
                stamp.wallSeconds += Double(produced + index) / 10
                return PendingReading(Reading(sensorID: "air", quantity: quantity, value: value, unit: unit, timestamp: stamp))
            }
            // One flush: one commit with the new readings and the deletes of those acknowledged since.
            let stored = try await store.append(pending: batch)
            for reading in stored {
                encodedTotal += encoder.encode(reading)?.utf8.count ?? 0
            }
            // PUBACKs for this batch arrive before the next flush.
            try await store.acknowledge(stored.map(\.sequence))
            produced += count
        }
        await store.close()
        let after = ioCounters()
        for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
        return Result(readings: readings, writeBytes: after.writeBytes - before.writeBytes,
                      writeCalls: after.wchar - before.wchar,
                      encodedBytesPerReading: Double(encodedTotal) / Double(max(1, readings)))
    }

    /// `write_bytes` and `wchar` from /proc/self/io (zeros where it does not exist).
    static func ioCounters() -> (writeBytes: Int, wchar: Int) {
        guard let file = fopen("/proc/self/io", "r") else { return (0, 0) }
        defer { fclose(file) }
        var writeBytes = 0, wchar = 0
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            // Lines look like "write_bytes: 4096": no blanks inside keys or values.
            let parts = text.split(separator: ":").map { $0.filter { !$0.isWhitespace } }
            guard parts.count == 2, let value = Int(parts[1]) else { continue }
            if parts[0] == "write_bytes" { writeBytes = value }
            if parts[0] == "wchar" { wchar = value }
        }
        return (writeBytes, wchar)
    }
}
