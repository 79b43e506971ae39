#if os(Linux) && canImport(CSPI)
import CSPI
import HAL
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An SPI device through Linux spidev (`/dev/spidevB.C`: bus B, chip select C).
///
/// Mode, speed and word size are set once when the device is opened. A transaction is one
/// `SPI_IOC_MESSAGE(n)`, so chip select stays asserted across its segments and no other user of
/// the bus can slip in between. System calls run on the device's own serial executor.
public final class LinuxSPIDevice: SPIDevice, @unchecked Sendable {
    // @unchecked: every stored property is immutable after init; the fd is only used on
    // `executor`, which is serial.

    /// The device node, e.g. `/dev/spidev0.0`.
    public let path: String
    /// The mode, speed and word size the device was opened with.
    public let configuration: SPIConfiguration
    private let fd: Int32
    private let executor: BlockingExecutor

    static let missingDeviceHint =
        "no such spidev node: enable SPI (dtparam=spi=on on a Raspberry Pi) and check the bus "
        + "and chip-select numbers"

    /// Opens `/dev/spidev<bus>.<chipSelect>`; blocks briefly, see ``open(bus:chipSelect:configuration:)``.
    /// - Throws: ``HAL/HALError``.
    public convenience init(bus: Int, chipSelect: Int, configuration: SPIConfiguration = .init()) throws {
        try self.init(path: "/dev/spidev\(bus).\(chipSelect)", configuration: configuration)
    }

    /// Opens a spidev node and applies `configuration`.
    /// - Throws: ``HAL/HALError``; EACCES carries a hint to join the `spi` group, and a setting the
    ///   controller refuses is ``HAL/HALError/Kind/invalidArgument`` naming the setting.
    public init(path: String, configuration: SPIConfiguration = .init()) throws {
        let fd = sgw_spi_open(path)
        guard fd >= 0 else {
            throw LinuxErrno.openError(-fd, path: path, group: "spi", missingHint: Self.missingDeviceHint)
        }
        // SPI_IOC_WR_MODE writes the whole mode byte, so CS_HIGH, LSB_FIRST and 3WIRE left over from
        // another program are cleared: the device runs exactly the configuration asked for.
        let settings: [(String, () -> Int32)] = [
            ("set SPI mode \(configuration.mode.rawValue)", { sgw_spi_set_mode(fd, configuration.mode.rawValue) }),
            ("set SPI bits per word \(configuration.bitsPerWord)",
             { sgw_spi_set_bits_per_word(fd, configuration.bitsPerWord) }),
            ("set SPI max speed \(configuration.speedHz) Hz", { sgw_spi_set_max_speed_hz(fd, configuration.speedHz) }),
        ]
        for (name, apply) in settings {
            let result = apply()
            guard result >= 0 else {
                _ = sgw_spi_close(fd)
                throw LinuxErrno.error(-result, operation: "\(name) on \(path)")
            }
        }
        self.path = path
        self.configuration = configuration
        self.fd = fd
        self.executor = BlockingExecutor(label: "sensorgw.spi.\(path)")
    }

    /// Opens `/dev/spidev<bus>.<chipSelect>` without blocking the calling task's thread.
    public static func open(bus: Int, chipSelect: Int,
                            configuration: SPIConfiguration = .init()) async throws -> LinuxSPIDevice {
        try await open(path: "/dev/spidev\(bus).\(chipSelect)", configuration: configuration)
    }

    /// Opens a spidev node without blocking the calling task's thread.
    public static func open(path: String, configuration: SPIConfiguration = .init()) async throws -> LinuxSPIDevice {
        try await BlockingExecutor(label: "sensorgw.spi.open").run {
            try LinuxSPIDevice(path: path, configuration: configuration)
        }
    }

    deinit {
        // Every queued call holds a reference, so nothing can still be using the fd here.
        _ = sgw_spi_close(fd)
    }

    /// Runs the segments as one chip-select frame.
    /// - Throws: ``HAL/HALError``.
    public func transaction(_ operations: [SPIOperation]) async throws -> [[UInt8]] {
        let operation = "spi transaction on \(path)"
        let plan = try SPITransferPlan(operations, operation: operation)
        guard !plan.segments.isEmpty else { return plan.results.map { _ in [] } }
        return try await executor.run { [self] in
            var transmit = plan.transmit
            var receive = [UInt8](repeating: 0, count: max(plan.receiveCount, 1))
            let result = transmit.withUnsafeMutableBufferPointer { tx in
                receive.withUnsafeMutableBufferPointer { rx in
                    var transfers = plan.transfers(
                        configuration: configuration,
                        transmitBase: UInt64(UInt(bitPattern: tx.baseAddress)),
                        receiveBase: UInt64(UInt(bitPattern: rx.baseAddress)))
                    return transfers.withUnsafeMutableBufferPointer {
                        sgw_spi_transfer(fd, $0.baseAddress, UInt32($0.count))
                    }
                }
            }
            guard result >= 0 else {
                let detail = result == -EMSGSIZE
                    ? "the message exceeds spidev's buffer (module parameter spidev.bufsiz, 4096 by default)"
                    : nil
                throw LinuxErrno.error(-result, operation: operation, detail: detail)
            }
            return plan.results.map { Array(receive[$0]) }
        }
    }
}

#endif
