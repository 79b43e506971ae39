#include "sgw_clock.h"

#ifdef __linux__
#include <sys/timex.h>

int sgw_clock_is_synchronized(void) {
    struct timex tx = {0};
    int state = adjtimex(&tx);
    return state != TIME_ERROR && (tx.status & STA_UNSYNC) == 0;
}
#else
int sgw_clock_is_synchronized(void) { return 1; }
#endif
