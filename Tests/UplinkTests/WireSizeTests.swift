#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Pipeline
import Testing
@testable import Uplink

/// Measures the bytes per reading on the wire (MQTT 5 PUBLISH packet, topic and properties
/// included) for each encoding and batch size, and checks that `docs/FORMATS.md`'s table says
/// the same: the documentation's numbers are measured here, never guessed.
@Suite struct WireSizeTests {
    static let batchSizes = [1, 3, 12, 30, 96]
    static let devices = [EncoderDevice(sensorID: "air", quantities: [
        .init(name: "temperature", unit: .celsius), .init(name: "pressure", unit: .pascal),
        .init(name: "humidity", unit: .relativeHumidity),
    ])]
    static let context = EncoderContext(gatewayID: "greenhouse-1", readingsTopic: "sensorgw/greenhouse-1/readings",
                                        devices: devices)

    /// A BME280 sampled every 10 s: three readings a sample, values with the decimals its
    /// compensation gives, one sequence number each, a synchronized clock.
    static func readings(_ count: Int) -> [Reading] {
        let quantities: [(String, SenMLUnit, Double, Double)] = [
            ("temperature", .celsius, 21.37, 0.01), ("pressure", .pascal, 100_832.5, 0.25),
            ("humidity", .relativeHumidity, 47.841796875, 0.0009765625),
        ]
        return (0..<count).map { index in
            let (quantity, unit, base, step) = quantities[index % 3]
            let sample = index / 3
            return Reading(sensorID: "air", quantity: quantity, value: base + Double(sample % 7) * step, unit: unit,
                           timestamp: Timestamp(wallSeconds: 1_764_633_600 + Double(sample) * 10,
                                                monotonicNanoseconds: 12_000_000_000 + UInt64(sample) * 10_000_000_000,
                                                clockSynchronized: true),
                           sequence: 1_000 + UInt64(index))
        }
    }

    /// Bytes per reading, rounded to a whole byte, for `count` readings in messages of up to
    /// `count` readings.
    static func bytesPerReading(encoding: String, batch count: Int) -> Int? {
        guard let factory = ReadingEncoders.named(encoding) else { return nil }
        let encoder = factory.makeEncoder(context, readingsPerMessage: count)
        var hooks = encoder.makeConnectionHooks()
        _ = hooks?.willForNextConnection(wallSeconds: 1_764_633_600)
        _ = hooks?.connected(wallSeconds: 1_764_633_600)
        let readings = Self.readings(count)
        var rest = readings[...]
        var total = 0
        var buffer: [UInt8] = []
        while !rest.isEmpty {
            let slice = rest.prefix(encoder.maxReadingsPerMessage)
            let message: EncodedMessage
            if var session = hooks {
                message = session.encode(slice, into: &buffer)
                hooks = session
            } else {
                message = encoder.encode(slice, into: &buffer)
            }
            guard !message.carried.isEmpty else { return nil }
            total += BatchFitting.publishPacketSize(topic: message.topic, payloadCount: buffer.count, contentType: encoder.contentType)
            rest = rest.dropFirst(message.carried.count + message.skipped.count)
        }
        return (total + count / 2) / count
    }

    static func measuredTable() -> [String] {
        ReadingEncoders.names.flatMap { name in
            batchSizes.compactMap { size -> String? in
                guard let bytes = bytesPerReading(encoding: name, batch: size) else { return nil }
                return "| `\(name)` | \(size) | \(bytes) |"
            }
        }
    }

    @Test func theFormatsDocumentStatesTheMeasuredBytesPerReading() throws {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        let path = parts.joined(separator: "/") + "/docs/FORMATS.md"
        guard let file = fopen(path, "rb") else {
            Issue.record("cannot open \(path)")
            return
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count == 0 { break }
            bytes.append(contentsOf: chunk[..<count])
        }
        let documented = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
            .filter { line in ReadingEncoders.names.contains { line.hasPrefix("| `\($0)` |") } }
        let measured = Self.measuredTable()
        #expect(documented == measured, "docs/FORMATS.md should list:\n\(measured.joined(separator: "\n"))")
    }

    @Test func batchingShrinksEveryBatchingFormatPerReading() {
        for name in ["senml-cbor", "sparkplug-b"] {
            let one = Self.bytesPerReading(encoding: name, batch: 1) ?? 0
            let many = Self.bytesPerReading(encoding: name, batch: 30) ?? .max
            #expect(many < one, "\(name): \(many) per reading in 30 against \(one) alone")
        }
    }
}
