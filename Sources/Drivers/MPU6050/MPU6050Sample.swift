import HAL

/// The seven signed words of one MPU6050 data burst (ACCEL_XOUT_H 0x3B ... GYRO_ZOUT_L 0x48).
public struct MPU6050RawSample: Sendable, Hashable {
    /// Accelerometer x, y, z counts.
    public var accel: (x: Int16, y: Int16, z: Int16)
    /// TEMP_OUT.
    public var temperature: Int16
    /// Gyroscope x, y, z counts.
    public var gyro: (x: Int16, y: Int16, z: Int16)

    /// Creates a raw sample from known counts.
    public init(accel: (x: Int16, y: Int16, z: Int16), temperature: Int16, gyro: (x: Int16, y: Int16, z: Int16)) {
        self.accel = accel
        self.temperature = temperature
        self.gyro = gyro
    }

    /// Unpacks the 14-byte block: big-endian two's complement words (RM 4.17-4.19).
    /// - Throws: ``HALError`` `.badData` when the block is not 14 bytes.
    public init(dataBlock bytes: [UInt8]) throws {
        guard bytes.count == MPU6050Register.dataLength else {
            throw HALError(.badData, operation: "mpu6050 data block", detail: "expected 14 bytes at 0x3B, got \(bytes.count)")
        }
        func word(_ index: Int) -> Int16 { Int16(bitPattern: UInt16(bytes[2 * index]) << 8 | UInt16(bytes[2 * index + 1])) }
        accel = (word(0), word(1), word(2))
        temperature = word(3)
        gyro = (word(4), word(5), word(6))
    }

    public static func == (lhs: MPU6050RawSample, rhs: MPU6050RawSample) -> Bool {
        lhs.accel == rhs.accel && lhs.temperature == rhs.temperature && lhs.gyro == rhs.gyro
    }

    public func hash(into hasher: inout Hasher) {
        for value in [accel.x, accel.y, accel.z, temperature, gyro.x, gyro.y, gyro.z] { hasher.combine(value) }
    }
}

/// One MPU6050 measurement in SI units.
public struct MPU6050Sample: Sendable, Hashable {
    /// Acceleration along x, y, z, m/s² (gravity included: a board lying flat reads +1 g on z).
    public var acceleration: [Double]
    /// Angular velocity about x, y, z, rad/s.
    public var angularVelocity: [Double]
    /// Die temperature, °C.
    public var temperatureCelsius: Double

    /// Creates a sample.
    public init(acceleration: [Double], angularVelocity: [Double], temperatureCelsius: Double) {
        self.acceleration = acceleration
        self.angularVelocity = angularVelocity
        self.temperatureCelsius = temperatureCelsius
    }

    /// Converts counts: acceleration = count / LSB-per-g × g0; angular velocity = count /
    /// LSB-per-°/s × π/180; temperature = TEMP_OUT / 340 + 36.53 (RM 4.18).
    public init(_ raw: MPU6050RawSample, accelRange: MPU6050AccelRange, gyroRange: MPU6050GyroRange) {
        let perG = accelRange.countsPerG
        let perDPS = gyroRange.countsPerDegreePerSecond
        func acceleration(_ count: Int16) -> Double { Double(count) / perG * MPU6050Register.standardGravity }
        func rate(_ count: Int16) -> Double { Double(count) / perDPS * Double.pi / 180 }
        self.acceleration = [acceleration(raw.accel.x), acceleration(raw.accel.y), acceleration(raw.accel.z)]
        angularVelocity = [rate(raw.gyro.x), rate(raw.gyro.y), rate(raw.gyro.z)]
        temperatureCelsius = MPU6050Sample.celsius(raw.temperature)
    }

    /// RM 4.18: TEMP_OUT as a signed quantity / 340 + 36.53.
    public static func celsius(_ count: Int16) -> Double { Double(count) / 340 + 36.53 }
}
