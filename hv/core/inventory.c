// SPDX-License-Identifier: MIT
/* The boot inventory: what was found, printed once all CPUs are up. */
#include "drivers/acpi/acpi.h"
#include "boot/boot_info.h"
#include "hv/core/cpufeat.h"
#include "hv/core/inventory.h"
#include "hv/core/palloc.h"
#include "lib/printk.h"

extern char __image_start[], __image_end[];

static void inventory_memory(const struct boot_info *bi, const struct palloc *pa)
{
	const struct memmap *mm = &bi->mmap;
	uint64_t img = (uint64_t)(uintptr_t)__image_start;
	uint64_t img_end = (uint64_t)(uintptr_t)__image_end;

	pr_info("memory: %llu MiB usable, %llu KiB acpi, image %llu KiB at 0x%llx, "
		"%llu MiB free\n",
		(unsigned long long)(memmap_total(mm, MEM_USABLE) >> 20),
		(unsigned long long)(memmap_total(mm, MEM_ACPI_RECLAIM) >> 10),
		(unsigned long long)((img_end - img) >> 10), (unsigned long long)img,
		(unsigned long long)(palloc_free_bytes(pa) >> 20));
	pr_info("memory: %u range(s) from the %s map\n", mm->n, bi->mmap_from_efi ? "EFI" : "e820");
	for (unsigned int i = 0; i < bi->mod_count; i++)
		pr_info("module %u: 0x%llx-0x%llx '%s'\n", i, (unsigned long long)bi->mods[i].start,
			(unsigned long long)bi->mods[i].end, bi->mods[i].cmdline);
}

static void inventory_acpi(const struct acpi_info *acpi)
{
	char sigs[ACPI_MAX_TABLES * 5 + 1];
	size_t n = 0;

	sigs[0] = '\0';
	for (unsigned int i = 0; i < acpi->table_count; i++)
		n += (size_t)sfmt(sigs + n, sizeof(sigs) - n, "%s%s", i ? " " : "",
				  acpi->tables[i].sig);
	pr_info("acpi: rev %u, %s at 0x%llx: %s\n", acpi->rsdp_revision,
		acpi->xsdt ? "XSDT" : "RSDT", (unsigned long long)acpi->root_phys, sigs);
	pr_info("acpi: madt: %u cpu(s)%s, %u ioapic(s), lapic at 0x%llx\n", acpi->cpu_count,
		acpi->cpus_skipped ? " (some skipped)" : "", acpi->ioapic_count,
		(unsigned long long)acpi->lapic_base);
	for (unsigned int i = 0; i < acpi->ecam_count; i++)
		pr_info("acpi: ecam: segment %u buses %u-%u at 0x%llx\n", acpi->ecam[i].segment,
			acpi->ecam[i].bus_start, acpi->ecam[i].bus_end,
			(unsigned long long)acpi->ecam[i].base);
}

static void inventory_dmar(const struct acpi_info *acpi)
{
	if (!acpi->have_dmar) {
		pr_info("dmar: no DMAR table: no IOMMU\n");
		return;
	}
	pr_info("dmar: %u unit(s), %u rmrr(s), host address width %u, interrupt remapping %s,"
		" x2apic opt-out %s\n",
		acpi->drhd_count, acpi->rmrr_count, acpi->dmar_haw,
		acpi->dmar_flags & 1 ? "supported" : "not supported",
		acpi->dmar_flags & 2 ? "yes" : "no");
	for (unsigned int i = 0; i < acpi->drhd_count; i++)
		pr_info("dmar: unit %u at 0x%llx segment %u%s, %u device scope(s)\n", i,
			(unsigned long long)acpi->drhd[i].base, acpi->drhd[i].segment,
			acpi->drhd[i].flags & 1 ? " include-pci-all" : "",
			acpi->drhd[i].scope_count);
}

void inventory_report(const struct boot_info *bi, const struct palloc *pa,
		      const struct acpi_info *acpi, const struct cpu_features *f)
{
	inventory_memory(bi, pa);
	inventory_acpi(acpi);
	inventory_dmar(acpi);
	cpufeat_report(f);
}
