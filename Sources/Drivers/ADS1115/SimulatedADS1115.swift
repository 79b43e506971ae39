import HAL
import HALSimulation
import SimulatedBoard
import Synchronization

/// A behavioural model of a TI ADS1115 for ``SimulatedI2CBus``.
///
/// A write's first byte sets the address pointer; two more bytes write the pointed register,
/// MSB first (datasheet 8.5.3). A config write with OS = 1 and MODE = 1 starts one single-shot
/// conversion of the selected inputs at the selected range; while it runs the config reads
/// OS = 0, then the conversion register holds the new code. A read returns the pointed
/// register, MSB first. Continuous mode and the comparator are not modelled.
///
/// The code is worked out here (round(V / (FSR / 2^15)), clamped to -32768...32767) rather
/// than shared with the driver, so the two cannot share a bug.
///
/// Timing: with a `clock`, a conversion is done ``conversionDuration`` (by default one nominal
/// period, 1 / DR) after it starts; without one, at once.
public final class SimulatedADS1115: SimulatedI2CDevice {
    private struct Pending {
        var code: UInt16
        var readyAt: SimulatedClock.Instant?
    }

    private struct State {
        var inputVolts: [Double] = [1.0, 0.5, 0.25, 0.0]
        var pointer: UInt8 = 0
        var config: UInt16 = 0x8583
        var conversion: UInt16 = 0
        var lowThreshold: UInt16 = 0x8000
        var highThreshold: UInt16 = 0x7FFF
        var pending: Pending?
        var conversionDuration: Duration?
        var neverFinishes = false
        var conversionCount = 0
    }

    private let state = Mutex(State())
    private let clock: SimulatedClock?

    /// Creates a chip in its reset state: config 0x8583, conversion 0.
    /// - Parameter clock: the virtual time conversions take; `nil` to finish them at once.
    public init(clock: SimulatedClock? = nil) {
        self.clock = clock
    }

    /// The voltages at AIN0...AIN3 against GND.
    public var inputVolts: [Double] {
        get { state.withLock { $0.inputVolts } }
        set { state.withLock { $0.inputVolts = Array((newValue + [0, 0, 0, 0]).prefix(4)) } }
    }

    /// How long a conversion takes on the model's clock; `nil` for the nominal 1 / DR.
    public var conversionDuration: Duration? {
        get { state.withLock { $0.conversionDuration } }
        set { state.withLock { $0.conversionDuration = newValue } }
    }

    /// A chip whose conversions never finish: OS stays 0.
    public var neverFinishes: Bool {
        get { state.withLock { $0.neverFinishes } }
        set { state.withLock { $0.neverFinishes = newValue } }
    }

    /// Conversions started.
    public var conversionCount: Int { state.withLock { $0.conversionCount } }

    /// The config register as last written (OS as written, not as read).
    public var config: UInt16 { state.withLock { $0.config } }

    /// A power cycle of the chip alone: every register back to its reset value.
    public func powerCycle() {
        state.withLock { state in
            let volts = state.inputVolts
            state = State()
            state.inputVolts = volts
        }
    }

    /// What the simulated board's four inputs carry: AIN0 a soil-moisture probe (wetter is
    /// lower, 2.8 V dry ... 1.2 V wet, following humidity), AIN1 an LM35 (10 mV/°C), AIN2 a
    /// light-dependent divider, AIN3 a 4-20 mA loop at 12 mA through 150 Ω (1.8 V).
    public static func weatherVolts(_ weather: SimulatedWeather) -> [Double] {
        [2.8 - 1.6 * weather.humidityPercent / 100, weather.temperatureCelsius / 100,
         3.3 * weather.illuminanceLux / (weather.illuminanceLux + 1000), 0.012 * 150]
    }

    public func i2cWrite(_ bytes: [UInt8]) throws {
        let now = clock?.now
        try state.withLock { state in
            Self.settle(&state, now: now)
            guard let pointer = bytes.first, pointer <= 0x03, bytes.count == 1 || bytes.count == 3 else {
                throw HALError(.dataNACK, operation: "simulated ads1115 write",
                               detail: "expected a pointer byte 0...3 and optionally two data bytes, got \(bytes)")
            }
            state.pointer = pointer
            guard bytes.count == 3 else { return }
            let value = UInt16(bytes[1]) << 8 | UInt16(bytes[2])
            switch pointer {
            case 0x00:
                throw HALError(.dataNACK, operation: "simulated ads1115 write", detail: "the conversion register is read-only")
            case 0x01:
                state.config = value
                let singleShot = value & 0x0100 != 0
                if singleShot, value & 0x8000 != 0, state.pending == nil { Self.start(&state, now: now) }
            case 0x02: state.lowThreshold = value
            default: state.highThreshold = value
            }
        }
    }

    public func i2cRead(count: Int) throws -> [UInt8] {
        let now = clock?.now
        return state.withLock { state in
            Self.settle(&state, now: now)
            let word: UInt16
            switch state.pointer {
            case 0x00: word = state.conversion
            case 0x01: word = (state.config & 0x7FFF) | (state.pending == nil ? 0x8000 : 0)
            case 0x02: word = state.lowThreshold
            default: word = state.highThreshold
            }
            let bytes = [UInt8(word >> 8), UInt8(word & 0xFF)]
            return Array(bytes.prefix(count)) + [UInt8](repeating: 0xFF, count: max(0, count - 2))
        }
    }

    private static func start(_ state: inout State, now: SimulatedClock.Instant?) {
        state.conversionCount += 1
        let mux = Int(state.config >> 12 & 0x7)
        let muxPins: [(Int, Int?)] = [(0, 1), (0, 3), (1, 3), (2, 3), (0, nil), (1, nil), (2, nil), (3, nil)]
        let pins = muxPins[mux]
        let volts = state.inputVolts[pins.0] - (pins.1.map { state.inputVolts[$0] } ?? 0)
        let fullScale = [6.144, 4.096, 2.048, 1.024, 0.512, 0.256, 0.256, 0.256][Int(state.config >> 9 & 0x7)]
        let exact = (volts / (fullScale / 32_768)).rounded()
        let clamped = exact.isFinite ? min(max(exact, -32_768), 32_767) : 0
        let code = UInt16(bitPattern: Int16(clamped))
        let rate = [8, 16, 32, 64, 128, 250, 475, 860][Int(state.config >> 5 & 0x7)]
        let period = state.conversionDuration ?? .nanoseconds(1_000_000_000 / Int64(rate))
        state.pending = Pending(code: code, readyAt: now.map { $0.advanced(by: period) })
        settle(&state, now: now)
    }

    private static func settle(_ state: inout State, now: SimulatedClock.Instant?) {
        guard let pending = state.pending, !state.neverFinishes else { return }
        if let readyAt = pending.readyAt, let now, now < readyAt { return }
        state.conversion = pending.code
        state.pending = nil
    }
}
