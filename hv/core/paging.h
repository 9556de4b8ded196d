/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's own page tables: an identity map of all RAM (write-back)
 * and of the low 4 GiB (anything not RAM there is MMIO: uncached), with more
 * MMIO mapped uncached on demand. 2 MiB pages, split into 4 KiB pages only
 * where a 2 MiB block holds both RAM and something else.
 */
#ifndef VF_PAGING_H
#define VF_PAGING_H

#include <stdint.h>
#include "hv/core/memmap.h"
#include "hv/core/palloc.h"

#define PTE_P	 (1ull << 0)
#define PTE_W	 (1ull << 1)
#define PTE_U	 (1ull << 2)
#define PTE_PWT	 (1ull << 3)
#define PTE_PCD	 (1ull << 4)
#define PTE_PS	 (1ull << 7)
#define PTE_NX	 (1ull << 63)
#define PTE_ADDR 0x000FFFFFFFFFF000ull
#define PTE_UC	 (PTE_PCD | PTE_PWT) /* PAT entry 3: UC with the reset PAT */

struct pagetable {
	uint64_t root; /* physical address of the PML4 */
	struct palloc *pa;
	uint64_t table_flags; /* on entries that point at tables: 0 means P|W
			       * (nested tables want U as well) */
};

/* An empty table (nothing mapped) for mappings that are not the identity:
 * a guest's nested page table. @table_flags as above. */
int paging_init_empty(struct pagetable *pt, struct palloc *pa, uint64_t table_flags);
/* Map [virt, virt+len) to [phys, ...) with leaf @flags (PTE_P is added),
 * 2 MiB pages where both are aligned and the rest allows, 4 KiB otherwise;
 * all three 4 KiB aligned. */
int paging_map_to(struct pagetable *pt, uint64_t virt, uint64_t phys, uint64_t len, uint64_t flags);

/* Unmap [virt, virt+len) (4 KiB aligned): what was not mapped stays so; a
 * 2 MiB page cut in part is split first (which may need a table page:
 * -ENOMEM, after the pages before it were unmapped). The caller flushes
 * the TLBs that may hold the old entries. */
int paging_unmap(struct pagetable *pt, uint64_t virt, uint64_t len);

/* Build the identity map for @mm into a new table (pages from @pa, below
 * 4 GiB so that the AP trampoline can load it in 32-bit mode). */
int paging_build(struct pagetable *pt, const struct memmap *mm, struct palloc *pa);
/* Map [phys, phys+len) identity with @flags (PTE_UC for MMIO), 4 KiB
 * granular, splitting a 2 MiB page where needed. */
int paging_map(struct pagetable *pt, uint64_t phys, uint64_t len, uint64_t flags);
/* The leaf entry that maps @addr, or 0; its size in @size. */
uint64_t paging_lookup(const struct pagetable *pt, uint64_t addr, uint64_t *size);

/* The hypervisor's live table. */
extern struct pagetable hv_pt;
void paging_activate(const struct pagetable *pt);
/* Map MMIO uncached in the live table (and flush the TLB). */
int paging_map_mmio(uint64_t phys, uint64_t len);

#endif
