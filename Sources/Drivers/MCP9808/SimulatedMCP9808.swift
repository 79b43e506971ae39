import HAL
import HALSimulation
import Synchronization

/// A behavioural model of a Microchip MCP9808 for ``SimulatedI2CBus``.
///
/// A write sets the register pointer and, for CONFIG (16 bits) and resolution (8 bits), the
/// register; a read returns the pointed register MSB first. T_A holds 0x0000 until the first
/// conversion after power-up or a CONFIG write is done (the resolution's typical t_CONV on the
/// model's clock, at once without one), then the environment quantized to the resolution, as
/// 13-bit two's complement in 1/16 °C, restated from the datasheet (5.1.3) rather than shared
/// with the driver.
public final class SimulatedMCP9808: SimulatedI2CDevice {
    private struct State {
        var temperatureCelsius = 21.5
        var pointer: UInt8 = 0
        var configuration: UInt16 = 0x0000
        var resolution: UInt8 = 0x03
        var firstConversionAt: SimulatedClock.Instant?
        var manufacturerID: UInt16 = 0x0054
        var deviceID: UInt16 = 0x0400
        var writes: [[UInt8]] = []
    }

    private let state: Mutex<State>
    private let clock: SimulatedClock?

    /// Creates a chip just powered up.
    /// - Parameter clock: the virtual time conversions take; `nil` to have one ready at once.
    public init(clock: SimulatedClock? = nil) {
        self.clock = clock
        var initial = State()
        initial.firstConversionAt = clock.map { $0.now.advanced(by: .milliseconds(250)) }
        state = Mutex(initial)
    }

    /// The ambient temperature in °C the chip converts.
    public var temperatureCelsius: Double {
        get { state.withLock { $0.temperatureCelsius } }
        set { state.withLock { $0.temperatureCelsius = newValue } }
    }

    /// The manufacturer id it reports (0x0054), to play another chip.
    public var manufacturerID: UInt16 {
        get { state.withLock { $0.manufacturerID } }
        set { state.withLock { $0.manufacturerID = newValue } }
    }

    /// The device id and revision it reports (0x0400).
    public var deviceID: UInt16 {
        get { state.withLock { $0.deviceID } }
        set { state.withLock { $0.deviceID = newValue } }
    }

    /// The resolution register's value.
    public var resolution: UInt8 { state.withLock { $0.resolution } }
    /// Every write received, oldest first.
    public var writes: [[UInt8]] { state.withLock { $0.writes } }

    public func i2cWrite(_ bytes: [UInt8]) throws {
        state.withLock { state in
            guard let pointer = bytes.first else { return }
            state.writes.append(bytes)
            state.pointer = pointer & 0x0F
            switch (state.pointer, bytes.count) {
            case (0x01, 3):
                state.configuration = UInt16(bytes[1]) << 8 | UInt16(bytes[2])
                state.firstConversionAt = clock.map { $0.now.advanced(by: Self.conversion(state.resolution)) }
            case (0x08, 2):
                state.resolution = bytes[1] & 0x03
            default:
                break
            }
        }
    }

    public func i2cRead(count: Int) throws -> [UInt8] {
        state.withLock { state in
            let bytes: [UInt8]
            switch state.pointer {
            case 0x01: bytes = Self.split(state.configuration)
            case 0x05: bytes = Self.split(Self.ambient(state, now: clock?.now))
            case 0x06: bytes = Self.split(state.manufacturerID)
            case 0x07: bytes = Self.split(state.deviceID)
            case 0x08: bytes = [state.resolution]
            default: bytes = [0x00, 0x00]
            }
            return Array(bytes.prefix(count)) + [UInt8](repeating: 0x00, count: max(0, count - bytes.count))
        }
    }

    private static func split(_ word: UInt16) -> [UInt8] { [UInt8(word >> 8), UInt8(word & 0xFF)] }

    /// Typical t_CONV (table 1-1): 30, 65, 130, 250 ms.
    private static func conversion(_ resolution: UInt8) -> Duration {
        [Duration.milliseconds(30), .milliseconds(65), .milliseconds(130), .milliseconds(250)][Int(resolution & 0x03)]
    }

    private static func ambient(_ state: State, now: SimulatedClock.Instant?) -> UInt16 {
        if state.configuration & 0x0100 == 0, let now, let first = state.firstConversionAt, now < first { return 0 }
        // LSBs below the resolution read 0: 0.5 °C keeps bit 3 and up, 0.0625 °C all four.
        let dropped = 3 - Int(state.resolution & 0x03)
        let sixteenths = Int((state.temperatureCelsius * 16).rounded(.down))
        let quantized = (sixteenths >> dropped) << dropped
        let clamped = max(min(quantized, 4095), -4096)
        return UInt16(bitPattern: Int16(clamped)) & 0x1FFF
    }
}
