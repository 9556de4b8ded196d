// SPDX-License-Identifier: MIT
/*
 * Unit tests for hv/vacpi.c. The tables are built into a heap buffer that the
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
#include "acpi.h"
#include "err.h"
#include "printk.h"
#include "vacpi.h"
#include "fake_printk.h"

#define BASE_LOW  0x7ffe0000ull	 /* below 4 GiB: the 32-bit DSDT field is set */
#define BASE_HIGH 0x100000000ull /* at 4 GiB: it stays 0 */
#define ECAM	  0xe0000000ull

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

static void check_xsdt(const uint8_t *b, uint64_t base, uint32_t mcfg_off)
{
	check_header(b, 40, "XSDT", 60, 1);
	assert_int_equal(rd64(b + 40 + 36), base + 104);
	assert_int_equal(rd64(b + 40 + 44), base + 424);
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
	assert_int_equal(rd32(f + 112), 0x180031);
	assert_int_equal(rd32(f + 112) & (1u << 20), 1u << 20); /* HW_REDUCED_ACPI */
	assert_true(all_zero(f + 116, 13));			/* RESET_REG, RESET_VALUE: none */
	assert_int_equal(rd16(f + 129), 0);			/* ARM_BOOT_ARCH */
	assert_int_equal(f[131], 4);				/* FADT 6.4 */
	assert_int_equal(rd64(f + 132), 0);			/* X_FIRMWARE_CTRL */
	assert_int_equal(rd64(f + 140), dsdt);
	assert_true(all_zero(f + 148, 96)); /* X_PM1a_EVT_BLK .. X_GPE1_BLK */
	assert_true(all_zero(f + 244, 24)); /* SLEEP_CONTROL/STATUS_REG */
	assert_memory_equal(f + 268, "VFVISOR ", 8);
	assert_true(all_zero(f + 276, 4)); /* padding before the DSDT */
}

