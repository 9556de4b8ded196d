// SPDX-License-Identifier: MIT
/* UEFI memory map conversion (UEFI spec 7.2, EFI_MEMORY_DESCRIPTOR). */
#include "boot/efi_mmap.h"
#include "lib/err.h"
#include "lib/kstring.h"
#include "lib/unaligned.h"
#include "lib/printk.h"

#define EFI_PAGE 4096ull

enum mem_type efi_mem_type(uint32_t type, uint64_t attr)
{
	/* The OS must leave runtime regions alone whatever they are called. */
	if (attr & EFI_MEMORY_RUNTIME)
		return MEM_RESERVED;
	switch (type) {
	case 1: /* LoaderCode */
	case 2: /* LoaderData */
	case 3: /* BootServicesCode */
	case 4: /* BootServicesData */
	case 7: /* ConventionalMemory */
		return MEM_USABLE;
	case 8: /* UnusableMemory */
		return MEM_BAD;
	case 9: /* ACPIReclaimMemory */
		return MEM_ACPI_RECLAIM;
	case 10: /* ACPIMemoryNVS */
		return MEM_ACPI_NVS;
	default: /* reserved, runtime, MMIO, PAL code, persistent, unknown */
		return MEM_RESERVED;
	}
}

int efi_mmap_convert(struct memmap *mm, const void *descs, size_t count, size_t desc_size,
		     const char *who)
{
	const uint8_t *d = descs;

	if (desc_size < EFI_DESC_MIN) {
		pr_err("%s: EFI descriptor size %u invalid, map rejected\n", who,
		       (unsigned int)desc_size);
		return -EINVAL;
	}
	for (size_t k = 0; k < count; k++, d += desc_size) {
		uint32_t type;
		uint64_t base = rd64(d + 8), pages = rd64(d + 24);
		int err;

		memcpy(&type, d, sizeof(type));
		if (!pages)
			continue;
		if (pages > (~0ull - base) / EFI_PAGE) {
			pr_warn("%s: EFI descriptor %u at 0x%llx has 0x%llx pages, skipped\n", who,
				(unsigned int)k, (unsigned long long)base,
				(unsigned long long)pages);
			continue;
		}
		err = memmap_add(mm, base, pages * EFI_PAGE, efi_mem_type(type, rd64(d + 32)));
		if (err == -ENOSPC) {
			pr_err("%s: EFI memory map has more than %u distinct ranges\n", who,
			       MEMMAP_MAX);
			return err;
		}
	}
	return 0;
}
