/* SPDX-License-Identifier: MIT */
/*
 * Reserved regions: memory that firmware keeps DMAing to behind the OS's
 * back (USB legacy emulation, some storage), named by VT-d RMRRs and by
 * AMD-Vi IVMDs with a unity or exclusion range, gathered from either table
 * into one list. iommu.c gives each device named there an identity map of
 * its regions (one "firmware" domain) instead of blocking it, and refuses
 * to hand such a device to any other domain (a guest's).
 */
#ifndef VF_IOMMU_RESV_H
#define VF_IOMMU_RESV_H

#include <stdbool.h>
#include <stdint.h>
#include "iommu/dmar.h"

struct ivrs;

#define IOMMU_RESV_MAX 32

struct iommu_resv {
	uint16_t seg;
	uint16_t first, last; /* requester IDs (bus << 8 | devfn), inclusive */
	bool all;	      /* every device of @seg (IVMD type 20h) */
	uint64_t base, size;  /* page-aligned */
	unsigned int perm;    /* IOMMU_PERM_* */
	char what[12];	      /* its table entry, "rmrr 0", "ivmd 2" */
};

struct iommu_resv_list {
	struct iommu_resv r[IOMMU_RESV_MAX];
	unsigned int n;
};

/*
 * Append the RMRRs of @d: one entry per scope that leads to PCI functions
 * (an endpoint: itself; a bridge: the buses below it, followed with
 * @bridge as enumerated); IOAPIC, HPET and ACPI scopes and scopes that lead
 * nowhere name no requester and are left out. -E2BIG when the list is full
 * (what fitted is kept).
 */
int resv_from_dmar(const struct dmar_info *d, dmar_bridge_fn bridge, struct iommu_resv_list *out);

/*
 * Append the IVMDs of @iv that ask for a unity map or an exclusion range
 * (both mean: this device's DMA to the range must reach memory as is);
 * start and length are widened to whole pages. -E2BIG as above.
 */
int resv_from_ivrs(const struct ivrs *iv, struct iommu_resv_list *out);

/* The first entry of @l that names @seg:@rid itself, or NULL ("every
 * device" entries are never given to anyone, so they do not count). */
const struct iommu_resv *resv_find(const struct iommu_resv_list *l, uint16_t seg, uint16_t rid);

#endif
