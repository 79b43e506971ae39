/// Registers of the Bosch BME680 (datasheet BST-BME680-DS001, section 5.2, table 20: the
/// memory map as seen over I2C; SPI pages are not used).
///
/// Plain constants so the driver and the model share one spelling; tests restate the
/// datasheet's numbers instead of reading these, so a typo here cannot pass its own test.
public enum BME680Register {
    /// chip_id (5.3.4); a BME680 reads ``expectedChipID``.
    public static let chipID: UInt8 = 0xD0
    /// The BME680's chip id.
    public static let expectedChipID: UInt8 = 0x61
    /// meas_status_0, the first register of the field data: new_data_0 bit 7, gas_measuring
    /// bit 6, measuring bit 5, gas_meas_index_0 bits 3:0; press, temp, hum and gas follow.
    public static let fieldData: UInt8 = 0x1D
    /// 0x1D...0x2B: status, gas/measurement index, press (3), temp (3), hum (2), reserved (2),
    /// gas_r (2).
    public static let fieldDataLength = 15
    /// `meas_status_0` bit set once a new measurement is in the data registers.
    public static let newData: UInt8 = 0x80
    /// res_heat_0: the heater set point of profile 0 (5.3.3.3).
    public static let resHeat0: UInt8 = 0x5A
    /// gas_wait_0: the heating duration of profile 0 (5.3.3.4).
    public static let gasWait0: UInt8 = 0x64
    /// ctrl_gas_0: heat_off bit 3.
    public static let ctrlGas0: UInt8 = 0x70
    /// ctrl_gas_1: run_gas bit 4, nb_conv bits 3:0 (the heater profile used).
    public static let ctrlGas1: UInt8 = 0x71
    /// ctrl_hum: osrs_h bits 2:0 (effective with the next ctrl_meas write).
    public static let ctrlHum: UInt8 = 0x72
    /// ctrl_meas: osrs_t 7:5, osrs_p 4:2, mode 1:0 (01 forced).
    public static let ctrlMeas: UInt8 = 0x74
    /// config: filter bits 4:2.
    public static let config: UInt8 = 0x75
    /// First calibration bank: 0x89...0xA1 (par_t2 ... par_p10).
    public static let calibrationBank1: UInt8 = 0x89
    /// Length of bank 1.
    public static let calibrationBank1Length = 25
    /// Second calibration bank: 0xE1...0xF0 (par_h*, par_t1, par_g*).
    public static let calibrationBank2: UInt8 = 0xE1
    /// Length of bank 2.
    public static let calibrationBank2Length = 16
    /// Heater calibration: res_heat_val 0x00, res_heat_range 0x02 bits 5:4, range_sw_err 0x04
    /// bits 7:4.
    public static let heaterCalibration: UInt8 = 0x00
    /// Length of the heater calibration read (0x00...0x04).
    public static let heaterCalibrationLength = 5

    /// ctrl_gas_1 run_gas bit.
    public static let runGas: UInt8 = 0x10
    /// ctrl_gas_0 heat_off bit.
    public static let heatOff: UInt8 = 0x08
    /// gas_r_lsb bit: the gas conversion is valid.
    public static let gasValid: UInt8 = 0x20
    /// gas_r_lsb bit: the heater reached its target temperature.
    public static let heaterStable: UInt8 = 0x10

    /// I2C address with SDO to GND.
    public static let primaryAddress: UInt8 = 0x76
    /// I2C address with SDO to VDDIO.
    public static let secondaryAddress: UInt8 = 0x77
}
