// SensorGateway GPIO shim: a small, version-neutral API over libgpiod.
//
// Swift sees only the sgw_gpio_* functions and opaque handles below; every libgpiod call lives in
// the C files. That is what lets the two incompatible libgpiod APIs sit behind the same functions:
// sgw_gpio_v1.c implements them with libgpiod 1.6 (Debian 12), sgw_gpio_v2.c with libgpiod 2.x
// (Debian 13, Ubuntu 24.04). Which one is compiled is decided by the gpiod.h the compiler finds,
// with nothing to configure: v1's header defines GPIOD_LINE_BULK_MAX_LINES and v2's does not
// (v2 defines no public macros at all), so each file tests that macro after including gpiod.h.
// Both libraries are linked as -lgpiod; at run time 1.6 is libgpiod.so.2 and 2.x libgpiod.so.3.
//
// Ownership: a request does not depend on the chip handle it was made from, so a caller may close
// the chip right after requesting (libgpiod 2.x requests are independent of the chip; the v1
// backend reference-counts its chip to give the same guarantee).
//
// Every function returning int gives >= 0 on success and -errno on failure.
// Everything is guarded by __linux__ so the module is empty on macOS.
#pragma once

#ifdef __linux__

#include <stdint.h>

/// An open gpiochip.
typedef struct sgw_gpio_chip sgw_gpio_chip;
/// One requested line (input, input with edge events, or output).
typedef struct sgw_gpio_request sgw_gpio_request;

enum {
    SGW_GPIO_DIRECTION_INPUT = 1,
    SGW_GPIO_DIRECTION_OUTPUT = 2,
};

enum {
    SGW_GPIO_EDGE_NONE = 0,
    SGW_GPIO_EDGE_RISING = 1,
    SGW_GPIO_EDGE_FALLING = 2,
    SGW_GPIO_EDGE_BOTH = 3,
};

enum {
    SGW_GPIO_BIAS_AS_IS = 0,
    SGW_GPIO_BIAS_DISABLED = 1,
    SGW_GPIO_BIAS_PULL_UP = 2,
    SGW_GPIO_BIAS_PULL_DOWN = 3,
};

/// How a line is requested.
typedef struct sgw_gpio_line_config {
    int direction;     ///< SGW_GPIO_DIRECTION_*
    int edges;         ///< SGW_GPIO_EDGE_* (inputs only)
    int bias;          ///< SGW_GPIO_BIAS_* (inputs only)
    int active_low;    ///< nonzero: a low level is logical 1
    int output_value;  ///< initial logical value (outputs only)
    unsigned debounce_us;  ///< kernel debounce period (inputs only; ignored unless
                           ///< sgw_gpio_backend_has_kernel_debounce())
} sgw_gpio_line_config;

/// An edge event, as the kernel reported it.
typedef struct sgw_gpio_event {
    int edge;               ///< SGW_GPIO_EDGE_RISING or SGW_GPIO_EDGE_FALLING (logical, after active-low)
    uint64_t timestamp_ns;  ///< kernel timestamp (CLOCK_MONOTONIC on Linux >= 5.7)
    uint64_t line_seqno;    ///< kernel sequence number, or 0 when the backend has none (v1)
} sgw_gpio_event;

/// Which libgpiod API this build uses, e.g. "libgpiod 1.6 (v1 API)".
const char *sgw_gpio_backend_name(void);
/// The libgpiod API this build was compiled against: 1 (libgpiod 1.x) or 2 (libgpiod 2.x).
int sgw_gpio_api_version(void);
/// Nonzero when events carry the kernel's sequence number.
int sgw_gpio_backend_has_seqno(void);
/// Nonzero when the kernel debounces inputs (config.debounce_us is applied); otherwise the caller
/// must debounce in software.
int sgw_gpio_backend_has_kernel_debounce(void);

/// What a backend hands libgpiod for a line configuration, in libgpiod's own numbers, so the
/// mapping can be checked without a gpiochip. v2: the gpiod_line_settings getters' enum values
/// read back from a real settings object. v1: the request type (GPIOD_LINE_REQUEST_*) in
/// `direction`, the GPIOD_LINE_REQUEST_FLAG_* bits in `flags`; edge and bias are folded into them.
typedef struct sgw_gpio_applied_settings {
    int direction;
    int edge;
    int bias;
    int active_low;
    int output_value;
    unsigned long debounce_us;
    int flags;
} sgw_gpio_applied_settings;

/// Fills *out with what sgw_gpio_request_line would pass libgpiod for *config: 0, or -errno
/// (-EINVAL for a value libgpiod refuses).
int sgw_gpio_applied_settings_for(const sgw_gpio_line_config *config, sgw_gpio_applied_settings *out);

/// Opens a chip by path (/dev/gpiochip0), name (gpiochip0), number (0) or label
/// (pinctrl-bcm2711). 0 and *out set, or -errno (-ENOENT when nothing matches).
int sgw_gpio_chip_open(const char *descriptor, sgw_gpio_chip **out);
/// Drops the caller's reference; requests made from the chip stay valid.
void sgw_gpio_chip_close(sgw_gpio_chip *chip);
/// The chip's name, e.g. "gpiochip0" (valid while the chip is open).
const char *sgw_gpio_chip_name(sgw_gpio_chip *chip);
/// The chip's label, e.g. "pinctrl-bcm2711" (valid while the chip is open).
const char *sgw_gpio_chip_label(sgw_gpio_chip *chip);
/// How many lines the chip has.
unsigned sgw_gpio_chip_num_lines(sgw_gpio_chip *chip);
/// Finds a line by name on this chip: 0 and *offset set, or -ENOENT.
int sgw_gpio_chip_find_line(sgw_gpio_chip *chip, const char *name, unsigned *offset);

/// Requests one line. 0 and *out set, or -errno (-EBUSY when another consumer holds it).
int sgw_gpio_request_line(sgw_gpio_chip *chip, unsigned offset, const char *consumer,
                          const sgw_gpio_line_config *config, sgw_gpio_request **out);
/// Gives the line back and frees the request.
void sgw_gpio_request_release(sgw_gpio_request *request);
/// The logical value (0 or 1), or -errno.
int sgw_gpio_get_value(sgw_gpio_request *request);
/// Sets the logical value: 0 or -errno.
int sgw_gpio_set_value(sgw_gpio_request *request, int value);
/// Waits up to timeout_ns (0 = just poll) for an edge: 1 when one is pending, 0 on timeout, or
/// -errno.
int sgw_gpio_event_wait(sgw_gpio_request *request, int64_t timeout_ns);
/// Reads up to max pending events (blocks if none is pending): the number read, or -errno.
int sgw_gpio_event_read(sgw_gpio_request *request, sgw_gpio_event *events, unsigned max);

#endif /* __linux__ */
