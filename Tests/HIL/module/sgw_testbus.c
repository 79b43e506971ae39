// SPDX-License-Identifier: GPL-2.0
/*
 * sgw_testbus: a test bus for SensorGateway's hardware-in-the-loop stage.
 *
 * An I2C adapter that does plain I2C (I2C_RDWR) whose clients are 256-byte register files that
 * speak the BME280's I2C protocol (datasheet 6.2.1): a write message is a register address then
 * data, further bytes being more (register address, data) pairs, so [F2 01 F4 25] writes F2 and
 * F4 and leaves F3 alone; a read message returns consecutive registers from the last address
 * written (auto-increment on read only). And an SPI controller with one device bound to spidev
 * whose register file speaks the BME280's 4-wire SPI protocol (6.3): the first byte of a frame
 * is the register with bit 7 replaced by R/W (1 = read); reads auto-increment, writes are
 * (control byte, data) pairs within one chip-select frame.
 *
 * debugfs (/sys/kernel/debug/sgw_testbus/<chip>/) lets a test read and change each chip's
 * registers at run time and make a chip absent (every transfer to it is NACKed) or present again:
 *   regs     256 bytes, binary, readable and writable at any offset
 *   set      write "REG BYTE [BYTE...]" in hex, e.g. "fa 7e ed 00"
 *   present  Y/N
 *
 * Two more I2C client protocols:
 *   sht_addr=   Sensirion command chips as an SHT3x (datasheet 4.3-4.11): a write is one 16-bit
 *               command, MSB first; a read returns the command's 16-bit words, each followed by
 *               its CRC-8 (polynomial 0x31, init 0xFF, 4.12). Single shot 0x2400/0x240B/0x2416
 *               (and the clock-stretching 0x2C06/0x2C0D/0x2C10) -> T word, RH word; status
 *               0xF32D -> status word; soft reset 0x30A2 -> status 0x8010 (reset value, 4.11);
 *               clear status 0x3041; any other command sets status bit 1 (command not processed).
 *               A read with nothing pending returns 0xFF bytes (the bus idles high).
 *               debugfs <sht3x-0xNN>/: words ("TTTT HHHH" hex, read and write), status (x16),
 *               badcrc (Y: every CRC sent is wrong), commands (read: every command received,
 *               hex, oldest first, up to 16; write anything to clear), present.
 *   word_addr=  word-register chips as a TMP102 (datasheet 7.5.3, 7.6): a write is a pointer byte
 *               then optional 16-bit big-endian data for that register; a read returns the
 *               pointed register MSB first. Registers 0-3 (temperature, config 0x60A0 at reset,
 *               T_LOW 0x4B00, T_HIGH 0x5000); the temperature register is read-only, and config's
 *               R1:R0 (bits 14:13) and AL (bit 5) are read-only bits.
 *               debugfs <word-0xNN>/: words ("R WWWW" hex to set; read: the four words), present.
 *
 * SPI chip select 1 (/dev/spidevB.1) is an MCP3008 (datasheet 5.0, figure 6-1): in a 3-byte
 * frame the first byte carries the start bit (bit 0), the second SGL/DIFF D2 D1 D0 in bits 7:4;
 * the reply's second byte is a null bit (bit 2, 0) then B9 B8, the third B7..B0.
 * debugfs mcp3008/: codes (eight 10-bit codes, decimal, read and write; differential inputs
 * read the code of their + channel), present (N: MISO floats high, so the null bit reads 1).
 *
 * Parameters: chip_addr=0x76,0x77 (BME280 chips), sht_addr=, word_addr= (up to 8 chips in all),
 * spi_bus=N (SPI bus number, -1 dynamic).
 */
#include <linux/debugfs.h>
#include <linux/i2c.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/spi/spi.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#define SGW_MAX_CHIPS 8
#define SGW_REGS 256

