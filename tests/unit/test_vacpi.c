// SPDX-License-Identifier: MIT
/*
 * Unit tests for hv/platform/vacpi.c. The tables are built into a heap buffer that the
 * test's acpi_map() presents at base_gpa, then read back with the hypervisor's
 * own parser (drivers/acpi/acpi.c) and checked field by field. acpi_map()
 * hands out pointers into a heap block of exactly the bytes built, so ASan
 * reports any read past the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "drivers/acpi/acpi.h"
#include "lib/err.h"
#include "lib/printk.h"
#include "hv/platform/vacpi.h"
#include "fake_printk.h"

#define BASE_LOW  0x7ffe0000ull	 /* below 4 GiB: the 32-bit DSDT field is set */
#define BASE_HIGH 0x100000000ull /* at 4 GiB: it stays 0 */
#define ECAM	  0xe0000000ull
#define MMIO	  0xc0000000ull /* 256 MiB below ECAM */
#define MMIO_SIZE 0x10000000ull
#define MIB	  (1ull << 20)

/* The guest-physical image acpi_map() serves. */
static const uint8_t *img;
static uint64_t img_base;
static size_t img_len;
static struct acpi_info ai;

const void *acpi_map(uint64_t phys, uint64_t len)
{
	if (!img || !len || phys < img_base || phys - img_base >= img_len ||
	    len > img_len - (phys - img_base))
		return NULL;
	return img + (phys - img_base);
}

static int setup(void **state)
{
	(void)state;
	img = NULL;
	img_base = 0;
	img_len = 0;
	memset(&ai, 0xa5, sizeof(ai));
	printk_reset();
	return 0;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
	return rd16(p) | (uint32_t)rd16(p + 2) << 16;
}

static uint64_t rd64(const uint8_t *p)
{
	return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static uint8_t sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s = (uint8_t)(s + *p++);
	return s;
}

static bool all_zero(const uint8_t *p, size_t len)
{
	while (len--)
		if (*p++)
			return false;
	return true;
}

static struct vacpi_cfg mkcfg(uint64_t base, const uint32_t *ids, uint32_t n)
{
	struct vacpi_cfg c = {
		.base_gpa = base,
		.cpu_count = n,
		.apic_ids = ids,
		.ecam_gpa = ECAM,
		.bus_first = 0,
		.bus_last = 255,
		.mmio_gpa = MMIO,
		.mmio_size = MMIO_SIZE,
		.oem_id = "VFVISR",
		.oem_table_id = "VFVISOR ",
	};
	return c;
}

/* Build @c into an exact-size heap block (the 0xcc guard after it must stay),
 * serve it at base_gpa and parse it; returns the block. */
static uint8_t *build_parse(const struct vacpi_cfg *c, int want_len)
{
	uint8_t *b = malloc((size_t)want_len + 64);
	int n;

	assert_non_null(b);
	memset(b, 0xcc, (size_t)want_len + 64);
	assert_int_equal(vacpi_size(c), want_len);
	n = vacpi_build(c, b, (size_t)want_len);
	assert_int_equal(n, want_len);
	for (int i = 0; i < 64; i++)
		assert_int_equal(b[want_len + i], 0xcc);

	/* Re-home it in a block of exactly its size so overreads are caught. */
	b = realloc(b, (size_t)want_len);
	assert_non_null(b);
	img = b;
	img_base = c->base_gpa;
	img_len = (size_t)want_len;
	assert_int_equal(acpi_parse(&ai, acpi_map(c->base_gpa, 36), 36, c->base_gpa), 0);
	assert_int_equal(printk_count[LOG_ERR] + printk_count[LOG_WARN], 0);
	assert_string_equal(printk_log, "");
	return b;
}

/* A standard header at @off with our names and revisions. */
static void check_header(const uint8_t *b, uint32_t off, const char *sig, uint32_t len, uint8_t rev)
{
	const uint8_t *h = b + off;

	assert_int_equal(off % 8, 0);
	assert_memory_equal(h, sig, 4);
	assert_int_equal(rd32(h + 4), len);
	assert_int_equal(h[8], rev);
	assert_memory_equal(h + 10, "VFVISR", 6);
	assert_memory_equal(h + 16, "VFVISOR ", 8);
	assert_int_equal(rd32(h + 24), 1);
	assert_memory_equal(h + 28, "VFVR", 4);
	assert_int_equal(rd32(h + 32), 1);
	assert_int_equal(sum(h, len), 0);
}

static void check_rsdp(const uint8_t *b, uint64_t base)
{
	assert_memory_equal(b, "RSD PTR ", 8);
	assert_memory_equal(b + 9, "VFVISR", 6);
	assert_int_equal(b[15], 2);
	assert_int_equal(rd32(b + 16), 0);
	assert_int_equal(rd32(b + 20), 36);
	assert_int_equal(rd64(b + 24), base + 40);
	assert_int_equal(sum(b, 20), 0);
	assert_int_equal(sum(b, 36), 0);
	assert_true(all_zero(b + 33, 3));
	assert_true(all_zero(b + 36, 4)); /* padding */
}

static void check_xsdt(const uint8_t *b, uint64_t base, uint32_t madt_off, uint32_t mcfg_off)
{
	check_header(b, 40, "XSDT", 60, 1);
	assert_int_equal(rd64(b + 40 + 36), base + 104);
	assert_int_equal(rd64(b + 40 + 44), base + madt_off);
	assert_int_equal(rd64(b + 40 + 52), base + mcfg_off);
}

