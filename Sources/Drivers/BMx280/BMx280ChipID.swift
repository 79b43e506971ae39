import HAL

/// The chip identification byte at register 0xD0 of Bosch's environmental sensors, which share
/// the register: a driver that finds another family member names it, so "configured as BME280,
/// found BMP280" is one log line instead of an afternoon with a multimeter.
///
/// Values: BMP180 0x55 (datasheet BST-BMP180-DS000 5.4), BMP280 0x58 and its engineering samples
/// 0x56/0x57 (BST-BMP280-DS001 4.3.1, Bosch BMP2 API), BME280 0x60 (BST-BME280-DS002 5.4.1),
/// BME680 0x61 (BST-BME680-DS001 5.3.4).
public enum BMx280ChipID {
    /// The chips known to answer at 0xD0, by id.
    public static func chipName(_ id: UInt8) -> String? {
        switch id {
        case 0x55: return "BMP180"
        case 0x56, 0x57: return "BMP280 (engineering sample)"
        case 0x58: return "BMP280"
        case 0x60: return "BME280"
        case 0x61: return "BME680"
        default: return nil
        }
    }

    /// Checks the one-byte answer of a chip-id read.
    /// - Parameters:
    ///   - reply: the bytes read from 0xD0.
    ///   - accepted: the ids the driver handles.
    ///   - chip: the driver's chip, for the message ("expected BMP280 ...").
    /// - Throws: ``HALError`` `.badData` naming what was found, e.g.
    ///   `expected chip id 0x60 (BME280), found BMP280 (id 0x58)`.
    public static func check(_ reply: [UInt8], accepted: [UInt8], chip: String, operation: String) throws {
        if let id = reply.first, accepted.contains(id) { return }
        let expected = accepted.map { "0x" + BMx280Register.hex($0) }.joined(separator: "/")
        let found: String
        if let id = reply.first {
            found = chipName(id).map { "found \($0) (id 0x\(BMx280Register.hex(id)))" }
                ?? "got 0x\(BMx280Register.hex(id)), not a Bosch id this build knows"
        } else {
            found = "got nothing"
        }
        throw HALError(.badData, operation: operation, detail: "expected chip id \(expected) (\(chip)), \(found)")
    }
}
