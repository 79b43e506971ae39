import HAL
import HALSimulation
import SimulatedBoard
import Synchronization

/// A behavioural model of a Microchip MCP3008 behind its own chip select, speaking the chip's
/// bit-serial framing (datasheet 5.0, Figures 5-1 and 6-1) rather than a register protocol.
///
/// Within one chip-select frame the MOSI bits are taken MSB first across every segment: leading
/// zeros until the start bit, then SGL/DIFF, D2, D1, D0. MISO is high impedance (read as 1 here,
/// a pull-up: the worst case for a driver that does not mask) until the sample clock after D0,
/// then the null bit 0, B9...B0, then B1...B9 again (the LSB-first tail), then zeros. A frame
/// without a start bit converts nothing. Each frame is a fresh conversion.
///
/// The code is worked out here (floor(1024 × VIN / VREF), clamped to 0...1023; a negative
/// differential input reads 0) rather than shared with the driver.
public final class SimulatedMCP3008: SPIDevice {
    private struct State {
        var inputVolts: [Double] = [1.65, 0.5, 0.25, 0, 0, 0, 0, 0]
        var referenceVolts = 3.3
        var failNext: [HALError.Kind] = []
        var transactionCount = 0
        var conversionCount = 0
        var absent = false
    }

    /// Mode, speed and word size, as the board set them up.
    public let configuration: SPIConfiguration
    private let state = Mutex(State())

    /// Creates a chip with VREF 3.3 V.
    public init(configuration: SPIConfiguration = SPIConfiguration()) {
        self.configuration = configuration
    }

    /// The voltages at CH0...CH7 against VSS.
    public var inputVolts: [Double] {
        get { state.withLock { $0.inputVolts } }
        set { state.withLock { $0.inputVolts = Array((newValue + Array(repeating: 0, count: 8)).prefix(8)) } }
    }

    /// The voltage on VREF.
    public var referenceVolts: Double {
        get { state.withLock { $0.referenceVolts } }
        set { state.withLock { $0.referenceVolts = newValue } }
    }

    /// No chip on the wire: MISO floats high, every bit reads 1.
    public var absent: Bool {
        get { state.withLock { $0.absent } }
        set { state.withLock { $0.absent = newValue } }
    }

    /// Makes each of the next `count` transactions fail with `kind`.
    public func failNext(_ count: Int, with kind: HALError.Kind) {
        state.withLock { $0.failNext += Array(repeating: kind, count: max(count, 0)) }
    }

    /// Transactions attempted, including failed ones.
    public var transactionCount: Int { state.withLock { $0.transactionCount } }
    /// Conversions the chip ran (frames with a start bit).
    public var conversionCount: Int { state.withLock { $0.conversionCount } }

    /// What the simulated board's inputs carry: CH0 a soil probe following humidity
    /// (2.8 V dry ... 1.2 V wet), CH1 a TMP36 (0.5 V + 10 mV/°C), CH2 a light-dependent divider,
    /// CH3 half the reference.
    public static func weatherVolts(_ weather: SimulatedWeather) -> [Double] {
        [2.8 - 1.6 * weather.humidityPercent / 100, 0.5 + weather.temperatureCelsius / 100,
         3.3 * weather.illuminanceLux / (weather.illuminanceLux + 1000), 1.65]
    }

    public func transaction(_ operations: [SPIOperation]) async throws -> [[UInt8]] {
        let snapshot = try state.withLock { state -> State in
            state.transactionCount += 1
            if !state.failNext.isEmpty {
                throw HALError(state.failNext.removeFirst(), operation: "spi transaction", detail: "injected fault")
            }
            return state
        }
        var frame = Frame(inputs: snapshot.inputVolts, reference: snapshot.referenceVolts, absent: snapshot.absent)
        var replies: [[UInt8]] = []
        for operation in operations {
            switch operation {
            case .write(let bytes):
                for byte in bytes { _ = frame.clock(byte) }
            case .read(let count):
                replies.append((0..<max(count, 0)).map { _ in frame.clock(0x00) })
            case .transfer(let bytes):
                replies.append(bytes.map { frame.clock($0) })
            case .delay:
                break
            }
        }
        if frame.converted { state.withLock { $0.conversionCount += 1 } }
        return replies
    }

    /// One chip-select frame, bit by bit.
    private struct Frame {
        let inputs: [Double]
        let reference: Double
        let absent: Bool
        /// Bits since the start bit (nil: not seen yet).
        var sinceStart: Int?
        var configuration: [Bool] = []
        var code: UInt16 = 0
        var converted = false

        mutating func clock(_ mosi: UInt8) -> UInt8 {
            var miso: UInt8 = 0
            for bit in (0..<8).reversed() {
                let inBit = mosi >> UInt8(bit) & 1 == 1
                miso = miso << 1 | (absent ? 1 : outBit(taking: inBit))
            }
            return miso
        }

        /// The MISO bit driven during the clock that carries `inBit` on MOSI.
        mutating func outBit(taking inBit: Bool) -> UInt8 {
            guard let index = sinceStart else {
                if inBit { sinceStart = 0 }
                return 1
            }
            let position = index + 1
            sinceStart = position
            switch position {
            case 1...4:
                configuration.append(inBit)
                if position == 4 { convert() }
                return 1
            case 5: return 1                                    // sample period: still high impedance
            case 6: return 0                                    // null bit
            case 7...16: return UInt8(code >> UInt16(16 - position) & 1)       // B9 ... B0
            case 17...25: return UInt8(code >> UInt16(position - 16) & 1)      // B1 ... B9
            default: return 0
            }
        }

        mutating func convert() {
            converted = true
            let select = (configuration[1] ? 4 : 0) + (configuration[2] ? 2 : 0) + (configuration[3] ? 1 : 0)
            let volts: Double
            if configuration[0] {
                volts = inputs[select]
            } else {
                let even = select & ~1
                let (positive, negative) = select & 1 == 0 ? (even, even + 1) : (even + 1, even)
                volts = inputs[positive] - inputs[negative]
            }
            let exact = (1024 * volts / reference).rounded(.down)
            code = exact.isFinite ? UInt16(min(max(exact, 0), 1023)) : 0
        }
    }
}