static void check_fadt(const uint8_t *b, uint64_t base)
{
	const uint8_t *f = b + 104;
	uint64_t dsdt = base + 384;

	check_header(b, 104, "FACP", 276, 6);
	assert_int_equal(rd32(f + 36), 0); /* FIRMWARE_CTRL: no FACS */
	assert_int_equal(rd32(f + 40), dsdt < (1ull << 32) ? dsdt : 0);
	assert_int_equal(f[44], 0);
	assert_int_equal(f[45], 0);	       /* preferred PM profile: unspecified */
	assert_int_equal(rd16(f + 46), 0);     /* SCI_INT */
	assert_int_equal(rd32(f + 48), 0);     /* SMI_CMD */
	assert_true(all_zero(f + 52, 4));      /* ACPI_ENABLE .. PSTATE_CNT */
	assert_true(all_zero(f + 56, 32));     /* PM1a/b EVT/CNT, PM2, PM_TMR, GPE0/1 */
	assert_true(all_zero(f + 88, 8));      /* their lengths, GPE1_BASE, CST_CNT */
	assert_true(all_zero(f + 96, 13));     /* latencies, flush, duty, alarms, century */
	assert_int_equal(rd16(f + 109), 0x34); /* VGA absent, no ASPM, no CMOS RTC */
	assert_int_equal(f[111], 0);
	assert_int_equal(rd32(f + 112), 0x180431);
	assert_int_equal(rd32(f + 112) & (1u << 20), 1u << 20); /* HW_REDUCED_ACPI */
	assert_int_equal(rd32(f + 112) & (1u << 10), 1u << 10); /* RESET_REG_SUP */
	/* RESET_REG: port 0xcf9, one byte; RESET_VALUE 6 (what reboot writes). */
	assert_memory_equal(f + 116, "\x01\x08\x00\x01", 4);
	assert_int_equal(rd64(f + 120), 0xCF9);
	assert_int_equal(f[128], 6);
	assert_int_equal(rd16(f + 129), 0); /* ARM_BOOT_ARCH */
	assert_int_equal(f[131], 4);	    /* FADT 6.4 */
	assert_int_equal(rd64(f + 132), 0); /* X_FIRMWARE_CTRL */
	assert_int_equal(rd64(f + 140), dsdt);
	assert_true(all_zero(f + 148, 96)); /* X_PM1a_EVT_BLK .. X_GPE1_BLK */
	/* SLEEP_CONTROL_REG and SLEEP_STATUS_REG: one byte each in port space
	 * (space 1, 8 bits at bit 0, byte access), as Linux's power-off uses. */
	assert_memory_equal(f + 244, "\x01\x08\x00\x01", 4);
	assert_int_equal(rd64(f + 248), VACPI_SLEEP_CTL_PORT);
	assert_memory_equal(f + 256, "\x01\x08\x00\x01", 4);
	assert_int_equal(rd64(f + 260), VACPI_SLEEP_STS_PORT);
	assert_int_equal(VACPI_SLEEP_CTL_PORT, 0x600);
	assert_int_equal(VACPI_SLEEP_STS_PORT, 0x601);
	assert_memory_equal(f + 268, "VFVISOR ", 8);
	assert_true(all_zero(f + 276, 4)); /* padding before the DSDT */
}

/* The DSDT (@len bytes) and the zero padding up to the MADT. */
static void check_dsdt(const uint8_t *b, uint64_t base, uint32_t len)
{
	const uint8_t *f = b + 104;
	uint32_t end = 384 + len;

	/* Reached through the FADT, as an OS does. */
	assert_int_equal(rd64(f + 140) - base, 384);
	check_header(b, 384, "DSDT", len, 2);
	assert_true(all_zero(b + end, ((end + 7) & ~7u) - end));
}

static void check_mcfg(const uint8_t *b, uint32_t off, uint64_t ecam, uint8_t first, uint8_t last)
{
	const uint8_t *m = b + off;

	check_header(b, off, "MCFG", 60, 1);
	assert_true(all_zero(m + 36, 8));
	assert_int_equal(rd64(m + 44), ecam);
	assert_int_equal(rd16(m + 52), 0);
	assert_int_equal(m[54], first);
	assert_int_equal(m[55], last);
	assert_int_equal(rd32(m + 56), 0);

	assert_int_equal(ai.ecam_count, 1);
	assert_int_equal(ai.ecam[0].base, ecam);
	assert_int_equal(ai.ecam[0].segment, 0);
	assert_int_equal(ai.ecam[0].bus_start, first);
	assert_int_equal(ai.ecam[0].bus_end, last);
}

static void check_tables(uint64_t base, uint32_t madt_off, uint32_t madt_len, uint32_t mcfg_off)
{
	assert_int_equal(ai.rsdp_revision, 2);
	assert_int_equal(ai.rsdp_phys, base);
	assert_true(ai.xsdt);
	assert_int_equal(ai.root_phys, base + 40);
	assert_int_equal(ai.table_count, 3);
	assert_string_equal(ai.tables[0].sig, "FACP");
	assert_int_equal(ai.tables[0].phys, base + 104);
	assert_int_equal(ai.tables[0].len, 276);
	assert_int_equal(ai.tables[0].revision, 6);
	assert_string_equal(ai.tables[1].sig, "APIC");
	assert_int_equal(ai.tables[1].phys, base + madt_off);
	assert_int_equal(ai.tables[1].len, madt_len);
	assert_int_equal(ai.tables[1].revision, 5);
	assert_string_equal(ai.tables[2].sig, "MCFG");
	assert_int_equal(ai.tables[2].phys, base + mcfg_off);
	assert_int_equal(ai.tables[2].len, 60);
	assert_int_equal(ai.tables[2].revision, 1);
	for (int i = 0; i < 3; i++)
		assert_string_equal(ai.tables[i].oem_id, "VFVISR");
	assert_null(acpi_table(&ai, "DSDT"));
	assert_null(acpi_table(&ai, "DMAR"));

	assert_true(ai.have_madt);
	assert_int_equal(ai.lapic_base, 0xfee00000);
	assert_false(ai.pcat_compat);
	assert_int_equal(ai.ioapic_count, 0);
	assert_int_equal(ai.cpus_skipped, 0);
	assert_false(ai.have_dmar);
}

static void check_madt_hdr(const uint8_t *b, uint32_t off, uint32_t len)
{
	check_header(b, off, "APIC", len, 5);
	assert_int_equal(rd32(b + off + 36), 0xfee00000);
	assert_int_equal(rd32(b + off + 40), 0);
}

/* ---- good configs ---------------------------------------------------------- */

static void test_one_cpu(void **state)
{
	const uint32_t ids[] = {0};
	struct vacpi_cfg c = mkcfg(BASE_LOW, ids, 1);
	const uint8_t *e;
	uint8_t *b;

	(void)state;
	c.bus_last = 15;
	/* RSDP 0, XSDT 40, FADT 104, DSDT 384 (245), MADT 632 (52), MCFG 688 (60). */
	b = build_parse(&c, 748);
	check_rsdp(b, BASE_LOW);
	check_xsdt(b, BASE_LOW, 632, 688);
	check_fadt(b, BASE_LOW);
	check_dsdt(b, BASE_LOW, 245);
	check_madt_hdr(b, 632, 52);
	e = b + 632 + 44;
	assert_int_equal(e[0], 0);
	assert_int_equal(e[1], 8);
	assert_int_equal(e[2], 0);
	assert_int_equal(e[3], 0);
	assert_int_equal(rd32(e + 4), 1);
	assert_true(all_zero(b + 684, 4));
	check_mcfg(b, 688, ECAM, 0, 15);
	check_tables(BASE_LOW, 632, 52, 688);
	assert_int_equal(ai.cpu_count, 1);
	assert_int_equal(ai.cpus[0].apic_id, 0);
	assert_int_equal(ai.cpus[0].uid, 0);
	assert_false(ai.cpus[0].x2apic);
	free(b);
}

