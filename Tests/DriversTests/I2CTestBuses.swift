import HAL
import HALSimulation
import Synchronization

/// Forwards every transaction to a ``SimulatedI2CBus`` and, just before transaction number
/// `failing` (0-based), arms the bus's own `failNext(1, with:)`: the first `failing`
/// transactions succeed, exactly that one fails, the rest succeed again. A fault sweep runs one
/// sample once per transaction index.
final class FailOneTransactionBus: I2CBus {
    let bus: SimulatedI2CBus
    let failing: Int
    let kind: HALError.Kind
    private let count = Mutex(0)

    init(_ bus: SimulatedI2CBus, failing: Int, with kind: HALError.Kind) {
        self.bus = bus
        self.failing = failing
        self.kind = kind
    }

    func transaction(address: I2CAddress, _ operations: [I2COperation]) async throws -> [[UInt8]] {
        let index = count.withLock { count in
            defer { count += 1 }
            return count
        }
        if index == failing { bus.failNext(1, with: kind) }
        return try await bus.transaction(address: address, operations)
    }
}

/// Forwards to `base` and notes the virtual time of each transaction, so a test can check that
/// a driver waited the datasheet's time between a command and its read.
final class TimestampingI2CBus: I2CBus {
    let base: any I2CBus
    let clock: SimulatedClock
    private let stamps = Mutex<[Duration]>([])

    init(_ base: any I2CBus, clock: SimulatedClock) {
        self.base = base
        self.clock = clock
    }

    /// The virtual time at the start of each transaction, oldest first.
    var times: [Duration] { stamps.withLock { $0 } }

    func transaction(address: I2CAddress, _ operations: [I2COperation]) async throws -> [[UInt8]] {
        let now = clock.elapsed
        stamps.withLock { $0.append(now) }
        return try await base.transaction(address: address, operations)
    }
}

/// Fails exactly SPI transaction number `failing` (0-based; nil: none) with `kind`, forwarding
/// the rest, and records every frame's operations, so a test can state the wire.
final class FailOneSPITransaction: SPIDevice {
    let base: any SPIDevice
    let failing: Int?
    let kind: HALError.Kind
    private let frames = Mutex<[[SPIOperation]]>([])

    init(_ base: any SPIDevice, failing: Int? = nil, with kind: HALError.Kind = .busError) {
        self.base = base
        self.failing = failing
        self.kind = kind
    }

    var configuration: SPIConfiguration { base.configuration }

    /// Every frame sent (the failed one included), oldest first.
    var log: [[SPIOperation]] { frames.withLock { $0 } }

    func resetLog() { frames.withLock { $0.removeAll() } }

    func transaction(_ operations: [SPIOperation]) async throws -> [[UInt8]] {
        let index = frames.withLock { frames in
            defer { frames.append(operations) }
            return frames.count
        }
        if index == failing { throw HALError(kind, operation: "spi transaction", detail: "injected fault") }
        return try await base.transaction(operations)
    }
}