static unsigned short chip_addr[SGW_MAX_CHIPS] = { 0x76 };
static int nr_chip_addr = 1;
module_param_array(chip_addr, ushort, &nr_chip_addr, 0444);
MODULE_PARM_DESC(chip_addr, "7-bit addresses of the I2C register-file chips (up to 8)");

static unsigned short sht_addr[SGW_MAX_CHIPS];
static int nr_sht_addr;
module_param_array(sht_addr, ushort, &nr_sht_addr, 0444);
MODULE_PARM_DESC(sht_addr, "7-bit addresses of the Sensirion (SHT3x) command chips");

static unsigned short word_addr[SGW_MAX_CHIPS];
static int nr_word_addr;
module_param_array(word_addr, ushort, &nr_word_addr, 0444);
MODULE_PARM_DESC(word_addr, "7-bit addresses of the word-register (TMP102) chips");

static int spi_bus = -1;
module_param(spi_bus, int, 0444);
MODULE_PARM_DESC(spi_bus, "SPI bus number (-1: the next free one)");

enum sgw_protocol { SGW_BME280, SGW_SENSIRION, SGW_WORDREG };

#define SGW_SHT_COMMANDS 16
#define SGW_SHT_RESET_STATUS 0x8010	/* alert pending, reset detected (SHT3x table 17) */

struct sgw_chip {
	char name[16];
	u16 addr;		/* I2C address; 0 for the SPI chip */
	enum sgw_protocol protocol;
	bool present;
	u8 pointer;
	u8 regs[SGW_REGS];
	/* Sensirion: measurement words, status, the pending reply, the commands received */
	u16 measurement[2];
	u16 status;
	bool badcrc;
	u8 reply[6];
	int reply_len, reply_pos;
	u16 commands[SGW_SHT_COMMANDS];
	int ncommands;
	/* word registers */
	u16 words[4];
};

#define SGW_MCP_CHANNELS 8
static u16 sgw_mcp_codes[SGW_MCP_CHANNELS];
static bool sgw_mcp_present = true;

static DEFINE_MUTEX(sgw_lock);	/* guards every chip's regs and pointer */
static struct sgw_chip sgw_chips[SGW_MAX_CHIPS];
static int sgw_nchips;
static struct sgw_chip sgw_spi_chip;
static struct platform_device *sgw_pdev;
static struct i2c_adapter sgw_adapter;
static bool sgw_adapter_added;
static struct spi_controller *sgw_ctlr;
static struct dentry *sgw_debugfs;

/* ---- I2C ---- */

static struct sgw_chip *sgw_find(u16 addr)
{
	int i;

	for (i = 0; i < sgw_nchips; i++)
		if (sgw_chips[i].addr == addr)
			return &sgw_chips[i];
	return NULL;
}

/* Sensirion's CRC-8 (SHT3x datasheet 4.12): polynomial 0x31, init 0xFF, 0xBEEF -> 0x92. */
static u8 sgw_crc8(u16 word)
{
	u8 crc = 0xff, bytes[2] = { word >> 8, word & 0xff };
	int i, bit;

	for (i = 0; i < 2; i++) {
		crc ^= bytes[i];
		for (bit = 0; bit < 8; bit++)
			crc = (crc & 0x80) ? (crc << 1) ^ 0x31 : crc << 1;
	}
	return crc;
}

static void sgw_sensirion_reply(struct sgw_chip *chip, const u16 *words, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		chip->reply[3 * i] = words[i] >> 8;
		chip->reply[3 * i + 1] = words[i] & 0xff;
		chip->reply[3 * i + 2] = sgw_crc8(words[i]) ^ (chip->badcrc ? 0x01 : 0);
	}
	chip->reply_len = 3 * n;
	chip->reply_pos = 0;
}