static void test_two_cpus(void **state)
{
	const uint32_t ids[] = {1, 2};
	struct vacpi_cfg c = mkcfg(BASE_LOW, ids, 2);
	const uint8_t *e;
	uint8_t *b;

	(void)state;
	/* DSDT 384 (245), MADT 632 (60), MCFG 696. */
	b = build_parse(&c, 756);
	check_rsdp(b, BASE_LOW);
	check_xsdt(b, BASE_LOW, 632, 696);
	check_fadt(b, BASE_LOW);
	check_dsdt(b, BASE_LOW, 245);
	check_madt_hdr(b, 632, 60);
	for (int i = 0; i < 2; i++) {
		e = b + 632 + 44 + 8 * i;
		assert_int_equal(e[0], 0);
		assert_int_equal(e[1], 8);
		assert_int_equal(e[2], i);
		assert_int_equal(e[3], i + 1);
		assert_int_equal(rd32(e + 4), 1);
	}
	assert_true(all_zero(b + 692, 4));
	check_mcfg(b, 696, ECAM, 0, 255);
	check_tables(BASE_LOW, 632, 60, 696);
	assert_int_equal(ai.cpu_count, 2);
	assert_int_equal(ai.cpus[0].apic_id, 1); /* the BSP first */
	assert_int_equal(ai.cpus[0].uid, 0);
	assert_false(ai.cpus[0].x2apic);
	assert_int_equal(ai.cpus[1].apic_id, 2);
	assert_int_equal(ai.cpus[1].uid, 1);
	assert_false(ai.cpus[1].x2apic);
	free(b);
}

static void test_x2apic_cpu(void **state)
{
	const uint32_t ids[] = {300};
	struct vacpi_cfg c = mkcfg(BASE_HIGH, ids, 1);
	const uint8_t *e;
	uint8_t *b;

	(void)state;
	c.ecam_gpa = 0x4000000000ull;
	c.bus_first = 2;
	c.bus_last = 9;
	/* DSDT 384 (281: a QWord ECAM reservation), MADT 672 (60), MCFG 736;
	 * above 4 GiB the 32-bit DSDT field is 0. */
	b = build_parse(&c, 796);
	check_rsdp(b, BASE_HIGH);
	check_xsdt(b, BASE_HIGH, 672, 736);
	check_fadt(b, BASE_HIGH);
	assert_int_equal(rd32(b + 104 + 40), 0);
	check_dsdt(b, BASE_HIGH, 281);
	check_madt_hdr(b, 672, 60);
	e = b + 672 + 44;
	assert_int_equal(e[0], 9);
	assert_int_equal(e[1], 16);
	assert_int_equal(rd16(e + 2), 0);
	assert_int_equal(rd32(e + 4), 300);
	assert_int_equal(rd32(e + 8), 1);
	assert_int_equal(rd32(e + 12), 0);
	check_mcfg(b, 736, 0x4000000000ull, 2, 9);
	check_tables(BASE_HIGH, 672, 60, 736);
	assert_int_equal(ai.cpu_count, 1);
	assert_int_equal(ai.cpus[0].apic_id, 300);
	assert_int_equal(ai.cpus[0].uid, 0);
	assert_true(ai.cpus[0].x2apic);
	free(b);
}

/* 254 still fits a type 0 entry; 255 is the xAPIC broadcast ID, so type 9. */
static void test_mixed_and_id_255(void **state)
{
	const uint32_t ids[] = {254, 255, 0, 70000};
	struct vacpi_cfg c = mkcfg(BASE_LOW, ids, 4);
	const uint8_t *e = NULL;
	uint8_t *b;

	(void)state;
	/* MADT 44 + 8 + 16 + 8 + 16 = 92 at 632, MCFG at 728. */
	b = build_parse(&c, 788);
	check_madt_hdr(b, 632, 92);
	e = b + 632 + 44;
	assert_int_equal(e[0], 0);
	assert_int_equal(e[1], 8);
	assert_int_equal(e[2], 0);
	assert_int_equal(e[3], 254);
	e += 8;
	assert_int_equal(e[0], 9);
	assert_int_equal(e[1], 16);
	assert_int_equal(rd32(e + 4), 255);
	assert_int_equal(rd32(e + 12), 1);
	e += 16;
	assert_int_equal(e[0], 0);
	assert_int_equal(e[2], 2);
	assert_int_equal(e[3], 0);
	e += 8;
	assert_int_equal(e[0], 9);
	assert_int_equal(rd32(e + 4), 70000);
	assert_int_equal(rd32(e + 12), 3);
	check_mcfg(b, 728, ECAM, 0, 255);
	check_tables(BASE_LOW, 632, 92, 728);
	assert_int_equal(ai.cpu_count, 4);
	assert_int_equal(ai.cpus[0].apic_id, 254);
	assert_false(ai.cpus[0].x2apic);
	assert_int_equal(ai.cpus[1].apic_id, 255);
	assert_int_equal(ai.cpus[1].uid, 1);
	assert_true(ai.cpus[1].x2apic);
	assert_int_equal(ai.cpus[2].apic_id, 0);
	assert_int_equal(ai.cpus[2].uid, 2);
	assert_false(ai.cpus[2].x2apic);
	assert_int_equal(ai.cpus[3].apic_id, 70000);
	assert_int_equal(ai.cpus[3].uid, 3);
	assert_true(ai.cpus[3].x2apic);
	free(b);
}

/* 255 CPUs is the most; the parser keeps only ACPI_MAX_CPUS, so the
 * entries are checked by hand. */
