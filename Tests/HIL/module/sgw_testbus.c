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
 * Parameters: chip_addr=0x76,0x77 (I2C chips, up to 8), spi_bus=N (SPI bus number, -1 dynamic).
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

static int spi_bus = -1;
module_param(spi_bus, int, 0444);
MODULE_PARM_DESC(spi_bus, "SPI bus number (-1: the next free one)");

struct sgw_chip {
	char name[16];
	u16 addr;		/* I2C address; 0 for the SPI chip */
	bool present;
	u8 pointer;
	u8 regs[SGW_REGS];
};

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
		if (msg->flags & I2C_M_RD) {
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

static int sgw_transfer_one_message(struct spi_controller *ctlr, struct spi_message *msg)
{
	struct sgw_chip *chip = &sgw_spi_chip;
	struct spi_transfer *xfer;
	bool first = true, read = false, have_reg = false;
	unsigned int i;

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

static void sgw_debugfs_chip(struct sgw_chip *chip)
{
	struct dentry *dir = debugfs_create_dir(chip->name, sgw_debugfs);

	debugfs_create_file("regs", 0600, dir, chip, &sgw_regs_fops);
	debugfs_create_file("set", 0200, dir, chip, &sgw_set_fops);
	debugfs_create_bool("present", 0600, dir, &chip->present);
}

/* ---- setup ---- */

static int sgw_spi_init(void)
{
	struct spi_device *spi;
	int ret;

	sgw_ctlr = spi_alloc_master(&sgw_pdev->dev, 0);
	if (!sgw_ctlr)
		return -ENOMEM;
	sgw_ctlr->bus_num = spi_bus;
	sgw_ctlr->num_chipselect = 1;
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

	spi = spi_alloc_device(sgw_ctlr);
	if (!spi) {
		ret = -ENOMEM;
		goto err_unregister;
	}
	spi->chip_select = 0;
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

static int __init sgw_init(void)
{
	int i, ret;

	if (nr_chip_addr > SGW_MAX_CHIPS)
		return -EINVAL;
	for (i = 0; i < nr_chip_addr; i++) {
		if (chip_addr[i] < 0x03 || chip_addr[i] > 0x77) {
			pr_err("sgw_testbus: chip_addr 0x%x outside 0x03-0x77\n", chip_addr[i]);
			return -EINVAL;
		}
		sgw_chips[i].addr = chip_addr[i];
		sgw_chips[i].present = true;
		snprintf(sgw_chips[i].name, sizeof(sgw_chips[i].name), "i2c-0x%02x", chip_addr[i]);
	}
	sgw_nchips = nr_chip_addr;
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
