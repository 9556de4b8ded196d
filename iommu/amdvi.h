/* SPDX-License-Identifier: MIT */
/*
 * AMD-Vi as one implementation of struct iommu_ops (iommu/iommu.h), chosen
 * when the ACPI tables hold an IVRS. Only iommu/ names it: common code goes
 * through iommu.h.
 */
#ifndef VF_AMDVI_H
#define VF_AMDVI_H

#include <stdint.h>
#include "iommu/iommu.h"

extern const struct iommu_ops amdvi_iommu_ops;

/* Every register access the driver makes (address = unit base + offset):
 * MMIO, unless the unit tests put a model of the unit here. */
struct amdvi_mmio {
	uint64_t (*rd64)(uint64_t addr);
	void (*wr64)(uint64_t addr, uint64_t v);
};
extern struct amdvi_mmio amdvi_mmio;

#endif
