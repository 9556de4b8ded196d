/* SPDX-License-Identifier: MIT */
/*
 * AMD-Vi as one implementation of struct iommu_ops (iommu/iommu.h), chosen
 * when the ACPI tables hold an IVRS. Only iommu/ names it: common code goes
 * through iommu.h.
 */
#ifndef VF_AMDVI_H
#define VF_AMDVI_H

#include "iommu/iommu.h"

extern const struct iommu_ops amdvi_iommu_ops;

#endif
