#if os(Linux)
@testable import HALLinux
import Testing

@Suite("GPIO: software debounce")
struct EdgeDebouncerTests {
    private func accepted(_ timestamps: [UInt64], microseconds: UInt32) -> [UInt64] {
        var debouncer = EdgeDebouncer(microseconds: microseconds)
        return timestamps.filter { debouncer.accept(timestampNanoseconds: $0) }
    }

    @Test func dropsEdgesInsideTheWindow() {
        // 1 ms window: 999 µs after an accepted edge is a bounce, 1000 µs is a new edge.
        #expect(accepted([5_000_000, 5_999_999, 6_000_000], microseconds: 1_000) == [5_000_000, 6_000_000])
    }

    @Test func measuresFromTheLastAcceptedEdge() {
        // Edges every 0.4 ms: measured from the last *seen* edge nothing would pass after the first.
        let chatter: [UInt64] = [0, 400_000, 800_000, 1_200_000, 1_600_000, 2_000_000, 2_400_000]
        #expect(accepted(chatter, microseconds: 1_000) == [0, 1_200_000, 2_400_000])
    }

    @Test func zeroWindowAcceptsEverything() {
        #expect(accepted([10, 10, 11], microseconds: 0) == [10, 10, 11])
    }

    @Test func windowIsInMicroseconds() {
        #expect(EdgeDebouncer(microseconds: 250).windowNanoseconds == 250_000)
        #expect(accepted([0, 249_999, 250_000], microseconds: 250) == [0, 250_000])
    }

    @Test func timestampGoingBackwardsRestarts() {
        #expect(accepted([10_000_000, 1_000, 1_500], microseconds: 1_000) == [10_000_000, 1_000])
    }
}
#endif
