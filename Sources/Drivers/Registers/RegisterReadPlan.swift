/// Which register ranges one sample reads: neighbouring and overlapping values merged into one
/// block, so a chip with auto-increment gives all its values in the fewest transactions (one
/// per gap in the register map).
public struct RegisterReadPlan: Sendable, Equatable {
    /// One read transaction: `count` registers from `start`.
    public struct Block: Sendable, Equatable {
        /// The first register.
        public var start: Int
        /// How many registers.
        public var count: Int

        /// Creates a block.
        public init(start: Int, count: Int) {
            self.start = start
            self.count = count
        }

        /// The registers it reads.
        public var registers: ClosedRange<Int> { start...(start + count - 1) }
    }

    /// The blocks, by ascending start register.
    public let blocks: [Block]

    /// The plan for `fields`. With `autoIncrement`, ranges that touch or overlap are merged;
    /// without it, each distinct (register, length) is read on its own.
    public init(fields: [RegisterSensorDescription.Field], autoIncrement: Bool) {
        let ranges = fields.map(\.registers).sorted { ($0.lowerBound, $0.upperBound) < ($1.lowerBound, $1.upperBound) }
        var blocks: [Block] = []
        for range in ranges {
            if autoIncrement, let last = blocks.last, range.lowerBound <= last.registers.upperBound + 1 {
                let upper = max(last.registers.upperBound, range.upperBound)
                blocks[blocks.count - 1] = Block(start: last.start, count: upper - last.start + 1)
            } else if !autoIncrement, blocks.contains(where: { $0.registers == range }) {
                continue
            } else {
                blocks.append(Block(start: range.lowerBound, count: range.count))
            }
        }
        self.blocks = blocks
    }

    /// The bytes of `field` out of the blocks' results (`results[i]` for `blocks[i]`); nil when
    /// a result is too short to hold them.
    public func bytes(of field: RegisterSensorDescription.Field, in results: [[UInt8]]) -> [UInt8]? {
        for (block, bytes) in zip(blocks, results) where block.registers.contains(field.registers.lowerBound)
            && block.registers.contains(field.registers.upperBound) {
            let from = field.registers.lowerBound - block.start
            guard bytes.count >= from + field.length else { return nil }
            return Array(bytes[from..<(from + field.length)])
        }
        return nil
    }
}
