// libgpiod 1.6 (v1 API) backend of sgw_gpio.h: Debian 12, Raspberry Pi OS bookworm.
#ifdef __linux__

#include <gpiod.h>

// Compiled only when the gpiod.h found is the v1 one (see sgw_gpio.h); sgw_gpio_v2.c covers the
// opposite case, so exactly one backend is ever built.
#if defined(GPIOD_LINE_BULK_MAX_LINES)

#include "sgw_gpio.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

// In libgpiod 1.x a line belongs to its chip and dies with gpiod_chip_close(), so the chip is
// reference-counted: the caller holds one reference and every live request one more.
struct sgw_gpio_chip {
    struct gpiod_chip *chip;
    int refs;
};

struct sgw_gpio_request {
    sgw_gpio_chip *chip;
    struct gpiod_line *line;
};

static void chip_retain(sgw_gpio_chip *chip) { __atomic_add_fetch(&chip->refs, 1, __ATOMIC_RELAXED); }

static void chip_release(sgw_gpio_chip *chip) {
    if (__atomic_sub_fetch(&chip->refs, 1, __ATOMIC_ACQ_REL) == 0) {
        gpiod_chip_close(chip->chip);
        free(chip);
    }
}

// libgpiod sets errno on failure; make sure a failure never reads as success.
static int neg_errno(void) { return errno > 0 ? -errno : -EIO; }

const char *sgw_gpio_backend_name(void) { return "libgpiod 1.6 (v1 API)"; }
int sgw_gpio_api_version(void) { return 1; }
int sgw_gpio_backend_has_seqno(void) { return 0; }
// The v1 API has no debounce setting (the v2 uAPI added it); the Swift layer debounces instead.
int sgw_gpio_backend_has_kernel_debounce(void) { return 0; }

static int all_digits(const char *s) {
    if (*s == '\0') return 0;
    for (; *s; s++) if (!isdigit((unsigned char)*s)) return 0;
    return 1;
}

int sgw_gpio_chip_open(const char *descriptor, sgw_gpio_chip **out) {
    if (descriptor == NULL || *descriptor == '\0' || out == NULL) return -EINVAL;
    struct gpiod_chip *chip;
    // Decide the kind ourselves instead of gpiod_chip_open_lookup(): lookup tries every kind in
    // turn and reports the errno of the last attempt, which turns EACCES on a path into ENOENT.
    errno = 0;
    if (descriptor[0] == '/') {
        chip = gpiod_chip_open(descriptor);
    } else if (strncmp(descriptor, "gpiochip", 8) == 0) {
        chip = gpiod_chip_open_by_name(descriptor);
    } else if (all_digits(descriptor)) {
        chip = gpiod_chip_open_by_number((unsigned)strtoul(descriptor, NULL, 10));
    } else {
        chip = gpiod_chip_open_by_label(descriptor);
        if (chip == NULL && errno == 0) errno = ENOENT;
    }
    if (chip == NULL) return neg_errno();
    sgw_gpio_chip *handle = calloc(1, sizeof *handle);
    if (handle == NULL) {
        gpiod_chip_close(chip);
        return -ENOMEM;
    }
    handle->chip = chip;
    handle->refs = 1;
    *out = handle;
    return 0;
}

void sgw_gpio_chip_close(sgw_gpio_chip *chip) {
    if (chip != NULL) chip_release(chip);
}

const char *sgw_gpio_chip_name(sgw_gpio_chip *chip) { return gpiod_chip_name(chip->chip); }
const char *sgw_gpio_chip_label(sgw_gpio_chip *chip) { return gpiod_chip_label(chip->chip); }
unsigned sgw_gpio_chip_num_lines(sgw_gpio_chip *chip) { return gpiod_chip_num_lines(chip->chip); }

int sgw_gpio_chip_find_line(sgw_gpio_chip *chip, const char *name, unsigned *offset) {
    errno = 0;
    struct gpiod_line *line = gpiod_chip_find_line(chip->chip, name);
    if (line == NULL) return errno > 0 ? -errno : -ENOENT;
    *offset = gpiod_line_offset(line);
    return 0;
}

static int request_flags(const sgw_gpio_line_config *config) {
    int flags = 0;
    if (config->active_low) flags |= GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW;
    if (config->direction == SGW_GPIO_DIRECTION_INPUT) {
        switch (config->bias) {
        case SGW_GPIO_BIAS_DISABLED: flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE; break;
        case SGW_GPIO_BIAS_PULL_UP: flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP; break;
        case SGW_GPIO_BIAS_PULL_DOWN: flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN; break;
        default: break;
        }
    }
    return flags;
}

