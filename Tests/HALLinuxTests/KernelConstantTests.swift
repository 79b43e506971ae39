#if os(Linux) && canImport(CI2C) && canImport(CSPI)
import CI2C
import CSPI
@testable import HALLinux
import Testing

/// The request values the shims export, against the numbers worked out by hand from
/// linux/i2c-dev.h, linux/i2c.h and linux/spi/spidev.h (_IOC: dir << 30 | size << 16 | 'k' << 8 | nr).
@Suite("ioctl request values and kernel structures")
struct KernelConstantTests {
    @Test func i2cRequests() {
        #expect(SGW_I2C_SLAVE == 0x0703)
        #expect(SGW_I2C_FUNCS == 0x0705)
        #expect(SGW_I2C_RDWR == 0x0707)
        #expect(SGW_I2C_RDWR_MAX_MSGS == 42)
        #expect(SGW_I2C_M_RD == 0x0001)
        #expect(SGW_I2C_SMBUS_BLOCK_MAX == 32)
    }

    @Test func i2cFunctionalityBits() {
        #expect(SGW_I2C_FUNC_I2C == 0x0000_0001)
        #expect(SGW_I2C_FUNC_SMBUS_QUICK == 0x0001_0000)
        #expect(SGW_I2C_FUNC_SMBUS_READ_BYTE == 0x0002_0000)
        #expect(SGW_I2C_FUNC_SMBUS_WRITE_BYTE == 0x0004_0000)
        #expect(SGW_I2C_FUNC_SMBUS_READ_BYTE_DATA == 0x0008_0000)
        #expect(SGW_I2C_FUNC_SMBUS_WRITE_BYTE_DATA == 0x0010_0000)
        #expect(SGW_I2C_FUNC_SMBUS_READ_WORD_DATA == 0x0020_0000)
        #expect(SGW_I2C_FUNC_SMBUS_WRITE_WORD_DATA == 0x0040_0000)
        #expect(SGW_I2C_FUNC_SMBUS_READ_I2C_BLOCK == 0x0400_0000)
        #expect(SGW_I2C_FUNC_SMBUS_WRITE_I2C_BLOCK == 0x0800_0000)
        #expect(I2CFunctionality.i2c.rawValue == 0x1)
        #expect(I2CFunctionality.smbusReadI2CBlock.rawValue == 0x0400_0000)
    }

    @Test func spiRequests() {
        #expect(sgw_spi_ioc_message(1) == 0x4020_6b00)
        #expect(sgw_spi_ioc_message(2) == 0x4040_6b00)
        // 511 * 32 = 0x3fe0 still fits the 14-bit size field; 512 would not.
        #expect(sgw_spi_ioc_message(511) == 0x7fe0_6b00)
        #expect(sgw_spi_ioc_message(512) == 0)
        #expect(SGW_SPI_MAX_TRANSFERS == 511)
        #expect(SGW_SPI_IOC_WR_MODE == 0x4001_6b01)
        #expect(SGW_SPI_IOC_RD_MODE == 0x8001_6b01)
        #expect(SGW_SPI_IOC_WR_BITS_PER_WORD == 0x4001_6b03)
        #expect(SGW_SPI_IOC_RD_BITS_PER_WORD == 0x8001_6b03)
        #expect(SGW_SPI_IOC_WR_MAX_SPEED_HZ == 0x4004_6b04)
        #expect(SGW_SPI_IOC_RD_MAX_SPEED_HZ == 0x8004_6b04)
    }

    @Test func structureSizesMatchTheKernelABI() {
        // SPI_IOC_MESSAGE(n) encodes n * 32; a different Swift layout would send garbage.
        #expect(MemoryLayout<spi_ioc_transfer>.size == 32)
        #expect(MemoryLayout<spi_ioc_transfer>.offset(of: \.len) == 16)
        #expect(MemoryLayout<spi_ioc_transfer>.offset(of: \.delay_usecs) == 24)
        #if arch(x86_64) || arch(arm64)
        #expect(MemoryLayout<i2c_msg>.size == 16)
        #expect(MemoryLayout<i2c_msg>.offset(of: \.len) == 4)
        #endif
    }
}
#endif
