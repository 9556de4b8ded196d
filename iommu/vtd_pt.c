// SPDX-License-Identifier: MIT
/*
 * VT-d second-level page tables: the entry format (VT-d spec 9.8) over the
 * page-table engine (lib/pt.c). Merging on: a region remapped whole becomes
 * one large leaf again, its old tables deferred until the IOTLB flush.
 */
#include <stdbool.h>
#include <stdint.h>
#include "lib/err.h"
#include "iommu/vtd_pt.h"

const struct pt_format vtd_pt_format = {
	.name = "vt-d",
	.max_levels = 4,
	.leaf_levels = PT_4K | PT_2M | PT_1G,
	.addr = VTD_PTE_ADDR,
	.present = VTD_PTE_R | VTD_PTE_W,
	.kind = VTD_PTE_PS,
	.table = {[2] = VTD_PTE_R | VTD_PTE_W,
		  [3] = VTD_PTE_R | VTD_PTE_W,
		  [4] = VTD_PTE_R | VTD_PTE_W},
	.leaf = {[2] = VTD_PTE_PS, [3] = VTD_PTE_PS},
	.prot_bits = {VTD_PTE_R, VTD_PTE_W, 0, 0},
	.prot_ok = PT_R | PT_W,
	.prot_any = PT_R | PT_W,
	.mt_ok = 1u << PT_MT_WB, /* no memory type: snooped as the unit does */
};

int vtd_pt_init(struct pt_table *pt, unsigned int levels, bool sp_2m, bool sp_1g, struct palloc *pa,
		void (*flush_fn)(const void *p, uint64_t len))
{
	const struct pt_alloc alloc = {palloc_pt_alloc, palloc_pt_free, pa, 0};
	int err;

	if (levels != 3 && levels != 4)
		return -EINVAL;
	err = pt_init(pt, &vtd_pt_format, levels, &alloc, flush_fn);
	pt->leaves = PT_4K | (sp_2m ? PT_2M : 0) | (sp_1g ? PT_1G : 0);
	pt->merge = true;
	return err ? -ENOMEM : 0;
}

int vtd_pt_map(struct pt_table *pt, uint64_t iova, uint64_t hpa, uint64_t len, unsigned int perm)
{
	return pt_map(pt, iova, hpa, len, perm, PT_MT_WB);
}

int vtd_pt_unmap(struct pt_table *pt, uint64_t iova, uint64_t len)
{
	return pt_unmap(pt, iova, len);
}

int vtd_pt_lookup(const struct pt_table *pt, uint64_t iova, uint64_t *hpa, uint64_t *size,
		  unsigned int *perm)
{
	uint64_t e;
	int err = pt_translate(pt, iova, hpa, &e, size);

	if (!err && perm)
		*perm = (e & VTD_PTE_R ? VTD_PERM_R : 0) | (e & VTD_PTE_W ? VTD_PERM_W : 0);
	return err;
}

void vtd_pt_reclaim(struct pt_table *pt)
{
	pt_reclaim(pt);
}

void vtd_pt_destroy(struct pt_table *pt)
{
	pt_destroy(pt);
}
