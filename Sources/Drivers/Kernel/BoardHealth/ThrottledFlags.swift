import HAL

/// The Raspberry Pi firmware's throttling word, as `vcgencmd get_throttled` and the kernel's
/// `/sys/devices/platform/soc/soc:firmware/get_throttled` (hex, no `0x`) give it. Bits
/// (Raspberry Pi documentation, "get_throttled"): 0 under-voltage detected, 1 Arm frequency
/// capped, 2 currently throttled, 3 soft temperature limit active; 16...19 the same "has
/// occurred" since boot.
public struct ThrottledFlags: Sendable, Hashable {
    /// The word.
    public var rawValue: UInt32

    /// Creates flags from the word.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Parses `50005`, `0x50005` or `0`.
    init(_ text: String, path: String) throws {
        let digits = text.hasPrefix("0x") ? String(text.dropFirst(2)) : text
        guard let value = UInt32(digits, radix: 16) else {
            throw HALError(.badData, operation: "read \(path)", detail: "'\(SysfsValue.excerpt(text))' is not a hex word")
        }
        rawValue = value
    }

    /// Each flag as the quantity it is reported as, with its bit.
    static let quantities: [(quantity: String, bit: Int)] = [
        ("undervoltage", 0), ("frequency_capped", 1), ("throttled", 2), ("soft_temperature_limit", 3),
        ("undervoltage_occurred", 16), ("frequency_capped_occurred", 17), ("throttled_occurred", 18),
        ("soft_temperature_limit_occurred", 19),
    ]

    /// Whether `bit` is set.
    public func isSet(_ bit: Int) -> Bool { rawValue & (1 << UInt32(bit)) != 0 }
}
