// SPDX-License-Identifier: MIT
/*
 * Virtual ACPI tables (see vacpi.h). Everything is computed from the config;
 * the size is known before a byte is written, so a short buffer is refused
 * whole. Fields go in with memcpy: the tables are packed and unaligned.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/err.h"
#include "lib/kstring.h"
#include "hv/platform/vacpi.h"
#include "hv/platform/vreset.h"

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
#define FADT_RESET_REG_SUP   (1u << 10)
#define FADT_APIC_PHYSICAL   (1u << 19)
#define FADT_HW_REDUCED_ACPI (1u << 20)

/* FADT IA-PC boot architecture flags. */
#define BOOT_VGA_NOT_PRESENT (1u << 2)
#define BOOT_PCIE_ASPM_CTRL  (1u << 4) /* OSPM must not enable ASPM */
#define BOOT_CMOS_RTC_ABSENT (1u << 5)

#define ECAM_BUS_SHIFT 20 /* 1 MiB of config space per bus */
#define MIB	       (1ull << 20)
#define GIB4	       (1ull << 32)

/* AML opcodes and prefixes (ACPI 6.x chapter 20). */
#define AML_ZERO	0x00
#define AML_ONE		0x01
#define AML_NAME	0x08
#define AML_BYTE	0x0a
#define AML_WORD	0x0b
#define AML_DWORD	0x0c
#define AML_QWORD	0x0e
#define AML_SCOPE	0x10
#define AML_BUFFER	0x11
#define AML_PACKAGE	0x12
#define AML_EXT_PREFIX	0x5b
#define AML_DEVICE	0x82 /* after AML_EXT_PREFIX */
#define AML_ROOT_PREFIX 0x5c /* '\' */

/* Resource descriptors (ACPI 6.x 6.4): large item tags, and the small End Tag. */
#define RD_IO_PORT     0x47 /* small item 0x8, length 7 */
#define RD_MEM32_FIXED 0x86
#define RD_DWORD_ADDR  0x87
#define RD_WORD_ADDR   0x88
#define RD_QWORD_ADDR  0x8a
#define RD_END_TAG     0x79 /* small item 0xf, length 1: a checksum byte follows */

/* Address space descriptor fields. */
#define RD_SPACE_MEM	  0
#define RD_SPACE_BUS	  2
#define RD_CONSUMER	  (1u << 0) /* 0: the device produces the resource (a bridge window) */
#define RD_MIN_FIXED	  (1u << 2)
#define RD_MAX_FIXED	  (1u << 3)
#define RD_MEM_READ_WRITE (1u << 0) /* memory type flags: non-cacheable when bits 2:1 are 0 */

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

/*
 * An AML byte stream. With @p NULL nothing is stored and only @len counts, so
 * the same code measures a package before its PkgLength is written.
 */
struct aml {
	uint8_t *p;
	uint32_t len;
};

static void aml_byte(struct aml *a, uint8_t v)
{
	if (a->p)
		a->p[a->len] = v;
	a->len++;
}

/* @v as @n little-endian bytes. */
static void aml_le(struct aml *a, uint64_t v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		aml_byte(a, (uint8_t)(v >> (8 * i)));
}

static void aml_nameseg(struct aml *a, const char *seg)
{
	for (int i = 0; i < 4; i++)
		aml_byte(a, (uint8_t)seg[i]);
}

unsigned int vacpi_aml_pkglen(uint8_t *out, uint32_t len)
{
	unsigned int n;
	uint32_t v;

	if (len <= 63u - 1)
		n = 1;
	else if (len <= 0xfffu - 2)
		n = 2;
	else if (len <= 0xfffffu - 3)
		n = 3;
	else if (len <= 0xfffffffu - 4)
		n = 4;
	else
		return 0;
	if (!out)
		return n;
	v = len + n;
	if (n == 1) {
		out[0] = (uint8_t)v;
		return 1;
	}
	out[0] = (uint8_t)((n - 1) << 6 | (v & 0xf));
	for (unsigned int i = 1; i < n; i++)
		out[i] = (uint8_t)(v >> (4 + 8 * (i - 1)));
	return n;
}

