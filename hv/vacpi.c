// SPDX-License-Identifier: MIT
/*
 * Virtual ACPI tables (see vacpi.h). Everything is computed from the config;
 * the size is known before a byte is written, so a short buffer is refused
 * whole. Fields go in with memcpy: the tables are packed and unaligned.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "err.h"
#include "kstring.h"
#include "vacpi.h"

#define HDR_LEN	     36u
#define RSDP_LEN     36u
#define XSDT_LEN     (HDR_LEN + 3u * 8u) /* FADT, MADT, MCFG */
#define MADT_HDR_LEN 44u
#define MCFG_LEN     (44u + 16u)

#define MADT_LAPIC_LEN	 8u  /* type 0 */
#define MADT_X2APIC_LEN	 16u /* type 9 */
#define MADT_CPU_ENABLED 1u

/* Table revisions: ACPI 6.4 (FADT 6.4, MADT 5 there). */
#define FADT_REV       6u
#define FADT_MINOR_REV 4u
#define MADT_REV       5u
#define MCFG_REV       1u
#define XSDT_REV       1u
#define DSDT_REV       2u /* 2 or more: AML integers are 64-bit */
#define RSDP_REV       2u

/* FADT flags. */
#define FADT_WBINVD	     (1u << 0)
#define FADT_PWR_BUTTON	     (1u << 4) /* no fixed-feature power button */
#define FADT_SLP_BUTTON	     (1u << 5) /* no fixed-feature sleep button */
#define FADT_APIC_PHYSICAL   (1u << 19)
#define FADT_HW_REDUCED_ACPI (1u << 20)

/* FADT IA-PC boot architecture flags. */
#define BOOT_VGA_NOT_PRESENT (1u << 2)
#define BOOT_PCIE_ASPM_CTRL  (1u << 4) /* OSPM must not enable ASPM */
#define BOOT_CMOS_RTC_ABSENT (1u << 5)

#define ECAM_BUS_SHIFT 20 /* 1 MiB of config space per bus */

static uint32_t align8(uint32_t v)
{
	return (v + 7u) & ~7u;
}

static void wr8(uint8_t *p, uint32_t off, uint8_t v)
{
	p[off] = v;
}

static void wr16(uint8_t *p, uint32_t off, uint16_t v)
{
	memcpy(p + off, &v, sizeof(v));
}

static void wr32(uint8_t *p, uint32_t off, uint32_t v)
{
	memcpy(p + off, &v, sizeof(v));
}

static void wr64(uint8_t *p, uint32_t off, uint64_t v)
{
	memcpy(p + off, &v, sizeof(v));
}

/* The byte that makes @len bytes at @p sum to 0 (the checksum byte itself must be 0). */
static uint8_t csum(const uint8_t *p, uint32_t len)
{
	uint8_t sum = 0;

	for (uint32_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + p[i]);
	return (uint8_t)-sum;
}

/* @src (at most @n chars, NUL-terminated or not) space padded to @n, or @def if empty. */
static void put_name(uint8_t *dst, const char *src, const char *def, size_t n)
{
	size_t i = 0;

	if (!src[0])
		src = def;
	for (; i < n && src[i]; i++)
		dst[i] = (uint8_t)src[i];
	for (; i < n; i++)
		dst[i] = ' ';
}

static uint32_t madt_entry_len(uint32_t apic_id)
{
	/* Linux skips x2APIC entries below 255 when type 0 entries exist, and
	 * 255 is the xAPIC broadcast ID, so only IDs from 255 up get type 9. */
	return apic_id < 0xffu ? MADT_LAPIC_LEN : MADT_X2APIC_LEN;
}

static uint32_t madt_len(const struct vacpi_cfg *cfg)
{
	uint32_t len = MADT_HDR_LEN;

	for (uint32_t i = 0; i < cfg->cpu_count; i++)
		len += madt_entry_len(cfg->apic_ids[i]);
	return len;
}

static uint32_t mcfg_off(const struct vacpi_cfg *cfg)
{
	return align8(VACPI_MADT_OFF + madt_len(cfg));
}

