/* SPDX-License-Identifier: MIT */
/*
 * Budgets for log lines that a guest (or its device) can cause at will: each
 * source (a guest's kind of refusal, a VF's resets, an IOMMU requester's
 * faults) may print RATELIMIT_LINES lines per RATELIMIT_WINDOW_MS; further
 * ones are only counted, and the next line printed says how many were held
 * back. The caller serialises calls on one budget.
 */
#ifndef VF_RATELIMIT_H
#define VF_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RATELIMIT_LINES	    8
#define RATELIMIT_WINDOW_MS 10000
#define RATELIMIT_NOTE	    80 /* room for the note ratelimit_at() writes */

/* All zero: nothing printed yet. */
struct ratelimit {
	uint64_t start;	    /* the current window's first line (ms) */
	unsigned int lines; /* printed in the current window */
	unsigned int held;  /* held back since the last line printed */
	bool started;
};

/* May a line from @rl's source be printed at @now (ms)? If so, @note (of
 * @size bytes) gets what to append to the line: "" normally, " (N more
 * suppressed)" after held-back lines, and on the window's last line a word
 * that further ones are only counted. If not, the line is counted. */
bool ratelimit_at(struct ratelimit *rl, uint64_t now, char *note, size_t size);
/* ratelimit_at() at the log clock's time. */
bool ratelimit(struct ratelimit *rl, char note[RATELIMIT_NOTE]);
/* The log clock in ms, provided per environment as printk is: the
 * hypervisor's from the TSC (hv/core/printk.c), the unit tests' a fake. */
uint64_t ratelimit_clock_ms(void);

#endif
