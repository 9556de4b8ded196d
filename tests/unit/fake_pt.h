/* SPDX-License-Identifier: MIT */
/*
 * Host test helpers for lib/pt.h tables of any format: an allocator that
 * fails after a budget (put between a table and its real allocator), a hash
 * of everything a table holds, and a driver that fails a change at every
 * allocation it makes and checks that each failure changed nothing.
 */
#ifndef VF_FAKE_PT_H
#define VF_FAKE_PT_H

#include <stddef.h>
#include <stdint.h>
#include "hv/core/palloc.h"
#include "lib/pt.h"

/* @size bytes of host memory below 4 GiB (so "physical" addresses are
 * pointers), filled with 0xa5 (what a non-coherent walker reads from
 * memory never flushed), all free in @pa; @shadow: the walker's view, a
 * copy that only flushed ranges reach. */
struct fake_pt_pool {
	uint8_t *mem, *shadow;
	uint64_t base;
	size_t size;
};

void fake_pt_pool_init(struct fake_pt_pool *p, size_t size, struct palloc *pa);
void fake_pt_pool_fini(struct fake_pt_pool *p);

struct fake_pt_alloc {
	struct pt_alloc real;
	unsigned int budget; /* allocations left before they fail */
	unsigned int allocs, frees;
};

/* Route @t's allocations through @f, @budget of them succeeding. */
void fake_pt_wrap(struct fake_pt_alloc *f, struct pt_table *t, unsigned int budget);
/* Give @t its real allocator back. */
void fake_pt_unwrap(struct fake_pt_alloc *f, struct pt_table *t);

/* Every table page reachable from the root and every deferred one, with
 * their addresses: any change to the tables changes it. */
uint64_t fake_pt_hash(const struct pt_table *t);

/*
 * Run @change on @t with 0, 1, 2, ... allocations allowed until it succeeds
 * (at most @max tries). Each failed try must return -ENOMEM and leave the
 * tables (fake_pt_hash), the translations of @va[0..n) and the allocator
 * (pages allocated == pages freed) exactly as they were. Returns how many
 * allocations the change took.
 */
unsigned int fake_pt_fail_each(struct pt_table *t, int (*change)(struct pt_table *t, void *arg),
			       void *arg, const uint64_t *va, unsigned int n, unsigned int max);

#endif
