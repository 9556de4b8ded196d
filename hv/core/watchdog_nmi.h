/* SPDX-License-Identifier: MIT */
/*
 * The NMI watchdog on the service CPU (cpu 0): the PIT's channel 0 ticks on
 * IRQ 0 of the 8259, whose INTR reaches cpu 0's LINT0 (the virtual wire),
 * set to deliver an NMI. Each NMI checks the service loop's heartbeat
 * (hv/core/watchdog.h) and reports a stall, naming the stage and the
 * interrupted RIP, even with interrupts off and the console held.
 */
#ifndef VF_WATCHDOG_NMI_H
#define VF_WATCHDOG_NMI_H

#include <stdbool.h>
#include <stdint.h>
#include "hv/core/watchdog.h"

#define WATCHDOG_HZ	  20   /* ticks a second: a 50 ms resolution */
#define WATCHDOG_BOUND_MS 1000 /* default stall bound (watchdog.ms=) */

/*
 * On cpu 0, with interrupts off: start it as the command line @cl says
 * (watchdog=off, watchdog.ms=N), if the machine has 8259s (@pcat: the MADT's
 * PCAT_COMPAT), and only if ticks arrive within 200 ms; one line says it is
 * on, or off and why.
 */
void watchdog_nmi_start(const char *cl, bool pcat);
/* Watch the heartbeat (the service loop, a self-test) or not (start-up). */
void watchdog_nmi_watch(bool on);
bool watchdog_nmi_on(void);
/* Why it is off ("" while on); "watchdog=off" when the command line said so. */
const char *watchdog_nmi_off_why(void);
unsigned int watchdog_nmi_bound_ms(void);
/* What it has reported so far (the self-test's evidence). */
struct watchdog_nmi_stats {
	unsigned int stalls, resumes;
	uint64_t stall_ms, resume_ms;	/* the last report's figures */
	uint64_t rip;			/* where the last stall was interrupted */
	char stage[WATCHDOG_STAGE_MAX]; /* its stage ("" before any) */
};
void watchdog_nmi_stats(struct watchdog_nmi_stats *s);
/* The service CPU's heartbeat: now doing @what (of @who, or NULL). Both
 * must outlive the step (literals, a guest's name). */
void service_progress(const char *what, const char *who);

#endif
