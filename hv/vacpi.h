/* SPDX-License-Identifier: MIT */
/*
 * Virtual ACPI tables for a guest: RSDP (rev 2), XSDT, a hardware-reduced FADT
 * (rev 6.4), a DSDT with no AML, a MADT (rev 5) listing only the guest's CPUs
 * by their real APIC IDs, and an MCFG for its virtual ECAM window. The block
 * lives in guest RAM; the guest finds the RSDP through the zero page's
 * acpi_rsdp_addr, which is base_gpa.
 */
#ifndef VF_VACPI_H
#define VF_VACPI_H

#include <stddef.h>
#include <stdint.h>

#define VACPI_MAX_CPUS 255

/* Used when the config leaves oem_id / oem_table_id empty. */
#define VACPI_OEM_ID	   "VFVISR"
#define VACPI_OEM_TABLE_ID "VFVISOR "
#define VACPI_OEM_REV	   1u
/* Header "creator" (ASL compiler) fields and the FADT's hypervisor vendor. */
#define VACPI_CREATOR_ID  "VFVR"
#define VACPI_CREATOR_REV 1u
#define VACPI_HV_VENDOR	  "VFVISOR "

#define VACPI_LAPIC_BASE 0xfee00000u

/* Offsets of the tables in the block (fixed; MADT/MCFG depend on cpu_count). */
#define VACPI_RSDP_OFF 0u
#define VACPI_XSDT_OFF 40u
#define VACPI_FADT_OFF 104u
#define VACPI_DSDT_OFF 384u
#define VACPI_MADT_OFF 424u

#define VACPI_FADT_LEN 276u
#define VACPI_DSDT_LEN 36u

struct vacpi_cfg {
	uint64_t base_gpa; /* where the guest sees @buf (the RSDP); 16-byte aligned */
	uint32_t cpu_count;
	const uint32_t *apic_ids; /* the guest's CPUs in order; the first is the BSP */
	uint64_t ecam_gpa;	  /* MCFG base: the address of bus 0, 1 MiB aligned */
	uint8_t bus_first, bus_last;
	char oem_id[7];	      /* up to 6 chars, space padded; "" = VACPI_OEM_ID */
	char oem_table_id[9]; /* up to 8 chars, space padded; "" = VACPI_OEM_TABLE_ID */
};

/*
 * Bytes vacpi_build() needs for @cfg, or -EINVAL if @cfg is unusable: no CPUs,
 * more than VACPI_MAX_CPUS, no apic_ids, a duplicate or broadcast APIC ID,
 * bus_last < bus_first, an ECAM base that is 0 or not 1 MiB aligned (or whose
 * window wraps), a misaligned base_gpa, or a block that would wrap.
 */
int vacpi_size(const struct vacpi_cfg *cfg);

/*
 * Write the tables into @buf (@size bytes, seen by the guest at base_gpa).
 * The RSDP is at offset 0, the tables follow 8-byte aligned (XSDT, FADT, DSDT,
 * MADT, MCFG). Returns the bytes used, -EINVAL as vacpi_size() says, or
 * -ENOSPC if @size is too small; on error nothing is written.
 */
int vacpi_build(const struct vacpi_cfg *cfg, void *buf, size_t size);

#endif
