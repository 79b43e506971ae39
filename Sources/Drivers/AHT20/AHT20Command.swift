/// Commands and status bits of the Aosong AHT20 (datasheet "AHT20 Product Manuals" v1.1,
/// sections 5.3 "Sending command" and 5.4 "Sensor reading process", table 10 status bits).
///
/// Plain constants so the driver and the model share one spelling; tests restate the
/// datasheet's numbers instead of reading these, so a typo here cannot pass its own test.
public enum AHT20Command {
    /// Trigger measurement: 0xAC followed by the parameters 0x33, 0x00 (5.4 step 2).
    public static let triggerMeasurement: [UInt8] = [0xAC, 0x33, 0x00]
    /// Initialize (load the calibration): 0xBE followed by 0x08, 0x00 (5.4 step 1).
    public static let initialize: [UInt8] = [0xBE, 0x08, 0x00]
    /// Soft reset (5.5): 0xBA, done within 20 ms.
    public static let softReset: [UInt8] = [0xBA]

    /// Status bit 7: busy, a measurement is running.
    public static let statusBusy: UInt8 = 0x80
    /// Status bit 3: calibration enabled (CAL Enable).
    public static let statusCalibrated: UInt8 = 0x08

    /// "Wait 80 ms for the measurement to be completed" (5.4 step 3).
    public static let measurementDuration: Duration = .milliseconds(80)
    /// "Wait 10 ms" after the initialization command (5.4 step 1).
    public static let initializationDuration: Duration = .milliseconds(10)
    /// How long after the trigger the driver keeps reading while the chip says busy: the 80 ms
    /// plus 25 % and 2 ms, as for the other chips.
    public static let readDeadline: Duration = .milliseconds(102)

    /// The only I2C address (7-bit 0x38: 0x70 write, 0x71 read).
    public static let address: UInt8 = 0x38
}