static void check_dsdt(const uint8_t *b, uint64_t base)
{
	const uint8_t *f = b + 104;

	/* Reached through the FADT, as an OS does. */
	assert_int_equal(rd64(f + 140) - base, 384);
	check_header(b, 384, "DSDT", 36, 2);
	assert_true(all_zero(b + 420, 4));
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

static void check_tables(uint64_t base, uint32_t madt_len, uint32_t mcfg_off)
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
	assert_int_equal(ai.tables[1].phys, base + 424);
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

static void check_madt_hdr(const uint8_t *b, uint32_t len)
{
	check_header(b, 424, "APIC", len, 5);
	assert_int_equal(rd32(b + 424 + 36), 0xfee00000);
	assert_int_equal(rd32(b + 424 + 40), 0);
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
	/* RSDP 0, XSDT 40, FADT 104, DSDT 384, MADT 424 (52), MCFG 480 (60). */
	b = build_parse(&c, 540);
	check_rsdp(b, BASE_LOW);
	check_xsdt(b, BASE_LOW, 480);
	check_fadt(b, BASE_LOW);
	check_dsdt(b, BASE_LOW);
	check_madt_hdr(b, 52);
	e = b + 424 + 44;
	assert_int_equal(e[0], 0);
	assert_int_equal(e[1], 8);
	assert_int_equal(e[2], 0);
	assert_int_equal(e[3], 0);
	assert_int_equal(rd32(e + 4), 1);
	assert_true(all_zero(b + 476, 4));
	check_mcfg(b, 480, ECAM, 0, 15);
	check_tables(BASE_LOW, 52, 480);
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
	/* MADT 424 (60), MCFG 488. */
	b = build_parse(&c, 548);
	check_rsdp(b, BASE_LOW);
	check_xsdt(b, BASE_LOW, 488);
	check_fadt(b, BASE_LOW);
	check_dsdt(b, BASE_LOW);
	check_madt_hdr(b, 60);
	for (int i = 0; i < 2; i++) {
		e = b + 424 + 44 + 8 * i;
		assert_int_equal(e[0], 0);
		assert_int_equal(e[1], 8);
		assert_int_equal(e[2], i);
		assert_int_equal(e[3], i + 1);
		assert_int_equal(rd32(e + 4), 1);
	}
	assert_true(all_zero(b + 484, 4));
	check_mcfg(b, 488, ECAM, 0, 255);
	check_tables(BASE_LOW, 60, 488);
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
	/* MADT 424 (60), MCFG 488; above 4 GiB the 32-bit DSDT field is 0. */
	b = build_parse(&c, 548);
	check_rsdp(b, BASE_HIGH);
	check_xsdt(b, BASE_HIGH, 488);
	check_fadt(b, BASE_HIGH);
	assert_int_equal(rd32(b + 104 + 40), 0);
	check_dsdt(b, BASE_HIGH);
	check_madt_hdr(b, 60);
	e = b + 424 + 44;
	assert_int_equal(e[0], 9);
	assert_int_equal(e[1], 16);
	assert_int_equal(rd16(e + 2), 0);
	assert_int_equal(rd32(e + 4), 300);
	assert_int_equal(rd32(e + 8), 1);
	assert_int_equal(rd32(e + 12), 0);
	check_mcfg(b, 488, 0x4000000000ull, 2, 9);
	check_tables(BASE_HIGH, 60, 488);
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
	/* MADT 44 + 8 + 16 + 8 + 16 = 92 at 424, MCFG at 520. */
	b = build_parse(&c, 580);
	check_madt_hdr(b, 92);
	e = b + 424 + 44;
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
	check_mcfg(b, 520, ECAM, 0, 255);
	check_tables(BASE_LOW, 92, 520);
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
	/* MADT 44 + 255 * 8 = 2084 at 424 (ends 2508), MCFG at 2512. */
	assert_int_equal(vacpi_size(&c), 2572);
	assert_int_equal(vacpi_build(&c, b, 4096), 2572);
	check_madt_hdr(b, 2084);
	for (uint32_t i = 0; i < VACPI_MAX_CPUS; i++) {
		const uint8_t *e = b + 424 + 44 + 8 * i;

		assert_int_equal(e[0], 0);
		assert_int_equal(e[1], 8);
		assert_int_equal(e[2], i);
		assert_int_equal(e[3], i);
		assert_int_equal(rd32(e + 4), 1);
	}
	check_header(b, 2512, "MCFG", 60, 1);
	assert_int_equal(rd64(b + 40 + 52), BASE_LOW + 2512);
	assert_int_equal(sum(b + 40, 60), 0);
	free(b);
}

static void test_oem_names(void **state)
{
	const uint32_t ids[] = {3};
	struct vacpi_cfg c = mkcfg(BASE_LOW, ids, 1);
	const uint32_t offs[] = {40, 104, 384, 424, 480}; /* XSDT FADT DSDT MADT MCFG */
	uint8_t b[540];

	(void)state;
	/* Short names are space padded... */
	memcpy(c.oem_id, "AB", 3);
	memcpy(c.oem_table_id, "XY", 3);
	assert_int_equal(vacpi_build(&c, b, sizeof(b)), 540);
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
	assert_int_equal(vacpi_build(&c, b, sizeof(b)), 540);
	assert_memory_equal(b + 9, "ABCDEF", 6);
	assert_memory_equal(b + 384 + 10, "ABCDEF", 6);
	assert_memory_equal(b + 384 + 16, VACPI_OEM_TABLE_ID, 8);
	memset(c.oem_id, 0, sizeof(c.oem_id));
	assert_int_equal(vacpi_build(&c, b, sizeof(b)), 540);
	assert_memory_equal(b + 9, VACPI_OEM_ID, 6);
	assert_memory_equal(b + 424 + 10, VACPI_OEM_ID, 6);
	assert_int_equal(sum(b + 424, 52), 0);
}

/* The block's previous contents do not leak through reserved fields or padding. */
static void test_overwrites_stale_bytes(void **state)
{
	const uint32_t ids[] = {1, 2};
	struct vacpi_cfg c = mkcfg(BASE_LOW, ids, 2);
	uint8_t a[548], b[548];

	(void)state;
	memset(a, 0x00, sizeof(a));
	memset(b, 0xff, sizeof(b));
	assert_int_equal(vacpi_build(&c, a, sizeof(a)), 548);
	assert_int_equal(vacpi_build(&c, b, sizeof(b)), 548);
	assert_memory_equal(a, b, sizeof(a));
}

/* ---- errors ---------------------------------------------------------------- */

static void test_too_small(void **state)
{
	const uint32_t ids[] = {1, 2};
	struct vacpi_cfg c = mkcfg(BASE_LOW, ids, 2);
	/* Every table boundary (start, end) and one short of the whole block. */
	const size_t sizes[] = {0,   1,	  20,  35,  36,	 40,  99,  100, 104,
				379, 380, 384, 419, 420, 424, 483, 488, 547};
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
		uint8_t *b = malloc(548 + guard);

		assert_non_null(b);
		memset(b, 0x5a, 548 + guard);
		assert_int_equal(vacpi_build(&c, b, 548), 548);
		for (size_t k = 548; k < 548 + guard; k++)
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
	assert_int_equal(vacpi_size(&c), 548);
}

static void test_bad_ecam(void **state)
{
	const uint32_t ids[] = {0};
	struct vacpi_cfg c = mkcfg(BASE_LOW, ids, 1);

	(void)state;
	c.bus_first = 5;
	c.bus_last = 4;
	expect_einval(&c);
	c.bus_first = c.bus_last = 4; /* one bus is a range */
	assert_int_equal(vacpi_size(&c), 540);

	c = mkcfg(BASE_LOW, ids, 1);
	c.ecam_gpa = ECAM + 0x80000; /* half a bus */
	expect_einval(&c);
	c.ecam_gpa = ECAM + 0x1000;
	expect_einval(&c);
	c.ecam_gpa = 0;
	expect_einval(&c);
	/* The window's last byte (bus 255's) must not wrap past 2^64. */
	c.ecam_gpa = 0ull - (256ull << 20);
	assert_int_equal(vacpi_size(&c), 540);
	c.ecam_gpa += 1ull << 20;
	expect_einval(&c);
	c.bus_last = 254;
	assert_int_equal(vacpi_size(&c), 540);
}

static void test_bad_base_and_args(void **state)
{
	const uint32_t ids[] = {0};
	struct vacpi_cfg c = mkcfg(BASE_LOW + 8, ids, 1);
	uint8_t b[540];

	(void)state;
	expect_einval(&c);
	c.base_gpa = 0ull - 528; /* the last byte would be at 2^64 + 11 */
	expect_einval(&c);
	c.base_gpa = 0ull - 544; /* ends 5 bytes below 2^64: fine */
	assert_int_equal(vacpi_size(&c), 540);
	c.base_gpa = BASE_LOW;
	assert_int_equal(vacpi_size(NULL), -EINVAL);
	assert_int_equal(vacpi_build(NULL, b, sizeof(b)), -EINVAL);
	assert_int_equal(vacpi_build(&c, NULL, sizeof(b)), -EINVAL);
	assert_int_equal(vacpi_build(&c, b, sizeof(b)), 540);
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
	};
#undef T

	return cmocka_run_group_tests_name("vacpi", tests, NULL, NULL);
}
