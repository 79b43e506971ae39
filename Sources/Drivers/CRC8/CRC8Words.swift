import HAL

extension CRC8 {
    /// The 16-bit word at `index`, `index + 1` (MSB first), checked against the CRC byte at
    /// `index + 2`: the framing of every word a Sensirion chip sends.
    ///
    /// - Throws: ``HALError`` `.badData` naming the word when the CRC does not match or the
    ///   bytes are too few: a flipped bit in transit must never become a plausible reading.
    public func checkedWord(_ bytes: [UInt8], at index: Int, name: String, operation: String) throws -> UInt16 {
        guard index >= 0, bytes.count >= index + 3 else {
            throw HALError(.badData, operation: operation, detail: "\(name): expected 3 bytes at \(index), got \(bytes.count)")
        }
        let word = bytes[index...index + 1]
        let expected = checksum(word)
        guard bytes[index + 2] == expected else {
            throw HALError(.badData, operation: operation,
                           detail: "\(name) CRC mismatch: received 0x\(Self.hex(bytes[index + 2])), computed 0x\(Self.hex(expected))")
        }
        return UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
    }
}