static int check_cfg(const struct vacpi_cfg *cfg)
{
	uint64_t ecam_end;

	if (!cfg || !cfg->cpu_count || cfg->cpu_count > VACPI_MAX_CPUS || !cfg->apic_ids)
		return -EINVAL;
	for (uint32_t i = 0; i < cfg->cpu_count; i++) {
		/* The broadcast ID addresses every CPU; a duplicate is two CPUs in one. */
		if (cfg->apic_ids[i] == 0xffffffffu)
			return -EINVAL;
		for (uint32_t k = 0; k < i; k++)
			if (cfg->apic_ids[k] == cfg->apic_ids[i])
				return -EINVAL;
	}
	if (cfg->bus_last < cfg->bus_first)
		return -EINVAL;
	/* Linux ignores an MCFG base of 0; the base must sit on a bus boundary. */
	if (!cfg->ecam_gpa || cfg->ecam_gpa & ((1u << ECAM_BUS_SHIFT) - 1))
		return -EINVAL;
	ecam_end = ((uint64_t)cfg->bus_last + 1) << ECAM_BUS_SHIFT;
	if (cfg->ecam_gpa > UINT64_MAX - ecam_end + 1)
		return -EINVAL;
	/* The RSDP must be on a 16-byte boundary; 8-byte table alignment follows. */
	if (cfg->base_gpa & 15)
		return -EINVAL;
	return 0;
}

int vacpi_size(const struct vacpi_cfg *cfg)
{
	int err = check_cfg(cfg);
	uint32_t len;

	if (err)
		return err;
	len = mcfg_off(cfg) + MCFG_LEN;
	/* The last byte's address must not wrap. */
	if (cfg->base_gpa > UINT64_MAX - (len - 1))
		return -EINVAL;
	return (int)len;
}

/* Standard header at @off; the checksum is filled in by finish(). */
static void header(uint8_t *b, uint32_t off, const char *sig, uint32_t len, uint8_t rev,
		   const struct vacpi_cfg *cfg)
{
	uint8_t *h = b + off;

	memcpy(h, sig, 4);
	wr32(h, 4, len);
	wr8(h, 8, rev);
	wr8(h, 9, 0);
	put_name(h + 10, cfg->oem_id, VACPI_OEM_ID, 6);
	put_name(h + 16, cfg->oem_table_id, VACPI_OEM_TABLE_ID, 8);
	wr32(h, 24, VACPI_OEM_REV);
	memcpy(h + 28, VACPI_CREATOR_ID, 4);
	wr32(h, 32, VACPI_CREATOR_REV);
}

static void finish(uint8_t *b, uint32_t off, uint32_t len)
{
	b[off + 9] = csum(b + off, len);
}

static void build_rsdp(uint8_t *b, const struct vacpi_cfg *cfg)
{
	memcpy(b, "RSD PTR ", 8);
	put_name(b + 9, cfg->oem_id, VACPI_OEM_ID, 6);
	wr8(b, 15, RSDP_REV);
	/* No RSDT: a revision 2 RSDP with an XSDT is all an x86-64 OS uses. */
	wr32(b, 16, 0);
	wr32(b, 20, RSDP_LEN);
	wr64(b, 24, cfg->base_gpa + VACPI_XSDT_OFF);
	/* The v1 checksum covers the first 20 bytes, the extended one all 36. */
	b[8] = csum(b, 20);
	b[32] = csum(b, RSDP_LEN);
}

static void build_xsdt(uint8_t *b, const struct vacpi_cfg *cfg, uint32_t mcfg)
{
	uint8_t *t = b + VACPI_XSDT_OFF;

	header(b, VACPI_XSDT_OFF, "XSDT", XSDT_LEN, XSDT_REV, cfg);
	wr64(t, HDR_LEN, cfg->base_gpa + VACPI_FADT_OFF);
	wr64(t, HDR_LEN + 8, cfg->base_gpa + VACPI_MADT_OFF);
	wr64(t, HDR_LEN + 16, cfg->base_gpa + mcfg);
	finish(b, VACPI_XSDT_OFF, XSDT_LEN);
}

/*
 * Hardware-reduced: no SCI, no PM1/PM2/PM timer/GPE blocks, no FACS, no
 * SMI_CMD, so every block field stays 0. Linux then skips the legacy PIC and
 * PIT (acpi_generic_reduced_hw_init).
 */
