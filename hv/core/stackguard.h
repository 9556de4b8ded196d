/* SPDX-License-Identifier: MIT */
/*
 * Guard pages: the page below every hypervisor stack is left unmapped in the
 * host tables, so that an overflow faults (#PF, then #DF on the IST stack as
 * the #PF frame cannot be pushed) instead of overwriting what lies below.
 * Each guard is recorded with its CPU and stack, for the exception report.
 */
#ifndef VF_STACKGUARD_H
#define VF_STACKGUARD_H

#include <stdint.h>
#include "hv/core/cpu.h"
#include "hv/core/palloc.h"
#include "lib/pt.h"

#define STACKGUARD_MAX (3 * MAX_CPUS) /* a stack and two IST stacks (#DF/#MC, NMI) per CPU */

struct stackguard {
	uint64_t page;	   /* 0: a free slot */
	unsigned int cpu;  /* whose stack */
	const char *stack; /* which: "stack", "ist stack" */
};

/* Unmap @page (4 KiB aligned) in @pt and record it as the guard below
 * @cpu's @stack. The caller flushes the TLBs that may hold the page.
 * -EINVAL misaligned or zero, -EEXIST already a guard, -ENOSPC no slot
 * left, else the page tables' error (nothing changed). */
int stackguard_add(struct pt_table *pt, uint64_t page, unsigned int cpu, const char *stack);
/* Map a guard page back (writable, not executable) and forget it: its
 * stack's memory is about to be freed. -ENOENT if not a guard. */
int stackguard_drop(struct pt_table *pt, uint64_t page);
/* The guard holding @addr, or NULL. */
const struct stackguard *stackguard_find(uint64_t addr);
/* @cpu's guard below @stack, or NULL. */
const struct stackguard *stackguard_of(unsigned int cpu, const char *stack);

/* A stack of @size bytes (a multiple of 4 KiB) from @pa with a guard page
 * below it: its top in @top. Errors as palloc_alloc() and stackguard_add()
 * (nothing allocated then). */
int stackguard_alloc(struct palloc *pa, struct pt_table *pt, uint64_t size, unsigned int cpu,
		     const char *stack, uint64_t *top);
/* Give back what stackguard_alloc() gave (its guard mapped again). */
void stackguard_free(struct palloc *pa, struct pt_table *pt, uint64_t size, uint64_t top);

#endif
