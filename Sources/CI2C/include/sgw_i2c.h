// SensorGateway I2C shim: the i2c-dev ioctl request values and non-variadic ioctl wrappers Swift
// cannot call directly, plus libi2c's SMBus calls.
//
// Convention for every function returning int: a value >= 0 is success (or the data read), a
// negative value is -errno. Returning the error instead of leaving it in errno means Swift never
// has to read a thread-local after the call.
//
// Everything is guarded by __linux__ so the module is empty on macOS.
#pragma once

#ifdef __linux__

#include <stdint.h>
#include <linux/i2c.h>
#include <linux/i2c-dev.h>

// ioctl request values (linux/i2c-dev.h).
static const unsigned long SGW_I2C_SLAVE = I2C_SLAVE;
static const unsigned long SGW_I2C_FUNCS = I2C_FUNCS;
static const unsigned long SGW_I2C_RDWR = I2C_RDWR;
/// The kernel rejects an I2C_RDWR with more messages than this.
static const unsigned int SGW_I2C_RDWR_MAX_MSGS = I2C_RDWR_IOCTL_MAX_MSGS;

// i2c_msg flags (linux/i2c.h).
static const uint16_t SGW_I2C_M_RD = I2C_M_RD;

// Adapter functionality bits reported by I2C_FUNCS (linux/i2c.h).
static const unsigned long SGW_I2C_FUNC_I2C = I2C_FUNC_I2C;
static const unsigned long SGW_I2C_FUNC_SMBUS_QUICK = I2C_FUNC_SMBUS_QUICK;
static const unsigned long SGW_I2C_FUNC_SMBUS_READ_BYTE = I2C_FUNC_SMBUS_READ_BYTE;
static const unsigned long SGW_I2C_FUNC_SMBUS_WRITE_BYTE = I2C_FUNC_SMBUS_WRITE_BYTE;
static const unsigned long SGW_I2C_FUNC_SMBUS_READ_BYTE_DATA = I2C_FUNC_SMBUS_READ_BYTE_DATA;
static const unsigned long SGW_I2C_FUNC_SMBUS_WRITE_BYTE_DATA = I2C_FUNC_SMBUS_WRITE_BYTE_DATA;
static const unsigned long SGW_I2C_FUNC_SMBUS_READ_WORD_DATA = I2C_FUNC_SMBUS_READ_WORD_DATA;
static const unsigned long SGW_I2C_FUNC_SMBUS_WRITE_WORD_DATA = I2C_FUNC_SMBUS_WRITE_WORD_DATA;
static const unsigned long SGW_I2C_FUNC_SMBUS_READ_I2C_BLOCK = I2C_FUNC_SMBUS_READ_I2C_BLOCK;
static const unsigned long SGW_I2C_FUNC_SMBUS_WRITE_I2C_BLOCK = I2C_FUNC_SMBUS_WRITE_I2C_BLOCK;
/// Largest payload of an SMBus (I2C-)block transfer.
static const unsigned int SGW_I2C_SMBUS_BLOCK_MAX = I2C_SMBUS_BLOCK_MAX;

/// open(path, O_RDWR | O_CLOEXEC): the fd, or -errno.
int sgw_i2c_open(const char *path);
/// close(fd): 0 or -errno.
int sgw_i2c_close(int fd);

/// ioctl(fd, I2C_SLAVE, addr): selects the address later SMBus calls use.
int sgw_i2c_set_slave(int fd, uint16_t address);
/// ioctl(fd, I2C_FUNCS, funcs).
int sgw_i2c_get_funcs(int fd, unsigned long *funcs);
/// ioctl(fd, I2C_RDWR, {msgs, n}): one combined transfer, one STOP.
int sgw_i2c_rdwr(int fd, struct i2c_msg *msgs, unsigned n);

// libi2c SMBus calls (i2c/smbus.h). Reads return the value (byte, or word as the device sent it,
// low byte first on the wire) or the number of bytes read; failures return -errno.
int sgw_i2c_smbus_read_byte(int fd);
int sgw_i2c_smbus_write_byte(int fd, uint8_t value);
int sgw_i2c_smbus_read_byte_data(int fd, uint8_t reg);
int sgw_i2c_smbus_write_byte_data(int fd, uint8_t reg, uint8_t value);
int sgw_i2c_smbus_read_word_data(int fd, uint8_t reg);
int sgw_i2c_smbus_write_word_data(int fd, uint8_t reg, uint16_t value);
int sgw_i2c_smbus_read_i2c_block_data(int fd, uint8_t reg, uint8_t length, uint8_t *values);
int sgw_i2c_smbus_write_i2c_block_data(int fd, uint8_t reg, uint8_t length, const uint8_t *values);

#endif /* __linux__ */
