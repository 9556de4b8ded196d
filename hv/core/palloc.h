/* SPDX-License-Identifier: MIT */
/*
 * The physical page allocator: free memory kept as a sorted list of disjoint
 * page-aligned ranges. Guests need large contiguous, aligned blocks (their RAM
 * is mapped with 2 MiB/1 GiB pages), which a range list serves directly.
 * Each call is atomic (a spinlock): guests' CPUs allocate page-table pages
 * at run time, at the same time.
 */
#ifndef VF_PALLOC_H
#define VF_PALLOC_H

#include <stdint.h>
#include "lib/spinlock.h"

#define PAGE_SIZE	  4096ull
#define PALLOC_MAX_RANGES 256

struct palloc {
	struct {
		uint64_t base, end; /* page-aligned, end exclusive */
	} r[PALLOC_MAX_RANGES];
	unsigned int n;
	spinlock_t lock; /* every call holds it: guests' CPUs allocate at once */
};

void palloc_init(struct palloc *pa);
/* Add free memory; partial pages at either end are dropped (a range with no
 * whole page adds nothing and succeeds). -ENOSPC if the table is full,
 * -EINVAL for zero length or a wrapping range, -EEXIST if it overlaps memory
 * already free (nothing is changed then). */
int palloc_add(struct palloc *pa, uint64_t base, uint64_t len);
/* Remove [base, base+len) (rounded out to pages) from the free memory, where
 * free; -EINVAL for zero length or a wrapping range, -ENOSPC if splitting
 * would overflow the table. */
int palloc_reserve(struct palloc *pa, uint64_t base, uint64_t len);
/* Allocate @len bytes (rounded up to pages) aligned to @align (a power of two,
 * at least PAGE_SIZE; 0 means PAGE_SIZE) ending at or below @limit (0: no
 * limit). The lowest fitting address is taken. -EINVAL for a bad size or
 * alignment, -ENOMEM when nothing fits, -ENOSPC if the table is full. */
int palloc_alloc(struct palloc *pa, uint64_t len, uint64_t align, uint64_t limit, uint64_t *out);
/* Give back what palloc_alloc() returned. -EEXIST if any of it is already
 * free (a double free: nothing is changed). */
int palloc_free(struct palloc *pa, uint64_t base, uint64_t len);
uint64_t palloc_free_bytes(const struct palloc *pa);
/* The largest block palloc_alloc() could give at @align (a power of two):
 * a multiple of @align, 0 if none. */
uint64_t palloc_largest(const struct palloc *pa, uint64_t align);

/* Page-table pages (lib/pt.h struct pt_alloc) from the struct palloc @pa:
 * one page at or below @limit (0: anywhere), -ENOMEM if none. */
int palloc_pt_alloc(void *pa, uint64_t limit, uint64_t *phys);
void palloc_pt_free(void *pa, uint64_t phys);

#endif
