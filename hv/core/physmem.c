// SPDX-License-Identifier: MIT
/* Physical memory through the identity map: firmware-provided tables, and
 * zeroed pages for the hypervisor's own structures. */
#include "drivers/acpi/acpi.h"
#include "boot/boot_info.h"
#include "lib/kstring.h"
#include "hv/core/physmem.h"

#define SZ_4G (4ull << 30)

static const struct memmap *phys_map;

void physmem_set_map(const struct memmap *mm)
{
	phys_map = mm;
}

const void *acpi_map(uint64_t phys, uint64_t len)
{
	uint64_t end = phys + len;

	if (!len || end < phys || !phys)
		return NULL;
	/* The low 4 GiB is always mapped; above it only RAM is. */
	if (end <= SZ_4G)
		return (const void *)(uintptr_t)phys;
	if (phys_map && memmap_type_at(phys_map, phys) <= MEM_ACPI_NVS &&
	    memmap_type_at(phys_map, end - 1) <= MEM_ACPI_NVS)
		return (const void *)(uintptr_t)phys;
	return NULL;
}

int physmem_zpages(struct palloc *pa, unsigned int n, uint64_t *out)
{
	int err = palloc_alloc(pa, n * PAGE_SIZE, PAGE_SIZE, 0, out);

	if (!err)
		memset((void *)(uintptr_t)*out, 0, n * PAGE_SIZE);
	return err;
}