static void sgw_sensirion_msg(struct sgw_chip *chip, struct i2c_msg *msg)
{
	u16 command;
	int j;

	if (msg->flags & I2C_M_RD) {
		for (j = 0; j < msg->len; j++)
			msg->buf[j] = chip->reply_pos < chip->reply_len ? chip->reply[chip->reply_pos++] : 0xff;
		chip->reply_len = 0;	/* a reply is read once */
		return;
	}
	if (msg->len != 2)
		return;		/* an address-only write (a quick write) or a stray byte */
	command = msg->buf[0] << 8 | msg->buf[1];
	if (chip->ncommands < SGW_SHT_COMMANDS)
		chip->commands[chip->ncommands++] = command;
	chip->reply_len = 0;
	switch (command) {
	case 0x2400: case 0x240b: case 0x2416:	/* single shot, no clock stretching */
	case 0x2c06: case 0x2c0d: case 0x2c10:	/* single shot, clock stretching */
		sgw_sensirion_reply(chip, chip->measurement, 2);
		break;
	case 0xf32d:
		sgw_sensirion_reply(chip, &chip->status, 1);
		break;
	case 0x30a2:
		chip->status = SGW_SHT_RESET_STATUS;
		break;
	case 0x3041:	/* clear status: alert, RH and T alerts, reset detected (table 17) */
		chip->status &= ~(0x8000 | 0x0800 | 0x0400 | 0x0010);
		break;
	default:
		chip->status |= 0x0002;
		break;
	}
}

#define SGW_TMP102_CONFIG_READONLY 0x6020	/* R1:R0 and AL (TMP102 table 7-10) */

static void sgw_wordreg_msg(struct sgw_chip *chip, struct i2c_msg *msg)
{
	u8 reg;
	u16 value;
	int j;

	if (msg->flags & I2C_M_RD) {
		for (j = 0; j < msg->len; j++) {
			value = chip->words[chip->pointer & 3];
			msg->buf[j] = j % 2 == 0 ? value >> 8 : value & 0xff;
		}
		return;
	}
	if (msg->len == 0)
		return;
	chip->pointer = msg->buf[0] & 3;
	if (msg->len < 3)
		return;
	reg = chip->pointer;
	value = msg->buf[1] << 8 | msg->buf[2];
	if (reg == 0)
		return;		/* the temperature register is read-only */
	if (reg == 1)
		value = (value & ~SGW_TMP102_CONFIG_READONLY) | (chip->words[1] & SGW_TMP102_CONFIG_READONLY);
	chip->words[reg] = value;
}

static int sgw_master_xfer(struct i2c_adapter *adap, struct i2c_msg *msgs, int num)
{
	int i, j, ret = num;

	mutex_lock(&sgw_lock);
	for (i = 0; i < num; i++) {
		struct i2c_msg *msg = &msgs[i];
		struct sgw_chip *chip;

		if (msg->flags & I2C_M_TEN) {
			ret = -EOPNOTSUPP;
			break;
		}
		chip = sgw_find(msg->addr);
		if (!chip || !READ_ONCE(chip->present)) {
			ret = -ENXIO;	/* nobody acknowledged the address */
			break;
		}
		if (chip->protocol == SGW_SENSIRION) {
			sgw_sensirion_msg(chip, msg);
		} else if (chip->protocol == SGW_WORDREG) {
			sgw_wordreg_msg(chip, msg);
		} else if (msg->flags & I2C_M_RD) {
			for (j = 0; j < msg->len; j++)
				msg->buf[j] = chip->regs[chip->pointer++];
		} else {
			/* Even bytes are register addresses, odd bytes their data (BME280, 6.2.1). */
			for (j = 0; j < msg->len; j++) {
				if (j % 2 == 0)
					chip->pointer = msg->buf[j];
				else
					chip->regs[chip->pointer] = msg->buf[j];
			}
		}
	}
	mutex_unlock(&sgw_lock);
	return ret;
}

static u32 sgw_functionality(struct i2c_adapter *adap)
{
	return I2C_FUNC_I2C | I2C_FUNC_SMBUS_EMUL;
}

static const struct i2c_algorithm sgw_algorithm = {
	.master_xfer = sgw_master_xfer,
	.functionality = sgw_functionality,
};

