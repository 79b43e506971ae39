import HAL
import HALSimulation
import Pipeline

extension SimulatedGPIO {
    /// Toggles a simulated input every `interval` until cancelled, so `watch --simulated` has
    /// edges to show; the level starts high, so the first edge is rising on an active-high line.
    ///
    /// Edge k happens at start + k × interval and carries that CLOCK_MONOTONIC time, as a kernel
    /// timestamps an edge when it happens, not when a reader gets to it: on a loaded machine the
    /// task may run late (several edges then arrive at once, as from a kernel's event queue), but
    /// the signal's timing, and so a pulse counter's rate, stays exact.
    public func simulateSignal(on address: GPIOLineAddress, interval: Duration) -> Task<Void, Never> {
        Task {
            let clock = ContinuousClock()
            let start = clock.now
            let startNanoseconds = SystemClock.now().monotonicNanoseconds
            let step = interval.components
            let stepNanoseconds = UInt64(max(0, step.seconds)) * 1_000_000_000 + UInt64(max(0, step.attoseconds) / 1_000_000_000)
            var level = true
            var edge: UInt64 = 0
            while !Task.isCancelled {
                do { try await clock.sleep(until: start + interval * Int(edge)) } catch { return }
                drive(address, to: level, timestampNanoseconds: startNanoseconds + edge * stepNanoseconds)
                level.toggle()
                edge += 1
            }
        }
    }
}
