/* SPDX-License-Identifier: MIT */
/*
 * Virtual ACPI tables for a guest: RSDP (rev 2), XSDT, a hardware-reduced FADT
 * (rev 6.4), a DSDT, a MADT (rev 5) listing only the guest's CPUs by their
 * real APIC IDs, and an MCFG for its virtual ECAM window. The block lives in
 * guest RAM; the guest finds the RSDP through the zero page's acpi_rsdp_addr,
 * which is base_gpa.
 *
 * The DSDT's AML declares the PCI Express host bridge (with ACPI on, Linux
 * scans only the buses a host bridge claims) and reserves the ECAM window:
 *
 *   Scope(\_SB) {
 *     Device(PCI0) {
 *       Name(_HID, EisaId("PNP0A08")) Name(_CID, EisaId("PNP0A03"))
 *       Name(_UID, 0) Name(_SEG, 0) Name(_BBN, bus_first)
 *       Name(_CRS, ResourceTemplate() {
 *         WordBusNumber(ResourceProducer, MinFixed, MaxFixed, PosDecode,
 *                       0, bus_first, bus_last, 0, bus count)
 *         DWordMemory(ResourceProducer, PosDecode, MinFixed, MaxFixed, NonCacheable,
 *                     ReadWrite, 0, mmio_gpa, mmio end, 0, mmio_size) })
 *     }
 *     Device(RES0) {
 *       Name(_HID, EisaId("PNP0C02")) Name(_UID, 0)
 *       Name(_CRS, ResourceTemplate() {
 *         Memory32Fixed(ReadWrite, ECAM of bus_first, bus count << 20)
 *         -- or, if the window is not below 4 GiB --
 *         QWordMemory(ResourceConsumer, PosDecode, MinFixed, MaxFixed,
 *                     NonCacheable, ReadWrite, 0, start, end, 0, length) })
 *     }
 *     Device(COM1) {
 *       Name(_HID, EisaId("PNP0501")) Name(_UID, 1)
 *       Name(_CRS, ResourceTemplate() { IO(Decode16, 0x3F8, 0x3F8, 1, 8) })
 *     }
 *   }
 *   Name(\_S5, Package(4) { 5, 5, 0, 0 })
 *
 * \_S5 tells the guest the sleep type of soft-off, which it writes with
 * SLP_EN to the FADT's sleep control register (a hardware-reduced FADT has
 * no PM1 control block): that is how Linux's poweroff ends a guest.
 */
#ifndef VF_VACPI_H
#define VF_VACPI_H

#include <stdbool.h>
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
#define VACPI_COM1	 0x3f8u /* declared in the DSDT, without an IRQ */

/* The FADT's sleep control and status registers (ACPI 6.4 4.8.3.7): one
 * byte each in port space, at ports nothing else of the guest's uses. */
#define VACPI_SLEEP_CTL_PORT 0x600u
#define VACPI_SLEEP_STS_PORT 0x601u
#define VACPI_SLP_EN	     (1u << 5)
#define VACPI_SLP_TYP_SHIFT  2
#define VACPI_SLP_TYP_MASK   (7u << VACPI_SLP_TYP_SHIFT)
#define VACPI_SLP_TYP_S5     5u	       /* what the DSDT's \_S5 says */
#define VACPI_WAK_STS	     (1u << 7) /* in the status register */

/* Offsets of the tables in the block. These are fixed; the DSDT's length depends
 * on the config, and the MADT and MCFG follow it (8-byte aligned). */
#define VACPI_RSDP_OFF 0u
#define VACPI_XSDT_OFF 40u
#define VACPI_FADT_OFF 104u
#define VACPI_DSDT_OFF 384u

#define VACPI_FADT_LEN 276u

struct vacpi_cfg {
	uint64_t base_gpa; /* where the guest sees @buf (the RSDP); 16-byte aligned */
	uint32_t cpu_count;
	const uint32_t *apic_ids; /* the guest's CPUs in order; the first is the BSP */
	uint64_t ecam_gpa;	  /* MCFG base: the address of bus 0, 1 MiB aligned */
	uint8_t bus_first, bus_last;
	/* The host bridge's memory window, where the guest may place its BARs:
	 * below 4 GiB, not at 0, size a non-zero multiple of 1 MiB, clear of the
	 * ECAM window (bus_first..bus_last) and of the local APIC's 1 MiB. */
	uint64_t mmio_gpa, mmio_size;
	char oem_id[7];	      /* up to 6 chars, space padded; "" = VACPI_OEM_ID */
	char oem_table_id[9]; /* up to 8 chars, space padded; "" = VACPI_OEM_TABLE_ID */
};

/* A byte written to the sleep control register asks for soft-off (S5). */
static inline bool vacpi_sleep_is_s5(uint8_t v)
{
	return (v & VACPI_SLP_EN) &&
	       (v & VACPI_SLP_TYP_MASK) >> VACPI_SLP_TYP_SHIFT == VACPI_SLP_TYP_S5;
}

/*
 * Bytes vacpi_build() needs for @cfg, or -EINVAL if @cfg is unusable: no CPUs,
 * more than VACPI_MAX_CPUS, no apic_ids, a duplicate or broadcast APIC ID,
 * bus_last < bus_first, an ECAM base that is 0 or not 1 MiB aligned (or whose
 * window wraps), a bad MMIO window (see struct vacpi_cfg), a misaligned
 * base_gpa, or a block that would wrap.
 */
int vacpi_size(const struct vacpi_cfg *cfg);

/*
 * Write the tables into @buf (@size bytes, seen by the guest at base_gpa).
 * The RSDP is at offset 0, the tables follow 8-byte aligned (XSDT, FADT, DSDT,
 * MADT, MCFG). Returns the bytes used, -EINVAL as vacpi_size() says, or
 * -ENOSPC if @size is too small; on error nothing is written.
 */
int vacpi_build(const struct vacpi_cfg *cfg, void *buf, size_t size);

/*
 * AML PkgLength (ACPI 6.x 20.2.4) for a package whose contents after the
 * PkgLength are @len bytes: the encoded value counts the PkgLength's own
 * bytes too. One byte holds values below 64; longer forms put the count of
 * following bytes in bits 7:6 of the first, the value's low nibble in its bits
 * 3:0 and the rest 8 bits a byte. Writes the shortest form into @out (if not
 * NULL; up to 4 bytes) and returns its size, or 0 if the value would not fit
 * in 28 bits.
 */
unsigned int vacpi_aml_pkglen(uint8_t *out, uint32_t len);

#endif
