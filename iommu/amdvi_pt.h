/* SPDX-License-Identifier: MIT */
/*
 * AMD-Vi host I/O page tables (AMD IOMMU spec #48882 rev 3.x, 2.2.3): what a
 * device may reach, as IOVA -> system physical with read/write permission.
 * Mode 3 (3 levels, 39-bit IOVA) or Mode 4 (4 levels, 48-bit); 4 KiB and
 * 2 MiB leaves, 1 GiB leaves on request. The format over the page-table
 * engine (lib/pt.h), which builds the tables from the page allocator.
 *
 * Only encodings QEMU 10.0.2's amd-iommu was seen to honour are written
 * (iommu/notes/qemu-10.0.2-amd-iommu.md): a table pointer at level t is
 * P|IR|IW|NextLevel=t-1 (no level skipping; QEMU ANDs the permission of
 * every PDE on the way), a leaf is P, IR/IW as asked and NextLevel=0 at its
 * own level; never NextLevel=7 (the size-in-address encoding). A removed
 * entry is all zero: QEMU does not check a leaf's P bit.
 *
 * The IOMMU snoops the CPU caches (coherent), so there is no flush hook;
 * the engine still links every new table with one store after a barrier.
 */
#ifndef VF_AMDVI_PT_H
#define VF_AMDVI_PT_H

#include <stdbool.h>
#include <stdint.h>
#include "hv/core/palloc.h"
#include "lib/pt.h"

/* PDE/PTE bits (spec 2.2.3, Tables 14-15) */
#define AMDVI_PTE_P	      (1ull << 0)
#define AMDVI_PTE_NL_SHIFT    9
#define AMDVI_PTE_NL	      (7ull << AMDVI_PTE_NL_SHIFT) /* NextLevel, 11:9 */
#define AMDVI_PTE_NEXT(level) ((uint64_t)(level) << AMDVI_PTE_NL_SHIFT)
#define AMDVI_PTE_ADDR	      0x000FFFFFFFFFF000ull /* 51:12 */
#define AMDVI_PTE_IR	      (1ull << 61)
#define AMDVI_PTE_IW	      (1ull << 62)

#define AMDVI_PERM_R PT_R
#define AMDVI_PERM_W PT_W

/* DTE Mode (spec 2.2.2.1): the number of levels the walk starts from. */
#define AMDVI_MODE_3LVL 3 /* 39-bit IOVA */
#define AMDVI_MODE_4LVL 4 /* 48-bit IOVA */

extern const struct pt_format amdvi_pt_format;

/* An empty table (everything faults) for DTE Mode @mode (3 or 4): 4 KiB
 * and 2 MiB leaves, 1 GiB ones too when @sp_1g (spec-valid, not tried on
 * QEMU 10.0.2). -EINVAL for another mode, -ENOMEM. Tables no longer used
 * are kept in pt->deferred until the caller has invalidated the IOTLB and
 * called amdvi_pt_reclaim(): the IOMMU may still walk them. */
int amdvi_pt_init(struct pt_table *pt, unsigned int mode, bool sp_1g, struct palloc *pa);
/* Map [iova, iova+len) to [spa, spa+len) with @perm (AMDVI_PERM_*, not 0);
 * all three 4 KiB aligned. Largest leaves that fit alignment and the
 * table's sizes; an existing mapping in the range is replaced (a region
 * wholly covered becomes one large leaf again, its tables deferred).
 * -EINVAL (misaligned, zero, beyond the Mode's IOVA width or 52-bit SPA,
 * wrap, bad @perm), -ENOMEM, -EBUSY (no room to defer: reclaim first). A
 * failed call changed nothing. */
int amdvi_pt_map(struct pt_table *pt, uint64_t iova, uint64_t spa, uint64_t len, unsigned int perm);
/* Unmap [iova, iova+len) (4 KiB aligned); large leaves crossing the edges
 * are split so that only the range goes. Unmapped parts are fine. */
int amdvi_pt_unmap(struct pt_table *pt, uint64_t iova, uint64_t len);
/* The system physical address @iova maps to, with the leaf size and
 * permission (any may be NULL), or -ENOENT. */
int amdvi_pt_translate(const struct pt_table *pt, uint64_t iova, uint64_t *spa, uint64_t *size,
		       unsigned int *perm);
/* What the DTE needs: the Page Table Root Pointer and the Mode. */
uint64_t amdvi_pt_root(const struct pt_table *pt);
unsigned int amdvi_pt_mode(const struct pt_table *pt);
/* Free the deferred table pages (after an IOTLB invalidation). */
void amdvi_pt_reclaim(struct pt_table *pt);
/* Free every table page (no DTE points at it any more, IOTLB flushed). */
void amdvi_pt_destroy(struct pt_table *pt);

#endif
