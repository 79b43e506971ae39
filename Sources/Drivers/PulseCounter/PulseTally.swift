import HAL

/// The pure count of a pulse counter: edges go in as the kernel reports them, and each sample
/// closes a window and reads the total and the rate.
///
/// The rate is taken from the kernel's edge timestamps, never from when the sample ran: the
/// pulses of a window divided by the time from the last edge before the window to the last edge
/// in it, so a late or early sample does not bend it. It is nil until two edges have been seen;
/// a window without an edge has rate 0 (the anemometer stopped).
public struct PulseTally: Sendable, Hashable {
    /// Every pulse counted since the start, lost ones included.
    public private(set) var total: UInt64 = 0
    /// Pulses the kernel reported lost (a gap in the events' sequence numbers); counted in
    /// ``total``, but not in a rate, whose span they have no timestamp in.
    public private(set) var lost: UInt64 = 0
    private var windowPulses: UInt64 = 0
    private var windowFirst: UInt64?
    private var windowLast: UInt64?
    private var lastBeforeWindow: UInt64?
    private var lastSequence: UInt64?

    /// An empty tally.
    public init() {}

    /// Counts one edge event (the line reports only the edges it counts).
    public mutating func record(_ event: GPIOEdgeEvent) {
        if let lastSequence, event.sequence > lastSequence + 1 {
            let gap = event.sequence - lastSequence - 1
            lost += gap
            total += gap
        }
        lastSequence = event.sequence
        total += 1
        windowPulses += 1
        if windowFirst == nil { windowFirst = event.timestampNanoseconds }
        windowLast = event.timestampNanoseconds
    }

    /// Ends the window: the pulses per second over it (see the type's note), and starts the next.
    public mutating func closeWindow() -> Double? {
        defer {
            if let windowLast { lastBeforeWindow = windowLast }
            windowPulses = 0
            windowFirst = nil
            windowLast = nil
        }
        guard let last = windowLast, let first = windowFirst else {
            return lastBeforeWindow == nil ? nil : 0
        }
        if let start = lastBeforeWindow, last > start {
            return Double(windowPulses) / (Double(last - start) / 1e9)
        }
        // The first edges ever: n edges span n - 1 periods.
        guard windowPulses >= 2, last > first else { return nil }
        return Double(windowPulses - 1) / (Double(last - first) / 1e9)
    }
}
