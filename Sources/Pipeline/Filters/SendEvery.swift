/// `send_every: K` of the window filters (ESPHome's option of that name, with its
/// `send_first_at` fixed at 1): of the values a filter computes, the 1st, the (1 + K)th, the
/// (1 + 2K)th … go on and the others are held back. The window still takes every value.
struct SendEvery: Sendable, Hashable {
    let every: Int
    private var seen = 0

    init(_ every: Int) {
        self.every = max(1, every)
    }

    /// Whether the value computed now goes on.
    mutating func isDue() -> Bool {
        defer { seen = (seen + 1) % every }
        return seen == 0
    }
}