/* PkgLength for @len bytes of contents. Our packages are far below the limit. */
static void aml_pkglen(struct aml *a, uint32_t len)
{
	uint8_t enc[4];
	unsigned int n = vacpi_aml_pkglen(enc, len);

	for (unsigned int i = 0; i < n; i++)
		aml_byte(a, enc[i]);
}

/* An Integer in the shortest encoding an ASL compiler uses. */
static void aml_int(struct aml *a, uint64_t v)
{
	if (v <= 1) {
		aml_byte(a, v ? AML_ONE : AML_ZERO);
	} else if (v <= 0xff) {
		aml_byte(a, AML_BYTE);
		aml_le(a, v, 1);
	} else if (v <= 0xffff) {
		aml_byte(a, AML_WORD);
		aml_le(a, v, 2);
	} else if (v <= 0xffffffffu) {
		aml_byte(a, AML_DWORD);
		aml_le(a, v, 4);
	} else {
		aml_byte(a, AML_QWORD);
		aml_le(a, v, 8);
	}
}

/* EisaId("PNP0A08"): three letters, 5 bits each, then four hex digits, stored
 * big-endian in a DWordConst (always a DWord, as compilers emit it). */
static void aml_eisaid(struct aml *a, const char *id)
{
	uint16_t vendor = (uint16_t)((id[0] - 0x40) << 10 | (id[1] - 0x40) << 5 | (id[2] - 0x40));
	uint8_t prod[2] = {0, 0};

	for (int i = 0; i < 4; i++) {
		char c = id[3 + i];
		uint8_t d = (uint8_t)(c <= '9' ? c - '0' : c - 'A' + 10);

		prod[i / 2] = (uint8_t)(prod[i / 2] << 4 | d);
	}
	aml_byte(a, AML_DWORD);
	aml_byte(a, (uint8_t)(vendor >> 8));
	aml_byte(a, (uint8_t)vendor);
	aml_byte(a, prod[0]);
	aml_byte(a, prod[1]);
}

/* Name(@seg, integer) */
static void aml_name_int(struct aml *a, const char *seg, uint64_t v)
{
	aml_byte(a, AML_NAME);
	aml_nameseg(a, seg);
	aml_int(a, v);
}

static void aml_name_eisaid(struct aml *a, const char *seg, const char *id)
{
	aml_byte(a, AML_NAME);
	aml_nameseg(a, seg);
	aml_eisaid(a, id);
}

/* The ECAM window of the guest's buses (what the MCFG entry covers of it). */
static uint64_t ecam_start(const struct vacpi_cfg *cfg)
{
	return cfg->ecam_gpa + ((uint64_t)cfg->bus_first << ECAM_BUS_SHIFT);
}

static uint64_t ecam_size(const struct vacpi_cfg *cfg)
{
	return (uint64_t)(cfg->bus_last - cfg->bus_first + 1) << ECAM_BUS_SHIFT;
}

/* Word/DWord/QWord Address Space Descriptor: @w-byte fields, granularity and
 * translation 0, min and max fixed, positive decode. */
static void rd_addr(struct aml *a, unsigned int w, uint8_t space, uint8_t gen, uint8_t type,
		    uint64_t min, uint64_t size)
{
	aml_byte(a, w == 2 ? RD_WORD_ADDR : w == 4 ? RD_DWORD_ADDR : RD_QWORD_ADDR);
	aml_le(a, 3 + 5 * w, 2); /* length after the 3-byte header */
	aml_byte(a, space);
	aml_byte(a, gen | RD_MIN_FIXED | RD_MAX_FIXED);
	aml_byte(a, type);
	aml_le(a, 0, w);
	aml_le(a, min, w);
	aml_le(a, min + size - 1, w);
	aml_le(a, 0, w);
	aml_le(a, size, w);
}

static void rd_end(struct aml *a)
{
	aml_byte(a, RD_END_TAG);
	aml_byte(a, 0); /* 0: treat the template as checksummed */
}

