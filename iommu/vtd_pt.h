/* SPDX-License-Identifier: MIT */
/*
 * VT-d second-level page tables: what a device may reach, as IOVA -> host
 * physical with read/write permission. 3 or 4 levels (from the unit's
 * SAGAW), 2 MiB and 1 GiB leaves where the unit supports them (SLLPS).
 * Table pages come from the page allocator and are reached by physical
 * address (the hypervisor is identity-mapped; tests back the allocator with
 * host memory below 4 GiB).
 */
#ifndef VF_VTD_PT_H
#define VF_VTD_PT_H

#include <stdbool.h>
#include <stdint.h>
#include "hv/core/palloc.h"

#define VTD_PTE_R    (1ull << 0)
#define VTD_PTE_W    (1ull << 1)
#define VTD_PTE_PS   (1ull << 7)
#define VTD_PTE_ADDR 0x000FFFFFFFFFF000ull
/* Bits 11 (SNP) and 62 (TM) are never set: QEMU treats them as reserved. */

#define VTD_PERM_R 1u
#define VTD_PERM_W 2u

struct vtd_pt {
	uint64_t root;	     /* physical address of the top table */
	unsigned int levels; /* 3 (39-bit) or 4 (48-bit) */
	bool sp_2m, sp_1g;   /* large leaves allowed */
	struct palloc *pa;
	/* Non-coherent unit (ECAP.C = 0): called for every range of table
	 * memory written, so the caller can flush it from the CPU caches. */
	void (*flush)(const void *p, uint64_t len);
	/* Table pages no longer used, kept until the caller has invalidated the
	 * IOTLB and called vtd_pt_reclaim(): the unit may still walk them.
	 * Each is a detached table's address with its level (1-3) in bits
	 * 2:0; the tables below it stay linked to it and go with it. */
	uint64_t deferred[64];
	unsigned int deferred_count;
};

/* An empty table (everything faults). -EINVAL for levels other than 3 or 4,
 * -ENOMEM. @flush may be NULL for a coherent unit. */
int vtd_pt_init(struct vtd_pt *pt, unsigned int levels, bool sp_2m, bool sp_1g, struct palloc *pa,
		void (*flush)(const void *p, uint64_t len));
/* Map [iova, iova+len) to [hpa, hpa+len) with @perm (VTD_PERM_*, not 0);
 * all three 4 KiB aligned. Largest leaves that fit alignment and support;
 * an existing mapping in the range is replaced (a 2 MiB/1 GiB region wholly
 * covered becomes one large leaf again: its old tables are deferred).
 * -EINVAL (misaligned, zero, beyond the address width, wrap), -ENOMEM. */
int vtd_pt_map(struct vtd_pt *pt, uint64_t iova, uint64_t hpa, uint64_t len, unsigned int perm);
/* Unmap [iova, iova+len) (4 KiB aligned); large leaves crossing the edges
 * are split so that only the range goes. Unmapped parts are fine. */
int vtd_pt_unmap(struct vtd_pt *pt, uint64_t iova, uint64_t len);
/* The host physical address @iova maps to (with the leaf size and
 * permissions), or -ENOENT. */
int vtd_pt_lookup(const struct vtd_pt *pt, uint64_t iova, uint64_t *hpa, uint64_t *size,
		  unsigned int *perm);
/* Free the deferred table pages (after an IOTLB invalidation). */
void vtd_pt_reclaim(struct vtd_pt *pt);
/* Free every table page (the domain is detached everywhere and flushed). */
void vtd_pt_destroy(struct vtd_pt *pt);

#endif
