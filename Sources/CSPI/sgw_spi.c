#ifdef __linux__

#include "sgw_spi.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <unistd.h>

// SPI_IOC_MESSAGE(n) encodes n * sizeof(struct spi_ioc_transfer) in the request and the kernel
// reads the array by layout, so the build fails if the header found here disagrees with the UAPI
// (linux/spi/spidev.h). The struct is fixed-width by design (buffers are __u64 even on 32-bit
// boards), 32 bytes on every architecture:
//   __u64 tx_buf; __u64 rx_buf; __u32 len; __u32 speed_hz; __u16 delay_usecs; __u8 bits_per_word;
//   __u8 cs_change; __u8 tx_nbits; __u8 rx_nbits; __u8 word_delay_usecs; __u8 pad;
// Only the fields SPITransferPlan.transfers fills are checked (older headers spell the last
// bytes differently; their sizes and the total are the same).
#define SGW_SPI_FIELD(field, offset, size)                                                    \
    _Static_assert(offsetof(struct spi_ioc_transfer, field) == (offset),                        \
                   "spi_ioc_transfer." #field " must be at offset " #offset);                   \
    _Static_assert(sizeof(((struct spi_ioc_transfer *)0)->field) == (size),                     \
                   "spi_ioc_transfer." #field " must be " #size " bytes")
SGW_SPI_FIELD(tx_buf, 0, 8);
SGW_SPI_FIELD(rx_buf, 8, 8);
SGW_SPI_FIELD(len, 16, 4);
SGW_SPI_FIELD(speed_hz, 20, 4);
SGW_SPI_FIELD(delay_usecs, 24, 2);
SGW_SPI_FIELD(bits_per_word, 26, 1);
SGW_SPI_FIELD(cs_change, 27, 1);
#undef SGW_SPI_FIELD
_Static_assert(sizeof(struct spi_ioc_transfer) == 32, "spi_ioc_transfer must be 32 bytes");

static int sgw_result(int r) { return r < 0 ? -errno : r; }

unsigned long sgw_spi_ioc_message(unsigned n) {
    // SPI_MSGSIZE(n) silently becomes 0 when too large, which would make a different ioctl.
    if (n > SGW_SPI_MAX_TRANSFERS) return 0;
    return SPI_IOC_MESSAGE(n);
}

int sgw_spi_open(const char *path) { return sgw_result(open(path, O_RDWR | O_CLOEXEC)); }
int sgw_spi_close(int fd) { return sgw_result(close(fd)); }

int sgw_spi_set_mode(int fd, uint8_t mode) { return sgw_result(ioctl(fd, SPI_IOC_WR_MODE, &mode)); }
int sgw_spi_get_mode(int fd, uint8_t *mode) { return sgw_result(ioctl(fd, SPI_IOC_RD_MODE, mode)); }
int sgw_spi_set_max_speed_hz(int fd, uint32_t hz) {
    return sgw_result(ioctl(fd, SPI_IOC_WR_MAX_SPEED_HZ, &hz));
}
int sgw_spi_get_max_speed_hz(int fd, uint32_t *hz) {
    return sgw_result(ioctl(fd, SPI_IOC_RD_MAX_SPEED_HZ, hz));
}
int sgw_spi_set_bits_per_word(int fd, uint8_t bits) {
    return sgw_result(ioctl(fd, SPI_IOC_WR_BITS_PER_WORD, &bits));
}
int sgw_spi_get_bits_per_word(int fd, uint8_t *bits) {
    return sgw_result(ioctl(fd, SPI_IOC_RD_BITS_PER_WORD, bits));
}

int sgw_spi_transfer(int fd, struct spi_ioc_transfer *xfers, unsigned n) {
    unsigned long request = sgw_spi_ioc_message(n);
    if (n == 0 || request == 0) return -EINVAL;
    return sgw_result(ioctl(fd, request, xfers));
}

#endif /* __linux__ */
