/// Oversampling of one quantity of a BMP280 or BME280; the raw value is the register code
/// (`osrs_t`, `osrs_p`, `osrs_h`: BST-BMP280-DS001 tables 21/22, BST-BME280-DS002 tables 20/23/24).
public enum BMx280Oversampling: UInt8, Sendable, Hashable, CaseIterable {
    /// Not measured; the data registers keep the "skipped" value.
    case skip = 0
    /// One sample.
    case x1 = 1
    /// Two samples.
    case x2 = 2
    /// Four samples.
    case x4 = 3
    /// Eight samples.
    case x8 = 4
    /// Sixteen samples.
    case x16 = 5

    /// The code taking `count` samples (0 for skip), `nil` for a count the chip does not offer.
    public init?(sampleCount count: Int) {
        guard let code = Self.allCases.first(where: { $0.sampleCount == count }) else { return nil }
        self = code
    }

    /// Number of samples taken, 0 when skipped (used for the measurement-time formula).
    public var sampleCount: Int {
        switch self {
        case .skip: return 0
        case .x1: return 1
        case .x2: return 2
        case .x4: return 4
        case .x8: return 8
        case .x16: return 16
        }
    }

    /// The sample counts a configuration may name.
    public static let allowedCounts: [Int] = allCases.map(\.sampleCount)
}

/// IIR filter coefficient; the raw value is the register code (`filter`, config bits 4:2).
public enum BMx280Filter: UInt8, Sendable, Hashable, CaseIterable {
    /// No filtering.
    case off = 0
    /// Coefficient 2.
    case x2 = 1
    /// Coefficient 4.
    case x4 = 2
    /// Coefficient 8.
    case x8 = 3
    /// Coefficient 16.
    case x16 = 4
}

/// Measurement time of one forced measurement, the same formula for both chips
/// (BST-BME280-DS002 Appendix B 9.1; BST-BMP280-DS001 table 13 lists its values, e.g. 6.4 ms
/// max at x1/x1 and 43.2 ms at x2/x16): a skipped quantity contributes nothing, not even its
/// 0.575 ms (typical 0.5 ms) of set-up.
public enum BMx280Timing {
    /// Maximum: 1.25 + 2.3·T + (2.3·P + 0.575) + (2.3·H + 0.575) ms, in microseconds.
    public static func maximumMicroseconds(_ oversampling: [BMx280Oversampling]) -> Int {
        guard let temperature = oversampling.first else { return 1250 }
        return 1250 + 2300 * temperature.sampleCount
            + oversampling.dropFirst().filter { $0 != .skip }.reduce(0) { $0 + 2300 * $1.sampleCount + 575 }
    }

    /// Typical: 1 + 2·T + (2·P + 0.5) + (2·H + 0.5) ms, in microseconds; the drivers wait this
    /// long before their first status poll.
    public static func typicalMicroseconds(_ oversampling: [BMx280Oversampling]) -> Int {
        guard let temperature = oversampling.first else { return 1000 }
        return 1000 + 2000 * temperature.sampleCount
            + oversampling.dropFirst().filter { $0 != .skip }.reduce(0) { $0 + 2000 * $1.sampleCount + 500 }
    }

    /// How long a driver polls before giving up: the maximum plus 25 % and 2 ms, because a
    /// loaded Pi Zero wakes late from sleeps and each status read costs bus time.
    public static func deadline(maximumMicroseconds maximum: Int) -> Duration {
        .microseconds(maximum + maximum / 4 + 2000)
    }
}
