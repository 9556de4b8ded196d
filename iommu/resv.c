// SPDX-License-Identifier: MIT
/*
 * Reserved regions from the DMAR's RMRRs and the IVRS's IVMDs, in one list
 * (resv.h). Pure: the tables come parsed, bridges through a callback.
 */
#include "iommu/resv.h"
#include "iommu/iommu.h"
#include "iommu/ivrs.h"
#include "lib/err.h"
#include "lib/printk.h"
#include "lib/kstring.h"

#define PAGE 0x1000ull

static int add(struct iommu_resv_list *out, const struct iommu_resv *r)
{
	if (out->n >= IOMMU_RESV_MAX)
		return -E2BIG;
	out->r[out->n++] = *r;
	return 0;
}

int resv_from_dmar(const struct dmar_info *d, dmar_bridge_fn bridge, struct iommu_resv_list *out)
{
	for (unsigned int i = 0; i < d->rmrr_count; i++) {
		const struct dmar_rmrr *rm = &d->rmrr[i];
		struct iommu_resv r = {.seg = rm->segment,
				       .base = rm->base & ~(PAGE - 1),
				       .perm = IOMMU_PERM_R | IOMMU_PERM_W};

		/* dmar_parse checked base <= limit, both page-granular */
		r.size = ((rm->limit | (PAGE - 1)) + 1) - r.base;
		sfmt(r.what, sizeof(r.what), "rmrr %u", i);
		for (unsigned int j = 0; j < rm->scope_count; j++) {
			if (!dmar_scope_rids(&rm->scope[j], rm->segment, bridge, &r.first, &r.last))
				continue;
			if (add(out, &r))
				return -E2BIG;
		}
	}
	return 0;
}

int resv_from_ivrs(const struct ivrs *iv, struct iommu_resv_list *out)
{
	for (unsigned int i = 0; i < iv->ivmd_count; i++) {
		const struct ivrs_ivmd *m = &iv->ivmd[i];
		struct iommu_resv r = {.seg = m->segment, .first = m->first, .last = m->last};
		uint64_t end = m->start + m->length; /* ivrs_parse refused a wrap */

		if (m->flags & IVRS_IVMD_EXCLUSION) {
			r.perm = IOMMU_PERM_R | IOMMU_PERM_W; /* not translated at all */
		} else if (m->flags & IVRS_IVMD_UNITY) {
			r.perm = (m->flags & IVRS_IVMD_READ ? IOMMU_PERM_R : 0) |
				 (m->flags & IVRS_IVMD_WRITE ? IOMMU_PERM_W : 0);
		}
		if (!r.perm || !m->length)
			continue;
		r.all = m->type == IVRS_IVMD_ALL;
		r.base = m->start & ~(PAGE - 1);
		r.size = ((end + PAGE - 1) & ~(PAGE - 1)) - r.base;
		sfmt(r.what, sizeof(r.what), "ivmd %u", i);
		if (add(out, &r))
			return -E2BIG;
	}
	return 0;
}

const struct iommu_resv *resv_find(const struct iommu_resv_list *l, uint16_t seg, uint16_t rid)
{
	for (unsigned int i = 0; i < l->n; i++) {
		const struct iommu_resv *r = &l->r[i];

		if (r->seg == seg && !r->all && rid >= r->first && rid <= r->last)
			return r;
	}
	return NULL;
}
