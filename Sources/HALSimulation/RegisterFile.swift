import HAL

/// A 256-entry byte register map with an 8-bit register pointer, as most I2C and SPI sensors
/// have: reads auto-increment the pointer, some bits ignore writes, some clear when read.
///
/// A value type: a device model keeps one inside its lock and mutates it per bus access.
public struct RegisterFile: Sendable, Hashable {
    /// How a multi-byte write segment is interpreted after its first byte (the register number).
    ///
    /// The same bytes mean different things: `[0xF2, 0x01, 0xF4, 0x25]` is
    /// - `.autoIncrement`: 0xF2 = 0x01, 0xF3 = 0xF4, 0xF4 = 0x25 (three consecutive registers);
    /// - `.registerValuePairs`: 0xF2 = 0x01, 0xF4 = 0x25 (0xF3 untouched).
    ///
    /// Pick the chip's: a BME280 driver's pair write replayed against an auto-increment file
    /// silently lands a register number in the register between the two.
    public enum WriteMode: Sendable, Hashable {
        /// Following bytes go to consecutive registers (most sensors; the default).
        case autoIncrement
        /// Following bytes alternate value, register, value... (BME280/BMP280 on I2C, datasheet
        /// 6.2.1: "multiple bytes can be written by register address/data pairs").
        case registerValuePairs
    }

    /// The register the next bus read or write addresses.
    public var pointer: UInt8 = 0
    /// How write segments are split into register writes.
    public var writeMode: WriteMode

    private var values: [UInt8]
    private var readOnlyMasks: [UInt8]
    private var clearOnReadMasks: [UInt8]

    /// Creates a register file with every register set to `fill`, all bits writable.
    ///
    /// `writeMode` defaults to ``WriteMode/autoIncrement``; a BME280/BMP280 image needs
    /// ``WriteMode/registerValuePairs`` or multi-register writes land in the wrong registers.
    public init(writeMode: WriteMode = .autoIncrement, fill: UInt8 = 0) {
        self.writeMode = writeMode
        values = [UInt8](repeating: fill, count: 256)
        readOnlyMasks = [UInt8](repeating: 0, count: 256)
        clearOnReadMasks = [UInt8](repeating: 0, count: 256)
    }

    /// The stored value, bypassing masks and side effects (the test's backdoor).
    public subscript(register: UInt8) -> UInt8 {
        get { values[Int(register)] }
        set { values[Int(register)] = newValue }
    }

    /// Consecutive stored values, bypassing side effects; wraps after 0xFF like the pointer.
    public func peek(_ start: UInt8, count: Int) -> [UInt8] {
        (0..<max(count, 0)).map { values[(Int(start) + $0) & 0xFF] }
    }

    /// Stores bytes at consecutive registers, bypassing masks (loading an image or fixture).
    public mutating func load(_ bytes: [UInt8], at start: UInt8) {
        for (offset, byte) in bytes.enumerated() { values[(Int(start) + offset) & 0xFF] = byte }
    }

    /// Marks bits of registers as read-only: bus writes leave them unchanged.
    public mutating func setReadOnly(_ registers: ClosedRange<UInt8>, mask: UInt8 = 0xFF) {
        for register in registers { readOnlyMasks[Int(register)] = mask }
    }

    /// Marks bits of a register as clear-on-read: a bus read returns them, then clears them
    /// (interrupt and data-ready flags).
    public mutating func setClearOnRead(_ register: UInt8, mask: UInt8) {
        clearOnReadMasks[Int(register)] = mask
    }

    /// Reads one register as the bus would: applies clear-on-read and advances the pointer.
    public mutating func busRead() -> UInt8 {
        let index = Int(pointer)
        let value = values[index]
        values[index] = value & ~clearOnReadMasks[index]
        pointer &+= 1
        return value
    }

    /// Reads `count` registers from the pointer on, as one bus read.
    public mutating func busRead(count: Int) -> [UInt8] {
        (0..<max(count, 0)).map { _ in busRead() }
    }

    /// Writes one register as the bus would: read-only bits keep their value.
    public mutating func busWrite(_ register: UInt8, value: UInt8) {
        let index = Int(register)
        let mask = readOnlyMasks[index]
        values[index] = (values[index] & mask) | (value & ~mask)
    }

