/// Paces backlog replay: at most `rate` readings per second on average, in bursts of at most
/// `burst`.
///
/// After a day offline a board may hold hundreds of thousands of readings; sending them as fast
/// as the link allows would flood a slow uplink and the broker, and delay live readings behind
/// them. Time is an input (a `Duration` since any fixed origin), so the pace is tested in
/// virtual time.
public struct TokenBucket: Sendable, Hashable {
    /// Readings per second.
    public let rate: Int
    /// Most readings sent at once after an idle period.
    public let burst: Int
    private var tokens: Double
    private var updated: Duration

    /// Creates a full bucket.
    public init(rate: Int, burst: Int, now: Duration) {
        self.rate = max(1, rate)
        self.burst = max(1, burst)
        tokens = Double(self.burst)
        updated = now
    }

    private mutating func refill(_ now: Duration) {
        guard now > updated else { return }
        let elapsed = now - updated
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        tokens = min(Double(burst), tokens + seconds * Double(rate))
        updated = now
    }

    /// How many readings may be sent now.
    public mutating func available(now: Duration) -> Int {
        refill(now)
        return max(0, Int(tokens))
    }

    /// Records that `count` readings were sent.
    public mutating func consume(_ count: Int, now: Duration) {
        refill(now)
        tokens -= Double(count)
    }

    /// How long until one more reading may be sent.
    public mutating func waitForNext(now: Duration) -> Duration {
        wait(for: 1, now: now)
    }

    /// How long until `count` readings (at most the burst) may be sent at once.
    public mutating func wait(for count: Int, now: Duration) -> Duration {
        refill(now)
        let wanted = Double(min(max(1, count), burst))
        guard tokens < wanted else { return .zero }
        let seconds = (wanted - tokens) / Double(rate)
        return .nanoseconds(Int64((seconds * 1e9).rounded(.up)))
    }
}