static void test_max_cpus(void **state)
{
	uint32_t ids[VACPI_MAX_CPUS];
	struct vacpi_cfg c = mkcfg(BASE_LOW, ids, VACPI_MAX_CPUS);
	uint8_t *b = malloc(4096);

	(void)state;
	assert_non_null(b);
	for (uint32_t i = 0; i < VACPI_MAX_CPUS; i++)
		ids[i] = i;
	/* MADT 44 + 255 * 8 = 2084 at 632 (ends 2716), MCFG at 2720. */
	assert_int_equal(vacpi_size(&c), 2780);
	assert_int_equal(vacpi_build(&c, b, 4096), 2780);
	check_madt_hdr(b, 632, 2084);
	for (uint32_t i = 0; i < VACPI_MAX_CPUS; i++) {
		const uint8_t *e = b + 632 + 44 + 8 * i;

		assert_int_equal(e[0], 0);
		assert_int_equal(e[1], 8);
		assert_int_equal(e[2], i);
		assert_int_equal(e[3], i);
		assert_int_equal(rd32(e + 4), 1);
	}
	check_header(b, 2720, "MCFG", 60, 1);
	assert_int_equal(rd64(b + 40 + 52), BASE_LOW + 2720);
	assert_int_equal(sum(b + 40, 60), 0);
	free(b);
}

static void test_oem_names(void **state)
{
	const uint32_t ids[] = {3};
	struct vacpi_cfg c = mkcfg(BASE_LOW, ids, 1);
	const uint32_t offs[] = {40, 104, 384, 632, 688}; /* XSDT FADT DSDT MADT MCFG */
	uint8_t b[748];

	(void)state;
	/* Short names are space padded... */
	memcpy(c.oem_id, "AB", 3);
	memcpy(c.oem_table_id, "XY", 3);
	assert_int_equal(vacpi_build(&c, b, sizeof(b)), 748);
	assert_memory_equal(b + 9, "AB    ", 6);
	assert_int_equal(sum(b, 20), 0);
	assert_int_equal(sum(b, 36), 0);
	for (int i = 0; i < 5; i++) {
		const uint32_t off = offs[i];

		assert_memory_equal(b + off + 10, "AB    ", 6);
		assert_memory_equal(b + off + 16, "XY      ", 8);
		assert_int_equal(sum(b + off, rd32(b + off + 4)), 0);
	}
	/* ...full-width ones kept whole, and empty ones get the defaults. */
	memcpy(c.oem_id, "ABCDEF", 7);
	memset(c.oem_table_id, 0, sizeof(c.oem_table_id));
	assert_int_equal(vacpi_build(&c, b, sizeof(b)), 748);
	assert_memory_equal(b + 9, "ABCDEF", 6);
	assert_memory_equal(b + 384 + 10, "ABCDEF", 6);
	assert_memory_equal(b + 384 + 16, VACPI_OEM_TABLE_ID, 8);
	memset(c.oem_id, 0, sizeof(c.oem_id));
	assert_int_equal(vacpi_build(&c, b, sizeof(b)), 748);
	assert_memory_equal(b + 9, VACPI_OEM_ID, 6);
	assert_memory_equal(b + 632 + 10, VACPI_OEM_ID, 6);
	assert_int_equal(sum(b + 632, 52), 0);
	assert_int_equal(sum(b + 384, 245), 0);
}

/* The block's previous contents do not leak through reserved fields or padding. */
static void test_overwrites_stale_bytes(void **state)
{
	const uint32_t ids[] = {1, 2};
	struct vacpi_cfg c = mkcfg(BASE_LOW, ids, 2);
	uint8_t a[756], b[756];

	(void)state;
	memset(a, 0x00, sizeof(a));
	memset(b, 0xff, sizeof(b));
	assert_int_equal(vacpi_build(&c, a, sizeof(a)), 756);
	assert_int_equal(vacpi_build(&c, b, sizeof(b)), 756);
	assert_memory_equal(a, b, sizeof(a));
}

/* ---- errors ---------------------------------------------------------------- */

static void test_too_small(void **state)
{
	const uint32_t ids[] = {1, 2};
	struct vacpi_cfg c = mkcfg(BASE_LOW, ids, 2);
	/* Every table boundary (start, end) and one short of the whole block. */
	const size_t sizes[] = {0,   1,	  20,  35,  36,	 40,  99,  100, 104, 379,
				380, 384, 420, 628, 629, 632, 691, 692, 696, 755};
	const size_t guard = 64;

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint8_t *b = malloc(sizes[i] + guard);

		assert_non_null(b);
		memset(b, 0x5a, sizes[i] + guard);
		assert_int_equal(vacpi_build(&c, b, sizes[i]), -ENOSPC);
		for (size_t k = 0; k < sizes[i] + guard; k++)
			assert_int_equal(b[k], 0x5a);
		free(b);
	}
	/* The exact size is enough, and nothing past it is written. */
	{
		uint8_t *b = malloc(756 + guard);

		assert_non_null(b);
		memset(b, 0x5a, 756 + guard);
		assert_int_equal(vacpi_build(&c, b, 756), 756);
		for (size_t k = 756; k < 756 + guard; k++)
			assert_int_equal(b[k], 0x5a);
		free(b);
	}
}

static void expect_einval(const struct vacpi_cfg *c)
{
	uint8_t b[4096];

	memset(b, 0x5a, sizeof(b));
	assert_int_equal(vacpi_size(c), -EINVAL);
	assert_int_equal(vacpi_build(c, b, sizeof(b)), -EINVAL);
	for (size_t k = 0; k < sizeof(b); k++)
		assert_int_equal(b[k], 0x5a);
}

static void test_bad_cpus(void **state)
{
	static uint32_t many[VACPI_MAX_CPUS + 1];
	const uint32_t dup[] = {4, 7, 4};
	const uint32_t bcast[] = {0, 0xffffffffu};
	struct vacpi_cfg c;

	(void)state;
	c = mkcfg(BASE_LOW, dup, 0);
	expect_einval(&c);
	for (uint32_t i = 0; i <= VACPI_MAX_CPUS; i++)
		many[i] = i;
	c = mkcfg(BASE_LOW, many, VACPI_MAX_CPUS + 1);
	expect_einval(&c);
	c = mkcfg(BASE_LOW, NULL, 1);
	expect_einval(&c);
	c = mkcfg(BASE_LOW, dup, 3);
	expect_einval(&c);
	c = mkcfg(BASE_LOW, bcast, 2);
	expect_einval(&c);
	/* The first two of dup are fine. */
	c = mkcfg(BASE_LOW, dup, 2);
	assert_int_equal(vacpi_size(&c), 756);
}

