/// A set of sequence numbers kept as sorted, disjoint, non-adjacent ranges.
///
/// Acknowledgements arrive nearly in order, so a long run of them is one range: adding is
/// O(1) at the end, membership a binary search, and deleting them is one `BETWEEN` per range.
/// (A `Set<UInt64>` hashed every number and was sorted again before each delete.)
public struct SequenceRanges: Sendable, Hashable {
    /// The ranges, ascending; no two overlap or touch.
    public private(set) var ranges: [ClosedRange<UInt64>] = []
    /// How many numbers the set holds.
    public private(set) var count = 0

    /// An empty set.
    public init() {}

    /// Whether the set is empty.
    public var isEmpty: Bool { ranges.isEmpty }

    /// Adds every number of `sequences`.
    public mutating func insert(contentsOf sequences: some Sequence<UInt64>) {
        for sequence in sequences { insert(sequence) }
    }

    /// Adds `sequence`.
    public mutating func insert(_ sequence: UInt64) {
        // The common case: the next number after the last range.
        if let last = ranges.last {
            if last.upperBound &+ 1 == sequence, sequence != 0 {
                ranges[ranges.count - 1] = last.lowerBound...sequence
                count += 1
                return
            }
            if sequence > last.upperBound {
                ranges.append(sequence...sequence)
                count += 1
                return
            }
        } else {
            ranges.append(sequence...sequence)
            count += 1
            return
        }
        let index = firstIndex(endingAtOrAbove: sequence)
        if index < ranges.count, ranges[index].contains(sequence) { return }
        count += 1
        let joinsPrevious = index > 0 && ranges[index - 1].upperBound &+ 1 == sequence
        let joinsNext = index < ranges.count && sequence &+ 1 == ranges[index].lowerBound
        switch (joinsPrevious, joinsNext) {
        case (true, true):
            ranges[index - 1] = ranges[index - 1].lowerBound...ranges[index].upperBound
            ranges.remove(at: index)
        case (true, false):
            ranges[index - 1] = ranges[index - 1].lowerBound...sequence
        case (false, true):
            ranges[index] = sequence...ranges[index].upperBound
        case (false, false):
            ranges.insert(sequence...sequence, at: index)
        }
    }

    /// Adds every number of `other`.
    public mutating func formUnion(_ other: SequenceRanges) {
        for range in other.ranges {
            for sequence in range { insert(sequence) }
        }
    }

    /// Whether `sequence` is in the set.
    public func contains(_ sequence: UInt64) -> Bool {
        let index = firstIndex(endingAtOrAbove: sequence)
        return index < ranges.count && ranges[index].contains(sequence)
    }

    /// Empties the set, keeping its storage.
    public mutating func removeAll() {
        ranges.removeAll(keepingCapacity: true)
        count = 0
    }

    /// The index of the first range whose upper bound is at least `sequence`.
    private func firstIndex(endingAtOrAbove sequence: UInt64) -> Int {
        var low = 0, high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle].upperBound < sequence { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
