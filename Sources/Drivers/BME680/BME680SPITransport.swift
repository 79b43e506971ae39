import HAL
import Synchronization

/// BME680 over 4-wire SPI (datasheet section 6.3): seven address bits, bit 7 the R/W bit (1 =
/// read), so the 8-bit register map is seen through two pages chosen by `spi_mem_page`, bit 4
/// of the status register 0x73 (reachable from both pages): page 0 (`spi_mem_page` = 0) holds
/// 0x80...0xFF (chip id, calibration), page 1 (`spi_mem_page` = 1) holds 0x00...0x7F (field
/// data, heater and control registers). The driver keeps using the I2C register numbers.
///
/// The page is switched only when the next register is on the other one, and remembered, so a
/// sample (trigger write and field-data read, both on page 1) costs no page transaction. The
/// switch is a read-modify-write of 0x73, because the datasheet allows only bit 4 to change. A
/// failed transaction forgets the page (the chip may have been reset to page 0), and so does
/// ``forgetPage()``, which the driver calls at every start.
public final class BME680SPITransport: BMx280Transport {
    /// The chip's SPI device; mode 0 or 3.
    public let device: any SPIDevice
    public let chip = "bme680"
    public var location: String { "spi" }

    /// Status register, whose bit 4 selects the page.
    static let status: UInt8 = 0x73
    static let pageBit: UInt8 = 0x10

    /// The page selected, nil when not known.
    private let page = Mutex<UInt8?>(nil)

    /// Creates a transport; nothing is sent until the first access.
    public init(device: any SPIDevice) {
        self.device = device
    }

    /// The page a register is on: 0 for 0x80...0xFF, 1 for 0x00...0x7F.
    static func page(of register: UInt8) -> UInt8 { register & 0x80 != 0 ? 0 : 1 }

    /// Makes the next access select its page again.
    public func forgetPage() { page.withLock { $0 = nil } }

    public func readRegisters(_ register: UInt8, count: Int) async throws -> [UInt8] {
        try await guarded {
            try await select(Self.page(of: register))
            let bytes = try await device.transaction([.write([(register & 0x7F) | 0x80]), .read(count: count)]).first ?? []
            guard bytes.count == count else {
                throw HALError(.badData, operation: "bme680 spi read 0x\(BMx280Register.hex(register))",
                               detail: "expected \(count) bytes, got \(bytes.count)")
            }
            return bytes
        }
    }

    public func writeRegister(_ register: UInt8, value: UInt8) async throws {
        try await writeRegisters([(register, value)])
    }

    /// One frame of (address, value) pairs per page, in order (datasheet 6.3.1: pairs may follow
    /// each other without raising CSB).
    public func writeRegisters(_ writes: [(register: UInt8, value: UInt8)]) async throws {
        var start = 0
        while start < writes.count {
            let wanted = Self.page(of: writes[start].register)
            var end = start
            while end < writes.count, Self.page(of: writes[end].register) == wanted { end += 1 }
            let frame = writes[start..<end].flatMap { [$0.register & 0x7F, $0.value] }
            try await guarded {
                try await select(wanted)
                _ = try await device.transaction([.write(frame)])
            }
            start = end
        }
    }

    private func select(_ wanted: UInt8) async throws {
        guard page.withLock({ $0 }) != wanted else { return }
        let current = try await device.transaction([.write([Self.status | 0x80]), .read(count: 1)]).first ?? []
        guard let status = current.first else {
            throw HALError(.badData, operation: "bme680 spi read status 0x73", detail: "expected 1 byte, got 0")
        }
        let value = wanted == 1 ? status | Self.pageBit : status & ~Self.pageBit
        _ = try await device.transaction([.write([Self.status & 0x7F, value])])
        page.withLock { $0 = wanted }
    }

    private func guarded<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            forgetPage()
            throw error
        }
    }
}
