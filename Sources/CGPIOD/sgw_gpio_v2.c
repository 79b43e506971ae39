// libgpiod 2.x (v2 API) backend of sgw_gpio.h: Debian 13 trixie, Raspberry Pi OS trixie,
// Ubuntu 24.04. Uses the kernel's GPIO uAPI v2 through libgpiod: kernel debounce and per-line
// sequence numbers, which the v1 API cannot express.
#ifdef __linux__

#include <gpiod.h>

// Compiled only when the gpiod.h found is the v2 one: v1's header defines
// GPIOD_LINE_BULK_MAX_LINES, v2's defines no public macro (see sgw_gpio.h).
#if !defined(GPIOD_LINE_BULK_MAX_LINES)

#include "sgw_gpio.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// A v2 request owns its own file descriptor and outlives the chip it came from, so no reference
// counting is needed (unlike the v1 backend). The chip info is kept for name and label, whose
// strings live as long as it.
struct sgw_gpio_chip {
    struct gpiod_chip *chip;
    struct gpiod_chip_info *info;
};

enum { EVENT_BATCH = 16 };

struct sgw_gpio_request {
    struct gpiod_line_request *request;
    unsigned offset;
    // Allocated once per request so reading events allocates nothing; NULL without edge detection.
    struct gpiod_edge_event_buffer *events;
};

// libgpiod sets errno on failure; make sure a failure never reads as success.
static int neg_errno(void) { return errno > 0 ? -errno : -EIO; }

const char *sgw_gpio_backend_name(void) { return "libgpiod 2.x (v2 API)"; }
int sgw_gpio_api_version(void) { return 2; }
int sgw_gpio_backend_has_seqno(void) { return 1; }
int sgw_gpio_backend_has_kernel_debounce(void) { return 1; }

static int all_digits(const char *s) {
    if (*s == '\0') return 0;
    for (; *s; s++) if (!isdigit((unsigned char)*s)) return 0;
    return 1;
}

// Takes ownership of `chip`.
static int wrap_chip(struct gpiod_chip *chip, sgw_gpio_chip **out) {
    errno = 0;
    struct gpiod_chip_info *info = gpiod_chip_get_info(chip);
    if (info == NULL) {
        int r = neg_errno();
        gpiod_chip_close(chip);
        return r;
    }
    sgw_gpio_chip *handle = calloc(1, sizeof *handle);
    if (handle == NULL) {
        gpiod_chip_info_free(info);
        gpiod_chip_close(chip);
        return -ENOMEM;
    }
    handle->chip = chip;
    handle->info = info;
    *out = handle;
    return 0;
}

static int open_path(const char *path, sgw_gpio_chip **out) {
    errno = 0;
    struct gpiod_chip *chip = gpiod_chip_open(path);
    if (chip == NULL) return neg_errno();
    return wrap_chip(chip, out);
}

// v2 opens chips by path only; a label means opening every chip in /dev and asking. A chip that
// cannot be opened (EACCES) might be the one wanted, so that is reported rather than ENOENT: the
// operator then hears about the gpio group instead of "no such chip".
static int open_by_label(const char *label, sgw_gpio_chip **out) {
    DIR *dev = opendir("/dev");
    if (dev == NULL) return neg_errno();
    int unreadable = 0;
    int result = -ENOENT;
    struct dirent *entry;
    char path[300];
    while ((entry = readdir(dev)) != NULL) {
        if (strncmp(entry->d_name, "gpiochip", 8) != 0) continue;
        snprintf(path, sizeof path, "/dev/%s", entry->d_name);
        if (!gpiod_is_gpiochip_device(path)) continue;
        sgw_gpio_chip *candidate = NULL;
        int r = open_path(path, &candidate);
        if (r < 0) {
            if (r == -EACCES || r == -EPERM) unreadable = r;
            continue;
        }
        if (strcmp(gpiod_chip_info_get_label(candidate->info), label) == 0) {
            *out = candidate;
            result = 0;
            break;
        }
        sgw_gpio_chip_close(candidate);
    }
    closedir(dev);
    if (result < 0 && unreadable < 0) return unreadable;
    return result;
}

int sgw_gpio_chip_open(const char *descriptor, sgw_gpio_chip **out) {
    if (descriptor == NULL || *descriptor == '\0' || out == NULL) return -EINVAL;
    char path[300];
    if (descriptor[0] == '/') return open_path(descriptor, out);
    if (strncmp(descriptor, "gpiochip", 8) == 0) {
        if (strchr(descriptor, '/') != NULL) return -ENOENT;
        snprintf(path, sizeof path, "/dev/%s", descriptor);
        return open_path(path, out);
    }
    if (all_digits(descriptor)) {
        snprintf(path, sizeof path, "/dev/gpiochip%s", descriptor);
        return open_path(path, out);
    }
    return open_by_label(descriptor, out);
}