/* ---- SPI ---- */

/*
 * MCP3008 (datasheet figure 6-1), bit by bit over the whole chip-select frame, so any framing a
 * driver picks works as on the chip: after the start bit (the first 1 on MOSI) the chip takes
 * SGL/DIFF and D2..D0, samples for the next clock, then drives the null bit (0) and B9..B0 on
 * MISO, one per clock; before and after that MISO is high-impedance (read as 1 here).
 */
static int sgw_mcp3008_message(struct spi_controller *ctlr, struct spi_message *msg)
{
	struct spi_transfer *xfer;
	int clock = -1;		/* clocks since the start bit; -1: no start bit yet */
	u8 config = 0;
	u16 code = 0;
	unsigned int i;
	int bit;

	mutex_lock(&sgw_lock);
	list_for_each_entry(xfer, &msg->transfers, transfer_list) {
		const u8 *tx = xfer->tx_buf;
		u8 *rx = xfer->rx_buf;

		for (i = 0; i < xfer->len; i++) {
			u8 in = tx ? tx[i] : 0, out = 0;

			for (bit = 7; bit >= 0; bit--) {
				int mosi = (in >> bit) & 1, miso = 1;

				if (!READ_ONCE(sgw_mcp_present)) {
					/* MISO floats high */
				} else if (clock < 0) {
					if (mosi)
						clock = 0;
				} else {
					clock++;
					if (clock <= 4) {
						config = config << 1 | mosi;
						if (clock == 4)
							code = sgw_mcp_codes[config & 7] & 0x3ff;
					} else if (clock == 5) {
						/* sampling: MISO still high-impedance */
					} else if (clock == 6) {
						miso = 0;	/* null bit */
					} else if (clock <= 16) {
						miso = (code >> (16 - clock)) & 1;
					}
				}
				out = out << 1 | miso;
			}
			if (rx)
				rx[i] = out;
		}
		msg->actual_length += xfer->len;
	}
	mutex_unlock(&sgw_lock);
	msg->status = 0;
	spi_finalize_current_message(ctlr);
	return 0;
}

static int sgw_transfer_one_message(struct spi_controller *ctlr, struct spi_message *msg)
{
	struct sgw_chip *chip = &sgw_spi_chip;
	struct spi_transfer *xfer;
	bool first = true, read = false, have_reg = false;
	unsigned int i;

	if (msg->spi->chip_select == 1)
		return sgw_mcp3008_message(ctlr, msg);
	mutex_lock(&sgw_lock);
	list_for_each_entry(xfer, &msg->transfers, transfer_list) {
		const u8 *tx = xfer->tx_buf;
		u8 *rx = xfer->rx_buf;

		for (i = 0; i < xfer->len; i++) {
			u8 in = tx ? tx[i] : 0, out = 0xff;	/* MISO idles high */

			if (!READ_ONCE(chip->present)) {
				/* absent chip: MISO floats high, writes go nowhere */
			} else if (first) {
				read = in & 0x80;
				chip->pointer = in | 0x80;
				have_reg = true;
				first = false;
			} else if (read) {
				out = chip->regs[chip->pointer++];
			} else if (!have_reg) {
				chip->pointer = in | 0x80;	/* next write pair's control byte */
				have_reg = true;
			} else {
				chip->regs[chip->pointer] = in;
				have_reg = false;
			}
			if (rx)
				rx[i] = out;
		}
		msg->actual_length += xfer->len;
	}
	mutex_unlock(&sgw_lock);
	msg->status = 0;
	spi_finalize_current_message(ctlr);
	return 0;
}

static int sgw_spi_setup(struct spi_device *spi)
{
	return 0;
}

/* ---- debugfs ---- */

static ssize_t sgw_regs_read(struct file *file, char __user *buf, size_t count, loff_t *ppos)
{
	struct sgw_chip *chip = file->private_data;
	u8 copy[SGW_REGS];

	mutex_lock(&sgw_lock);
	memcpy(copy, chip->regs, SGW_REGS);
	mutex_unlock(&sgw_lock);
	return simple_read_from_buffer(buf, count, ppos, copy, SGW_REGS);
}