static void test_bad_ecam(void **state)
{
	const uint32_t ids[] = {0};
	struct vacpi_cfg c = mkcfg(BASE_LOW, ids, 1);

	(void)state;
	c.bus_first = 5;
	c.bus_last = 4;
	expect_einval(&c);
	c.bus_first = c.bus_last = 4; /* one bus is a range; _BBN is a ByteConst */
	assert_int_equal(vacpi_size(&c), 748);

	c = mkcfg(BASE_LOW, ids, 1);
	c.ecam_gpa = ECAM + 0x80000; /* half a bus */
	expect_einval(&c);
	c.ecam_gpa = ECAM + 0x1000;
	expect_einval(&c);
	c.ecam_gpa = 0;
	expect_einval(&c);
	/* The window's last byte (bus 255's) must not wrap past 2^64. Above
	 * 4 GiB the reservation is a QWord descriptor: DSDT 280, MADT 664. */
	c.ecam_gpa = 0ull - (256ull << 20);
	assert_int_equal(vacpi_size(&c), 780);
	c.ecam_gpa += 1ull << 20;
	expect_einval(&c);
	c.bus_last = 254;
	assert_int_equal(vacpi_size(&c), 780);
}

static void test_bad_base_and_args(void **state)
{
	const uint32_t ids[] = {0};
	struct vacpi_cfg c = mkcfg(BASE_LOW + 8, ids, 1);
	uint8_t b[748];

	(void)state;
	expect_einval(&c);
	c.base_gpa = 0ull - 736; /* the last byte would be at 2^64 + 11 */
	expect_einval(&c);
	c.base_gpa = 0ull - 752; /* the last byte is 5 below 2^64: fine */
	assert_int_equal(vacpi_size(&c), 748);
	c.base_gpa = BASE_LOW;
	assert_int_equal(vacpi_size(NULL), -EINVAL);
	assert_int_equal(vacpi_build(NULL, b, sizeof(b)), -EINVAL);
	assert_int_equal(vacpi_build(&c, NULL, sizeof(b)), -EINVAL);
	assert_int_equal(vacpi_build(&c, b, sizeof(b)), 748);
}

/* ---- DSDT AML ---------------------------------------------------------------- */

/* PkgLength: the value counts its own bytes; 1 byte below 64, then 2 (12 bits),
 * 3 (20 bits), 4 (28 bits). @len is what follows the PkgLength. */
static void test_pkglen(void **state)
{
	static const struct {
		uint32_t len;
		unsigned int n;
		uint8_t enc[4];
	} cases[] = {
		{0, 1, {0x01}},
		{61, 1, {0x3e}},
		{62, 1, {0x3f}},		  /* total 63: the largest 1-byte form */
		{63, 2, {0x41, 0x04}},		  /* total 64 does not fit 1 byte: 65 */
		{64, 2, {0x42, 0x04}},		  /* total 66 */
		{4093, 2, {0x4f, 0xff}},	  /* total 4095: the largest 2-byte form */
		{4094, 3, {0x81, 0x00, 0x01}},	  /* total 4097 */
		{4095, 3, {0x82, 0x00, 0x01}},	  /* total 4098 */
		{4096, 3, {0x83, 0x00, 0x01}},	  /* total 4099 */
		{0xffffc, 3, {0x8f, 0xff, 0xff}}, /* total 2^20 - 1 */
		{0xffffd, 4, {0xc1, 0x00, 0x00, 0x01}},
		{0x0ffffffb, 4, {0xcf, 0xff, 0xff, 0xff}}, /* total 2^28 - 1 */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t out[6];

		memset(out, 0xee, sizeof(out));
		assert_int_equal(vacpi_aml_pkglen(out, cases[i].len), cases[i].n);
		assert_memory_equal(out, cases[i].enc, cases[i].n);
		assert_int_equal(out[cases[i].n], 0xee);
		assert_int_equal(vacpi_aml_pkglen(NULL, cases[i].len), cases[i].n);
	}
	assert_int_equal(vacpi_aml_pkglen(NULL, 0x0ffffffc), 0);
	assert_int_equal(vacpi_aml_pkglen(NULL, UINT32_MAX), 0);
}

/* Device(COM1) takes the same 42 bytes, last, in every config. */
#define AML_COM1_LEN 42

/* Name(\\_S5, Package(4) {5, 5, 0, 0}) at the root, after the Scope:
 * 12 Package, PkgLength 8 (1 + 7), NumElements 4, ByteConst 5 twice, Zero
 * twice. Both expected DSDTs end with it. */
#define S5_AML 0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04, 0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00

/* The AML for bus 0-15, MMIO 0xc0000000 + 256 MiB, ECAM 0xe0000000, encoded by
 * hand (ACPI 6.4 ch. 20 and 6.4); iasl -d decodes it to the ASL in vacpi.h,
 * with the devices in this order: PCI0 (at 8), RES0 (at 107), COM1 (at 153). */

