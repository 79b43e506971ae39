import Configuration
import Pipeline

extension RegisterSensorDescription: SensorOptions {}

/// Reads a `type: registers` sensor's options into a ``RegisterSensorDescription``, each error
/// at the file, line and key of the value at fault.
///
/// ```yaml
/// chip: ST LPS22HB
/// byte_order: little
/// identity: { register: 0x0F, value: 0xB1 }
/// trigger: { register: 0x11, bytes: [0x11], delay: 50ms }
/// fields:
///   pressure: { register: 0x28, length: 3, signed: true, scale: 0.0244140625, unit: Pa }
///   temperature: { register: 0x2B, length: 2, signed: true, scale: 0.01, unit: Cel }
/// ```
enum RegistersOptionsDecoder {
    static let topKeys = ["chip", "byte_order", "auto_increment", "identity", "trigger", "fields"]
    static let fieldKeys = ["register", "length", "byte_order", "shift", "mask", "signed", "scale", "offset", "unit", "range"]
    static let identityKeys = ["register", "length", "byte_order", "value", "mask"]
    static let triggerKeys = ["register", "bytes", "delay"]
    /// The longest conversion wait a description may ask for.
    static let longestDelay = Duration.seconds(10)

    static func decode(_ entries: [ConfigValue]) throws(ConfigurationError) -> RegisterSensorDescription {
        var description = RegisterSensorDescription(fields: [])
        var byteOrder = RegisterSensorDescription.ByteOrder.big
        // Fields and the id whose order the file did not give take the sensor's, which may come
        // after them in the file.
        var fieldOrderGiven: [Bool] = []
        var identityOrderGiven = false
        for entry in entries {
            switch entry.key {
            case "chip":
                description.chip = try entry.string()
            case "byte_order":
                byteOrder = try self.byteOrder(entry)
            case "auto_increment":
                description.autoIncrement = try entry.boolean()
            case "identity":
                (description.identity, identityOrderGiven) = try identity(entry)
            case "trigger":
                description.trigger = try trigger(entry)
            default:  // fields
                let values = try entry.entries()
                guard !values.isEmpty else { throw entry.error("expected at least one field") }
                for value in values {
                    let (field, given) = try self.field(value)
                    description.fields.append(field)
                    fieldOrderGiven.append(given)
                }
            }
        }
        for index in description.fields.indices where !fieldOrderGiven[index] {
            description.fields[index].byteOrder = byteOrder
        }
        if !identityOrderGiven { description.identity?.byteOrder = byteOrder }
        return description
    }

    private static func byteOrder(_ value: ConfigValue) throws(ConfigurationError) -> RegisterSensorDescription.ByteOrder {
        RegisterSensorDescription.ByteOrder(rawValue: try value.choice(RegisterSensorDescription.ByteOrder.allCases.map(\.rawValue))) ?? .big
    }

    private static func register(_ value: ConfigValue) throws(ConfigurationError) -> UInt8 {
        UInt8(try value.integer(in: 0...0xFF))
    }

