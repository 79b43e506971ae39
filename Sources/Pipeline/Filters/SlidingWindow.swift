/// The last `capacity` values of a series, oldest first; the state of the window filters.
struct SlidingWindow: Sendable, Hashable {
    let capacity: Int
    private var storage: [Double] = []
    private var start = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        storage.reserveCapacity(self.capacity)
    }

    /// Adds `value`, forgetting the oldest once full.
    mutating func append(_ value: Double) {
        if storage.count < capacity {
            storage.append(value)
        } else {
            storage[start] = value
            start = (start + 1) % capacity
        }
    }

    /// The values held, oldest first (1 ... capacity of them after the first append).
    var values: [Double] {
        Array(storage[start...] + storage[..<start])
    }
}