static ssize_t sgw_regs_write(struct file *file, const char __user *buf, size_t count, loff_t *ppos)
{
	struct sgw_chip *chip = file->private_data;
	u8 copy[SGW_REGS];
	loff_t pos = *ppos;
	ssize_t ret;

	if (pos < 0 || pos >= SGW_REGS)
		return count ? -ENOSPC : 0;
	if (count > SGW_REGS - pos)
		count = SGW_REGS - pos;
	if (copy_from_user(copy, buf, count))
		return -EFAULT;
	mutex_lock(&sgw_lock);
	memcpy(chip->regs + pos, copy, count);
	mutex_unlock(&sgw_lock);
	ret = count;
	*ppos = pos + count;
	return ret;
}

static const struct file_operations sgw_regs_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = sgw_regs_read,
	.write = sgw_regs_write,
	.llseek = default_llseek,
};

/* "REG BYTE [BYTE...]", hex, separated by spaces: writes BYTEs from REG on. */
static ssize_t sgw_set_write(struct file *file, const char __user *buf, size_t count, loff_t *ppos)
{
	struct sgw_chip *chip = file->private_data;
	u8 values[SGW_REGS];
	char *text, *cursor, *token;
	int n = 0, ret;
	u8 reg = 0, value;
	bool have_reg = false;

	if (count > 4 * SGW_REGS)
		return -E2BIG;
	text = memdup_user_nul(buf, count);
	if (IS_ERR(text))
		return PTR_ERR(text);
	cursor = text;
	while ((token = strsep(&cursor, " \t\n")) != NULL) {
		if (!*token)
			continue;
		ret = kstrtou8(token, 16, &value);
		if (ret)
			goto out;
		if (!have_reg) {
			reg = value;
			have_reg = true;
		} else if (reg + n < SGW_REGS) {
			values[n++] = value;
		} else {
			ret = -ENOSPC;
			goto out;
		}
	}
	ret = -EINVAL;
	if (!have_reg || n == 0)
		goto out;
	mutex_lock(&sgw_lock);
	memcpy(chip->regs + reg, values, n);
	mutex_unlock(&sgw_lock);
	ret = count;
out:
	kfree(text);
	return ret;
}

static const struct file_operations sgw_set_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = sgw_set_write,
	.llseek = no_llseek,
};

/* Parses up to max hex or decimal numbers separated by blanks from user text. */
static int sgw_parse_numbers(const char __user *buf, size_t count, unsigned int base, u32 *values, int max)
{
	char *text, *cursor, *token;
	int n = 0, ret = 0;

	if (count > 256)
		return -E2BIG;
	text = memdup_user_nul(buf, count);
	if (IS_ERR(text))
		return PTR_ERR(text);
	cursor = text;
	while ((token = strsep(&cursor, " \t\n")) != NULL) {
		if (!*token)
			continue;
		if (n == max) {
			ret = -EINVAL;
			break;
		}
		ret = kstrtou32(token, base, &values[n++]);
		if (ret)
			break;
	}
	kfree(text);
	return ret ? ret : n;
}

static ssize_t sgw_sht_words_read(struct file *file, char __user *buf, size_t count, loff_t *ppos)
{
	struct sgw_chip *chip = file->private_data;
	char text[16];
	int len;

	mutex_lock(&sgw_lock);
	len = scnprintf(text, sizeof(text), "%04x %04x\n", chip->measurement[0], chip->measurement[1]);
	mutex_unlock(&sgw_lock);
	return simple_read_from_buffer(buf, count, ppos, text, len);
}

