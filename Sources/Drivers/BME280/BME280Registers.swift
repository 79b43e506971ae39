/// Register map of the Bosch BME280 (datasheet BST-BME280-DS002, section 5.3 "Memory map").
///
/// The registers it shares with the BMP280 are ``BMx280Register``'s, named here again so the
/// driver reads as the datasheet does; tests restate the datasheet's numbers instead of reading
/// these, so a typo here cannot pass its own test.
public enum BME280Register {
    /// Chip identification, reads ``BME280Register/expectedChipID``.
    public static let chipID = BMx280Register.chipID
    /// Soft reset: writing ``BME280Register/resetCommand`` resets the device.
    public static let reset = BMx280Register.reset
    /// Humidity oversampling, bits 2:0. Takes effect only after a write to ``ctrlMeas`` (5.4.3).
    public static let ctrlHum: UInt8 = 0xF2
    /// Status: bit 3 `measuring`, bit 0 `im_update`.
    public static let status = BMx280Register.status
    /// Temperature oversampling 7:5, pressure oversampling 4:2, mode 1:0.
    public static let ctrlMeas = BMx280Register.ctrlMeas
    /// Standby time 7:5, IIR filter 4:2, 3-wire SPI enable bit 0.
    public static let config = BMx280Register.config
    /// First data register (`press_msb`); the block 0xF7...0xFE is read in one burst so the
    /// shadowing keeps the three quantities from one measurement.
    public static let data = BMx280Register.data
    /// Length of the data block 0xF7...0xFE.
    public static let dataLength = 8
    /// First calibration bank (`calib00`), 0x88...0xA1: T1...P9, a reserved byte, H1.
    public static let calibrationBank1 = BMx280Register.calibration
    /// Length of the first calibration bank.
    public static let calibrationBank1Length = 26
    /// Second calibration bank (`calib26`), 0xE1...0xE7: H2...H6.
    public static let calibrationBank2: UInt8 = 0xE1
    /// Length of the second calibration bank.
    public static let calibrationBank2Length = 7

    /// The value of ``chipID`` on a BME280 (a BMP280 answers 0x56...0x58, see ``BMx280ChipID``).
    public static let expectedChipID: UInt8 = 0x60
    /// The value that, written to ``reset``, triggers a power-on reset.
    public static let resetCommand = BMx280Register.resetCommand
    /// `status` bit set while a conversion runs.
    public static let statusMeasuring = BMx280Register.statusMeasuring
    /// `status` bit set while the NVM calibration is copied to the image registers.
    public static let statusImageUpdate = BMx280Register.statusImageUpdate
    /// `ctrl_meas` mode bits for forced mode (0b01; 0b10 is the same mode).
    public static let modeForced = BMx280Register.modeForced

    /// Raw ADC value the chip leaves in the temperature and pressure registers when that
    /// measurement was skipped (reset value 0x80000).
    public static let skippedTemperaturePressure = BMx280Register.skippedTemperaturePressure
    /// Raw ADC value left in the humidity registers when humidity was skipped (0x8000).
    public static let skippedHumidity: Int32 = 0x8000

    /// I2C address with SDO tied to GND.
    public static let primaryAddress = BMx280Register.primaryAddress
    /// I2C address with SDO tied to VDDIO.
    public static let secondaryAddress = BMx280Register.secondaryAddress
}