static const uint8_t aml_low[] = {
	0x10,
	0x42,
	0x0c, /* Scope, PkgLength 0x0c2 (2 bytes + 192) */
	0x5c,
	'_',
	'S',
	'B',
	'_', /* \_SB_ */
	0x5b,
	0x82,
	0x41,
	0x06, /* Device, PkgLength 0x061 (2 + 95) */
	'P',
	'C',
	'I',
	'0',
	0x08,
	'_',
	'H',
	'I',
	'D',
	0x0c,
	0x41,
	0xd0,
	0x0a,
	0x08, /* EisaId PNP0A08 */
	0x08,
	'_',
	'C',
	'I',
	'D',
	0x0c,
	0x41,
	0xd0,
	0x0a,
	0x03, /* EisaId PNP0A03 */
	0x08,
	'_',
	'U',
	'I',
	'D',
	0x00, /* Zero */
	0x08,
	'_',
	'S',
	'E',
	'G',
	0x00,
	0x08,
	'_',
	'B',
	'B',
	'N',
	0x00,
	0x08,
	'_',
	'C',
	'R',
	'S',
	0x11,
	0x2f,
	0x0a,
	0x2c, /* Buffer, PkgLength 47, BufferSize ByteConst 44 */
	/* WordBusNumber: bus range, producer, MinFixed MaxFixed, 0-15, length 16 */
	0x88,
	0x0d,
	0x00,
	0x02,
	0x0c,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x0f,
	0x00,
	0x00,
	0x00,
	0x10,
	0x00,
	/* DWordMemory: producer, fixed, non-cacheable read-write */
	0x87,
	0x17,
	0x00,
	0x00,
	0x0c,
	0x01,
	0x00,
	0x00,
	0x00,
	0x00, /* granularity */
	0x00,
	0x00,
	0x00,
	0xc0, /* min */
	0xff,
	0xff,
	0xff,
	0xcf, /* max */
	0x00,
	0x00,
	0x00,
	0x00, /* translation */
	0x00,
	0x00,
	0x00,
	0x10, /* length */
	0x79,
	0x00, /* End Tag */
	0x5b,
	0x82,
	0x2c, /* Device, PkgLength 44 (1 + 43) */
	'R',
	'E',
	'S',
	'0',
	0x08,
	'_',
	'H',
	'I',
	'D',
	0x0c,
	0x41,
	0xd0,
	0x0c,
	0x02, /* EisaId PNP0C02 */
	0x08,
	'_',
	'U',
	'I',
	'D',
	0x00,
	0x08,
	'_',
	'C',
	'R',
	'S',
	0x11,
	0x11,
	0x0a,
	0x0e, /* Buffer, PkgLength 17, BufferSize 14 */
	0x86,
	0x09,
	0x00,
	0x01, /* Memory32Fixed, read-write */
	0x00,
	0x00,
	0x00,
	0xe0, /* base: bus 0's config space */
	0x00,
	0x00,
	0x00,
	0x01, /* 16 buses * 1 MiB */
	0x79,
	0x00,
	/* Device(COM1): 5b 82, PkgLength 40 (1 + 39) */
	0x5b,
	0x82,
	0x28,
	'C',
	'O',
	'M',
	'1',
	0x08,
	'_',
	'H',
	'I',
	'D',
	0x0c,
	0x41,
	0xd0,
	0x05,
	0x01, /* EisaId PNP0501: 0x0105d041 */
	0x08,
	'_',
	'U',
	'I',
	'D',
	0x01, /* One */
	0x08,
	'_',
	'C',
	'R',
	'S',
	0x11,
	0x0d,
	0x0a,
	0x0a, /* Buffer, PkgLength 13, BufferSize ByteConst 10 */
	/* IO(Decode16, 0x3f8, 0x3f8, 1, 8): small item 8, length 7 */
	0x47,
	0x01, /* 16-bit decode */
	0xf8,
	0x03, /* minimum base */
	0xf8,
	0x03, /* maximum base */
	0x01, /* alignment */
	0x08, /* length */
	/* End Tag */
	0x79,
	0x00,
	S5_AML,
};

/* Bus 2-9, ECAM at 256 GiB: _BBN is a ByteConst, RES0 a QWordMemory, and the
 * Scope and the PCI0 and RES0 Devices need 2-byte PkgLengths. COM1 (at 189) is
 * the same 42 bytes as in aml_low. */
static const uint8_t aml_high[] = {
	0x10,
	0x46,
	0x0e, /* Scope, PkgLength 0x0e6 (2 + 228) */
	0x5c,
	'_',
	'S',
	'B',
	'_',
	0x5b,
	0x82,
	0x42,
	0x06, /* Device, PkgLength 0x062 (2 + 96) */
	'P',
	'C',
	'I',
	'0',
	0x08,
	'_',
	'H',
	'I',
	'D',
	0x0c,
	0x41,
	0xd0,
	0x0a,
	0x08,
	0x08,
	'_',
	'C',
	'I',
	'D',
	0x0c,
	0x41,
	0xd0,
	0x0a,
	0x03,
	0x08,
	'_',
	'U',
	'I',
	'D',
	0x00,
	0x08,
	'_',
	'S',
	'E',
	'G',
	0x00,
	0x08,
	'_',
	'B',
	'B',
	'N',
	0x0a,
	0x02, /* ByteConst 2 */
	0x08,
	'_',
	'C',
	'R',
	'S',
	0x11,
	0x2f,
	0x0a,
	0x2c,
	0x88,
	0x0d,
	0x00,
	0x02,
	0x0c,
	0x00,
	0x00,
	0x00,
	0x02,
	0x00,
	0x09,
	0x00,
	0x00,
	0x00,
	0x08,
	0x00, /* 2-9, 8 buses */
	0x87,
	0x17,
	0x00,
	0x00,
	0x0c,
	0x01,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0xc0,
	0xff,
	0xff,
	0xff,
	0xcf,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x10,
	0x79,
	0x00,
	0x5b,
	0x82,
	0x4f,
	0x04, /* Device, PkgLength 0x04f (2 + 77) */
	'R',
	'E',
	'S',
	'0',
	0x08,
	'_',
	'H',
	'I',
	'D',
	0x0c,
	0x41,
	0xd0,
	0x0c,
	0x02,
	0x08,
	'_',
	'U',
	'I',
	'D',
	0x00,
	0x08,
	'_',
	'C',
	'R',
	'S',
	0x11,
	0x33,
	0x0a,
	0x30, /* Buffer, PkgLength 51, BufferSize 48 */
	/* QWordMemory: consumer, fixed, non-cacheable read-write */
	0x8a,
	0x2b,
	0x00,
	0x00,
	0x0d,
	0x01,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00, /* granularity */
	0x00,
	0x00,
	0x20,
	0x00,
	0x40,
	0x00,
	0x00,
	0x00, /* min: bus 2 */
	0xff,
	0xff,
	0x9f,
	0x00,
	0x40,
	0x00,
	0x00,
	0x00, /* max: end of bus 9 */
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00, /* translation */
	0x00,
	0x00,
	0x80,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00, /* 8 MiB */
	0x79,
	0x00,
	/* Device(COM1): 5b 82, PkgLength 40 (1 + 39) */
	0x5b,
	0x82,
	0x28,
	'C',
	'O',
	'M',
	'1',
	0x08,
	'_',
	'H',
	'I',
	'D',
	0x0c,
	0x41,
	0xd0,
	0x05,
	0x01, /* EisaId PNP0501: 0x0105d041 */
	0x08,
	'_',
	'U',
	'I',
	'D',
	0x01, /* One */
	0x08,
	'_',
	'C',
	'R',
	'S',
	0x11,
	0x0d,
	0x0a,
	0x0a, /* Buffer, PkgLength 13, BufferSize ByteConst 10 */
	/* IO(Decode16, 0x3f8, 0x3f8, 1, 8): small item 8, length 7 */
	0x47,
	0x01, /* 16-bit decode */
	0xf8,
	0x03, /* minimum base */
	0xf8,
	0x03, /* maximum base */
	0x01, /* alignment */
	0x08, /* length */
	/* End Tag */
	0x79,
	0x00,
	S5_AML,
};