/* "TTTT HHHH": the raw temperature and humidity words of the next measurements. */
static ssize_t sgw_sht_words_write(struct file *file, const char __user *buf, size_t count, loff_t *ppos)
{
	struct sgw_chip *chip = file->private_data;
	u32 values[2];
	int n = sgw_parse_numbers(buf, count, 16, values, 2);

	if (n < 0)
		return n;
	if (n != 2 || values[0] > 0xffff || values[1] > 0xffff)
		return -EINVAL;
	mutex_lock(&sgw_lock);
	chip->measurement[0] = values[0];
	chip->measurement[1] = values[1];
	mutex_unlock(&sgw_lock);
	return count;
}

static const struct file_operations sgw_sht_words_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = sgw_sht_words_read,
	.write = sgw_sht_words_write,
	.llseek = default_llseek,
};

static ssize_t sgw_sht_commands_read(struct file *file, char __user *buf, size_t count, loff_t *ppos)
{
	struct sgw_chip *chip = file->private_data;
	char text[SGW_SHT_COMMANDS * 5 + 2];
	int i, len = 0;

	mutex_lock(&sgw_lock);
	for (i = 0; i < chip->ncommands; i++)
		len += scnprintf(text + len, sizeof(text) - len, "%s%04x", i ? " " : "", chip->commands[i]);
	mutex_unlock(&sgw_lock);
	len += scnprintf(text + len, sizeof(text) - len, "\n");
	return simple_read_from_buffer(buf, count, ppos, text, len);
}

static ssize_t sgw_sht_commands_write(struct file *file, const char __user *buf, size_t count, loff_t *ppos)
{
	struct sgw_chip *chip = file->private_data;

	mutex_lock(&sgw_lock);
	chip->ncommands = 0;
	mutex_unlock(&sgw_lock);
	return count;
}

static const struct file_operations sgw_sht_commands_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = sgw_sht_commands_read,
	.write = sgw_sht_commands_write,
	.llseek = default_llseek,
};

static ssize_t sgw_words_read(struct file *file, char __user *buf, size_t count, loff_t *ppos)
{
	struct sgw_chip *chip = file->private_data;
	char text[24];
	int len;

	mutex_lock(&sgw_lock);
	len = scnprintf(text, sizeof(text), "%04x %04x %04x %04x\n", chip->words[0], chip->words[1],
			chip->words[2], chip->words[3]);
	mutex_unlock(&sgw_lock);
	return simple_read_from_buffer(buf, count, ppos, text, len);
}

/* "R WWWW": sets word register R (0-3) to WWWW, read-only bits included. */
static ssize_t sgw_words_write(struct file *file, const char __user *buf, size_t count, loff_t *ppos)
{
	struct sgw_chip *chip = file->private_data;
	u32 values[2];
	int n = sgw_parse_numbers(buf, count, 16, values, 2);

	if (n < 0)
		return n;
	if (n != 2 || values[0] > 3 || values[1] > 0xffff)
		return -EINVAL;
	mutex_lock(&sgw_lock);
	chip->words[values[0]] = values[1];
	mutex_unlock(&sgw_lock);
	return count;
}

static const struct file_operations sgw_words_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = sgw_words_read,
	.write = sgw_words_write,
	.llseek = default_llseek,
};

static ssize_t sgw_mcp_codes_read(struct file *file, char __user *buf, size_t count, loff_t *ppos)
{
	char text[SGW_MCP_CHANNELS * 5 + 2];
	int i, len = 0;

	mutex_lock(&sgw_lock);
	for (i = 0; i < SGW_MCP_CHANNELS; i++)
		len += scnprintf(text + len, sizeof(text) - len, "%s%u", i ? " " : "", sgw_mcp_codes[i]);
	mutex_unlock(&sgw_lock);
	len += scnprintf(text + len, sizeof(text) - len, "\n");
	return simple_read_from_buffer(buf, count, ppos, text, len);
}

