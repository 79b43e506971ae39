// SPDX-License-Identifier: GPL-2.0
/*
 * sgw_iio: an IIO device for SensorGateway's hardware-in-the-loop stage.
 *
 * Debian's kernel has IIO=m but neither IIO_SW_DEVICE nor IIO_CONFIGFS, so iio_dummy cannot be
 * instantiated; this registers a small device through industrialio's own API instead, so the
 * sysfs files the agent reads are the IIO core's (Documentation/ABI/testing/sysfs-bus-iio):
 *   name              sgw_iio
 *   in_temp_raw, in_temp_offset, in_temp_scale          (milli °C = (raw + offset) * scale)
 *   in_voltage0_raw, in_voltage_scale (shared by type)  (millivolts = raw * scale)
 * debugfs (/sys/kernel/debug/sgw_iio/): temp_raw, temp_offset, temp_scale_micro,
 * voltage0_raw, voltage_scale_micro (scales in millionths, printed by the core as "I.FFFFFF").
 * Values are unsigned, written and read in decimal.
 */
#include <linux/debugfs.h>
#include <linux/iio/iio.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/platform_device.h>

static u32 temp_raw = 300, temp_offset = 100, temp_scale_micro = 62500000;
static u32 voltage0_raw = 2048, voltage_scale_micro = 500000;

static struct platform_device *sgw_iio_pdev;
static struct iio_dev *sgw_iio_dev;
static struct dentry *sgw_iio_debugfs;

static const struct iio_chan_spec sgw_iio_channels[] = {
	{
		.type = IIO_TEMP,
		.info_mask_separate = BIT(IIO_CHAN_INFO_RAW) | BIT(IIO_CHAN_INFO_OFFSET) |
				      BIT(IIO_CHAN_INFO_SCALE),
	},
	{
		.type = IIO_VOLTAGE,
		.indexed = 1,
		.channel = 0,
		.info_mask_separate = BIT(IIO_CHAN_INFO_RAW),
		.info_mask_shared_by_type = BIT(IIO_CHAN_INFO_SCALE),
	},
};

static int sgw_iio_scale(u32 micro, int *val, int *val2)
{
	*val = micro / 1000000;
	*val2 = micro % 1000000;
	return IIO_VAL_INT_PLUS_MICRO;
}

static int sgw_iio_read_raw(struct iio_dev *indio_dev, struct iio_chan_spec const *chan,
			    int *val, int *val2, long mask)
{
	bool temp = chan->type == IIO_TEMP;

	switch (mask) {
	case IIO_CHAN_INFO_RAW:
		*val = temp ? READ_ONCE(temp_raw) : READ_ONCE(voltage0_raw);
		return IIO_VAL_INT;
	case IIO_CHAN_INFO_OFFSET:
		if (!temp)
			return -EINVAL;
		*val = READ_ONCE(temp_offset);
		return IIO_VAL_INT;
	case IIO_CHAN_INFO_SCALE:
		return sgw_iio_scale(temp ? READ_ONCE(temp_scale_micro) : READ_ONCE(voltage_scale_micro),
				     val, val2);
	default:
		return -EINVAL;
	}
}

static const struct iio_info sgw_iio_info = {
	.read_raw = sgw_iio_read_raw,
};

static void sgw_iio_cleanup(void)
{
	debugfs_remove_recursive(sgw_iio_debugfs);
	if (sgw_iio_dev) {
		iio_device_unregister(sgw_iio_dev);
		iio_device_free(sgw_iio_dev);
	}
	if (sgw_iio_pdev)
		platform_device_unregister(sgw_iio_pdev);
}

static int __init sgw_iio_init(void)
{
	int ret;

	sgw_iio_pdev = platform_device_register_simple("sgw_iio", -1, NULL, 0);
	if (IS_ERR(sgw_iio_pdev)) {
		ret = PTR_ERR(sgw_iio_pdev);
		sgw_iio_pdev = NULL;
		return ret;
	}
	sgw_iio_dev = iio_device_alloc(&sgw_iio_pdev->dev, 0);
	if (!sgw_iio_dev) {
		sgw_iio_cleanup();
		return -ENOMEM;
	}
	sgw_iio_dev->name = "sgw_iio";
	sgw_iio_dev->info = &sgw_iio_info;
	sgw_iio_dev->modes = INDIO_DIRECT_MODE;
	sgw_iio_dev->channels = sgw_iio_channels;
	sgw_iio_dev->num_channels = ARRAY_SIZE(sgw_iio_channels);
	ret = iio_device_register(sgw_iio_dev);
	if (ret) {
		iio_device_free(sgw_iio_dev);
		sgw_iio_dev = NULL;
		sgw_iio_cleanup();
		return ret;
	}
	sgw_iio_debugfs = debugfs_create_dir("sgw_iio", NULL);
	debugfs_create_u32("temp_raw", 0600, sgw_iio_debugfs, &temp_raw);
	debugfs_create_u32("temp_offset", 0600, sgw_iio_debugfs, &temp_offset);
	debugfs_create_u32("temp_scale_micro", 0600, sgw_iio_debugfs, &temp_scale_micro);
	debugfs_create_u32("voltage0_raw", 0600, sgw_iio_debugfs, &voltage0_raw);
	debugfs_create_u32("voltage_scale_micro", 0600, sgw_iio_debugfs, &voltage_scale_micro);
	return 0;
}

static void __exit sgw_iio_exit(void)
{
	sgw_iio_cleanup();
}

module_init(sgw_iio_init);
module_exit(sgw_iio_exit);
MODULE_DESCRIPTION("SensorGateway test IIO device: temperature and voltage channels set through debugfs");
MODULE_LICENSE("GPL");
