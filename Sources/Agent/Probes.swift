import Drivers
import HAL
import Pipeline

/// The hand-held checks behind `sensorgw probe`.
public enum Probes {
    /// Read-probes every non-reserved address of an I2C bus, like `i2cdetect -r`.
    public static func scanI2C(board: any Board, bus: Int) async throws -> [I2CAddress] {
        try await board.i2cBus(bus).scan()
    }

    /// Where a BME280 sits.
    public enum BME280Location: Sendable {
        /// On an I2C bus at an address.
        case i2c(bus: Int, address: I2CAddress)
        /// On an SPI device.
        case spi(path: String)
    }

    /// Reads one sample from a BME280 and returns it as readings.
    public static func readBME280(board: any Board, at location: BME280Location, sensorID: String = "probe") async throws -> [Reading] {
        let driver: BME280
        switch location {
        case .i2c(let bus, let address):
            driver = BME280(bus: try await board.i2cBus(bus), address: address)
        case .spi(let path):
            driver = BME280(spi: try await board.spiDevice(path, configuration: SPIConfiguration(mode: .mode0, speedHz: 1_000_000)))
        }
        try await driver.start()
        return try await driver.measure().readings(sensorID: sensorID, at: SystemClock.now())
    }
}

/// Renders scan results as `i2cdetect` does: one row per 16 addresses, `--` for silence,
/// blanks for the reserved addresses that are never probed.
public enum ScanGrid {
    /// The grid text, ending in a newline.
    public static func render(_ found: [I2CAddress]) -> String {
        let present = Set(found.map(\.rawValue))
        var text = "    " + (0..<16).map { " " + String($0, radix: 16) + " " }.joined().dropLast() + "\n"
        for row in stride(from: 0, to: 0x80, by: 0x10) {
            text += hex2(UInt8(row)) + ":"
            for column in 0..<16 {
                let address = UInt8(row + column)
                if !I2CAddress.scannable.contains(address) {
                    text += "   "
                } else if present.contains(address) {
                    text += " " + hex2(address)
                } else {
                    text += " --"
                }
            }
            text += "\n"
        }
        return text
    }

    private static func hex2(_ value: UInt8) -> String {
        let digits = String(value, radix: 16)
        return digits.count < 2 ? "0" + digits : digits
    }
}
