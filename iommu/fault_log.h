/* SPDX-License-Identifier: MIT */
/*
 * The IOMMU drivers' fault bookkeeping (VT-d and AMD-Vi alike): a table of
 * faulting sources (requester and kind of fault) with their counts, so that
 * a device's first fault of each kind is logged in full and its repeats only
 * as a count now and then, within a log budget: a guest's VF that faults in
 * a loop cannot flood the console.
 */
#ifndef VF_FAULT_LOG_H
#define VF_FAULT_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/ratelimit.h"

#define FAULT_LOG_SOURCES 32

struct fault_source {
	uint16_t seg, rid;
	uint8_t kind; /* the driver's reason code, or 0 where it keeps one per requester */
	unsigned int count;
	struct ratelimit log; /* its "so far" lines */
};

/* All zero: no faults seen. One per driver; the caller serialises. */
struct fault_log {
	struct fault_source src[FAULT_LOG_SOURCES];
	unsigned int lost; /* faults from sources past the table */
};

/* Count a fault from @seg:@rid of @kind. True when it is the first of its
 * source and kind, which the caller logs in full. Repeats get a line here at
 * 10, 100, 1000 and every 10000th, within the source's budget; a source past
 * the table is only counted (one line says so, the first time). */
bool fault_log_count(struct fault_log *fl, uint16_t seg, uint16_t rid, uint8_t kind);
/* Faults seen from @seg:@rid, of every kind. */
unsigned int fault_log_total(const struct fault_log *fl, uint16_t seg, uint16_t rid);

#endif
