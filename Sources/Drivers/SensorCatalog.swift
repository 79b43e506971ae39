import SensorKit

extension SensorRegistry {
    /// Every sensor kind this build has. Adding a chip: its folder beside this file, and one
    /// line here.
    public static let builtIn = SensorRegistry([
        BME280Kind(),
        SHT3xKind(),
        BH1750Kind(),
        SyntheticKind(),
        IIOKind(),
        HwmonKind(),
        ThermalZoneKind(),
        DS18B20Kind(),
        BoardHealthKind(),
        RegistersKind(),
        BMP280Kind(),
        SHT4xKind(),
        AHT20Kind(),
        HTU21DKind(),
        MCP9808Kind(),
        ADS1115Kind(),
        MCP3008Kind(),
        GPIOInputKind(),
        PulseCounterKind(),
        RelayKind(),
        HCSR04Kind(),
        TMP102Kind(),
        LM75Kind(),
        INA219Kind(),
        INA226Kind(),
        VEML7700Kind(),
        MPU6050Kind(),
        LIS3DHKind(),
        TSL2591Kind(),
        SCD4xKind(),
        BME680Kind(),
    ])
}
