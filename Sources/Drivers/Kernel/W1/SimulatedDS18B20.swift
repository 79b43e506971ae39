import HALSimulation
import Synchronization

/// A model of a DS18B20 under the kernel's `w1_therm` on the simulated board: `w1_slave` with
/// the scratchpad (12-bit resolution, TH 75 °C, TL 70 °C, the reserved bytes a genuine chip
/// shows) and its CRC as the kernel prints it, and the newer `temperature` file.
public final class SimulatedDS18B20: Sendable {
    /// The 1-Wire id, e.g. `28-00000a1b2c3d`.
    public let id: String
    private let state = Mutex(21.5)

    /// Creates a sensor.
    public init(id: String) { self.id = id }

    /// What the next conversion measures, °C.
    public var temperatureCelsius: Double {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }

    /// The scratchpad for the current temperature: the register in 1/16 °C, two's complement.
    public var scratchpad: [UInt8] {
        let register = UInt16(bitPattern: Int16((temperatureCelsius * 16).rounded()))
        let bytes: [UInt8] = [UInt8(register & 0xFF), UInt8(register >> 8), 0x4B, 0x46, 0x7F, 0xFF, 0x0C, 0x10]
        return bytes + [MaximCRC8.checksum(bytes)]
    }

    /// What the kernel prints in `w1_slave`.
    public var w1Slave: String {
        let bytes = scratchpad
        let hex = bytes.map { DS18B20Scratchpad.hex($0) }.joined(separator: " ")
        let register = Int16(bitPattern: UInt16(bytes[1]) << 8 | UInt16(bytes[0]))
        return "\(hex) : crc=\(DS18B20Scratchpad.hex(bytes[8])) YES\n\(hex) t=\(Int(register) * 1000 / 16)\n"
    }

    /// Puts the sensor's directory under `/sys/bus/w1/devices`.
    public func install(in files: SimulatedSystemFiles) {
        let directory = "/sys/bus/w1/devices/\(id)"
        files.set("\(directory)/name", id + "\n")
        files.set("\(directory)/w1_slave") { [self] in w1Slave }
        files.set("\(directory)/temperature") { [self] in
            let bytes = scratchpad
            return "\(Int(Int16(bitPattern: UInt16(bytes[1]) << 8 | UInt16(bytes[0]))) * 1000 / 16)\n"
        }
    }
}
