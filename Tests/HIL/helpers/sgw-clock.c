// SPDX-License-Identifier: GPL-2.0
/*
 * sgw-clock: the guest's stand-in for an NTP daemon in the HIL stage's clock-trust checks.
 * busybox's adjtimex applet cannot change the status word, and setting the time (date -s,
 * clock_settime) makes the kernel set STA_UNSYNC (ntp_clear), so a board that only sets its
 * clock still reads as unsynced. This does what chronyd/timesyncd do once they trust a source.
 *
 *   sgw-clock status         prints "status=0xHEX unsync=0|1 state=N maxerror=US"
 *   sgw-clock sync SECONDS   sets CLOCK_REALTIME to SECONDS (decimal, fraction allowed), then
 *                            clears STA_UNSYNC and sets maxerror/esterror through adjtimex;
 *                            prints "mono=S.NNNNNNNNN wall=S.NNNNNNNNN state=N" taken right
 *                            after setting the clock, so a test can predict re-based times.
 * Exit status 0, or 1 with a message on stderr. Built statically (the guest has no compiler).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timex.h>
#include <time.h>

static int status(void)
{
	struct timex tx = { 0 };
	int state = adjtimex(&tx);

	if (state < 0) {
		fprintf(stderr, "sgw-clock: adjtimex: %s\n", strerror(errno));
		return 1;
	}
	printf("status=0x%x unsync=%d state=%d maxerror=%ld\n", (unsigned)tx.status,
	       (tx.status & STA_UNSYNC) ? 1 : 0, state, tx.maxerror);
	return 0;
}

static int sync_to(const char *text)
{
	char *end;
	double seconds = strtod(text, &end);
	struct timespec wall, mono, now;
	struct timex tx = { 0 };
	int state;

	if (end == text || *end || seconds <= 0) {
		fprintf(stderr, "sgw-clock: '%s' is not a time in seconds\n", text);
		return 1;
	}
	wall.tv_sec = (time_t)seconds;
	wall.tv_nsec = (long)((seconds - (double)wall.tv_sec) * 1e9);
	if (clock_settime(CLOCK_REALTIME, &wall)) {
		fprintf(stderr, "sgw-clock: clock_settime: %s\n", strerror(errno));
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &now);
	/* Read the status first so only STA_UNSYNC changes. */
	if (adjtimex(&tx) < 0) {
		fprintf(stderr, "sgw-clock: adjtimex: %s\n", strerror(errno));
		return 1;
	}
	tx.modes = ADJ_STATUS | ADJ_MAXERROR | ADJ_ESTERROR;
	tx.status &= ~STA_UNSYNC;
	/* The kernel adds 500 us a second to maxerror and sets STA_UNSYNC again past 16 s: 1 ms
	 * keeps the clock synced for hours, longer than any guest run. */
	tx.maxerror = 1000;
	tx.esterror = 1000;
	state = adjtimex(&tx);
	if (state < 0) {
		fprintf(stderr, "sgw-clock: adjtimex(ADJ_STATUS): %s\n", strerror(errno));
		return 1;
	}
	printf("mono=%lld.%09ld wall=%lld.%09ld state=%d\n", (long long)mono.tv_sec, mono.tv_nsec,
	       (long long)now.tv_sec, now.tv_nsec, state);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "status"))
		return status();
	if (argc == 3 && !strcmp(argv[1], "sync"))
		return sync_to(argv[2]);
	fprintf(stderr, "usage: sgw-clock status | sgw-clock sync SECONDS\n");
	return 1;
}
