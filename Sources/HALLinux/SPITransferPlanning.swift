#if os(Linux) && canImport(CSPI)
import CSPI
import HAL

/// A transaction laid out for one `SPI_IOC_MESSAGE(n)`: transfer segments over one transmit and
/// one receive buffer. Pure, so the layout is tested without a spidev node.
public struct SPITransferPlan: Sendable, Hashable {
    /// One `spi_ioc_transfer`, with buffer positions as offsets.
    public struct Segment: Sendable, Hashable {
        /// Where the bytes to send start in ``SPITransferPlan/transmit``.
        public var transmitOffset: Int?
        /// Where the bytes received go in the receive buffer; nil when they are discarded.
        public var receiveOffset: Int?
        /// Bytes clocked.
        public var length: Int
        /// Microseconds to wait after this segment with chip select still asserted.
        public var delayMicroseconds: UInt16
    }

    /// The segments, in order.
    public var segments: [Segment]
    /// The bytes to send: write and transfer payloads, and zeros for reads.
    public var transmit: [UInt8]
    /// How large the receive buffer must be.
    public var receiveCount: Int
    /// Where each `.read` and `.transfer` result sits in the receive buffer, in order.
    public var results: [Range<Int>]

    /// The most transfers one `SPI_IOC_MESSAGE(n)` can carry (its size field has 14 bits).
    public static let maxTransfers = Int(SGW_SPI_MAX_TRANSFERS)

    /// Lays out `operations`.
    ///
    /// Reads clock out explicit zeros instead of a null transmit buffer, because some controllers
    /// send 0xFF or leftovers for a null buffer and the HAL promises zeros. A delay extends the
    /// previous segment's `delay_usecs` (the kernel waits after that transfer, chip select held);
    /// at the start, or beyond 65535 µs, it becomes a zero-length transfer of its own.
    /// Zero-length writes and reads put nothing on the wire and get no segment.
    /// - Throws: ``HAL/HALError/Kind/invalidArgument`` for an empty transaction, a negative count,
    ///   or more segments than one message can carry.
    public init(_ operations: [SPIOperation], operation: String) throws {
        guard !operations.isEmpty else {
            throw HALError(.invalidArgument, operation: operation, detail: "empty transaction")
        }
        var segments: [Segment] = []
        var transmit: [UInt8] = []
        var receiveCount = 0
        var results: [Range<Int>] = []

        func data(_ bytes: [UInt8], receive: Bool) {
            let transmitOffset = transmit.count
            transmit.append(contentsOf: bytes)
            var receiveOffset: Int?
            if receive {
                receiveOffset = receiveCount
                results.append(receiveCount..<receiveCount + bytes.count)
                receiveCount += bytes.count
            }
            guard !bytes.isEmpty else { return }
            segments.append(Segment(transmitOffset: transmitOffset, receiveOffset: receiveOffset,
                                    length: bytes.count, delayMicroseconds: 0))
        }

        for op in operations {
            switch op {
            case .write(let bytes):
                data(bytes, receive: false)
            case .transfer(let bytes):
                data(bytes, receive: true)
            case .read(let count):
                guard count >= 0 else {
                    throw HALError(.invalidArgument, operation: operation, detail: "read count \(count) < 0")
                }
                data([UInt8](repeating: 0, count: count), receive: true)
            case .delay(let microseconds):
                guard microseconds > 0 else { continue }
                if let last = segments.indices.last,
                   UInt32(segments[last].delayMicroseconds) + UInt32(microseconds) <= UInt32(UInt16.max) {
                    segments[last].delayMicroseconds += microseconds
                } else {
                    segments.append(Segment(transmitOffset: nil, receiveOffset: nil, length: 0,
                                            delayMicroseconds: microseconds))
                }
            }
        }
        guard segments.count <= Self.maxTransfers else {
            throw HALError(.invalidArgument, operation: operation,
                           detail: "\(segments.count) transfers; SPI_IOC_MESSAGE takes at most \(Self.maxTransfers)")
        }
        self.segments = segments
        self.transmit = transmit
        self.receiveCount = receiveCount
        self.results = results
    }

    /// The kernel structures for this plan with buffers at the given addresses.
    ///
    /// Every transfer carries the device's speed and word size explicitly, and `cs_change` 0 so
    /// chip select stays asserted from the first transfer to the end of the last.
    public func transfers(configuration: SPIConfiguration, transmitBase: UInt64,
                          receiveBase: UInt64) -> [spi_ioc_transfer] {
        segments.map { segment in
            var transfer = spi_ioc_transfer()
            transfer.tx_buf = segment.transmitOffset.map { transmitBase + UInt64($0) } ?? 0
            transfer.rx_buf = segment.receiveOffset.map { receiveBase + UInt64($0) } ?? 0
            transfer.len = UInt32(clamping: segment.length)
            transfer.speed_hz = configuration.speedHz
            transfer.bits_per_word = configuration.bitsPerWord
            transfer.delay_usecs = segment.delayMicroseconds
            transfer.cs_change = 0
            return transfer
        }
    }
}
#endif
