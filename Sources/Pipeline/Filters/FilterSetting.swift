/// One entry of a quantity's `filters:` list as the configuration wrote it; ``makeFilter(for:)``
/// builds the filter. `heartbeat` is not a filter of its own but a setting of the chain
/// (``FilterChain``).
public enum FilterSetting: Sendable, Hashable {
    /// `moving_average: { window: N, send_every: K }`
    case movingAverage(window: Int, sendEvery: Int = 1)
    /// `exponential_moving_average: { alpha: a }`
    case exponentialMovingAverage(alpha: Double)
    /// `median: { window: N, send_every: K }`
    case median(window: Int, sendEvery: Int = 1)
    /// `quantile: { window: N, quantile: q, send_every: K }`
    case quantile(window: Int, quantile: Double, sendEvery: Int = 1)
    /// `min: { window: N, send_every: K }`
    case min(window: Int, sendEvery: Int = 1)
    /// `max: { window: N, send_every: K }`
    case max(window: Int, sendEvery: Int = 1)
    /// `delta: d` or `delta: "p%"`
    case delta(DeltaFilter.Threshold)
    /// `throttle: N`
    case throttle(Duration)
    /// `heartbeat: N`
    case heartbeat(Duration)
    /// `debounce: N`
    case debounce(Duration)
    /// `clamp: { min: a, max: b }`
    case clamp(min: Double?, max: Double?)
    /// `timeout: N`
    case timeout(Duration)
    /// `round: d`
    case round(decimals: Int)
    /// `on_change`
    case onChange

    /// The names the configuration accepts, in the order the documentation lists them.
    public static let names = [
        "moving_average", "exponential_moving_average", "median", "quantile", "min", "max", "delta",
        "throttle", "heartbeat", "debounce", "clamp", "timeout", "round", "on_change",
    ]

    /// The filter for `quantity`, or nil for `heartbeat`.
    public func makeFilter(for quantity: String) -> (any QuantityFilter)? {
        switch self {
        case .movingAverage(let window, let every): MovingAverageFilter(quantity: quantity, window: window, sendEvery: every)
        case .exponentialMovingAverage(let alpha): ExponentialMovingAverageFilter(quantity: quantity, alpha: alpha)
        case .median(let window, let every): MedianFilter(quantity: quantity, window: window, sendEvery: every)
        case .quantile(let window, let quantile, let every):
            QuantileFilter(quantity: quantity, window: window, quantile: quantile, sendEvery: every)
        case .min(let window, let every): WindowExtremeFilter(quantity: quantity, extreme: .min, window: window, sendEvery: every)
        case .max(let window, let every): WindowExtremeFilter(quantity: quantity, extreme: .max, window: window, sendEvery: every)
        case .delta(let threshold): DeltaFilter(quantity: quantity, threshold: threshold)
        case .throttle(let period): ThrottleFilter(quantity: quantity, period: period)
        case .heartbeat: nil
        case .debounce(let period): DebounceFilter(quantity: quantity, period: period)
        case .clamp(let minimum, let maximum): ClampFilter(quantity: quantity, minimum: minimum, maximum: maximum)
        case .timeout(let period): TimeoutFilter(quantity: quantity, period: period)
        case .round(let decimals): RoundFilter(quantity: quantity, decimals: decimals)
        case .onChange: OnChangeFilter(quantity: quantity)
        }
    }
}
