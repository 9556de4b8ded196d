/* SPDX-License-Identifier: MIT */
/* The boot inventory printed once every CPU is up. */
#ifndef VF_INVENTORY_H
#define VF_INVENTORY_H

struct boot_info;
struct palloc;
struct acpi_info;
struct cpu_features;

/* Print what the hypervisor found: memory, ACPI tables, IOMMU units, CPU. */
void inventory_report(const struct boot_info *bi, const struct palloc *pa,
		      const struct acpi_info *acpi, const struct cpu_features *f);

#endif
