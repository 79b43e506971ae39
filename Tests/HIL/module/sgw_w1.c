// SPDX-License-Identifier: GPL-2.0
/*
 * sgw_w1: a 1-Wire bus master for SensorGateway's hardware-in-the-loop stage, with one emulated
 * DS18B20 on it, so the kernel's own w1 core and w1_therm talk to it and write w1_slave.
 *
 * The master gives the core byte-level operations (reset_bus, read_byte, write_byte) and a
 * search callback that reports the one ROM. The DS18B20 (Maxim datasheet, "ROM commands" and
 * "DS18B20 function commands"): after a reset a ROM command, Skip ROM 0xCC or Match ROM 0x55 with
 * the 8 ROM bytes, or Read ROM 0x33; then a function command: Convert T 0x44 (done at once:
 * reads return 1s), Read Scratchpad 0xBE (9 bytes: T LSB, T MSB, TH, TL, config, 0xFF, 0x0C,
 * 0x10, CRC), Write Scratchpad 0x4E (TH, TL, config), Read Power Supply 0xB4 (1s: externally
 * powered), Copy 0x48 / Recall 0xB8 (accepted). CRCs are Maxim's CRC-8 (x^8 + x^5 + x^4 + 1,
 * reflected: 0x8C), as the datasheet's "CRC generation" section describes.
 *
 * ROM 28-00000053474b: family 0x28, serial 0x00000053474b ("SGK"), CRC.
 * debugfs (/sys/kernel/debug/sgw_w1/): temperature (the raw 16-bit scratchpad word, hex: 0x0191
 * is 25.0625 °C), badcrc (Y: the scratchpad's CRC byte is wrong), present (N: no presence pulse).
 */
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/w1.h>

enum sgw_w1_state { SGW_IDLE, SGW_ROM_COMMAND, SGW_MATCH_ROM, SGW_FUNCTION, SGW_READ_ROM,
		    SGW_SCRATCHPAD, SGW_WRITE_SCRATCHPAD, SGW_ONES };

static DEFINE_MUTEX(sgw_w1_lock);
static u8 sgw_rom[8] = { 0x28, 0x4b, 0x47, 0x53, 0x00, 0x00, 0x00, 0 };
static u8 sgw_scratchpad[9] = { 0x91, 0x01, 0x4b, 0x46, 0x7f, 0xff, 0x0c, 0x10, 0 };
static u16 sgw_temperature = 0x0191;
static bool sgw_badcrc;
static bool sgw_present = true;
static enum sgw_w1_state sgw_state = SGW_IDLE;
static int sgw_pos;
static bool sgw_selected;
static struct dentry *sgw_w1_debugfs;

static u8 sgw_maxim_crc8(const u8 *bytes, int n)
{
	u8 crc = 0;
	int i, bit;

	for (i = 0; i < n; i++) {
		crc ^= bytes[i];
		for (bit = 0; bit < 8; bit++)
			crc = (crc & 1) ? (crc >> 1) ^ 0x8c : crc >> 1;
	}
	return crc;
}

static u8 sgw_reset_bus(void *data)
{
	mutex_lock(&sgw_w1_lock);
	sgw_state = SGW_ROM_COMMAND;
	sgw_selected = false;
	mutex_unlock(&sgw_w1_lock);
	return READ_ONCE(sgw_present) ? 0 : 1;	/* 0: a presence pulse was seen */
}

static void sgw_function(u8 command)
{
	switch (command) {
	case 0xbe:
		sgw_scratchpad[0] = sgw_temperature & 0xff;
		sgw_scratchpad[1] = sgw_temperature >> 8;
		sgw_scratchpad[8] = sgw_maxim_crc8(sgw_scratchpad, 8) ^ (sgw_badcrc ? 0x01 : 0);
		sgw_state = SGW_SCRATCHPAD;
		sgw_pos = 0;
		break;
	case 0x4e:
		sgw_state = SGW_WRITE_SCRATCHPAD;
		sgw_pos = 2;
		break;
	case 0x44:	/* convert: finished at once, read slots return 1 */
	case 0xb4:	/* power supply: externally powered reads 1 */
	case 0x48:
	case 0xb8:
	default:
		sgw_state = SGW_ONES;
		break;
	}
}