void sgw_gpio_chip_close(sgw_gpio_chip *chip) {
    if (chip == NULL) return;
    gpiod_chip_info_free(chip->info);
    gpiod_chip_close(chip->chip);
    free(chip);
}

const char *sgw_gpio_chip_name(sgw_gpio_chip *chip) { return gpiod_chip_info_get_name(chip->info); }
const char *sgw_gpio_chip_label(sgw_gpio_chip *chip) { return gpiod_chip_info_get_label(chip->info); }
unsigned sgw_gpio_chip_num_lines(sgw_gpio_chip *chip) {
    return (unsigned)gpiod_chip_info_get_num_lines(chip->info);
}

int sgw_gpio_chip_find_line(sgw_gpio_chip *chip, const char *name, unsigned *offset) {
    if (chip == NULL || name == NULL || offset == NULL) return -EINVAL;
    errno = 0;
    int r = gpiod_chip_get_line_offset_from_name(chip->chip, name);
    if (r < 0) return errno > 0 ? -errno : -ENOENT;
    *offset = (unsigned)r;
    return 0;
}

static enum gpiod_line_edge edge_of(int edges) {
    switch (edges) {
    case SGW_GPIO_EDGE_RISING: return GPIOD_LINE_EDGE_RISING;
    case SGW_GPIO_EDGE_FALLING: return GPIOD_LINE_EDGE_FALLING;
    case SGW_GPIO_EDGE_BOTH: return GPIOD_LINE_EDGE_BOTH;
    default: return GPIOD_LINE_EDGE_NONE;
    }
}

static enum gpiod_line_bias bias_of(int bias) {
    switch (bias) {
    case SGW_GPIO_BIAS_DISABLED: return GPIOD_LINE_BIAS_DISABLED;
    case SGW_GPIO_BIAS_PULL_UP: return GPIOD_LINE_BIAS_PULL_UP;
    case SGW_GPIO_BIAS_PULL_DOWN: return GPIOD_LINE_BIAS_PULL_DOWN;
    default: return GPIOD_LINE_BIAS_AS_IS;
    }
}

// The one place our configuration becomes libgpiod settings; request_line and the settings
// report both use it. NULL with errno set on failure.
static struct gpiod_line_settings *settings_for(const sgw_gpio_line_config *config) {
    if (config->direction != SGW_GPIO_DIRECTION_INPUT && config->direction != SGW_GPIO_DIRECTION_OUTPUT) {
        errno = EINVAL;
        return NULL;
    }
    struct gpiod_line_settings *settings = gpiod_line_settings_new();
    if (settings == NULL) return NULL;
    int r = 0;
    gpiod_line_settings_set_active_low(settings, config->active_low != 0);
    if (config->direction == SGW_GPIO_DIRECTION_OUTPUT) {
        r |= gpiod_line_settings_set_direction(settings, GPIOD_LINE_DIRECTION_OUTPUT);
        r |= gpiod_line_settings_set_output_value(
            settings, config->output_value ? GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE);
    } else {
        r |= gpiod_line_settings_set_direction(settings, GPIOD_LINE_DIRECTION_INPUT);
        r |= gpiod_line_settings_set_edge_detection(settings, edge_of(config->edges));
        r |= gpiod_line_settings_set_bias(settings, bias_of(config->bias));
        // Timestamps must be CLOCK_MONOTONIC, as the v1 backend's and GPIOEdgeEvent promise.
        r |= gpiod_line_settings_set_event_clock(settings, GPIOD_LINE_CLOCK_MONOTONIC);
        // Done by the kernel: the controller's hardware debounce where it has one, gpiolib's
        // own otherwise; 0 turns it off.
        gpiod_line_settings_set_debounce_period_us(settings, config->debounce_us);
    }
    if (r != 0) {
        gpiod_line_settings_free(settings);
        errno = EINVAL;
        return NULL;
    }
    return settings;
}

int sgw_gpio_applied_settings_for(const sgw_gpio_line_config *config, sgw_gpio_applied_settings *out) {
    if (config == NULL || out == NULL) return -EINVAL;
    errno = 0;
    struct gpiod_line_settings *settings = settings_for(config);
    if (settings == NULL) return neg_errno();
    memset(out, 0, sizeof *out);
    out->direction = (int)gpiod_line_settings_get_direction(settings);
    out->edge = (int)gpiod_line_settings_get_edge_detection(settings);
    out->bias = (int)gpiod_line_settings_get_bias(settings);
    out->active_low = gpiod_line_settings_get_active_low(settings) ? 1 : 0;
    out->output_value = (int)gpiod_line_settings_get_output_value(settings);
    out->debounce_us = gpiod_line_settings_get_debounce_period_us(settings);
    gpiod_line_settings_free(settings);
    return 0;
}