/* The DSDT built for @c (one CPU, so a 52-byte MADT) is @aml byte for byte,
 * and the hypervisor's own parser (drivers/acpi) still finds the FADT, MADT
 * and MCFG that follow it, and the DSDT through the FADT. */
static void check_aml(const struct vacpi_cfg *c, const uint8_t *aml, size_t aml_len,
		      uint8_t checksum, int total, uint32_t madt_off, uint32_t mcfg_off)
{
	static uint8_t b[1024];
	const struct acpi_table_ref *fadt;
	const uint8_t *f, *dsdt;

	assert_int_equal(vacpi_size(c), total);
	assert_int_equal(vacpi_build(c, b, sizeof(b)), total);
	check_header(b, 384, "DSDT", 36 + (uint32_t)aml_len, 2);
	assert_int_equal(b[384 + 9], checksum);
	assert_int_equal(sum(b + 384, 36 + aml_len), 0);
	assert_memory_equal(b + 384 + 36, aml, aml_len);

	img = b;
	img_base = c->base_gpa;
	img_len = (size_t)total;
	memset(&ai, 0xa5, sizeof(ai));
	assert_int_equal(acpi_parse(&ai, acpi_map(c->base_gpa, 36), 36, c->base_gpa), 0);
	assert_int_equal(printk_count[LOG_ERR] + printk_count[LOG_WARN], 0);
	assert_string_equal(printk_log, "");
	check_tables(c->base_gpa, madt_off, 52, mcfg_off);
	check_mcfg(b, mcfg_off, c->ecam_gpa, c->bus_first, c->bus_last);
	assert_int_equal(ai.cpu_count, 1);
	assert_int_equal(ai.cpus[0].apic_id, c->apic_ids[0]);
	/* The XSDT does not list the DSDT; X_DSDT leads to it. */
	fadt = acpi_table(&ai, "FACP");
	assert_non_null(fadt);
	f = acpi_map(fadt->phys, fadt->len);
	assert_non_null(f);
	assert_int_equal(rd64(f + 140), c->base_gpa + 384);
	dsdt = acpi_map(rd64(f + 140), 36 + aml_len);
	assert_ptr_equal(dsdt, b + 384);
	assert_int_equal(acpi_checksum(dsdt, 36 + aml_len), 0);
	img = NULL;
}

static void test_dsdt_aml(void **state)
{
	const uint32_t ids[] = {0};
	struct vacpi_cfg c = mkcfg(BASE_LOW, ids, 1);

	(void)state;
	assert_int_equal(sizeof(aml_low), 209);
	assert_int_equal(sizeof(aml_high), 245);
	assert_memory_equal(aml_low + 153, aml_high + 189, AML_COM1_LEN);
	c.bus_last = 15;
	/* DSDT 245, MADT 632 (52), MCFG 688. */
	check_aml(&c, aml_low, sizeof(aml_low), 0x7e, 748, 632, 688);
	c = mkcfg(BASE_HIGH, ids, 1);
	c.ecam_gpa = 0x4000000000ull;
	c.bus_first = 2;
	c.bus_last = 9;
	/* DSDT 281, MADT 672 (52), MCFG 728. */
	check_aml(&c, aml_high, sizeof(aml_high), 0xd8, 788, 672, 728);
	/* The DSDT does not depend on where the block is. */
	c.base_gpa = BASE_LOW;
	check_aml(&c, aml_high, sizeof(aml_high), 0xd8, 788, 672, 728);
}

/* Fields that move with the config, located by the aml_low layout. */
static void test_dsdt_fields(void **state)
{
	const uint32_t ids[] = {0};
	struct vacpi_cfg c = mkcfg(BASE_LOW, ids, 1);
	const uint8_t *a, *word, *dword, *fixed;
	uint8_t b[788];

	(void)state;
	/* _BBN 1 is OneOp; 1-255 is 255 buses; a 1 GiB window at 2 GiB. */
	c.bus_first = 1;
	c.mmio_gpa = 0x80000000;
	c.mmio_size = 0x40000000;
	assert_int_equal(vacpi_build(&c, b, sizeof(b)), 748);
	check_header(b, 384, "DSDT", 245, 2);
	a = b + 384 + 36;
	word = a + 63;
	dword = word + 16;
	fixed = a + 139;
	assert_memory_equal(a + 48, "\x08_BBN\x01", 6);
	assert_int_equal(word[0], 0x88);
	assert_int_equal(rd16(word + 8), 1);
	assert_int_equal(rd16(word + 10), 255);
	assert_int_equal(rd16(word + 14), 255);
	assert_int_equal(dword[0], 0x87);
	assert_int_equal(rd32(dword + 10), 0x80000000);
	assert_int_equal(rd32(dword + 14), 0xbfffffff);
	assert_int_equal(rd32(dword + 22), 0x40000000);
	assert_int_equal(fixed[0], 0x86);
	assert_int_equal(rd32(fixed + 4), 0xe0100000); /* bus 1's config space */
	assert_int_equal(rd32(fixed + 8), 255u << 20);
	/* COM1 follows RES0 and does not change with the config. */
	assert_memory_equal(a + 153, aml_low + 153, AML_COM1_LEN);

	/* An ECAM window ending exactly at 4 GiB still fits Memory32Fixed. */
	c = mkcfg(BASE_LOW, ids, 1);
	c.ecam_gpa = 0xf0000000;
	assert_int_equal(vacpi_build(&c, b, sizeof(b)), 748);
	a = b + 384 + 36;
	fixed = a + 139;
	assert_int_equal(fixed[0], 0x86);
	assert_int_equal(rd32(fixed + 4), 0xf0000000);
	assert_int_equal(rd32(fixed + 8), 0x10000000);
	assert_memory_equal(a + 153, aml_low + 153, AML_COM1_LEN);
	/* One more bus past it and it is a QWord: DSDT 280, MADT 664 (52), MCFG 720,
	 * and COM1 moves to 188, after the longer RES0. */
	c.ecam_gpa = 0xf0100000;
	assert_int_equal(vacpi_size(&c), 780);
	assert_int_equal(vacpi_build(&c, b, sizeof(b)), 780);
	check_header(b, 384, "DSDT", 280, 2);
	a = b + 384 + 36;
	assert_int_equal(a[140], 0x8a); /* RES0's QWordMemory, after a 2-byte PkgLength */
	assert_memory_equal(a + 188, aml_low + 153, AML_COM1_LEN);
	assert_int_equal(rd64(b + 40 + 44), BASE_LOW + 664);
	assert_int_equal(rd64(b + 40 + 52), BASE_LOW + 720);
	c.bus_last = 254; /* ...unless the guest's buses end one earlier */
	assert_int_equal(vacpi_size(&c), 748);
}

