/* SPDX-License-Identifier: MIT */
/*
 * The service CPU's watchdog, the logic alone (pure, host-tested): the
 * service loop records each step it takes (a heartbeat and what it is
 * doing); a periodic check, run from an NMI on that same CPU, decides from
 * the TSC whether the heartbeat has been still for longer than the bound.
 * A stall is reported once; progress after it is reported once, with how
 * long the loop was stuck.
 */
#ifndef VF_WATCHDOG_H
#define VF_WATCHDOG_H

#include <stdbool.h>
#include <stdint.h>

#define WATCHDOG_STAGE_MAX 48 /* "console of guest NAME", cut to fit */

struct watchdog {
	uint64_t bound;		/* TSC ticks without a beat that count as a stall */
	uint64_t khz;		/* TSC ticks per ms */
	volatile uint64_t beat; /* the service loop's: bumped at each step */
	/* What the loop is doing: @what, then @who if not NULL. Both are
	 * strings that outlive the step (literals, a guest's name). */
	const char *volatile what;
	const char *volatile who;
	volatile bool watching; /* off: every check counts as progress */
	/* The checker's own (NMI context). */
	uint64_t seen_beat;  /* the beat at the last change seen */
	uint64_t seen_tsc;   /* when that change was seen */
	bool stalled;	     /* reported, no progress since */
	unsigned int stalls; /* reports made */
};

enum watchdog_verdict {
	WATCHDOG_QUIET,	  /* progress, or a stall already reported */
	WATCHDOG_STALL,	  /* no beat for longer than the bound: report it */
	WATCHDOG_RESUMED, /* a beat after a reported stall */
};

/* @bound_ms without a beat is a stall; @khz is the TSC's rate (not 0);
 * @now the TSC. Returns -EINVAL for a zero rate or bound. */
int watchdog_init(struct watchdog *w, uint64_t khz, unsigned int bound_ms, uint64_t now);

/* The service loop: one step, now doing @what (of @who, or NULL). */
static inline void watchdog_step(struct watchdog *w, const char *what, const char *who)
{
	w->what = what;
	w->who = who;
	__atomic_store_n(&w->beat, w->beat + 1, __ATOMIC_RELEASE);
}

/* Watch (from watchdog_init on) or not: start-up steps that may take long
 * (loading guests) are not the service loop's and are not watched. */
static inline void watchdog_watch(struct watchdog *w, bool on)
{
	w->watching = on;
}

/* The periodic check at TSC @now; @ms gets, for a stall, how long the beat
 * has been still, for a resume, how long it was. */
enum watchdog_verdict watchdog_check(struct watchdog *w, uint64_t now, uint64_t *ms);

/* What the loop is doing, as the report names it ("console of guest alpha"),
 * into @buf of @n bytes. */
void watchdog_stage(const struct watchdog *w, char *buf, unsigned int n);

#endif
