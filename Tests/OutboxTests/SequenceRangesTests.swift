import Testing
@testable import Outbox

/// The acknowledged-sequence set the outbox deletes from, kept as ranges.
@Suite struct SequenceRangesTests {
    @Test func numbersInOrderBecomeOneRange() {
        var set = SequenceRanges()
        set.insert(contentsOf: 1...1000)
        #expect(set.ranges == [1...1000])
        #expect(set.count == 1000)
    }

    @Test func outOfOrderNumbersMergeWhenTheGapCloses() {
        var set = SequenceRanges()
        set.insert(contentsOf: [5, 1, 3, 10])
        #expect(set.ranges == [1...1, 3...3, 5...5, 10...10])
        set.insert(2)
        #expect(set.ranges == [1...3, 5...5, 10...10])
        set.insert(4)
        #expect(set.ranges == [1...5, 10...10])
        set.insert(contentsOf: [9, 11])
        #expect(set.ranges == [1...5, 9...11])
        #expect(set.count == 8)
    }

    @Test func aRepeatedNumberIsCountedOnce() {
        var set = SequenceRanges()
        set.insert(contentsOf: [7, 8, 7, 3, 8, 3])
        #expect(set.count == 3)
        #expect(set.ranges == [3...3, 7...8])
    }

    @Test func containsFindsEveryMemberAndNothingElse() {
        var set = SequenceRanges()
        set.insert(contentsOf: [2, 3, 4, 20, 40, 41])
        let members = (0...50).filter { set.contains(UInt64($0)) }
        #expect(members == [2, 3, 4, 20, 40, 41])
    }

    @Test func unionAndRemoveAll() {
        var first = SequenceRanges()
        first.insert(contentsOf: [1, 2, 6])
        var second = SequenceRanges()
        second.insert(contentsOf: [3, 4, 5, 6, 9])
        first.formUnion(second)
        #expect(first.ranges == [1...6, 9...9])
        #expect(first.count == 7)
        first.removeAll()
        #expect(first.isEmpty && first.count == 0 && !first.contains(1))
    }
}