static void build_fadt(uint8_t *b, const struct vacpi_cfg *cfg)
{
	uint8_t *t = b + VACPI_FADT_OFF;
	uint64_t dsdt = cfg->base_gpa + VACPI_DSDT_OFF;

	header(b, VACPI_FADT_OFF, "FACP", VACPI_FADT_LEN, FADT_REV, cfg);
	/* The 32-bit DSDT field repeats X_DSDT when it fits (ACPICA checks they
	 * match), else stays 0 so only X_DSDT is used. */
	if (dsdt + VACPI_DSDT_LEN - 1 <= UINT32_MAX)
		wr32(t, 40, (uint32_t)dsdt);
	/* No 8042, no VGA, no CMOS RTC: the guest has no legacy devices. ASPM
	 * belongs to the host, not to a guest driving a function it was lent. */
	wr16(t, 109, BOOT_VGA_NOT_PRESENT | BOOT_PCIE_ASPM_CTRL | BOOT_CMOS_RTC_ABSENT);
	/* Physical destination mode: a logical xAPIC ID the guest picks could
	 * also match CPUs of other guests. */
	wr32(t, 112,
	     FADT_WBINVD | FADT_PWR_BUTTON | FADT_SLP_BUTTON | FADT_APIC_PHYSICAL |
		     FADT_HW_REDUCED_ACPI);
	wr8(t, 131, FADT_MINOR_REV);
	wr64(t, 140, dsdt);
	memcpy(t + 268, VACPI_HV_VENDOR, 8);
	finish(b, VACPI_FADT_OFF, VACPI_FADT_LEN);
}

/* No devices to describe: a DSDT that is just its header is valid AML. */
static void build_dsdt(uint8_t *b, const struct vacpi_cfg *cfg)
{
	header(b, VACPI_DSDT_OFF, "DSDT", VACPI_DSDT_LEN, DSDT_REV, cfg);
	finish(b, VACPI_DSDT_OFF, VACPI_DSDT_LEN);
}

/* Local APIC entries only: the guest has no IOAPIC and no 8259 (PCAT_COMPAT 0). */
static void build_madt(uint8_t *b, const struct vacpi_cfg *cfg)
{
	uint32_t len = madt_len(cfg), off = MADT_HDR_LEN;
	uint8_t *t = b + VACPI_MADT_OFF;

	header(b, VACPI_MADT_OFF, "APIC", len, MADT_REV, cfg);
	wr32(t, 36, VACPI_LAPIC_BASE);
	wr32(t, 40, 0);
	for (uint32_t i = 0; i < cfg->cpu_count; i++) {
		uint32_t id = cfg->apic_ids[i], elen = madt_entry_len(id);
		uint8_t *e = t + off;

		/* The processor UID is the CPU's index (< 255, so it fits type 0). */
		wr8(e, 0, elen == MADT_LAPIC_LEN ? 0 : 9);
		wr8(e, 1, (uint8_t)elen);
		if (elen == MADT_LAPIC_LEN) {
			wr8(e, 2, (uint8_t)i);
			wr8(e, 3, (uint8_t)id);
			wr32(e, 4, MADT_CPU_ENABLED);
		} else {
			wr16(e, 2, 0);
			wr32(e, 4, id);
			wr32(e, 8, MADT_CPU_ENABLED);
			wr32(e, 12, i);
		}
		off += elen;
	}
	finish(b, VACPI_MADT_OFF, len);
}

static void build_mcfg(uint8_t *b, const struct vacpi_cfg *cfg, uint32_t off)
{
	uint8_t *e = b + off + 44;

	header(b, off, "MCFG", MCFG_LEN, MCFG_REV, cfg);
	wr64(e, 0, cfg->ecam_gpa);
	wr16(e, 8, 0); /* segment */
	wr8(e, 10, cfg->bus_first);
	wr8(e, 11, cfg->bus_last);
	finish(b, off, MCFG_LEN);
}

int vacpi_build(const struct vacpi_cfg *cfg, void *buf, size_t size)
{
	int len = vacpi_size(cfg);
	uint8_t *b = buf;
	uint32_t mcfg;

	if (len < 0)
		return len;
	if (!buf || size < (size_t)len)
		return buf ? -ENOSPC : -EINVAL;
	mcfg = mcfg_off(cfg);
	/* Reserved fields and the padding between tables are 0. */
	memset(b, 0, (size_t)len);
	build_rsdp(b, cfg);
	build_xsdt(b, cfg, mcfg);
	build_fadt(b, cfg);
	build_dsdt(b, cfg);
	build_madt(b, cfg);
	build_mcfg(b, cfg, mcfg);
	return len;
}