/* Eight decimal codes 0-1023, CH0 first. */
static ssize_t sgw_mcp_codes_write(struct file *file, const char __user *buf, size_t count, loff_t *ppos)
{
	u32 values[SGW_MCP_CHANNELS];
	int i, n = sgw_parse_numbers(buf, count, 10, values, SGW_MCP_CHANNELS);

	if (n < 0)
		return n;
	if (n != SGW_MCP_CHANNELS)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (values[i] > 1023)
			return -ERANGE;
	mutex_lock(&sgw_lock);
	for (i = 0; i < n; i++)
		sgw_mcp_codes[i] = values[i];
	mutex_unlock(&sgw_lock);
	return count;
}

static const struct file_operations sgw_mcp_codes_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = sgw_mcp_codes_read,
	.write = sgw_mcp_codes_write,
	.llseek = default_llseek,
};

static void sgw_debugfs_chip(struct sgw_chip *chip)
{
	struct dentry *dir = debugfs_create_dir(chip->name, sgw_debugfs);

	debugfs_create_bool("present", 0600, dir, &chip->present);
	switch (chip->protocol) {
	case SGW_BME280:
		debugfs_create_file("regs", 0600, dir, chip, &sgw_regs_fops);
		debugfs_create_file("set", 0200, dir, chip, &sgw_set_fops);
		break;
	case SGW_SENSIRION:
		debugfs_create_file("words", 0600, dir, chip, &sgw_sht_words_fops);
		debugfs_create_x16("status", 0600, dir, &chip->status);
		debugfs_create_bool("badcrc", 0600, dir, &chip->badcrc);
		debugfs_create_file("commands", 0600, dir, chip, &sgw_sht_commands_fops);
		break;
	case SGW_WORDREG:
		debugfs_create_file("words", 0600, dir, chip, &sgw_words_fops);
		break;
	}
}

/* ---- setup ---- */

static int sgw_spi_init(void)
{
	struct spi_device *spi;
	int cs, ret;

	sgw_ctlr = spi_alloc_master(&sgw_pdev->dev, 0);
	if (!sgw_ctlr)
		return -ENOMEM;
	sgw_ctlr->bus_num = spi_bus;
	sgw_ctlr->num_chipselect = 2;
	sgw_ctlr->mode_bits = SPI_CPOL | SPI_CPHA | SPI_CS_HIGH | SPI_LSB_FIRST;
	sgw_ctlr->bits_per_word_mask = SPI_BPW_MASK(8);
	sgw_ctlr->max_speed_hz = 10000000;
	sgw_ctlr->setup = sgw_spi_setup;
	sgw_ctlr->transfer_one_message = sgw_transfer_one_message;
	ret = spi_register_controller(sgw_ctlr);
	if (ret) {
		spi_controller_put(sgw_ctlr);
		sgw_ctlr = NULL;
		return ret;
	}

	for (cs = 0; cs < 2; cs++) {	/* 0: the BME280 register file, 1: the MCP3008 */
		spi = spi_alloc_device(sgw_ctlr);
		if (!spi) {
			ret = -ENOMEM;
			goto err_unregister;
		}
		spi->chip_select = cs;
		spi->max_speed_hz = 10000000;
		spi->mode = SPI_MODE_0;
		spi->bits_per_word = 8;
		strscpy(spi->modalias, "spidev", sizeof(spi->modalias));
		/* Bind spidev by name: it has no id table entry for a made-up chip. Freed by spidev's release. */
		spi->driver_override = kstrdup("spidev", GFP_KERNEL);
		if (!spi->driver_override) {
			spi_dev_put(spi);
			ret = -ENOMEM;
			goto err_unregister;
		}
		ret = spi_add_device(spi);
		if (ret) {
			spi_dev_put(spi);
			goto err_unregister;
		}
	}
	return 0;

err_unregister:
	spi_unregister_controller(sgw_ctlr);	/* drops the last reference */
	sgw_ctlr = NULL;
	return ret;
}

