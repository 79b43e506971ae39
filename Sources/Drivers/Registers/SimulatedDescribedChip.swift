import HALSimulation
import SimulatedBoard

/// A register map that holds what a ``RegisterSensorDescription`` reads: the expected id, and
/// each field encoded from the simulated weather when its quantity is one the weather has
/// (temperature, pressure, humidity, illuminance), else the middle of its range or 0.
///
/// The encoding is the description's conversion run backwards, so it shows a configuration
/// working end to end on a laptop; it checks nothing about a real chip (the datasheet tests do).
final class SimulatedDescribedChip: Sendable {
    let description: RegisterSensorDescription
    let device: SimulatedRegisterDevice

    init(_ description: RegisterSensorDescription) {
        self.description = description
        var registers = RegisterFile()
        if let identity = description.identity {
            registers.load(Self.bytes(identity.expected, length: identity.length, order: identity.byteOrder),
                           at: identity.register)
        }
        device = SimulatedRegisterDevice(registers: registers)
    }

    /// Puts each field's value for `weather` into the registers.
    func show(_ weather: SimulatedWeather) {
        device.withRegisters { registers in
            for field in description.fields {
                let value: Double
                switch field.quantity {
                case "temperature": value = weather.temperatureCelsius
                case "pressure": value = weather.pressurePascal
                case "humidity": value = weather.humidityPercent
                case "illuminance": value = weather.illuminanceLux
                default: value = field.validRange.map { ($0.lowerBound + $0.upperBound) / 2 } ?? field.offset
                }
                let current = registers.peek(field.register, count: field.length)
                registers.load(Self.encode(value, into: current, field: field), at: field.register)
            }
        }
    }

    /// `value` as the field's bits within `current`, the other bits kept.
    static func encode(_ value: Double, into current: [UInt8], field: RegisterSensorDescription.Field) -> [UInt8] {
        let width = field.bitWidth
        guard width > 0 else { return current }
        let exact = ((value - field.offset) / field.scale).rounded()
        let low = field.signed ? -Double(Int64(1) << Int64(width - 1)) : 0
        let high = field.signed ? Double(Int64(1) << Int64(width - 1)) - 1 : Double((Int64(1) << Int64(width)) - 1)
        let count = exact.isFinite ? Int64(min(max(exact, low), high)) : 0
        let fieldMask = UInt32(truncatingIfNeeded: (Int64(1) << Int64(width)) - 1)
        let bits = UInt32(truncatingIfNeeded: count) & fieldMask
        let whole = (field.byteOrder.integer(current) & ~(fieldMask << UInt32(field.shift))) | bits << UInt32(field.shift)
        return bytes(whole, length: field.length, order: field.byteOrder)
    }

    static func bytes(_ value: UInt32, length: Int, order: RegisterSensorDescription.ByteOrder) -> [UInt8] {
        let big = (0..<length).map { UInt8(truncatingIfNeeded: value >> UInt32(8 * (length - 1 - $0))) }
        return order == .big ? big : big.reversed()
    }
}

/// A register model addressed by the low seven bits of the register number, for SPI chips
/// whose map is 0x00...0x7F and whose control byte's bit 7 only means "read".
struct SevenBitRegisterWindow: SimulatedRegisterModel {
    let base: any SimulatedRegisterModel

    init(_ base: any SimulatedRegisterModel) { self.base = base }

    func readRegister(_ register: UInt8) -> UInt8 { base.readRegister(register & 0x7F) }
    func writeRegister(_ register: UInt8, value: UInt8) { base.writeRegister(register & 0x7F, value: value) }
}