    /// One entry of `fields`: the key is the quantity.
    private static func field(_ entry: ConfigValue) throws(ConfigurationError) -> (RegisterSensorDescription.Field, Bool) {
        guard isQuantityName(entry.key) else {
            throw entry.error("a quantity name is 1-64 of a-z, 0-9 and _, starting with a letter")
        }
        var register: UInt8?
        var unit: SenMLUnit?
        var field = RegisterSensorDescription.Field(quantity: entry.key, register: 0, length: 1, unit: .celsius)
        var orderGiven = false
        var maskValue: ConfigValue?
        var shiftValue: ConfigValue?
        for value in try entry.entries(allowed: fieldKeys) {
            switch value.key {
            case "register": register = try self.register(value)
            case "length": field.length = try value.integer(in: 1...4)
            case "byte_order":
                field.byteOrder = try byteOrder(value)
                orderGiven = true
            case "shift":
                field.shift = try value.integer(in: 0...31)
                shiftValue = value
            case "mask":
                let mask = try value.integer(in: 1...0xFFFF_FFFF)
                guard mask & (mask + 1) == 0 else {
                    throw value.error("a mask is a run of ones from bit 0 (0x7ff for 11 bits); use shift for the low end")
                }
                field.mask = UInt32(mask)
                maskValue = value
            case "signed": field.signed = try value.boolean()
            case "scale":
                field.scale = try value.number()
                guard field.scale != 0 else { throw value.error("a scale of 0 makes every reading the offset") }
            case "offset": field.offset = try value.number()
            case "unit":
                let symbol = try value.string()
                guard SenMLUnitRegistry.primaryUnits.contains(symbol) else {
                    let hint = SenMLUnitRegistry.secondaryUnits[symbol].map {
                        "; '\(symbol)' is a secondary unit: report '\($0.root)' and fold the factor into scale"
                    } ?? ""
                    throw value.error("'\(symbol)' is not a primary SenML unit (RFC 8428, RFC 8798)\(hint)")
                }
                unit = SenMLUnit(rawValue: symbol)
            default:  // range
                let bounds = try value.items()
                guard bounds.count == 2 else { throw value.error("expected [lowest, highest]") }
                let low = try bounds[0].number(), high = try bounds[1].number()
                guard low <= high else { throw value.error("the lowest value is above the highest") }
                field.validRange = low...high
            }
        }
        guard let register else { throw entry.error("missing required key 'register'") }
        guard let unit else { throw entry.error("missing required key 'unit'") }
        field.register = register
        field.unit = unit
        guard Int(register) + field.length <= 256 else {
            throw entry.error("register \(hex(UInt32(register), bytes: 1)) + length \(field.length) runs past 0xff")
        }
        let bits = field.length * 8
        if let shiftValue, field.shift >= bits {
            throw shiftValue.error("shift \(field.shift) leaves no bits of a \(field.length)-byte value")
        }
        if let maskValue, field.bitWidth + field.shift > bits {
            throw maskValue.error("mask and shift reach past the \(bits) bits of a \(field.length)-byte value")
        }
        return (field, orderGiven)
    }

    private static func identity(_ entry: ConfigValue) throws(ConfigurationError) -> (RegisterSensorDescription.IdentityCheck, Bool) {
        var register: UInt8?
        var expected: (Int, ConfigValue)?
        var check = RegisterSensorDescription.IdentityCheck(register: 0, expected: 0)
        var orderGiven = false
        for value in try entry.entries(allowed: identityKeys) {
            switch value.key {
            case "register": register = try self.register(value)
            case "length": check.length = try value.integer(in: 1...4)
            case "byte_order":
                check.byteOrder = try byteOrder(value)
                orderGiven = true
            case "value": expected = (try value.integer(in: 0...0xFFFF_FFFF), value)
            default: check.mask = UInt32(try value.integer(in: 1...0xFFFF_FFFF))
            }
        }
        guard let register else { throw entry.error("missing required key 'register'") }
        guard let (number, value) = expected else { throw entry.error("missing required key 'value'") }
        guard check.length == 4 || number < 1 << (8 * check.length) else {
            throw value.error("\(hex(UInt32(number), bytes: check.length)) does not fit in \(check.length) byte(s); set length")
        }
        guard Int(register) + check.length <= 256 else { throw entry.error("the id runs past register 0xff") }
        check.register = register
        check.expected = UInt32(number)
        return (check, orderGiven)
    }

    private static func trigger(_ entry: ConfigValue) throws(ConfigurationError) -> RegisterSensorDescription.Trigger {
        var register: UInt8?
        var bytes: [UInt8]?
        var delay = Duration.zero
        for value in try entry.entries(allowed: triggerKeys) {
            switch value.key {
            case "register": register = try self.register(value)
            case "bytes":
                var written: [UInt8] = []
                for item in try value.items() { written.append(UInt8(try item.integer(in: 0...0xFF))) }
                guard !written.isEmpty, written.count <= 32 else { throw value.error("expected 1 to 32 bytes") }
                bytes = written
            default: delay = try value.duration(in: .milliseconds(1)...longestDelay)  // no delay: leave the key out
            }
        }
        guard let register else { throw entry.error("missing required key 'register'") }
        guard let bytes else { throw entry.error("missing required key 'bytes'") }
        return RegisterSensorDescription.Trigger(register: register, bytes: bytes, delay: delay)
    }

    static func isQuantityName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first), name.unicodeScalars.count <= 64 else {
            return false
        }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}
