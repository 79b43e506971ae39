#ifdef __linux__

#include "sgw_spi.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

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