    /// Applies one write segment: the first byte sets the pointer, the rest are written per
    /// ``writeMode``. Returns the `(register, value)` writes performed so a model can react.
    @discardableResult
    public mutating func busWrite(segment bytes: [UInt8]) -> [(register: UInt8, value: UInt8)] {
        guard let first = bytes.first else { return [] }
        pointer = first
        var writes: [(register: UInt8, value: UInt8)] = []
        var index = 1
        while index < bytes.count {
            busWrite(pointer, value: bytes[index])
            writes.append((pointer, bytes[index]))
            index += 1
            switch writeMode {
            case .autoIncrement:
                pointer &+= 1
            case .registerValuePairs:
                if index < bytes.count {
                    pointer = bytes[index]
                    index += 1
                }
            }
        }
        return writes
    }

    /// Loads register contents from fixture text (see ``RegisterFixture``).
    /// - Throws: ``HALError`` `.invalidArgument` naming the line that does not parse.
    public mutating func load(fixture text: String) throws {
        for block in try RegisterFixture.parse(text) { load(block.bytes, at: block.start) }
    }

    /// Renders the given register ranges as fixture text, 16 bytes per line.
    public func fixtureText(_ ranges: [ClosedRange<UInt8>], comment: String? = nil) -> String {
        RegisterFixture.render(ranges.map { range in
            (start: range.lowerBound, bytes: range.map { values[Int($0)] })
        }, comment: comment)
    }

    public static func == (lhs: RegisterFile, rhs: RegisterFile) -> Bool {
        lhs.values == rhs.values && lhs.pointer == rhs.pointer && lhs.writeMode == rhs.writeMode
            && lhs.readOnlyMasks == rhs.readOnlyMasks && lhs.clearOnReadMasks == rhs.clearOnReadMasks
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(values)
        hasher.combine(pointer)
    }
}

/// A plain-text register dump, so a capture from real hardware (`sensorgw probe dump`) can be
/// replayed on a laptop:
///
/// ```
/// # BME280 at 0x76, captured 2026-11-27
/// 0x88: 70 6b 43 67 18 fc 7d 8e 43 d6 d0 0b 27 0b 8c 00
/// 0xd0: 60
/// ```
/// Each line is a start register, a colon and bytes in hex (with or without `0x`) for
/// consecutive registers; `#` starts a comment; blank lines are ignored.
public enum RegisterFixture {
    /// Parses fixture text into blocks of consecutive registers.
    /// - Throws: ``HALError`` `.invalidArgument` with the 1-based line number and the problem.
    public static func parse(_ text: String) throws -> [(start: UInt8, bytes: [UInt8])] {
        var blocks: [(start: UInt8, bytes: [UInt8])] = []
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
                .first.map(String.init) ?? ""
            let trimmed = line.trimmingWhitespace()
            if trimmed.isEmpty { continue }
            func fail(_ why: String) -> HALError {
                HALError(.invalidArgument, operation: "parse register fixture",
                         detail: "line \(number + 1): \(why): \(rawLine)")
            }
            let parts = trimmed.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw fail("expected `REGISTER: BYTES`") }
            guard let start = parseByte(String(parts[0]).trimmingWhitespace()) else {
                throw fail("register is not a hex byte")
            }
            var bytes: [UInt8] = []
            for token in parts[1].split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," || $0 == "\r" }) {
                guard let byte = parseByte(String(token)) else { throw fail("`\(token)` is not a hex byte") }
                bytes.append(byte)
            }
            guard Int(start) + bytes.count <= 256 else { throw fail("runs past register 0xFF") }
            blocks.append((start, bytes))
        }
        return blocks
    }

    /// Renders blocks as fixture text, 16 bytes per line.
    public static func render(_ blocks: [(start: UInt8, bytes: [UInt8])], comment: String? = nil) -> String {
        var lines: [String] = []
        if let comment { lines += comment.split(separator: "\n").map { "# " + $0 } }
        for block in blocks {
            var offset = 0
            while offset < block.bytes.count {
                let chunk = block.bytes[offset..<min(offset + 16, block.bytes.count)]
                let register = UInt8(truncatingIfNeeded: Int(block.start) + offset)
                lines.append("0x\(hexByte(register)): " + chunk.map(hexByte).joined(separator: " "))
                offset += 16
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func parseByte(_ token: String) -> UInt8? {
        var digits = Substring(token)
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") { digits = digits.dropFirst(2) }
        guard !digits.isEmpty, digits.count <= 2 else { return nil }
        return UInt8(digits, radix: 16)
    }
}

func hexByte(_ byte: UInt8) -> String {
    let text = String(byte, radix: 16)
    return text.count < 2 ? "0" + text : text
}

extension String {
    func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }
}
