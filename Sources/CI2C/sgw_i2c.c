#ifdef __linux__

#include "sgw_i2c.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <i2c/smbus.h>

// ioctl and open return -1 and set errno; fold that into the return value.
static int sgw_result(int r) { return r < 0 ? -errno : r; }

int sgw_i2c_open(const char *path) { return sgw_result(open(path, O_RDWR | O_CLOEXEC)); }

int sgw_i2c_close(int fd) { return sgw_result(close(fd)); }

int sgw_i2c_set_slave(int fd, uint16_t address) {
    return sgw_result(ioctl(fd, I2C_SLAVE, (unsigned long)address));
}

int sgw_i2c_get_funcs(int fd, unsigned long *funcs) {
    return sgw_result(ioctl(fd, I2C_FUNCS, funcs));
}

int sgw_i2c_rdwr(int fd, struct i2c_msg *msgs, unsigned n) {
    struct i2c_rdwr_ioctl_data data = { .msgs = msgs, .nmsgs = n };
    return sgw_result(ioctl(fd, I2C_RDWR, &data));
}

// libi2c (i2c-tools >= 4.0, the only versions shipping <i2c/smbus.h>) already returns -errno on
// failure, so its results pass through unchanged.
int sgw_i2c_smbus_read_byte(int fd) { return i2c_smbus_read_byte(fd); }
int sgw_i2c_smbus_write_byte(int fd, uint8_t value) { return i2c_smbus_write_byte(fd, value); }
int sgw_i2c_smbus_read_byte_data(int fd, uint8_t reg) { return i2c_smbus_read_byte_data(fd, reg); }
int sgw_i2c_smbus_write_byte_data(int fd, uint8_t reg, uint8_t value) {
    return i2c_smbus_write_byte_data(fd, reg, value);
}
int sgw_i2c_smbus_read_word_data(int fd, uint8_t reg) { return i2c_smbus_read_word_data(fd, reg); }
int sgw_i2c_smbus_write_word_data(int fd, uint8_t reg, uint16_t value) {
    return i2c_smbus_write_word_data(fd, reg, value);
}
int sgw_i2c_smbus_read_i2c_block_data(int fd, uint8_t reg, uint8_t length, uint8_t *values) {
    return i2c_smbus_read_i2c_block_data(fd, reg, length, values);
}
int sgw_i2c_smbus_write_i2c_block_data(int fd, uint8_t reg, uint8_t length, const uint8_t *values) {
    return i2c_smbus_write_i2c_block_data(fd, reg, length, values);
}

#endif /* __linux__ */
