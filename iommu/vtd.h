/* SPDX-License-Identifier: MIT */
/*
 * VT-d as one implementation of struct iommu_ops (iommu/iommu.h), chosen
 * when the ACPI tables hold a DMAR. Only iommu/ names it: common code goes
 * through iommu.h. The driver's own shared state is in vtd_internal.h.
 */
#ifndef VF_VTD_H
#define VF_VTD_H

#include "iommu/iommu.h"

extern const struct iommu_ops vtd_iommu_ops;

#endif