static void sgw_write_byte(void *data, u8 byte)
{
	mutex_lock(&sgw_w1_lock);
	if (!READ_ONCE(sgw_present)) {
		sgw_state = SGW_IDLE;
	} else {
		switch (sgw_state) {
		case SGW_ROM_COMMAND:
			if (byte == 0xcc) {
				sgw_state = SGW_FUNCTION;
			} else if (byte == 0x55) {
				sgw_state = SGW_MATCH_ROM;
				sgw_pos = 0;
				sgw_selected = true;
			} else if (byte == 0x33) {
				sgw_state = SGW_READ_ROM;
				sgw_pos = 0;
			} else {
				sgw_state = SGW_IDLE;
			}
			break;
		case SGW_MATCH_ROM:
			if (byte != sgw_rom[sgw_pos])
				sgw_selected = false;
			if (++sgw_pos == 8)
				sgw_state = sgw_selected ? SGW_FUNCTION : SGW_IDLE;
			break;
		case SGW_FUNCTION:
			sgw_function(byte);
			break;
		case SGW_WRITE_SCRATCHPAD:
			sgw_scratchpad[sgw_pos++] = byte;
			if (sgw_pos == 5)
				sgw_state = SGW_IDLE;
			break;
		default:
			break;
		}
	}
	mutex_unlock(&sgw_w1_lock);
}

static u8 sgw_read_byte(void *data)
{
	u8 byte = 0xff;	/* nobody pulls the line low: all ones */

	mutex_lock(&sgw_w1_lock);
	if (READ_ONCE(sgw_present)) {
		if (sgw_state == SGW_SCRATCHPAD && sgw_pos < 9)
			byte = sgw_scratchpad[sgw_pos++];
		else if (sgw_state == SGW_READ_ROM && sgw_pos < 8)
			byte = sgw_rom[sgw_pos++];
	}
	mutex_unlock(&sgw_w1_lock);
	return byte;
}

/*
 * A single time slot. The core uses byte operations when the master has them, but w1_therm's
 * Read Power Supply (and conversion polling) is one read slot through w1_touch_bit, which would
 * fall back to read_bit/write_bit: a read slot (bit 1) answers 1 (externally powered, conversion
 * done) unless a byte-wide reply is pending, whose next bit is not tracked here; write slots of
 * 0 are ignored, as no command needs them.
 */
static u8 sgw_touch_bit(void *data, u8 bit)
{
	return bit ? 1 : 0;	/* the pull-up reads 1 whether or not a chip is there */
}

static u8 sgw_read_bit(void *data)
{
	return sgw_touch_bit(data, 1);
}

static void sgw_write_bit(void *data, u8 bit)
{
}

static void sgw_search(void *data, struct w1_master *master, u8 search_type, w1_slave_found_callback found)
{
	u64 rom = 0;
	int i;

	if (!READ_ONCE(sgw_present))
		return;
	for (i = 7; i >= 0; i--)
		rom = rom << 8 | sgw_rom[i];	/* the core's u64 has the family code in its low byte */
	found(master, rom);
}

static struct w1_bus_master sgw_master = {
	.touch_bit = sgw_touch_bit,
	.read_bit = sgw_read_bit,
	.write_bit = sgw_write_bit,
	.reset_bus = sgw_reset_bus,
	.read_byte = sgw_read_byte,
	.write_byte = sgw_write_byte,
	.search = sgw_search,
};

static int __init sgw_w1_init(void)
{
	int ret;

	sgw_rom[7] = sgw_maxim_crc8(sgw_rom, 7);
	ret = w1_add_master_device(&sgw_master);
	if (ret)
		return ret;
	sgw_w1_debugfs = debugfs_create_dir("sgw_w1", NULL);
	debugfs_create_x16("temperature", 0600, sgw_w1_debugfs, &sgw_temperature);
	debugfs_create_bool("badcrc", 0600, sgw_w1_debugfs, &sgw_badcrc);
	debugfs_create_bool("present", 0600, sgw_w1_debugfs, &sgw_present);
	return 0;
}

static void __exit sgw_w1_exit(void)
{
	debugfs_remove_recursive(sgw_w1_debugfs);
	w1_remove_master_device(&sgw_master);
}

module_init(sgw_w1_init);
module_exit(sgw_w1_exit);
MODULE_DESCRIPTION("SensorGateway test 1-Wire master with one emulated DS18B20");
MODULE_LICENSE("GPL");
