/// The registers the BMP280 and the BME280 share (BST-BMP280-DS001 4.3, BST-BME280-DS002 5.3):
/// the same addresses and bit layouts; the BME280 adds ctrl_hum (0xF2), the humidity data
/// (0xFD/0xFE) and a second calibration bank (0xE1...0xE7).
///
/// Plain constants so the drivers and transports share one spelling; tests restate the
/// datasheets' numbers instead of reading these, so a typo here cannot pass its own test.
public enum BMx280Register {
    /// Chip identification (see ``BMx280ChipID``).
    public static let chipID: UInt8 = 0xD0
    /// Soft reset: writing ``resetCommand`` resets the device.
    public static let reset: UInt8 = 0xE0
    /// Status: bit 3 `measuring`, bit 0 `im_update`.
    public static let status: UInt8 = 0xF3
    /// Temperature oversampling 7:5, pressure oversampling 4:2, mode 1:0.
    public static let ctrlMeas: UInt8 = 0xF4
    /// Standby time 7:5, IIR filter 4:2, 3-wire SPI enable bit 0.
    public static let config: UInt8 = 0xF5
    /// First data register (`press_msb`): pressure 0xF7...0xF9, temperature 0xFA...0xFC.
    public static let data: UInt8 = 0xF7
    /// First calibration register (`calib00`): dig_T1...dig_P9 at 0x88...0x9F.
    public static let calibration: UInt8 = 0x88
    /// Length of dig_T1...dig_P9, twelve little-endian shorts.
    public static let temperaturePressureCalibrationLength = 24

    /// The value that, written to ``reset``, triggers a power-on reset.
    public static let resetCommand: UInt8 = 0xB6
    /// `status` bit set while a conversion runs.
    public static let statusMeasuring: UInt8 = 0x08
    /// `status` bit set while the NVM calibration is copied to the image registers.
    public static let statusImageUpdate: UInt8 = 0x01
    /// `ctrl_meas` mode bits for forced mode (0b01; 0b10 is the same mode).
    public static let modeForced: UInt8 = 0x01
    /// Raw ADC value left in the temperature and pressure registers when that measurement was
    /// skipped (reset value 0x80000).
    public static let skippedTemperaturePressure: Int32 = 0x80000

    /// I2C address with SDO tied to GND.
    public static let primaryAddress: UInt8 = 0x76
    /// I2C address with SDO tied to VDDIO.
    public static let secondaryAddress: UInt8 = 0x77

    /// `0x5A`-style text for error details; namespaced because Drivers hosts many chips.
    static func hex(_ byte: UInt8) -> String {
        let text = String(byte, radix: 16, uppercase: true)
        return text.count < 2 ? "0" + text : text
    }

    /// The 20-bit ADC value packed as msb, lsb, xlsb[7:4] at `index` (pressure and temperature).
    static func twentyBit(_ bytes: [UInt8], at index: Int) -> Int32 {
        (Int32(bytes[index]) << 12) | (Int32(bytes[index + 1]) << 4) | (Int32(bytes[index + 2]) >> 4)
    }
}