static void sgw_cleanup(void)
{
	debugfs_remove_recursive(sgw_debugfs);
	if (sgw_ctlr)
		spi_unregister_controller(sgw_ctlr);
	if (sgw_adapter_added)
		i2c_del_adapter(&sgw_adapter);
	if (sgw_pdev)
		platform_device_unregister(sgw_pdev);
}

static int sgw_add_chips(const unsigned short *addrs, int n, enum sgw_protocol protocol, const char *prefix)
{
	int i;

	for (i = 0; i < n; i++) {
		struct sgw_chip *chip = &sgw_chips[sgw_nchips];

		if (addrs[i] < 0x03 || addrs[i] > 0x77 || sgw_find(addrs[i])) {
			pr_err("sgw_testbus: %s address 0x%x outside 0x03-0x77 or taken\n", prefix, addrs[i]);
			return -EINVAL;
		}
		chip->addr = addrs[i];
		chip->protocol = protocol;
		chip->present = true;
		chip->status = SGW_SHT_RESET_STATUS;
		/* TMP102 power-up values (table 7-7): 0 °C, config 0x60A0, T_LOW 75 °C, T_HIGH 80 °C */
		chip->words[1] = 0x60a0;
		chip->words[2] = 0x4b00;
		chip->words[3] = 0x5000;
		snprintf(chip->name, sizeof(chip->name), "%s-0x%02x", prefix, addrs[i]);
		sgw_nchips++;
	}
	return 0;
}

static int __init sgw_init(void)
{
	int i, ret;

	if (nr_chip_addr + nr_sht_addr + nr_word_addr > SGW_MAX_CHIPS)
		return -EINVAL;
	ret = sgw_add_chips(chip_addr, nr_chip_addr, SGW_BME280, "i2c");
	if (!ret)
		ret = sgw_add_chips(sht_addr, nr_sht_addr, SGW_SENSIRION, "sht3x");
	if (!ret)
		ret = sgw_add_chips(word_addr, nr_word_addr, SGW_WORDREG, "word");
	if (ret)
		return ret;
	sgw_spi_chip.present = true;
	strscpy(sgw_spi_chip.name, "spi", sizeof(sgw_spi_chip.name));

	sgw_pdev = platform_device_register_simple("sgw_testbus", -1, NULL, 0);
	if (IS_ERR(sgw_pdev)) {
		ret = PTR_ERR(sgw_pdev);
		sgw_pdev = NULL;
		return ret;
	}

	sgw_adapter.owner = THIS_MODULE;
	sgw_adapter.class = I2C_CLASS_HWMON;
	sgw_adapter.algo = &sgw_algorithm;
	sgw_adapter.dev.parent = &sgw_pdev->dev;
	strscpy(sgw_adapter.name, "sgw_testbus I2C", sizeof(sgw_adapter.name));
	ret = i2c_add_adapter(&sgw_adapter);
	if (ret)
		goto err;
	sgw_adapter_added = true;

	ret = sgw_spi_init();
	if (ret)
		goto err;

	sgw_debugfs = debugfs_create_dir("sgw_testbus", NULL);
	for (i = 0; i < sgw_nchips; i++)
		sgw_debugfs_chip(&sgw_chips[i]);
	sgw_debugfs_chip(&sgw_spi_chip);
	{
		struct dentry *dir = debugfs_create_dir("mcp3008", sgw_debugfs);

		debugfs_create_file("codes", 0600, dir, NULL, &sgw_mcp_codes_fops);
		debugfs_create_bool("present", 0600, dir, &sgw_mcp_present);
	}

	pr_info("sgw_testbus: %s with %d chip(s), SPI bus %d\n", dev_name(&sgw_adapter.dev),
		sgw_nchips, sgw_ctlr->bus_num);
	return 0;

err:
	sgw_cleanup();
	return ret;
}

static void __exit sgw_exit(void)
{
	sgw_cleanup();
}

module_init(sgw_init);
module_exit(sgw_exit);
MODULE_DESCRIPTION("SensorGateway test bus: I2C and SPI register-file chips for HIL tests");
MODULE_LICENSE("GPL");
