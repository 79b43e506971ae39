import Drivers
import Pipeline
import Sampling
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Fixed inputs, the same at every run.
enum BenchData {
    static let context = EncoderContext(gatewayID: "bench-gw", readingsTopic: "sensorgw/bench-gw/readings")
    static let timestamp = Timestamp(wallSeconds: 1_764_218_400.123456, monotonicNanoseconds: 123_456_789_000,
                                     clockSynchronized: true)

    /// `count` synthetic readings with consecutive sequence numbers and one timestamp per 10.
    static func readings(_ count: Int) -> [Reading] {
        (0..<count).map { index in
            var stamp = timestamp
            stamp.wallSeconds += Double(index / 10) * 0.1
            stamp.monotonicNanoseconds += UInt64(index / 10) * 100_000_000
            return Reading(sensorID: "stream", quantity: "counter", value: Double(index + 1),
                           unit: SenMLUnit(rawValue: "count"), timestamp: stamp, sequence: UInt64(index + 1))
        }
    }

    /// Typical coefficients of a BME280 (any chip's serve: the arithmetic is the same).
    static let calibration = BME280Calibration(
        digT1: 27504, digT2: 26435, digT3: -1000,
        digP1: 36477, digP2: -10685, digP3: 3024, digP4: 2855, digP5: 140, digP6: -7, digP7: 15500,
        digP8: -14600, digP9: 6000,
        digH1: 75, digH2: 362, digH3: 0, digH4: 324, digH5: 50, digH6: 30)
    static let rawSample = BME280RawSample(adcP: 415_148, adcT: 519_888, adcH: 27_000)

    /// A fresh database path in a new temporary directory.
    static func temporaryPath() -> String {
        var template = Array("/tmp/sensorgw-bench-XXXXXX".utf8CString)
        let directory = template.withUnsafeMutableBufferPointer { buffer -> String in
            guard let base = buffer.baseAddress, let result = mkdtemp(base) else { return "/tmp" }
            return String(cString: result)
        }
        return directory + "/outbox.sqlite"
    }
}

/// A sensor that costs nothing: one reading per sample.
struct CounterSensor: Sensor {
    let id = "bench"
    func prepare() async throws {}
    func measure(at timestamp: Timestamp) async throws -> [Reading] {
        [Reading(sensorID: id, quantity: "counter", value: 1, unit: SenMLUnit(rawValue: "count"), timestamp: timestamp)]
    }
}

/// A clock on which every schedule's wait ends at once (time jumps to the deadline), so the
/// sampler's own cost per tick is what is measured. Waits longer than a second are the
/// measurement timeouts: they last until cancelled, as a timeout that never fires.
final class ImmediateClock: Clock {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private let current = Mutex(Duration.zero)
    var now: Instant { Instant(offset: current.withLock { $0 }) }
    var minimumResolution: Duration { .nanoseconds(1) }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        if now.duration(to: deadline) > .seconds(1) {
            try await Task.sleep(for: .seconds(3600))
            return
        }
        current.withLock { $0 = max($0, deadline.offset) }
        try Task.checkCancellation()
    }
}

/// Counts stored readings and lets the benchmark wait for the n-th.
final class TickCounter: Sendable {
    private let state: Mutex<(count: Int, waiter: CheckedContinuation<Void, Never>?)> = Mutex((0, nil))
    private let stopAfter: Int

    init(stopAfter: Int) { self.stopAfter = stopAfter }

    func add(_ readings: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.count += readings
            guard state.count >= stopAfter else { return nil }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    func finished() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                if state.count >= stopAfter { return true }
                state.waiter = continuation
                return false
            }
            if now { continuation.resume() }
        }
    }
}
