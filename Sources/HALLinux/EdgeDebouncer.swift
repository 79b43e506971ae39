#if os(Linux)
/// Software debounce for edge events: an edge closer than the window to the previous *accepted*
/// edge is dropped.
///
/// Measuring from the last accepted edge (not the last seen one) means a contact that chatters
/// for longer than the window still yields an edge every window, instead of being silenced for as
/// long as it chatters. This is leading-edge debouncing: the first edge is reported at once, with
/// its kernel timestamp, and the bounces after it are discarded. The kernel's timestamps are used,
/// not the time the event was read, so a late reader debounces the same way as a prompt one.
public struct EdgeDebouncer: Sendable, Hashable {
    /// The window in nanoseconds; 0 accepts everything.
    public let windowNanoseconds: UInt64
    /// The timestamp of the last accepted edge.
    public private(set) var lastAcceptedNanoseconds: UInt64?

    /// Creates a debouncer with a window in microseconds (the unit of the line configuration).
    public init(microseconds: UInt32) {
        windowNanoseconds = UInt64(microseconds) * 1_000
    }

    /// Whether the edge at `timestampNanoseconds` passes; a passing edge becomes the reference.
    public mutating func accept(timestampNanoseconds timestamp: UInt64) -> Bool {
        // A timestamp before the reference cannot come from one monotonic clock; accept it and
        // start over rather than drop edges until the clock catches up.
        if let last = lastAcceptedNanoseconds, windowNanoseconds > 0, timestamp >= last,
           timestamp - last < windowNanoseconds {
            return false
        }
        lastAcceptedNanoseconds = timestamp
        return true
    }
}
#endif
