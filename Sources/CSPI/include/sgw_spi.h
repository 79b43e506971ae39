// SensorGateway SPI shim: spidev ioctl request values (built by _IOW/_IOR macros Swift cannot
// import) and non-variadic ioctl wrappers.
//
// Every function returning int gives >= 0 on success and -errno on failure.
// Everything is guarded by __linux__ so the module is empty on macOS.
#pragma once

#ifdef __linux__

#include <stdint.h>
#include <linux/spi/spidev.h>

static const unsigned long SGW_SPI_IOC_WR_MODE = SPI_IOC_WR_MODE;
static const unsigned long SGW_SPI_IOC_RD_MODE = SPI_IOC_RD_MODE;
static const unsigned long SGW_SPI_IOC_WR_MAX_SPEED_HZ = SPI_IOC_WR_MAX_SPEED_HZ;
static const unsigned long SGW_SPI_IOC_RD_MAX_SPEED_HZ = SPI_IOC_RD_MAX_SPEED_HZ;
static const unsigned long SGW_SPI_IOC_WR_BITS_PER_WORD = SPI_IOC_WR_BITS_PER_WORD;
static const unsigned long SGW_SPI_IOC_RD_BITS_PER_WORD = SPI_IOC_RD_BITS_PER_WORD;

/// The most transfers one SPI_IOC_MESSAGE(n) can carry: the ioctl size field has 14 bits.
static const unsigned int SGW_SPI_MAX_TRANSFERS = ((1u << _IOC_SIZEBITS) - 1) / sizeof(struct spi_ioc_transfer);

/// SPI_IOC_MESSAGE(n); 0 when n transfers do not fit the ioctl's size field.
unsigned long sgw_spi_ioc_message(unsigned n);

/// open(path, O_RDWR | O_CLOEXEC): the fd, or -errno.
int sgw_spi_open(const char *path);
/// close(fd): 0 or -errno.
int sgw_spi_close(int fd);

int sgw_spi_set_mode(int fd, uint8_t mode);
int sgw_spi_get_mode(int fd, uint8_t *mode);
int sgw_spi_set_max_speed_hz(int fd, uint32_t hz);
int sgw_spi_get_max_speed_hz(int fd, uint32_t *hz);
int sgw_spi_set_bits_per_word(int fd, uint8_t bits);
int sgw_spi_get_bits_per_word(int fd, uint8_t *bits);

/// ioctl(fd, SPI_IOC_MESSAGE(n), xfers): one chip-select frame; returns the bytes transferred.
int sgw_spi_transfer(int fd, struct spi_ioc_transfer *xfers, unsigned n);

#endif /* __linux__ */
