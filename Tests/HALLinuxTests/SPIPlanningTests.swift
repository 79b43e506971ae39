#if os(Linux) && canImport(CSPI)
import CSPI
import HAL
@testable import HALLinux
import Testing

@Suite("SPI: spi_ioc_transfer building")
struct SPITransferPlanTests {
    let config = SPIConfiguration(mode: .mode3, speedHz: 2_000_000, bitsPerWord: 8)
    let tx: UInt64 = 0x10_000
    let rx: UInt64 = 0x20_000

    private func invalid(_ ops: [SPIOperation]) -> Bool {
        do {
            _ = try SPITransferPlan(ops, operation: "test")
            return false
        } catch let error as HALError {
            return error.kind == .invalidArgument
        } catch {
            return false
        }
    }

    @Test func writeThenReadIsTwoTransfersInOneFrame() throws {
        let plan = try SPITransferPlan([.write([0x9F]), .read(count: 3)], operation: "test")
        let xfers = plan.transfers(configuration: config, transmitBase: tx, receiveBase: rx)
        #expect(xfers.count == 2)
        #expect(xfers.map(\.len) == [1, 3])
        #expect(xfers[0].tx_buf == tx)
        #expect(xfers[0].rx_buf == 0)
        // The read clocks out zeros stored after the command byte.
        #expect(xfers[1].tx_buf == tx + 1)
        #expect(xfers[1].rx_buf == rx)
        #expect(plan.transmit == [0x9F, 0, 0, 0])
        #expect(plan.receiveCount == 3)
        #expect(plan.results == [0..<3])
        for xfer in xfers {
            #expect(xfer.speed_hz == 2_000_000)
            #expect(xfer.bits_per_word == 8)
            #expect(xfer.cs_change == 0)
            #expect(xfer.delay_usecs == 0)
        }
    }

    @Test func fullDuplexTransferSendsAndKeeps() throws {
        let plan = try SPITransferPlan([.transfer([0x01, 0x80, 0x00]), .write([0xAA]), .read(count: 2)],
                                       operation: "test")
        let xfers = plan.transfers(configuration: config, transmitBase: tx, receiveBase: rx)
        #expect(xfers.map(\.len) == [3, 1, 2])
        #expect(xfers.map(\.tx_buf) == [tx, tx + 3, tx + 4])
        #expect(xfers.map(\.rx_buf) == [rx, 0, rx + 3])
        #expect(plan.transmit == [0x01, 0x80, 0x00, 0xAA, 0, 0])
        #expect(plan.results == [0..<3, 3..<5])
    }

    @Test func delayExtendsThePreviousTransfer() throws {
        let plan = try SPITransferPlan([.write([0x20]), .delay(microseconds: 40), .delay(microseconds: 2),
                                        .read(count: 2)], operation: "test")
        let xfers = plan.transfers(configuration: config, transmitBase: tx, receiveBase: rx)
        #expect(xfers.count == 2)
        #expect(xfers.map(\.delay_usecs) == [42, 0])
    }

    @Test func leadingDelayIsAZeroLengthTransfer() throws {
        let plan = try SPITransferPlan([.delay(microseconds: 10), .read(count: 1)], operation: "test")
        let xfers = plan.transfers(configuration: config, transmitBase: tx, receiveBase: rx)
        #expect(xfers.count == 2)
        #expect(xfers[0].len == 0)
        #expect(xfers[0].tx_buf == 0)
        #expect(xfers[0].rx_buf == 0)
        #expect(xfers[0].delay_usecs == 10)
        #expect(xfers[0].cs_change == 0)
        #expect(xfers[1].len == 1)
    }

    @Test func delayBeyond16BitsSpillsIntoAnotherTransfer() throws {
        let plan = try SPITransferPlan([.write([1]), .delay(microseconds: 65_000), .delay(microseconds: 1_000)],
                                       operation: "test")
        let xfers = plan.transfers(configuration: config, transmitBase: tx, receiveBase: rx)
        #expect(xfers.map(\.delay_usecs) == [65_000, 1_000])
        #expect(xfers.map(\.len) == [1, 0])
    }

    @Test func zeroLengthSegmentsStillAnswer() throws {
        let plan = try SPITransferPlan([.write([]), .read(count: 0), .transfer([0x05])], operation: "test")
        #expect(plan.segments.count == 1)
        #expect(plan.results == [0..<0, 0..<1])
    }

    @Test func speedAndWordSizeComeFromTheConfiguration() throws {
        let plan = try SPITransferPlan([.write([0, 0])], operation: "test")
        let slow = SPIConfiguration(mode: .mode0, speedHz: 100_000, bitsPerWord: 16)
        let xfer = try #require(plan.transfers(configuration: slow, transmitBase: tx, receiveBase: rx).first)
        #expect(xfer.speed_hz == 100_000)
        #expect(xfer.bits_per_word == 16)
    }

    @Test func malformedTransactionsAreRejected() throws {
        #expect(invalid([]))
        #expect(invalid([.read(count: -1)]))
        #expect(invalid([SPIOperation](repeating: .write([1]), count: 512)))
        #expect(try SPITransferPlan([SPIOperation](repeating: .write([1]), count: 511), operation: "test")
                    .segments.count == 511)
    }
}
#endif
