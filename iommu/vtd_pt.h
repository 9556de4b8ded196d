/* SPDX-License-Identifier: MIT */
/*
 * VT-d second-level page tables: what a device may reach, as IOVA -> host
 * physical with read/write permission. 3 or 4 levels (from the unit's
 * SAGAW), 2 MiB and 1 GiB leaves where the unit supports them (SLLPS).
 * The format over the page-table engine (lib/pt.h), which builds the tables
 * from the page allocator; a non-coherent unit (ECAP.C = 0) gets every
 * written table entry flushed through the engine's flush hook.
 */
#ifndef VF_VTD_PT_H
#define VF_VTD_PT_H

#include <stdbool.h>
#include <stdint.h>
#include "hv/core/palloc.h"
#include "lib/pt.h"

#define VTD_PTE_R    (1ull << 0)
#define VTD_PTE_W    (1ull << 1)
#define VTD_PTE_PS   (1ull << 7)
#define VTD_PTE_ADDR 0x000FFFFFFFFFF000ull
/* Bits 11 (SNP) and 62 (TM) are never set: QEMU treats them as reserved. */

#define VTD_PERM_R PT_R
#define VTD_PERM_W PT_W

extern const struct pt_format vtd_pt_format;

/* An empty table (everything faults). -EINVAL for levels other than 3 or 4,
 * -ENOMEM. @flush may be NULL for a coherent unit; else it is called for
 * every range of table memory written. Tables no longer used are kept in
 * pt->deferred until the caller has invalidated the IOTLB and called
 * vtd_pt_reclaim(): the unit may still walk them. */
int vtd_pt_init(struct pt_table *pt, unsigned int levels, bool sp_2m, bool sp_1g, struct palloc *pa,
		void (*flush)(const void *p, uint64_t len));
/* Map [iova, iova+len) to [hpa, hpa+len) with @perm (VTD_PERM_*, not 0);
 * all three 4 KiB aligned. Largest leaves that fit alignment and support;
 * an existing mapping in the range is replaced (a 2 MiB/1 GiB region wholly
 * covered becomes one large leaf again: its old tables are deferred).
 * -EINVAL (misaligned, zero, beyond the address width, wrap), -ENOMEM,
 * -EBUSY (no room to defer: reclaim first); a failed call changed nothing. */
int vtd_pt_map(struct pt_table *pt, uint64_t iova, uint64_t hpa, uint64_t len, unsigned int perm);
/* Unmap [iova, iova+len) (4 KiB aligned); large leaves crossing the edges
 * are split so that only the range goes. Unmapped parts are fine. */
int vtd_pt_unmap(struct pt_table *pt, uint64_t iova, uint64_t len);
/* The host physical address @iova maps to (with the leaf size and
 * permissions), or -ENOENT. */
int vtd_pt_lookup(const struct pt_table *pt, uint64_t iova, uint64_t *hpa, uint64_t *size,
		  unsigned int *perm);
/* Free the deferred table pages (after an IOTLB invalidation). */
void vtd_pt_reclaim(struct pt_table *pt);
/* Free every table page (the domain is detached everywhere and flushed). */
void vtd_pt_destroy(struct pt_table *pt);

#endif
