import Configuration
import Logging
import ServiceLifecycle
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Serves `GET /metrics` on a loopback address (`metrics.listen`) for a local Prometheus agent.
///
/// The socket loop is `poll()` on a dedicated thread, so a slow client never blocks the
/// cooperative pool the sampler and uplink share (two cores on a Pi Zero 2 W); the HTTP is
/// ``MetricsHTTPConnection``. At most ``maximumConnections`` at once: the rest wait in the
/// listen backlog. The service itself refreshes the state gauges every 2 s (the outbox count
/// is async) and stops the thread at a graceful stop.
struct MetricsHTTPService: Service {
    let address: GatewayConfiguration.ListenAddress
    let metrics: AgentMetrics
    let refresh: @Sendable () async -> Void
    let logger: Logger

    static let maximumConnections = 8

    func run() async throws {
        let listener: Int32
        switch Self.listen(on: address) {
        case .success(let fd):
            listener = fd
        case .failure(let failure):
            // Metrics are for watching the agent, not a reason to stop it: log and run on.
            logger.error("cannot serve metrics over HTTP", metadata: [
                "listen": "\(address)", "errno": "\(failure.errno)", "reason": "\(failure.reason)",
            ])
            return
        }
        logger.info("metrics served over HTTP", metadata: ["url": "http://\(address)/metrics"])
        let stop = StopFlag()
        let metrics = self.metrics
        let thread = PosixThread { Self.serve(listener: listener, stop: stop, metrics: metrics) }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await refresh()
                try? await Task.sleep(for: .seconds(2))
            }
        }
        stop.value.store(true, ordering: .relaxed)
        thread?.join()
        close(listener)
    }

    struct SocketFailure: Error {
        var errno: Int32
        var reason: String
    }

    /// A non-blocking listening socket bound to the loopback address.
    static func listen(on address: GatewayConfiguration.ListenAddress) -> Result<Int32, SocketFailure> {
        let family = address.isIPv6 ? AF_INET6 : AF_INET
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .failure(SocketFailure(errno: errno, reason: "socket")) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound: Int32
        if address.isIPv6 {
            var socketAddress = sockaddr_in6()
            socketAddress.sin6_family = sa_family_t(AF_INET6)
            socketAddress.sin6_port = UInt16(address.port).bigEndian
            _ = inet_pton(AF_INET6, address.host, &socketAddress.sin6_addr)
            bound = withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        } else {
            var socketAddress = sockaddr_in()
            socketAddress.sin_family = sa_family_t(AF_INET)
            socketAddress.sin_port = UInt16(address.port).bigEndian
            _ = inet_pton(AF_INET, address.host, &socketAddress.sin_addr)
            bound = withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        guard bound == 0 else {
            let code = errno
            close(fd)
            return .failure(SocketFailure(errno: code, reason: "bind: " + String(cString: strerror(code))))
        }
        guard Glibc.listen(fd, 16) == 0 else {
            let code = errno
            close(fd)
            return .failure(SocketFailure(errno: code, reason: "listen: " + String(cString: strerror(code))))
        }
        return .success(fd)
    }

    /// The socket loop; returns once `stop` is set (checked at least every 200 ms).
    static func serve(listener: Int32, stop: StopFlag, metrics: AgentMetrics) {
        let clock = ContinuousClock()
        let origin = clock.now
        var clients: [(fd: Int32, connection: MetricsHTTPConnection)] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        func drop(_ index: Int) {
            close(clients[index].fd)
            clients.remove(at: index)
        }
        while !stop.value.load(ordering: .relaxed) {
            var fds: [pollfd] = clients.map { client in
                pollfd(fd: client.fd, events: Int16(client.connection.isReading ? POLLIN : POLLOUT), revents: 0)
            }
            let polled = clients.count
            let listening = polled < maximumConnections
            if listening { fds.append(pollfd(fd: listener, events: Int16(POLLIN), revents: 0)) }
            let ready = poll(&fds, nfds_t(fds.count), 200)
            if ready < 0 && errno != EINTR { return }
            let now = origin.duration(to: clock.now)
            if listening, let last = fds.last, last.revents & Int16(POLLIN) != 0 {
                // accept4 is a GNU extension Glibc's module does not show: set the flags after.
                let fd = accept(listener, nil, nil)
                if fd >= 0 {
                    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                    _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                    clients.append((fd, MetricsHTTPConnection(openedAt: now)))
                }
            }
            // Backwards, so removing a client leaves the earlier indices (and their pollfds) in place.
            for index in stride(from: polled - 1, through: 0, by: -1) {
                let events = fds[index].revents
                if clients[index].connection.isReading, events & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                    let count = buffer.withUnsafeMutableBytes { recv(clients[index].fd, $0.baseAddress, $0.count, 0) }
                    if count > 0 {
                        clients[index].connection.receive(buffer[..<count], metrics: { metrics.prometheusText() })
                    } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
                        drop(index)
                        continue
                    }
                } else if !clients[index].connection.isReading, events & Int16(POLLOUT | POLLHUP | POLLERR) != 0 {
                    guard let pending = clients[index].connection.pending else { continue }
                    let count = pending.withUnsafeBytes { send(clients[index].fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    if count > 0 {
                        if clients[index].connection.sent(count) {
                            drop(index)
                            continue
                        }
                    } else if count < 0, errno != EAGAIN, errno != EINTR {
                        drop(index)
                        continue
                    }
                }
                if clients[index].connection.checkTimeout(now: now) { drop(index) }
            }
        }
        for client in clients { close(client.fd) }
    }
}

/// Set once to end the socket loop.
final class StopFlag: Sendable {
    let value = Atomic<Bool>(false)
}

/// A joinable POSIX thread running one closure (the socket loop must not block the cooperative pool).
final class PosixThread: Sendable {
    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    private let handle: pthread_t

    /// Starts the thread; nil when the system refuses one.
    init?(_ body: @escaping @Sendable () -> Void) {
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        var handle = pthread_t()
        let result = pthread_create(&handle, nil, { context in
            guard let context else { return nil }
            Unmanaged<Body>.fromOpaque(context).takeRetainedValue().run()
            return nil
        }, context)
        guard result == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            return nil
        }
        self.handle = handle
    }

    /// Waits for the closure to return.
    func join() {
        pthread_join(handle, nil)
    }
}
