/// What an MCP3008 converts: one of eight single-ended inputs, or a pair (datasheet DS21295,
/// Table 5-2, "Configure bits for the MCP3008").
public struct MCP3008Input: Sendable, Hashable {
    /// SGL/DIFF: 1 = single-ended against VSS, 0 = pseudo-differential.
    public var singleEnded: Bool
    /// D2 D1 D0: the channel (single-ended), or the pair and its polarity (differential).
    public var select: UInt8

    /// Creates an input; `nil` when `select` is not 0...7.
    public init?(singleEnded: Bool, select: UInt8) {
        guard select <= 7 else { return nil }
        self.singleEnded = singleEnded
        self.select = select
    }

    /// Every input: ch0...ch7, then the eight differential selections.
    public static let all: [MCP3008Input] =
        (UInt8(0)...7).compactMap { MCP3008Input(singleEnded: true, select: $0) }
        + (UInt8(0)...7).compactMap { MCP3008Input(singleEnded: false, select: $0) }

    /// The positive and negative channel (negative `nil`: VSS). Differential selections pair
    /// CH0/CH1, CH2/CH3, CH4/CH5, CH6/CH7; an odd select swaps them.
    public var pins: (positive: Int, negative: Int?) {
        let channel = Int(select)
        guard !singleEnded else { return (channel, nil) }
        let even = channel & ~1
        return channel & 1 == 0 ? (even, even + 1) : (even + 1, even)
    }

    /// The configuration's spelling: `ch3`, or `ch0-ch1` for IN+ = CH0, IN- = CH1.
    public var name: String {
        let (positive, negative) = pins
        return negative.map { "ch\(positive)-ch\($0)" } ?? "ch\(positive)"
    }

    /// The channel's default quantity name: `ch3`, `ch0_ch1`.
    public var defaultQuantity: String { String(name.map { $0 == "-" ? "_" : $0 }) }

    /// The three bytes clocked out for one conversion (datasheet 6.1, Figure 6-1, "SPI
    /// communication using 8-bit segments"): seven leading zeros and the start bit, then
    /// SGL/DIFF D2 D1 D0 in the top nibble, then a byte during which the result's low bits come
    /// back.
    public var command: [UInt8] {
        [0x01, (singleEnded ? 0x80 : 0x00) | select << 4, 0x00]
    }

    /// The 10-bit result from the three bytes clocked in: byte 1 is undefined, byte 2 ends
    /// with the null bit and B9 B8, byte 3 is B7...B0. `nil` when the null bit is not 0: no
    /// chip drove MISO (a floating line read high).
    public static func code(from reply: [UInt8]) -> UInt16? {
        guard reply.count == 3, reply[1] & 0x04 == 0 else { return nil }
        return UInt16(reply[1] & 0x03) << 8 | UInt16(reply[2])
    }
}