static void pci0_resources(struct aml *a, const struct vacpi_cfg *cfg)
{
	rd_addr(a, 2, RD_SPACE_BUS, 0, 0, cfg->bus_first,
		(uint64_t)cfg->bus_last - cfg->bus_first + 1);
	rd_addr(a, 4, RD_SPACE_MEM, 0, RD_MEM_READ_WRITE, cfg->mmio_gpa, cfg->mmio_size);
	rd_end(a);
}

/* Linux (pci_mmcfg_reserved) wants the MCFG window inside a PNP0C01/PNP0C02 _CRS. */
static void res0_resources(struct aml *a, const struct vacpi_cfg *cfg)
{
	uint64_t start = ecam_start(cfg), size = ecam_size(cfg);

	if (start < GIB4 && size <= GIB4 - start) {
		aml_byte(a, RD_MEM32_FIXED);
		aml_le(a, 9, 2);
		aml_byte(a, RD_MEM_READ_WRITE);
		aml_le(a, start, 4);
		aml_le(a, size, 4);
	} else {
		rd_addr(a, 8, RD_SPACE_MEM, RD_CONSUMER, RD_MEM_READ_WRITE, start, size);
	}
	rd_end(a);
}

/* Name(_CRS, ResourceTemplate() { what @res emits }) */
static void aml_name_crs(struct aml *a, const struct vacpi_cfg *cfg,
			 void (*res)(struct aml *, const struct vacpi_cfg *))
{
	struct aml r = {NULL, 0}, n = {NULL, 0};

	res(&r, cfg);
	aml_int(&n, r.len);
	aml_byte(a, AML_NAME);
	aml_nameseg(a, "_CRS");
	aml_byte(a, AML_BUFFER);
	aml_pkglen(a, n.len + r.len);
	aml_int(a, r.len); /* BufferSize */
	res(a, cfg);
}

static void pci0_body(struct aml *a, const struct vacpi_cfg *cfg)
{
	aml_nameseg(a, "PCI0");
	aml_name_eisaid(a, "_HID", "PNP0A08"); /* PCI Express root bridge */
	aml_name_eisaid(a, "_CID", "PNP0A03"); /* PCI root bridge */
	aml_name_int(a, "_UID", 0);
	aml_name_int(a, "_SEG", 0);
	aml_name_int(a, "_BBN", cfg->bus_first);
	aml_name_crs(a, cfg, pci0_resources);
}

static void res0_body(struct aml *a, const struct vacpi_cfg *cfg)
{
	aml_nameseg(a, "RES0");
	aml_name_eisaid(a, "_HID", "PNP0C02"); /* motherboard resources */
	aml_name_int(a, "_UID", 0);
	aml_name_crs(a, cfg, res0_resources);
}

/* COM1's ports and no interrupt: the guest has no interrupt controller for
 * ISA IRQ 4. Linux's ISA default for ttyS0 (IRQ 4) is replaced by this PNP
 * device's settings, and then by the port's PCI function at the same
 * address, which has an MSI (vuart_pci.h). */
static void com1_resources(struct aml *a, const struct vacpi_cfg *cfg)
{
	(void)cfg;
	aml_byte(a, RD_IO_PORT);
	aml_byte(a, 1);		  /* 16-bit decode */
	aml_le(a, VACPI_COM1, 2); /* minimum base */
	aml_le(a, VACPI_COM1, 2); /* maximum base */
	aml_byte(a, 1);		  /* alignment */
	aml_byte(a, 8);		  /* length */
	rd_end(a);
}

static void com1_body(struct aml *a, const struct vacpi_cfg *cfg)
{
	aml_nameseg(a, "COM1");
	aml_name_eisaid(a, "_HID", "PNP0501"); /* 16550A-compatible UART */
	aml_name_int(a, "_UID", 1);
	aml_name_crs(a, cfg, com1_resources);
}

/* Device(...) { what @body emits, its NameSeg first } */
static void aml_device(struct aml *a, const struct vacpi_cfg *cfg,
		       void (*body)(struct aml *, const struct vacpi_cfg *))
{
	struct aml m = {NULL, 0};

	body(&m, cfg);
	aml_byte(a, AML_EXT_PREFIX);
	aml_byte(a, AML_DEVICE);
	aml_pkglen(a, m.len);
	body(a, cfg);
}