int sgw_gpio_request_line(sgw_gpio_chip *chip, unsigned offset, const char *consumer,
                          const sgw_gpio_line_config *config, sgw_gpio_request **out) {
    if (chip == NULL || config == NULL || out == NULL) return -EINVAL;
    if (offset >= sgw_gpio_chip_num_lines(chip)) return -ENOENT;

    int result = 0;
    struct gpiod_line_settings *settings = NULL;
    struct gpiod_line_config *line_config = NULL;
    struct gpiod_request_config *request_config = NULL;
    struct gpiod_line_request *line_request = NULL;
    struct gpiod_edge_event_buffer *events = NULL;
    sgw_gpio_request *request = NULL;

    errno = 0;
    settings = settings_for(config);
    line_config = gpiod_line_config_new();
    request_config = gpiod_request_config_new();
    if (settings == NULL || line_config == NULL || request_config == NULL) {
        result = errno > 0 ? -errno : -ENOMEM;
        goto done;
    }
    errno = 0;
    if (gpiod_line_config_add_line_settings(line_config, &offset, 1, settings) < 0) {
        result = neg_errno();
        goto done;
    }
    if (consumer != NULL) gpiod_request_config_set_consumer(request_config, consumer);
    if (config->direction == SGW_GPIO_DIRECTION_INPUT && config->edges != SGW_GPIO_EDGE_NONE) {
        events = gpiod_edge_event_buffer_new(EVENT_BATCH);
        if (events == NULL) {
            result = -ENOMEM;
            goto done;
        }
    }
    request = calloc(1, sizeof *request);
    if (request == NULL) {
        result = -ENOMEM;
        goto done;
    }
    errno = 0;
    line_request = gpiod_chip_request_lines(chip->chip, request_config, line_config);
    if (line_request == NULL) {
        result = neg_errno();
        goto done;
    }
    request->request = line_request;
    request->offset = offset;
    request->events = events;
    events = NULL;
    *out = request;
    request = NULL;

done:
    free(request);
    if (events != NULL) gpiod_edge_event_buffer_free(events);
    if (request_config != NULL) gpiod_request_config_free(request_config);
    if (line_config != NULL) gpiod_line_config_free(line_config);
    if (settings != NULL) gpiod_line_settings_free(settings);
    return result;
}

void sgw_gpio_request_release(sgw_gpio_request *request) {
    if (request == NULL) return;
    gpiod_line_request_release(request->request);
    if (request->events != NULL) gpiod_edge_event_buffer_free(request->events);
    free(request);
}

int sgw_gpio_get_value(sgw_gpio_request *request) {
    errno = 0;
    enum gpiod_line_value value = gpiod_line_request_get_value(request->request, request->offset);
    if (value == GPIOD_LINE_VALUE_ERROR) return neg_errno();
    return value == GPIOD_LINE_VALUE_ACTIVE ? 1 : 0;
}

int sgw_gpio_set_value(sgw_gpio_request *request, int value) {
    errno = 0;
    int r = gpiod_line_request_set_value(request->request, request->offset,
                                         value ? GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE);
    return r < 0 ? neg_errno() : 0;
}

int sgw_gpio_event_wait(sgw_gpio_request *request, int64_t timeout_ns) {
    // Negative means "forever" to libgpiod; the shim's contract is "just poll".
    if (timeout_ns < 0) timeout_ns = 0;
    errno = 0;
    int r = gpiod_line_request_wait_edge_events(request->request, timeout_ns);
    return r < 0 ? neg_errno() : r;
}

int sgw_gpio_event_read(sgw_gpio_request *request, sgw_gpio_event *events, unsigned max) {
    if (request->events == NULL) return -EINVAL;
    if (max == 0) return 0;
    if (max > EVENT_BATCH) max = EVENT_BATCH;
    errno = 0;
    int n = gpiod_line_request_read_edge_events(request->request, request->events, max);
    if (n < 0) return neg_errno();
    for (int i = 0; i < n; i++) {
        struct gpiod_edge_event *event = gpiod_edge_event_buffer_get_event(request->events, (unsigned long)i);
        if (event == NULL) return i;
        events[i].edge = gpiod_edge_event_get_event_type(event) == GPIOD_EDGE_EVENT_RISING_EDGE
                             ? SGW_GPIO_EDGE_RISING
                             : SGW_GPIO_EDGE_FALLING;
        events[i].timestamp_ns = gpiod_edge_event_get_timestamp_ns(event);
        // The line's own number, not the request-wide global one: one line per request here, and
        // a gap in it is exactly the kernel dropping events of this line (its queue overflowed).
        events[i].line_seqno = gpiod_edge_event_get_line_seqno(event);
    }
    return n;
}

#endif /* !GPIOD_LINE_BULK_MAX_LINES */
#endif /* __linux__ */
