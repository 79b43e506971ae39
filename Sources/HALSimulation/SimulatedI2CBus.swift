import HAL
import Synchronization

/// An I2C bus in memory that hosts device models at addresses, with fault injection.
///
/// A lock-protected class rather than an actor so a test can attach devices, inject faults and
/// read counters synchronously; transactions are serialized by the lock like a real bus.
///
/// ```swift
/// let bus = SimulatedI2CBus()
/// let chip = SimulatedBME280()
/// bus.attach(chip, at: I2CAddress(0x76)!)
/// chip.environment = .init(temperatureCelsius: 21.5, pressurePascal: 101_325, humidityPercent: 45)
/// ```
public final class SimulatedI2CBus: I2CBus {
    /// One completed (or failed) transaction, for assertions on traffic.
    public struct Record: Sendable, Hashable, CustomStringConvertible {
        /// The target address.
        public var address: I2CAddress
        /// The segments as requested.
        public var operations: [I2COperation]
        /// The error kind when it failed, `nil` when it succeeded.
        public var failure: HALError.Kind?
        /// What each `.read` segment returned, in order, as the caller got it (after any injected
        /// short read); empty when the transaction failed or had no reads.
        public var replies: [[UInt8]] = []

        /// `0x76 [w(f7) r(8)] = [65 5a c0 ...]`, or `0x76 [w(d0) r(1)] -> addressNACK`.
        public var description: String {
            var text = "\(address) \(describe(operations))"
            if let failure { return text + " -> \(failure.rawValue)" }
            if !replies.isEmpty {
                text += " = " + replies.map { "[" + $0.map(hexByte).joined(separator: " ") + "]" }.joined(separator: " ")
            }
            return text
        }
    }

    private struct State {
        var devices: [I2CAddress: any SimulatedI2CDevice] = [:]
        var failNext: [HALError.Kind] = []
        var stuck = false
        var shortRead: Int?
        var clockStretch: Duration?
        var transactionCount = 0
        var failedCount = 0
        var perAddress: [I2CAddress: Int] = [:]
        var log: [Record] = []
    }

    private let state = Mutex(State())
    private let clock: any Clock<Duration>
    /// Oldest records are dropped beyond this, so a long-running simulated agent stays bounded.
    public let logLimit: Int

    /// Creates an empty bus.
    /// - Parameters:
    ///   - clock: used for clock-stretch delays; pass a ``SimulatedClock`` to not really wait.
    ///   - logLimit: how many transaction records to keep.
    public init(clock: any Clock<Duration> = ContinuousClock(), logLimit: Int = 10_000) {
        self.clock = clock
        self.logLimit = logLimit
    }

    // MARK: Devices

    /// Hosts a device model at an address, replacing any device there.
    public func attach(_ device: any SimulatedI2CDevice, at address: I2CAddress) {
        state.withLock { $0.devices[address] = device }
    }

    /// Removes the device at an address (a sensor coming loose).
    public func detach(at address: I2CAddress) {
        state.withLock { $0.devices[address] = nil }
    }

    /// The addresses with a device, ascending.
    public var addresses: [I2CAddress] { state.withLock { $0.devices.keys.sorted() } }

    // MARK: Faults

    /// Makes each of the next `count` transactions fail with `kind` (any address), then recover.
    public func failNext(_ count: Int, with kind: HALError.Kind) {
        state.withLock { $0.failNext += Array(repeating: kind, count: max(count, 0)) }
    }

    /// A stuck bus (SDA held low): every transaction fails with `.busError` until set to false.
    public var isStuck: Bool {
        get { state.withLock { $0.stuck } }
        set { state.withLock { $0.stuck = newValue } }
    }

    /// Makes every read segment of the next successful transaction return at most `count` bytes.
    public func shortReadNext(returning count: Int) {
        state.withLock { $0.shortRead = max(count, 0) }
    }

    /// Clock stretching: every transaction takes this long on the bus's clock; `nil` for none.
    public var clockStretch: Duration? {
        get { state.withLock { $0.clockStretch } }
        set { state.withLock { $0.clockStretch = newValue } }
    }

