// SPDX-License-Identifier: MIT
/* The service CPU's watchdog logic: heartbeat, stall and resume decisions
 * from the TSC (the NMI and its reports: watchdog_nmi.c). */
#include "hv/core/watchdog.h"
#include "lib/err.h"
#include "lib/kstring.h"
#include "lib/printk.h"

int watchdog_init(struct watchdog *w, uint64_t khz, unsigned int bound_ms, uint64_t now)
{
	if (!khz || !bound_ms)
		return -EINVAL;
	memset(w, 0, sizeof(*w));
	w->khz = khz;
	w->bound = khz * bound_ms;
	w->what = "start-up";
	w->watching = true;
	w->seen_tsc = now;
	return 0;
}

enum watchdog_verdict watchdog_check(struct watchdog *w, uint64_t now, uint64_t *ms)
{
	uint64_t beat = __atomic_load_n(&w->beat, __ATOMIC_ACQUIRE);
	/* unsigned: a TSC read a little behind seen_tsc (another CPU's
	 * view) would wrap; take it as no time passed */
	uint64_t still = now >= w->seen_tsc ? now - w->seen_tsc : 0;

	*ms = still / w->khz;
	if (!w->watching) {
		w->seen_beat = beat; /* a clean start when watching resumes */
		w->seen_tsc = now;
		w->stalled = false;
		return WATCHDOG_QUIET;
	}
	if (beat != w->seen_beat) {
		bool was = w->stalled;

		w->seen_beat = beat;
		w->seen_tsc = now;
		w->stalled = false;
		return was ? WATCHDOG_RESUMED : WATCHDOG_QUIET;
	}
	if (w->stalled || still <= w->bound)
		return WATCHDOG_QUIET;
	w->stalled = true;
	w->stalls++;
	return WATCHDOG_STALL;
}

void watchdog_stage(const struct watchdog *w, char *buf, unsigned int n)
{
	const char *what = w->what, *who = w->who;

	if (who)
		sfmt(buf, n, "%s %s", what ? what : "?", who);
	else
		sfmt(buf, n, "%s", what ? what : "?");
}
