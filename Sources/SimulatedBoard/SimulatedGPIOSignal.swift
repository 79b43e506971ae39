import HAL
import HALSimulation
import Pipeline

extension SimulatedGPIO {
    /// Toggles a simulated input every `interval` until cancelled, so `watch --simulated` has
    /// edges to show; the level starts high, so the first edge is rising on an active-high line.
    public func simulateSignal(on address: GPIOLineAddress, interval: Duration) -> Task<Void, Never> {
        Task {
            var level = true
            while !Task.isCancelled {
                // Real CLOCK_MONOTONIC times, like a kernel's, so the printed timestamps mean something.
                drive(address, to: level, timestampNanoseconds: SystemClock.now().monotonicNanoseconds)
                level.toggle()
                do { try await Task.sleep(for: interval) } catch { return }
            }
        }
    }
}
