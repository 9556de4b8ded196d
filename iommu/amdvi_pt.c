// SPDX-License-Identifier: MIT
/*
 * AMD-Vi host I/O page tables: the PDE/PTE format (AMD IOMMU spec #48882
 * rev 3.x, 2.2.3) over the page-table engine (lib/pt.c). The engine tells
 * a table pointer from a leaf by the NextLevel field: a level-t pointer has
 * NextLevel t-1 (table[t]), every leaf NextLevel 0 (leaf[t] holds only P).
 * Merging on: a region remapped whole becomes one large leaf again, its old
 * tables deferred until the IOTLB flush.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/err.h"
#include "iommu/amdvi_pt.h"

/* A PDE grants everything: QEMU 10.0.2 requires IR|IW on every PDE for the
 * access to pass, and the spec takes the leaf's (and DTE's) as the limit. */
#define PDE(level) (AMDVI_PTE_P | AMDVI_PTE_IR | AMDVI_PTE_IW | AMDVI_PTE_NEXT((level)-1))

const struct pt_format amdvi_pt_format = {
	.name = "amd-vi",
	.max_levels = 4,
	.leaf_levels = PT_4K | PT_2M | PT_1G,
	.addr = AMDVI_PTE_ADDR,
	.present = AMDVI_PTE_P,
	.kind = AMDVI_PTE_NL,
	.table = {[2] = PDE(2), [3] = PDE(3), [4] = PDE(4)},
	/* NextLevel 0 at every level: the page size is the level's */
	.leaf = {[1] = AMDVI_PTE_P, [2] = AMDVI_PTE_P, [3] = AMDVI_PTE_P},
	.prot_bits = {AMDVI_PTE_IR, AMDVI_PTE_IW, 0, 0},
	.prot_ok = PT_R | PT_W,
	.prot_any = PT_R | PT_W,
	.mt_ok = 1u << PT_MT_WB, /* no memory type: coherent, as the IOMMU snoops */
};

int amdvi_pt_init(struct pt_table *pt, unsigned int mode, bool sp_1g, struct palloc *pa)
{
	const struct pt_alloc alloc = {palloc_pt_alloc, palloc_pt_free, pa, 0};
	int err;

	if (mode != AMDVI_MODE_3LVL && mode != AMDVI_MODE_4LVL)
		return -EINVAL;
	err = pt_init(pt, &amdvi_pt_format, mode, &alloc, NULL);
	pt->leaves = PT_4K | PT_2M | (sp_1g ? PT_1G : 0);
	pt->merge = true;
	return err ? -ENOMEM : 0;
}

int amdvi_pt_map(struct pt_table *pt, uint64_t iova, uint64_t spa, uint64_t len, unsigned int perm)
{
	return pt_map(pt, iova, spa, len, perm, PT_MT_WB);
}

int amdvi_pt_unmap(struct pt_table *pt, uint64_t iova, uint64_t len)
{
	return pt_unmap(pt, iova, len);
}

int amdvi_pt_translate(const struct pt_table *pt, uint64_t iova, uint64_t *spa, uint64_t *size,
		       unsigned int *perm)
{
	uint64_t e;
	int err = pt_translate(pt, iova, spa, &e, size);

	if (!err && perm)
		*perm = (e & AMDVI_PTE_IR ? AMDVI_PERM_R : 0) |
			(e & AMDVI_PTE_IW ? AMDVI_PERM_W : 0);
	return err;
}

uint64_t amdvi_pt_root(const struct pt_table *pt)
{
	return pt->root & AMDVI_PTE_ADDR;
}

unsigned int amdvi_pt_mode(const struct pt_table *pt)
{
	return pt->levels;
}

void amdvi_pt_reclaim(struct pt_table *pt)
{
	pt_reclaim(pt);
}

void amdvi_pt_destroy(struct pt_table *pt)
{
	pt_destroy(pt);
}