static void sb_body(struct aml *a, const struct vacpi_cfg *cfg)
{
	aml_byte(a, AML_ROOT_PREFIX);
	aml_nameseg(a, "_SB_");
	aml_device(a, cfg, pci0_body);
	aml_device(a, cfg, res0_body);
	aml_device(a, cfg, com1_body);
}

/* The elements of \_S5's package: SLP_TYP (the value for the sleep control
 * register; the second is PM1b's, which a hardware-reduced guest has not),
 * and two reserved. */
static void s5_elements(struct aml *a)
{
	aml_byte(a, 4); /* NumElements */
	aml_int(a, VACPI_SLP_TYP_S5);
	aml_int(a, VACPI_SLP_TYP_S5);
	aml_int(a, 0);
	aml_int(a, 0);
}

/* Name(\_S5, Package(4) { ... }), at the DSDT's root: Linux offers
 * power-off through ACPI only when \_S5 exists. */
static void aml_s5(struct aml *a)
{
	struct aml m = {NULL, 0};

	s5_elements(&m);
	aml_byte(a, AML_NAME);
	aml_nameseg(a, "_S5_");
	aml_byte(a, AML_PACKAGE);
	aml_pkglen(a, m.len);
	s5_elements(a);
}

/* The DSDT's AML: Scope(\_SB) { PCI0, RES0, COM1 } and \_S5. With @p NULL,
 * only measures. */
static uint32_t dsdt_aml(uint8_t *p, const struct vacpi_cfg *cfg)
{
	struct aml a = {p, 0}, m = {NULL, 0};

	sb_body(&m, cfg);
	aml_byte(&a, AML_SCOPE);
	aml_pkglen(&a, m.len);
	sb_body(&a, cfg);
	aml_s5(&a);
	return a.len;
}

