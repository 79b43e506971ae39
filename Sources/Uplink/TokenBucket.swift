/// Paces backlog replay: at most `rate` messages per second on average, in bursts of at most
/// `burst`.
///
/// After a day offline a board may hold hundreds of thousands of readings; sending them as fast
/// as the link allows would flood a slow uplink and the broker, and delay live readings behind
/// them.
public struct TokenBucket: Sendable, Hashable {
    /// Messages per second.
    public let rate: Int
    /// Most messages sent at once after an idle period.
    public let burst: Int
    private var tokens: Double
    private var updated: ContinuousClock.Instant

    /// Creates a full bucket.
    public init(rate: Int, burst: Int, now: ContinuousClock.Instant) {
        self.rate = max(1, rate)
        self.burst = max(1, burst)
        tokens = Double(self.burst)
        updated = now
    }

    private mutating func refill(_ now: ContinuousClock.Instant) {
        let elapsed = now - updated
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        tokens = min(Double(burst), tokens + seconds * Double(rate))
        updated = now
    }

    /// How many messages may be sent now.
    public mutating func available(now: ContinuousClock.Instant) -> Int {
        refill(now)
        return Int(tokens)
    }

    /// Records that `count` messages were sent.
    public mutating func consume(_ count: Int, now: ContinuousClock.Instant) {
        refill(now)
        tokens -= Double(count)
    }

    /// How long until one more message may be sent.
    public mutating func waitForNext(now: ContinuousClock.Instant) -> Duration {
        refill(now)
        guard tokens < 1 else { return .zero }
        let seconds = (1 - tokens) / Double(rate)
        return .nanoseconds(Int64((seconds * 1e9).rounded(.up)))
    }
}
