#if os(Linux)
import Dispatch
import HAL
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Runs blocking system calls for one bus or device, one at a time, off Swift's cooperative pool.
///
/// An ioctl on a slow I2C bus can take milliseconds (clock stretching, a 100 kHz block read), and a
/// blocked cooperative thread stalls unrelated tasks on a 2-4 core board; a private serial
/// DispatchQueue runs on libdispatch's own threads instead. Being serial, it also gives each bus
/// the mutual exclusion a shared fd needs (I2C_SLAVE then an SMBus call must not interleave).
struct BlockingExecutor: Sendable {
    private let queue: DispatchQueue

    /// Creates an executor whose thread is named after `label` (visible in `top -H`, gdb).
    init(label: String) {
        queue = DispatchQueue(label: label, qos: .userInitiated)
    }

    /// Creates an executor that runs its calls side by side on libdispatch's threads, for
    /// independent files (a 1-Wire read that takes 750 ms must not hold up a thermal zone's).
    init(concurrentLabel label: String) {
        queue = DispatchQueue(label: label, qos: .userInitiated, attributes: .concurrent)
    }

    /// Runs `body` on the executor and waits for it without blocking the caller's thread.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try body() })
            }
        }
    }

    /// Runs `body` on the executor, for work that cannot fail.
    func run(_ body: @escaping @Sendable () -> Void) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                body()
                continuation.resume()
            }
        }
    }

    /// Runs `body` on the executor and waits, blocking the calling thread; only for `deinit`
    /// and synchronous initializers, which cannot suspend.
    func runSync<T>(_ body: () throws -> T) rethrows -> T {
        try queue.sync(execute: body)
    }
}

/// Starts a detached POSIX thread for work that blocks for long stretches (waiting for GPIO
/// edges): parking it on a dispatch queue would tie up one of libdispatch's shared workers.
enum DedicatedThread {
    private final class Box {
        let body: () -> Void
        init(body: @escaping () -> Void) { self.body = body }
    }

    /// Starts `body` on a new thread; false when the system refused to create one.
    static func start(_ body: @escaping @Sendable () -> Void) -> Bool {
        let box = Unmanaged.passRetained(Box(body: body)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        var thread = pthread_t()
        let result = pthread_create(&thread, &attributes, { argument in
            guard let argument else { return nil }
            let box = Unmanaged<Box>.fromOpaque(argument).takeRetainedValue()
            box.body()
            return nil
        }, box)
        guard result == 0 else {
            Unmanaged<Box>.fromOpaque(box).release()
            return false
        }
        return true
    }
}
#endif