static void test_bad_mmio(void **state)
{
	const uint32_t ids[] = {0};
	struct vacpi_cfg c = mkcfg(BASE_LOW, ids, 1);

	(void)state;
	c.mmio_size = 0;
	expect_einval(&c);
	c.mmio_size = MIB / 2;
	expect_einval(&c);
	c.mmio_size = MIB + 4096;
	expect_einval(&c);
	c.mmio_size = MIB;
	assert_int_equal(vacpi_size(&c), 748);
	c.mmio_gpa = 0xc0001000; /* only the size must be in whole MiB */
	assert_int_equal(vacpi_size(&c), 748);
	c.mmio_gpa = 0;
	expect_einval(&c);
	c.mmio_gpa = 1ull << 32;
	expect_einval(&c);
	c.mmio_gpa = MIB;
	c.mmio_size = 0ull - MIB; /* base + size wraps */
	expect_einval(&c);
	c.mmio_size = (1ull << 32) - MIB; /* up to 4 GiB but over ECAM and the LAPIC */
	expect_einval(&c);

	/* Past 4 GiB by 1 MiB; ending at 4 GiB exactly is fine. */
	c.mmio_gpa = 0xff100000;
	c.mmio_size = 16 * MIB;
	expect_einval(&c);
	c.mmio_gpa = 0xff000000;
	assert_int_equal(vacpi_size(&c), 748);

	/* The local APIC's 1 MiB at 0xfee00000. */
	c.mmio_gpa = 0xfed00000;
	c.mmio_size = MIB;
	assert_int_equal(vacpi_size(&c), 748);
	c.mmio_size = 2 * MIB;
	expect_einval(&c);
	c.mmio_gpa = 0xfee00000;
	c.mmio_size = MIB;
	expect_einval(&c);
	c.mmio_gpa = 0xfef00000;
	assert_int_equal(vacpi_size(&c), 748);

	/* The ECAM window of buses 0-255: 0xe0000000-0xefffffff. */
	c.mmio_gpa = 0xd0000000;
	c.mmio_size = 256 * MIB;
	assert_int_equal(vacpi_size(&c), 748);
	c.mmio_size += MIB;
	expect_einval(&c);
	c.mmio_gpa = 0xeff00000;
	c.mmio_size = MIB;
	expect_einval(&c);
	c.mmio_gpa = 0xf0000000;
	assert_int_equal(vacpi_size(&c), 748);
	/* Only the guest's buses count: from bus 16 on, bus 0-15's space is free. */
	c.mmio_gpa = ECAM;
	c.mmio_size = 16 * MIB;
	expect_einval(&c);
	c.bus_first = 16;
	assert_int_equal(vacpi_size(&c), 748);
	c.mmio_size += MIB;
	expect_einval(&c);
	/* ECAM at the top of the address space does not wrap the check. */
	c = mkcfg(BASE_LOW, ids, 1);
	c.ecam_gpa = 0ull - (256ull << 20);
	assert_int_equal(vacpi_size(&c), 780);
}

/* -ENOSPC one byte short of a block whose DSDT is the long (QWord) form. */
static void test_too_small_high(void **state)
{
	const uint32_t ids[] = {300};
	struct vacpi_cfg c = mkcfg(BASE_HIGH, ids, 1);
	/* DSDT 384-664, MADT 672-731, MCFG 736-795 */
	const size_t sizes[] = {664, 665, 671, 672, 731, 736, 795};
	uint8_t b[796 + 64];

	(void)state;
	c.ecam_gpa = 0x4000000000ull;
	c.bus_first = 2;
	c.bus_last = 9;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		memset(b, 0x5a, sizeof(b));
		assert_int_equal(vacpi_build(&c, b, sizes[i]), -ENOSPC);
		for (size_t k = 0; k < sizeof(b); k++)
			assert_int_equal(b[k], 0x5a);
	}
	memset(b, 0x5a, sizeof(b));
	assert_int_equal(vacpi_build(&c, b, 796), 796);
	for (size_t k = 796; k < sizeof(b); k++)
		assert_int_equal(b[k], 0x5a);
}

/* The sleep control byte that means soft-off: SLP_EN (bit 5) with \_S5's
 * SLP_TYP (bits 4:2); the other bits do not matter, any other type or a
 * missing SLP_EN is not power-off. */
static void test_sleep_is_s5(void **state)
{
	unsigned int yes = 0;

	(void)state;
	for (unsigned int v = 0; v < 256; v++) {
		bool s5 = vacpi_sleep_is_s5((uint8_t)v);

		assert_int_equal(s5, (v & 0x3c) == 0x34);
		yes += s5;
	}
	assert_int_equal(yes, 16);
	assert_true(vacpi_sleep_is_s5(0x34));
	assert_false(vacpi_sleep_is_s5(0x14)); /* S5's type, SLP_EN clear */
	assert_false(vacpi_sleep_is_s5(0x2c)); /* SLP_EN with type 3 */
	assert_false(vacpi_sleep_is_s5(0x20));
	assert_false(vacpi_sleep_is_s5(0x80)); /* WAK_STS, as written to status */
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, NULL)
	const struct CMUnitTest tests[] = {
		T(test_one_cpu),
		T(test_two_cpus),
		T(test_x2apic_cpu),
		T(test_mixed_and_id_255),
		T(test_max_cpus),
		T(test_oem_names),
		T(test_overwrites_stale_bytes),
		T(test_too_small),
		T(test_bad_cpus),
		T(test_bad_ecam),
		T(test_bad_base_and_args),
		T(test_pkglen),
		T(test_dsdt_aml),
		T(test_dsdt_fields),
		T(test_sleep_is_s5),
		T(test_bad_mmio),
		T(test_too_small_high),
	};
#undef T

	return cmocka_run_group_tests_name("vacpi", tests, NULL, NULL);
}
