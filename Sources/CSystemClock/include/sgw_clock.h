#pragma once

/// 1 when the kernel considers the wall clock synchronized (adjtimex: not TIME_ERROR and no
/// STA_UNSYNC), 0 when not; always 1 where the call does not exist. Swift cannot see <sys/timex.h>.
int sgw_clock_is_synchronized(void);