    /// Clears all injected faults.
    public func clearFaults() {
        state.withLock {
            $0.failNext = []
            $0.stuck = false
            $0.shortRead = nil
            $0.clockStretch = nil
        }
    }

    // MARK: Counters

    /// Transactions attempted, including failed ones.
    public var transactionCount: Int { state.withLock { $0.transactionCount } }
    /// Transactions that threw.
    public var failedTransactionCount: Int { state.withLock { $0.failedCount } }
    /// Transactions attempted at one address.
    public func transactionCount(at address: I2CAddress) -> Int {
        state.withLock { $0.perAddress[address, default: 0] }
    }
    /// The most recent transactions, oldest first (at most ``logLimit``).
    public var log: [Record] { state.withLock { $0.log } }
    /// Zeroes the counters and empties the log.
    public func resetCounters() {
        state.withLock {
            $0.transactionCount = 0
            $0.failedCount = 0
            $0.perAddress = [:]
            $0.log = []
        }
    }

    // MARK: I2CBus

    public func transaction(address: I2CAddress, _ operations: [I2COperation]) async throws -> [[UInt8]] {
        let operation = "i2c transaction @\(address)"
        if operations.isEmpty || operations.contains(where: { if case .read(let n) = $0 { n < 0 } else { false } }) {
            let error = HALError(.invalidArgument, operation: operation,
                                 detail: "empty transaction or negative read count")
            record(address, operations, error)
            throw error
        }
        if let stretch = clockStretch {
            try await clock.sleep(for: stretch, tolerance: nil)
        }
        let result: Result<[[UInt8]], HALError> = state.withLock { state in
            if state.stuck {
                return .failure(HALError(.busError, operation: operation, detail: "simulated stuck bus"))
            }
            if !state.failNext.isEmpty {
                let kind = state.failNext.removeFirst()
                return .failure(HALError(kind, operation: operation, detail: "injected fault"))
            }
            guard let device = state.devices[address] else {
                return .failure(HALError(.addressNACK, operation: operation, detail: "no simulated device"))
            }
            let limit = state.shortRead
            state.shortRead = nil
            do {
                var reads: [[UInt8]] = []
                for segment in operations {
                    switch segment {
                    case .write(let bytes):
                        try device.i2cWrite(bytes)
                    case .read(let count):
                        let bytes = try device.i2cRead(count: count)
                        reads.append(limit.map { Array(bytes.prefix($0)) } ?? bytes)
                    }
                }
                return .success(reads)
            } catch let error as HALError {
                return .failure(error)
            } catch {
                return .failure(HALError(.other, operation: operation, detail: "\(error)"))
            }
        }
        switch result {
        case .success(let reads):
            record(address, operations, nil, replies: reads)
            return reads
        case .failure(let error):
            record(address, operations, error)
            throw error
        }
    }

    private func record(_ address: I2CAddress, _ operations: [I2COperation], _ error: HALError?,
                        replies: [[UInt8]] = []) {
        state.withLock {
            $0.transactionCount += 1
            $0.perAddress[address, default: 0] += 1
            if error != nil { $0.failedCount += 1 }
            $0.log.append(Record(address: address, operations: operations, failure: error?.kind, replies: replies))
            if $0.log.count > logLimit { $0.log.removeFirst($0.log.count - logLimit) }
        }
    }
}

/// `[w(d0) r(1)]`: compact enough for "expected X, got Y" messages.
func describe(_ operations: [I2COperation]) -> String {
    "[" + operations.map { op in
        switch op {
        case .write(let bytes): return "w(" + bytes.map(hexByte).joined(separator: " ") + ")"
        case .read(let count): return "r(\(count))"
        }
    }.joined(separator: " ") + "]"
}

func describe(_ operations: [SPIOperation]) -> String {
    "[" + operations.map { op in
        switch op {
        case .write(let bytes): return "w(" + bytes.map(hexByte).joined(separator: " ") + ")"
        case .read(let count): return "r(\(count))"
        case .transfer(let bytes): return "x(" + bytes.map(hexByte).joined(separator: " ") + ")"
        case .delay(let micros): return "delay(\(micros)us)"
        }
    }.joined(separator: " ") + "]"
}
