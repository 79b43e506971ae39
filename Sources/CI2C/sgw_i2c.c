#ifdef __linux__

#include "sgw_i2c.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <i2c/smbus.h>

// The kernel reads these structures by layout, not by name, so the build fails if the headers
// found here disagree with the UAPI (linux/i2c.h, linux/i2c-dev.h): e.g. the conflicting copy of
// linux/i2c-dev.h that i2c-tools before 4.0 installed, or a foreign libc's headers in a cross
// build. The numbers restate the UAPI definitions
//   struct i2c_msg { __u16 addr; __u16 flags; __u16 len; __u8 *buf; };
//   struct i2c_rdwr_ioctl_data { struct i2c_msg *msgs; __u32 nmsgs; };
// with natural alignment, which is what the kernel's ABI uses on every Linux architecture: three
// 16-bit fields, then a pointer at offset 8 (6 rounded up to the pointer's alignment, 4 or 8).
// Only the fields the Swift side (I2CMessageBuilder) and sgw_i2c_rdwr fill are checked.
_Static_assert(offsetof(struct i2c_msg, addr) == 0, "i2c_msg.addr must be at offset 0");
_Static_assert(sizeof(((struct i2c_msg *)0)->addr) == 2, "i2c_msg.addr must be 16 bits");
_Static_assert(offsetof(struct i2c_msg, flags) == 2, "i2c_msg.flags must be at offset 2");
_Static_assert(sizeof(((struct i2c_msg *)0)->flags) == 2, "i2c_msg.flags must be 16 bits");
_Static_assert(offsetof(struct i2c_msg, len) == 4, "i2c_msg.len must be at offset 4");
_Static_assert(sizeof(((struct i2c_msg *)0)->len) == 2, "i2c_msg.len must be 16 bits");
_Static_assert(offsetof(struct i2c_msg, buf) == 8, "i2c_msg.buf must be at offset 8");
_Static_assert(sizeof(((struct i2c_msg *)0)->buf) == sizeof(void *), "i2c_msg.buf must be a pointer");
_Static_assert(sizeof(struct i2c_msg) == 8 + sizeof(void *), "i2c_msg must be 12 (32-bit) or 16 (64-bit) bytes");
_Static_assert(offsetof(struct i2c_rdwr_ioctl_data, msgs) == 0, "i2c_rdwr_ioctl_data.msgs must be at offset 0");
_Static_assert(offsetof(struct i2c_rdwr_ioctl_data, nmsgs) == sizeof(void *),
               "i2c_rdwr_ioctl_data.nmsgs must follow the pointer");
_Static_assert(sizeof(((struct i2c_rdwr_ioctl_data *)0)->nmsgs) == 4, "i2c_rdwr_ioctl_data.nmsgs must be 32 bits");
_Static_assert(sizeof(struct i2c_rdwr_ioctl_data) == 2 * sizeof(void *),
               "i2c_rdwr_ioctl_data must be 8 (32-bit) or 16 (64-bit) bytes");

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
