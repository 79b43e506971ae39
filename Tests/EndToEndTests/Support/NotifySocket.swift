import Foundation

/// A fake systemd `NOTIFY_SOCKET`: a Unix datagram socket the test owns, read on a thread,
/// each datagram kept with the time it arrived.
final class NotifySocket: @unchecked Sendable {
    let path: String
    private let fd: Int32
    private let lock = NSLock()
    private var received: [(at: ContinuousClock.Instant, text: String)] = []
    private var thread: Thread?

    init(path: String) throws {
        self.path = path
        unlink(path)
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: errno \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw TestFailure("socket path too long: \(path)") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw TestFailure("bind \(path): errno \(errno)") }
        // A receive timeout so the reader thread notices close().
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let thread = Thread { [weak self] in self?.readLoop() }
        self.thread = thread
        thread.start()
    }

    private func readLoop() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !(thread?.isCancelled ?? true) {
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count > 0 else { continue }
            let text = String(decoding: buffer[0..<count], as: UTF8.self)
            lock.lock()
            received.append((ContinuousClock.now, text))
            lock.unlock()
        }
    }

    /// Every datagram so far, oldest first.
    var messages: [(at: ContinuousClock.Instant, text: String)] {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    /// Arrival times of `WATCHDOG=1` datagrams.
    var pings: [ContinuousClock.Instant] { messages.filter { $0.text == "WATCHDOG=1" }.map(\.at) }

    /// The `STATUS=` texts, oldest first.
    var statuses: [String] {
        messages.compactMap { $0.text.hasPrefix("STATUS=") ? String($0.text.dropFirst(7)) : nil }
    }

    func close() {
        thread?.cancel()
        Thread.sleep(forTimeInterval: 0.3)
        Glibc.close(fd)
        unlink(path)
    }
}
