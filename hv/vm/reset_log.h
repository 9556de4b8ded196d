/* SPDX-License-Identifier: MIT */
/*
 * A guest's recent restarts, against its reset_limit (N restarts within S
 * seconds): a guest that resets faster than that is stopped rather than
 * restarted again, so that a kernel that panics at once cannot keep its
 * CPUs and the log busy for ever. Pure: times are the caller's ticks.
 */
#ifndef VF_RESET_LOG_H
#define VF_RESET_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include "hv/vm/config.h"

struct reset_log {
	uint64_t at[CONFIG_RESETS_MAX]; /* the latest restarts, a ring */
	unsigned int next, count;
};

/* A reset at @now: true (and recorded) if fewer than @max restarts
 * (at most CONFIG_RESETS_MAX) were recorded within the last @window ticks,
 * so this one may restart the guest; false if it would exceed the limit. */
bool reset_log_allow(struct reset_log *l, uint64_t now, uint64_t window, unsigned int max);

/* Forget every restart (the operator started the guest again). */
void reset_log_clear(struct reset_log *l);

#endif
