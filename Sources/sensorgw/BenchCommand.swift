import Agent
import ArgumentParser

/// `sensorgw bench storage`: measures what the outbox writes per reading (SD-card wear).
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure the agent on this machine.", subcommands: [Storage.self])

    struct Storage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bytes written to storage per reading (from /proc/self/io) for a stream of readings.")

        @Option(help: "Readings to store and acknowledge.")
        var readings = 100_000

        @Option(help: "Readings per commit: one flush interval's worth (100 readings/s with flush_interval 1s is 100).")
        var perCommit = 100

        @Option(help: "Directory on the storage to measure (must be a real disk, not tmpfs).")
        var directory = "."

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let result = try await StorageWearBench.run(readings: readings, perCommit: perCommit,
                                                        directory: directory)
            func fixed(_ value: Double) -> String { String(Double(Int(value * 10)) / 10) }
            if json {
                print("{\"readings\":\(result.readings),\"per_commit\":\(perCommit),"
                    + "\"write_bytes\":\(result.writeBytes),\"wchar\":\(result.writeCalls),"
                    + "\"write_bytes_per_reading\":\(fixed(result.writeBytesPerReading)),"
                    + "\"encoded_bytes_per_reading\":\(fixed(result.encodedBytesPerReading)),"
                    + "\"amplification\":\(fixed(result.amplification))}")
            } else {
                print("readings:                  \(result.readings) (\(perCommit) per commit)")
                print("bytes written (write_bytes): \(result.writeBytes)  = \(fixed(result.writeBytesPerReading)) per reading")
                print("bytes to write(2) (wchar):   \(result.writeCalls)")
                print("encoded reading (SenML):     \(fixed(result.encodedBytesPerReading)) bytes")
                print("written / encoded:           \(fixed(result.amplification))x (target: at most 2x)")
            }
        }
    }
}