static int request_type(const sgw_gpio_line_config *config) {
    if (config->direction == SGW_GPIO_DIRECTION_OUTPUT) return GPIOD_LINE_REQUEST_DIRECTION_OUTPUT;
    switch (config->edges) {
    case SGW_GPIO_EDGE_RISING: return GPIOD_LINE_REQUEST_EVENT_RISING_EDGE;
    case SGW_GPIO_EDGE_FALLING: return GPIOD_LINE_REQUEST_EVENT_FALLING_EDGE;
    case SGW_GPIO_EDGE_BOTH: return GPIOD_LINE_REQUEST_EVENT_BOTH_EDGES;
    default: return GPIOD_LINE_REQUEST_DIRECTION_INPUT;
    }
}

int sgw_gpio_applied_settings_for(const sgw_gpio_line_config *config, sgw_gpio_applied_settings *out) {
    if (config == NULL || out == NULL) return -EINVAL;
    if (config->direction != SGW_GPIO_DIRECTION_INPUT && config->direction != SGW_GPIO_DIRECTION_OUTPUT)
        return -EINVAL;
    memset(out, 0, sizeof *out);
    out->direction = request_type(config);
    out->flags = request_flags(config);
    out->active_low = config->active_low ? 1 : 0;
    out->output_value = config->direction == SGW_GPIO_DIRECTION_OUTPUT && config->output_value ? 1 : 0;
    return 0;
}

int sgw_gpio_request_line(sgw_gpio_chip *chip, unsigned offset, const char *consumer,
                          const sgw_gpio_line_config *config, sgw_gpio_request **out) {
    if (chip == NULL || config == NULL || out == NULL) return -EINVAL;
    if (offset >= gpiod_chip_num_lines(chip->chip)) return -ENOENT;
    errno = 0;
    struct gpiod_line *line = gpiod_chip_get_line(chip->chip, offset);
    if (line == NULL) return neg_errno();

    // The same two mappings sgw_gpio_applied_settings_for reports, so its tests cover this call.
    struct gpiod_line_request_config request_config = {
        .consumer = consumer,
        .request_type = request_type(config),
        .flags = request_flags(config),
    };
    int default_value = config->direction == SGW_GPIO_DIRECTION_OUTPUT && config->output_value ? 1 : 0;
    errno = 0;
    int r = gpiod_line_request(line, &request_config, default_value);
    if (r < 0) return neg_errno();

    sgw_gpio_request *request = calloc(1, sizeof *request);
    if (request == NULL) {
        gpiod_line_release(line);
        return -ENOMEM;
    }
    chip_retain(chip);
    request->chip = chip;
    request->line = line;
    *out = request;
    return 0;
}

void sgw_gpio_request_release(sgw_gpio_request *request) {
    if (request == NULL) return;
    gpiod_line_release(request->line);
    chip_release(request->chip);
    free(request);
}

int sgw_gpio_get_value(sgw_gpio_request *request) {
    errno = 0;
    int value = gpiod_line_get_value(request->line);
    return value < 0 ? neg_errno() : value;
}

int sgw_gpio_set_value(sgw_gpio_request *request, int value) {
    errno = 0;
    return gpiod_line_set_value(request->line, value ? 1 : 0) < 0 ? neg_errno() : 0;
}

int sgw_gpio_event_wait(sgw_gpio_request *request, int64_t timeout_ns) {
    if (timeout_ns < 0) timeout_ns = 0;
    struct timespec timeout = {
        .tv_sec = (time_t)(timeout_ns / 1000000000),
        .tv_nsec = (long)(timeout_ns % 1000000000),
    };
    errno = 0;
    int r = gpiod_line_event_wait(request->line, &timeout);
    return r < 0 ? neg_errno() : r;
}

int sgw_gpio_event_read(sgw_gpio_request *request, sgw_gpio_event *events, unsigned max) {
    enum { BATCH = 16 };
    struct gpiod_line_event raw[BATCH];
    if (max == 0) return 0;
    if (max > BATCH) max = BATCH;
    errno = 0;
    int n = gpiod_line_event_read_multiple(request->line, raw, max);
    if (n < 0) return neg_errno();
    for (int i = 0; i < n; i++) {
        events[i].edge = raw[i].event_type == GPIOD_LINE_EVENT_RISING_EDGE ? SGW_GPIO_EDGE_RISING
                                                                           : SGW_GPIO_EDGE_FALLING;
        events[i].timestamp_ns =
            (uint64_t)raw[i].ts.tv_sec * 1000000000u + (uint64_t)raw[i].ts.tv_nsec;
        events[i].line_seqno = 0;
    }
    return n;
}

#endif /* GPIOD_LINE_BULK_MAX_LINES */
#endif /* __linux__ */
