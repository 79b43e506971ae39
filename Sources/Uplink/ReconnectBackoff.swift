/// Capped exponential backoff with jitter for reconnects.
///
/// Forty boards that lost the same broker must not come back in lock-step (a mutual-TLS
/// handshake costs the broker and each Pi milliseconds of CPU): each delay is drawn uniformly
/// from the upper half of the current step ("equal jitter"), and the step doubles up to `max`.
public struct ReconnectBackoff: Sendable, Hashable {
    /// The first step.
    public let initial: Duration
    /// The largest step.
    public let max: Duration
    /// The current step.
    public private(set) var step: Duration

    /// Creates a backoff at its first step.
    public init(initial: Duration, max: Duration) {
        self.initial = initial
        self.max = Swift.max(initial, max)
        self.step = initial
    }

    /// The delay before the next attempt, given a uniform random fraction in 0...1; then the
    /// step doubles, up to `max`.
    public mutating func nextDelay(randomFraction: Double) -> Duration {
        let fraction = Swift.min(Swift.max(randomFraction, 0), 1)
        let delay = step / 2 + (step / 2) * fraction
        step = Swift.min(step * 2, max)
        return delay
    }

    /// The delay before the next attempt, with system randomness.
    public mutating func nextDelay() -> Duration {
        nextDelay(randomFraction: Double.random(in: 0...1))
    }

    /// Back to the first step, after a connection succeeded.
    public mutating func reset() {
        step = initial
    }
}
