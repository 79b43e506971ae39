import HAL

extension BMx280Transport {
    /// Polls `status` (0xF3) until the `mask` bits are clear, on `clock`.
    ///
    /// The deadline counts from the call, so `initialDelay` (the typical conversion time) is
    /// part of it. It is checked *before* each read and acted on only after it, so the last poll
    /// always happens after the deadline: a process descheduled for a while is not reported as a
    /// timeout while the chip had long finished.
    ///
    /// - Throws: ``HALError`` `.timeout` when the bits are still set after `deadline`, whatever
    ///   the bus throws, or `CancellationError` while sleeping.
    public func waitForStatusClear<C: Clock<Duration>>(clock: C, mask: UInt8, initialDelay: Duration = .zero,
                                                       deadline: Duration, pollInterval: Duration = .milliseconds(1),
                                                       what: String) async throws {
        let end = clock.now.advanced(by: deadline)
        if initialDelay > .zero { try await clock.sleep(for: initialDelay, tolerance: nil) }
        while true {
            let expired = clock.now >= end
            let status = try await readRegisters(BMx280Register.status, count: 1)
            if let value = status.first, value & mask == 0 { return }
            if expired {
                throw HALError(.timeout, operation: "\(chip) \(location) status poll",
                               detail: "\(what) still running after \(deadline) (status bit 0x\(BMx280Register.hex(mask)))")
            }
            try await clock.sleep(for: pollInterval, tolerance: nil)
        }
    }
}
