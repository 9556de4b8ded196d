/* SPDX-License-Identifier: MIT */
/*
 * ACPI: find the tables the hypervisor needs and read what it needs from them.
 * Everything firmware wrote is treated as untrusted input: lengths, checksums
 * and pointers are checked before use, and a bad table is skipped with a
 * message naming it rather than followed.
 */
#ifndef VF_ACPI_H
#define VF_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACPI_MAX_TABLES 64
#define ACPI_MAX_CPUS	64
#define ACPI_MAX_ECAM	8
#define ACPI_MAX_DRHD	8

/*
 * Physical memory access, provided by the environment: a pointer through
 * which @len bytes at @phys can be read, or NULL if that range may not be
 * read (not mapped, MMIO, outside RAM). The hypervisor maps its identity map;
 * unit tests back it with a fake memory image.
 */
const void *acpi_map(uint64_t phys, uint64_t len);

struct acpi_table_ref {
	char sig[5];
	char oem_id[7];
	uint8_t revision;
	uint64_t phys;
	uint32_t len;
};

struct acpi_cpu {
	uint32_t apic_id;
	uint32_t uid;
	bool x2apic; /* described by an x2APIC entry (type 9) */
};

struct acpi_ecam {
	uint64_t base; /* address of bus 0 of this segment, as MCFG gives it */
	uint16_t segment;
	uint8_t bus_start, bus_end;
};

struct acpi_drhd {
	uint64_t base; /* register base */
	uint16_t segment;
	uint8_t flags; /* bit 0: INCLUDE_PCI_ALL */
	uint16_t scope_count;
};

struct acpi_info {
	uint8_t rsdp_revision;
	uint64_t rsdp_phys; /* 0 when given as a copy by the loader */
	bool xsdt;	    /* tables listed by the XSDT (else the RSDT) */
	uint64_t root_phys;
	struct acpi_table_ref tables[ACPI_MAX_TABLES];
	unsigned int table_count;

	/* MADT */
	bool have_madt;
	uint64_t lapic_base;
	bool pcat_compat;
	struct acpi_cpu cpus[ACPI_MAX_CPUS]; /* enabled (or online-capable) CPUs only */
	unsigned int cpu_count;
	unsigned int cpus_skipped; /* disabled, duplicate, broadcast ID, past the cap */
	unsigned int ioapic_count;

	/* MCFG */
	struct acpi_ecam ecam[ACPI_MAX_ECAM];
	unsigned int ecam_count;

	/* DMAR (the full parse of scopes and RMRRs belongs to iommu/) */
	bool have_dmar;
	uint64_t dmar_phys;
	uint32_t dmar_len;
	uint8_t dmar_haw;   /* host address width, bits (field + 1) */
	uint8_t dmar_flags; /* bit 0 INTR_REMAP, bit 1 X2APIC_OPT_OUT */
	struct acpi_drhd drhd[ACPI_MAX_DRHD];
	unsigned int drhd_count;
	unsigned int rmrr_count;

	/* IVRS (AMD-Vi; iommu/ivrs.c parses it in full) */
	bool have_ivrs;
	uint64_t ivrs_phys;
	uint32_t ivrs_len;
};

/*
 * Validate the RSDP at @rsdp (@len bytes readable there: 20 for a v1 copy,
 * 36 for v2), then walk the XSDT (or the RSDT when there is none, the
 * revision is 0, or the XSDT is unusable) and parse MADT, MCFG and DMAR, and
 * note where the IVRS is. Tables that fail their checks
 * are reported and left out; the call only fails (-EINVAL, -EBADMSG, -EFAULT)
 * when the RSDP or root table itself is unusable. @rsdp_phys is recorded for
 * the inventory (0 if the RSDP was a copy).
 */
int acpi_parse(struct acpi_info *ai, const void *rsdp, size_t len, uint64_t rsdp_phys);

/* Search the BIOS areas (EBDA's first KiB, 0xE0000-0xFFFFF) on 16-byte
 * boundaries for a valid RSDP; its physical address, or 0. */
uint64_t acpi_find_rsdp_bios(void);

/* The table with signature @sig (first instance), or NULL. */
const struct acpi_table_ref *acpi_table(const struct acpi_info *ai, const char *sig);

/* Sum of @len bytes modulo 256 (0 for a valid ACPI checksum). */
uint8_t acpi_checksum(const void *p, size_t len);

#endif