static uint32_t dsdt_len(const struct vacpi_cfg *cfg)
{
	return HDR_LEN + dsdt_aml(NULL, cfg);
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

static uint32_t madt_off(const struct vacpi_cfg *cfg)
{
	return align8(VACPI_DSDT_OFF + dsdt_len(cfg));
}

static uint32_t mcfg_off(const struct vacpi_cfg *cfg)
{
	return align8(madt_off(cfg) + madt_len(cfg));
}

/* [a, a + as) and [b, b + bs) share a byte (sizes non-zero; either may end at 2^64). */
static bool overlap(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return a <= b + (bs - 1) && b <= a + (as - 1);
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
	/* The bridge's window goes in a DWordMemory descriptor: below 4 GiB,
	 * and not at 0 (guest RAM) so that its size fits 32 bits too. A BAR
	 * placed over ECAM or the local APIC would shadow them. */
	if (!cfg->mmio_gpa || !cfg->mmio_size || cfg->mmio_size % MIB || cfg->mmio_gpa >= GIB4 ||
	    cfg->mmio_size > GIB4 - cfg->mmio_gpa)
		return -EINVAL;
	if (overlap(cfg->mmio_gpa, cfg->mmio_size, ecam_start(cfg), ecam_size(cfg)) ||
	    overlap(cfg->mmio_gpa, cfg->mmio_size, VACPI_LAPIC_BASE, MIB))
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

static void build_xsdt(uint8_t *b, const struct vacpi_cfg *cfg, uint32_t madt, uint32_t mcfg)
{
	uint8_t *t = b + VACPI_XSDT_OFF;

	header(b, VACPI_XSDT_OFF, "XSDT", XSDT_LEN, XSDT_REV, cfg);
	wr64(t, HDR_LEN, cfg->base_gpa + VACPI_FADT_OFF);
	wr64(t, HDR_LEN + 8, cfg->base_gpa + madt);
	wr64(t, HDR_LEN + 16, cfg->base_gpa + mcfg);
	finish(b, VACPI_XSDT_OFF, XSDT_LEN);
}

/* A Generic Address Structure for one byte at @port in port space. */
static void gas_port8(uint8_t *g, uint16_t port)
{
	wr8(g, 0, 1); /* address space: system I/O */
	wr8(g, 1, 8); /* register bit width */
	wr8(g, 2, 0); /* bit offset */
	wr8(g, 3, 1); /* access size: byte */
	wr64(g, 4, port);
}

/*
 * Hardware-reduced: no SCI, no PM1/PM2/PM timer/GPE blocks, no FACS, no
 * SMI_CMD, so every block field stays 0. Linux then skips the legacy PIC and
 * PIT (acpi_generic_reduced_hw_init). Sleep goes through the sleep control
 * and status registers instead of PM1 (the guest only ever powers off);
 * a reset through the reset register, port 0xcf9.
 */
static void build_fadt(uint8_t *b, const struct vacpi_cfg *cfg, uint32_t dsdt_len)
{
	uint8_t *t = b + VACPI_FADT_OFF;
	uint64_t dsdt = cfg->base_gpa + VACPI_DSDT_OFF;

	header(b, VACPI_FADT_OFF, "FACP", VACPI_FADT_LEN, FADT_REV, cfg);
	/* The 32-bit DSDT field repeats X_DSDT when it fits (ACPICA checks they
	 * match), else stays 0 so only X_DSDT is used. */
	if (dsdt + dsdt_len - 1 <= UINT32_MAX)
		wr32(t, 40, (uint32_t)dsdt);
	/* No 8042, no VGA, no CMOS RTC: the guest has no legacy devices. ASPM
	 * belongs to the host, not to a guest driving a function it was lent. */
	wr16(t, 109, BOOT_VGA_NOT_PRESENT | BOOT_PCIE_ASPM_CTRL | BOOT_CMOS_RTC_ABSENT);
	/* Physical destination mode: a logical xAPIC ID the guest picks could
	 * also match CPUs of other guests. */
	wr32(t, 112,
	     FADT_WBINVD | FADT_PWR_BUTTON | FADT_SLP_BUTTON | FADT_RESET_REG_SUP |
		     FADT_APIC_PHYSICAL | FADT_HW_REDUCED_ACPI);
	/* The reset register: port 0xcf9 (hv/platform/vreset.h). */
	gas_port8(t + 116, VRESET_PORT_CF9);
	wr8(t, 128, VRESET_FADT_VALUE);
	wr8(t, 131, FADT_MINOR_REV);
	wr64(t, 140, dsdt);
	gas_port8(t + 244, VACPI_SLEEP_CTL_PORT);
	gas_port8(t + 256, VACPI_SLEEP_STS_PORT);
	memcpy(t + 268, VACPI_HV_VENDOR, 8);
	finish(b, VACPI_FADT_OFF, VACPI_FADT_LEN);
}

static void build_dsdt(uint8_t *b, const struct vacpi_cfg *cfg, uint32_t len)
{
	header(b, VACPI_DSDT_OFF, "DSDT", len, DSDT_REV, cfg);
	dsdt_aml(b + VACPI_DSDT_OFF + HDR_LEN, cfg);
	finish(b, VACPI_DSDT_OFF, len);
}

/* Local APIC entries only: the guest has no IOAPIC and no 8259 (PCAT_COMPAT 0). */
static void build_madt(uint8_t *b, const struct vacpi_cfg *cfg, uint32_t madt)
{
	uint32_t len = madt_len(cfg), off = MADT_HDR_LEN;
	uint8_t *t = b + madt;

	header(b, madt, "APIC", len, MADT_REV, cfg);
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
	finish(b, madt, len);
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
	uint32_t dsdt, madt, mcfg;

	if (len < 0)
		return len;
	if (!buf || size < (size_t)len)
		return buf ? -ENOSPC : -EINVAL;
	dsdt = dsdt_len(cfg);
	madt = madt_off(cfg);
	mcfg = mcfg_off(cfg);
	/* Reserved fields and the padding between tables are 0. */
	memset(b, 0, (size_t)len);
	build_rsdp(b, cfg);
	build_xsdt(b, cfg, madt, mcfg);
	build_fadt(b, cfg, dsdt);
	build_dsdt(b, cfg, dsdt);
	build_madt(b, cfg, madt);
	build_mcfg(b, cfg, mcfg);
	return len;
}
