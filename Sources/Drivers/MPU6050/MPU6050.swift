import HAL

/// Driver for the InvenSense MPU-6050 accelerometer and gyroscope on I2C.
///
/// The chip samples continuously once awake and shadows its data registers while the bus is
/// busy (RM 4.18), so one 14-byte burst gives acceleration, temperature and rotation from one
/// sampling instant: one transaction per sample.
public struct MPU6050: Sendable {
    /// The bus the chip is on.
    public let bus: any I2CBus
    /// 0x68 or 0x69.
    public let address: I2CAddress
    /// Accelerometer full scale.
    public let accelRange: MPU6050AccelRange
    /// Gyroscope full scale.
    public let gyroRange: MPU6050GyroRange
    /// The digital low-pass filter.
    public let lowPassFilter: MPU6050LowPassFilter

    private let clock: any Clock<Duration>

    /// Creates a driver; nothing is sent until ``start()`` or ``measure()``.
    /// - Parameter clock: waits for the gyroscope to start; tests inject a `SimulatedClock`.
    public init(bus: any I2CBus, address: I2CAddress, accelRange: MPU6050AccelRange = .g2,
                gyroRange: MPU6050GyroRange = .dps250, lowPassFilter: MPU6050LowPassFilter = .hz260,
                clock: any Clock<Duration> = ContinuousClock()) {
        self.bus = bus
        self.address = address
        self.accelRange = accelRange
        self.gyroRange = gyroRange
        self.lowPassFilter = lowPassFilter
        self.clock = clock
    }

    /// How long after waking the first sample is good: the gyroscope's start-up (30 ms
    /// typical) and the filter's delay, with 10 % because only a typical time is published.
    public var startUpTime: Duration {
        (MPU6050Register.startUpTime + lowPassFilter.accelerometerDelay) * 11 / 10
    }

    /// Checks WHO_AM_I, writes CONFIG, GYRO_CONFIG and ACCEL_CONFIG in one auto-increment write,
    /// wakes the chip on the X-gyro PLL and waits ``startUpTime``. Three transactions.
    /// - Throws: ``HALError`` `.badData` naming the chip found when WHO_AM_I is not 0x68, or
    ///   whatever the bus throws.
    public func start() async throws {
        let identity = try await read(MPU6050Register.whoAmI, count: 1, what: "WHO_AM_I")[0]
        guard identity == MPU6050Register.expectedWhoAmI else {
            let found = MPU6050Register.chipName(identity).map { "found \($0) (0x\(Self.hex(identity)))" }
                ?? "found 0x\(Self.hex(identity)), not an InvenSense id this build knows"
            throw HALError(.badData, operation: operation("check WHO_AM_I"),
                           detail: "expected WHO_AM_I 0x68 (MPU-6000/6050), \(found)")
        }
        // The range registers follow CONFIG, so one write with auto-increment sets all three.
        try await bus.write(address: address, [MPU6050Register.config, lowPassFilter.code,
                                               gyroRange.registerValue, accelRange.registerValue])
        try await bus.write(address: address, [MPU6050Register.powerManagement1, MPU6050Register.powerManagementAwake])
        try await clock.sleep(for: startUpTime, tolerance: nil)
    }

    /// Reads the 14 data registers in one burst and converts them.
    /// - Throws: ``HALError`` `.badData` for a short read or an all-zero block, or whatever the
    ///   bus throws.
    public func measure() async throws -> MPU6050Sample {
        let block = try await read(MPU6050Register.accelXOutHigh, count: MPU6050Register.dataLength, what: "data")
        // After a power cycle or reset the chip is asleep with its data registers at 0 (RM
        // 4.28); awake, gravity and noise never give seven exact zeros. Refusing the block makes
        // the sampler back off and run start() again, which wakes the chip.
        guard block.contains(where: { $0 != 0 }) else {
            throw HALError(.badData, operation: operation("read data"),
                           detail: "all 14 data bytes are 0: the chip is asleep or was reset")
        }
        return MPU6050Sample(try MPU6050RawSample(dataBlock: block), accelRange: accelRange, gyroRange: gyroRange)
    }

    private func read(_ register: UInt8, count: Int, what: String) async throws -> [UInt8] {
        let bytes = try await bus.readRegisters(address: address, register: register, count: count)
        guard bytes.count == count else {
            throw HALError(.badData, operation: operation("read \(what)"), detail: "expected \(count) bytes, got \(bytes.count)")
        }
        return bytes
    }

    private func operation(_ step: String) -> String { "mpu6050 i2c@\(address) \(step)" }

    static func hex(_ byte: UInt8) -> String {
        let text = String(byte, radix: 16, uppercase: true)
        return text.count < 2 ? "0" + text : text
    }
}
