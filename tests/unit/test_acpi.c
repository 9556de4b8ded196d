// SPDX-License-Identifier: MIT
/*
 * Unit tests for drivers/acpi/acpi.c. Physical memory is a 2 MiB array at
 * address 0; acpi_map() hands out a fresh heap copy of exactly the range
 * asked for, so ASan reports any read past what the parser had confirmed.
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
#include "fake_printk.h"

#define MEM_SIZE (2u << 20)

static uint8_t mem[MEM_SIZE];
static void **copies;
static size_t ncopies, capcopies;
static unsigned int map_calls;
static struct acpi_info ai;

/* The q35-like layout. */
#define RSDP 0xf0000u
#define RSDT 0x100000u
#define XSDT 0x101000u
#define FACP 0x102000u
#define APIC 0x103000u
#define HPET 0x104000u
#define MCFG 0x105000u
#define DMAR 0x106000u
#define IVRS 0x107000u

const void *acpi_map(uint64_t phys, uint64_t len)
{
	void *c;

	map_calls++;
	if (!len || phys >= MEM_SIZE || len > MEM_SIZE - phys)
		return NULL;
	if (ncopies == capcopies) {
		capcopies = capcopies ? capcopies * 2 : 64;
		copies = realloc(copies, capcopies * sizeof(*copies));
		assert_non_null(copies);
	}
	c = malloc(len);
	assert_non_null(c);
	memcpy(c, mem + phys, len);
	copies[ncopies++] = c;
	return c;
}

static void free_copies(void)
{
	for (size_t i = 0; i < ncopies; i++)
		free(copies[i]);
	free(copies);
	copies = NULL;
	ncopies = capcopies = 0;
}

static int setup(void **state)
{
	(void)state;
	memset(mem, 0, sizeof(mem));
	memset(&ai, 0xa5, sizeof(ai)); /* acpi_parse must clear it */
	free_copies();
	map_calls = 0;
	printk_reset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free_copies();
	return 0;
}

/* ---- building fake firmware ---------------------------------------------- */

static void put8(uint64_t at, uint8_t v)
{
	assert_true(at < MEM_SIZE);
	mem[at] = v;
}

static void put16(uint64_t at, uint16_t v)
{
	put8(at, (uint8_t)v);
	put8(at + 1, (uint8_t)(v >> 8));
}

static void put32(uint64_t at, uint32_t v)
{
	put16(at, (uint16_t)v);
	put16(at + 2, (uint16_t)(v >> 16));
}

static void put64(uint64_t at, uint64_t v)
{
	put32(at, (uint32_t)v);
	put32(at + 4, (uint32_t)(v >> 32));
}

/* Set the byte at @at + @csum so the @len bytes at @at sum to 0. */
static void fix_sum(uint64_t at, uint32_t len, uint32_t csum)
{
	uint8_t sum = 0;

	mem[at + csum] = 0;
	for (uint32_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + mem[at + i]);
	mem[at + csum] = (uint8_t)-sum;
}

struct tb {
	uint64_t at;
	uint32_t len;
};

static struct tb tb_begin(uint64_t at, const char *sig)
{
	struct tb t = {at, 36};

	memset(mem + at, 0, 36);
	memcpy(mem + at, sig, 4);
	put8(at + 8, 3);
	memcpy(mem + at + 10, "VFTEST", 6);
	memcpy(mem + at + 16, "VFTABLE ", 8);
	put32(at + 24, 1);
	memcpy(mem + at + 28, "VFCR", 4);
	put32(at + 32, 1);
	return t;
}

static void tb_u8(struct tb *t, uint8_t v)
{
	put8(t->at + t->len++, v);
}

static void tb_u16(struct tb *t, uint16_t v)
{
	put16(t->at + t->len, v);
	t->len += 2;
}

static void tb_u32(struct tb *t, uint32_t v)
{
	put32(t->at + t->len, v);
	t->len += 4;
}

static void tb_u64(struct tb *t, uint64_t v)
{
	put64(t->at + t->len, v);
	t->len += 8;
}

static void tb_zero(struct tb *t, uint32_t n)
{
	while (n--)
		tb_u8(t, 0);
}

/* Set the length and checksum. */
static void tb_end(struct tb *t)
{
	put32(t->at + 4, t->len);
	fix_sum(t->at, t->len, 9);
}

/* Recompute the checksum of the table at @at after poking at it. */
static void resum(uint64_t at)
{
	uint32_t len;

	memcpy(&len, mem + at + 4, 4);
	fix_sum(at, len, 9);
}

static void mk_rsdp(uint64_t at, uint8_t rev, uint32_t rsdt, uint64_t xsdt)
{
	memcpy(mem + at, "RSD PTR ", 8);
	memcpy(mem + at + 9, "VFTEST", 6);
	put8(at + 15, rev);
	put32(at + 16, rsdt);
	fix_sum(at, 20, 8);
	if (rev >= 2) {
		put32(at + 20, 36);
		put64(at + 24, xsdt);
		fix_sum(at, 36, 32);
	}
}

static void mk_root(uint64_t at, bool x, const uint64_t *ent, unsigned int n)
{
	struct tb t = tb_begin(at, x ? "XSDT" : "RSDT");

	for (unsigned int i = 0; i < n; i++) {
		if (x)
			tb_u64(&t, ent[i]);
		else
			tb_u32(&t, (uint32_t)ent[i]);
	}
	tb_end(&t);
}

static void mk_empty(uint64_t at, const char *sig, uint32_t len)
{
	struct tb t = tb_begin(at, sig);

	tb_zero(&t, len - 36);
	tb_end(&t);
}

/* MADT entries. */
static void madt_lapic(struct tb *t, uint8_t uid, uint8_t id, uint32_t flags)
{
	tb_u8(t, 0);
	tb_u8(t, 8);
	tb_u8(t, uid);
	tb_u8(t, id);
	tb_u32(t, flags);
}

static void madt_x2apic(struct tb *t, uint32_t id, uint32_t flags, uint32_t uid)
{
	tb_u8(t, 9);
	tb_u8(t, 16);
	tb_u16(t, 0);
	tb_u32(t, id);
	tb_u32(t, flags);
	tb_u32(t, uid);
}

static void madt_ioapic(struct tb *t, uint8_t id, uint32_t addr, uint32_t gsi)
{
	tb_u8(t, 1);
	tb_u8(t, 12);
	tb_u8(t, id);
	tb_u8(t, 0);
	tb_u32(t, addr);
	tb_u32(t, gsi);
}

static struct tb madt_begin(uint64_t at, uint32_t lapic, uint32_t flags)
{
	struct tb t = tb_begin(at, "APIC");

	tb_u32(&t, lapic);
	tb_u32(&t, flags);
	return t;
}

static void mcfg_ent(struct tb *t, uint64_t base, uint16_t seg, uint8_t b0, uint8_t b1)
{
	tb_u64(t, base);
	tb_u16(t, seg);
	tb_u8(t, b0);
	tb_u8(t, b1);
	tb_u32(t, 0);
}

static struct tb dmar_begin(uint64_t at, uint8_t haw_field, uint8_t flags)
{
	struct tb t = tb_begin(at, "DMAR");

	tb_u8(&t, haw_field);
	tb_u8(&t, flags);
	tb_zero(&t, 10);
	return t;
}

/* A DRHD with @nscope 8-byte device scopes (IOAPIC-like). */
static void dmar_drhd(struct tb *t, uint8_t flags, uint16_t seg, uint64_t base, unsigned int nscope)
{
	tb_u16(t, 0);
	tb_u16(t, (uint16_t)(16 + 8 * nscope));
	tb_u8(t, flags);
	tb_u8(t, 0);
	tb_u16(t, seg);
	tb_u64(t, base);
	for (unsigned int i = 0; i < nscope; i++) {
		tb_u8(t, 3);  /* IOAPIC */
		tb_u8(t, 8);  /* length */
		tb_u16(t, 0); /* reserved */
		tb_u8(t, 0);  /* enumeration ID */
		tb_u8(t, 0);  /* start bus */
		tb_u8(t, 0x1f);
		tb_u8(t, 0);
	}
}

static void dmar_rmrr(struct tb *t, uint64_t base, uint64_t limit)
{
	tb_u16(t, 1);
	tb_u16(t, 24);
	tb_u16(t, 0);
	tb_u16(t, 0);
	tb_u64(t, base);
	tb_u64(t, limit);
}

static uint32_t len_facp, len_apic, len_hpet, len_mcfg, len_dmar;

/* What QEMU q35 with 3 CPUs and intel-iommu lays out. */
static void build_q35(void)
{
	const uint64_t ent[] = {FACP, APIC, HPET, MCFG, DMAR};
	struct tb t;

	mk_rsdp(RSDP, 2, RSDT, XSDT);
	mk_root(XSDT, true, ent, 5);
	mk_root(RSDT, false, ent, 5);
	mk_empty(FACP, "FACP", 276);
	len_facp = 276;

	t = madt_begin(APIC, 0xfee00000, 1);
	madt_lapic(&t, 0, 0, 1);
	madt_lapic(&t, 1, 1, 1);
	madt_x2apic(&t, 2, 1, 2);
	madt_ioapic(&t, 0, 0xfec00000, 0);
	/* Interrupt source override (type 2) and local APIC NMI (type 4). */
	tb_u8(&t, 2);
	tb_u8(&t, 10);
	tb_u8(&t, 0);
	tb_u8(&t, 0);
	tb_u32(&t, 2);
	tb_u16(&t, 0);
	tb_u8(&t, 4);
	tb_u8(&t, 6);
	tb_u8(&t, 0xff);
	tb_u16(&t, 0);
	tb_u8(&t, 1);
	tb_end(&t);
	len_apic = t.len;

	mk_empty(HPET, "HPET", 56);
	len_hpet = 56;

	t = tb_begin(MCFG, "MCFG");
	tb_zero(&t, 8);
	mcfg_ent(&t, 0xb0000000, 0, 0, 255);
	tb_end(&t);
	len_mcfg = t.len;

	t = dmar_begin(DMAR, 38, 1);
	dmar_drhd(&t, 1, 0, 0xfed90000, 1);
	tb_end(&t);
	len_dmar = t.len;
}

static int parse_at(uint64_t rsdp, size_t len)
{
	return acpi_parse(&ai, acpi_map(rsdp, len), len, rsdp);
}

static unsigned int saw_count(const char *needle)
{
	unsigned int n = 0;

	for (const char *p = strstr(printk_log, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void check_ref(unsigned int i, const char *sig, uint64_t phys, uint32_t len)
{
	assert_true(i < ai.table_count);
	assert_string_equal(ai.tables[i].sig, sig);
	assert_int_equal(ai.tables[i].phys, phys);
	assert_int_equal(ai.tables[i].len, len);
}

/* ---- good tables ---------------------------------------------------------- */

static void test_q35_full(void **state)
{
	(void)state;
	build_q35();
	assert_int_equal(parse_at(RSDP, 36), 0);
	assert_int_equal(printk_count[LOG_WARN] + printk_count[LOG_ERR], 0);

	assert_int_equal(ai.rsdp_revision, 2);
	assert_int_equal(ai.rsdp_phys, RSDP);
	assert_true(ai.xsdt);
	assert_int_equal(ai.root_phys, XSDT);
	assert_int_equal(ai.table_count, 5);
	check_ref(0, "FACP", FACP, len_facp);
	check_ref(1, "APIC", APIC, len_apic);
	check_ref(2, "HPET", HPET, len_hpet);
	check_ref(3, "MCFG", MCFG, len_mcfg);
	check_ref(4, "DMAR", DMAR, len_dmar);
	assert_string_equal(ai.tables[1].oem_id, "VFTEST");
	assert_int_equal(ai.tables[1].revision, 3);

	assert_true(ai.have_madt);
	assert_int_equal(ai.lapic_base, 0xfee00000);
	assert_true(ai.pcat_compat);
	assert_int_equal(ai.cpu_count, 3);
	assert_int_equal(ai.cpus_skipped, 0);
	assert_int_equal(ai.cpus[0].apic_id, 0);
	assert_int_equal(ai.cpus[0].uid, 0);
	assert_false(ai.cpus[0].x2apic);
	assert_int_equal(ai.cpus[1].apic_id, 1);
	assert_int_equal(ai.cpus[1].uid, 1);
	assert_false(ai.cpus[1].x2apic);
	assert_int_equal(ai.cpus[2].apic_id, 2);
	assert_int_equal(ai.cpus[2].uid, 2);
	assert_true(ai.cpus[2].x2apic);
	assert_int_equal(ai.ioapic_count, 1);

	assert_int_equal(ai.ecam_count, 1);
	assert_int_equal(ai.ecam[0].base, 0xb0000000);
	assert_int_equal(ai.ecam[0].segment, 0);
	assert_int_equal(ai.ecam[0].bus_start, 0);
	assert_int_equal(ai.ecam[0].bus_end, 255);

	assert_true(ai.have_dmar);
	assert_int_equal(ai.dmar_phys, DMAR);
	assert_int_equal(ai.dmar_len, len_dmar);
	assert_int_equal(ai.dmar_haw, 39);
	assert_int_equal(ai.dmar_flags, 1);
	assert_int_equal(ai.drhd_count, 1);
	assert_int_equal(ai.drhd[0].base, 0xfed90000);
	assert_int_equal(ai.drhd[0].segment, 0);
	assert_int_equal(ai.drhd[0].flags, 1);
	assert_int_equal(ai.drhd[0].scope_count, 1);
	assert_int_equal(ai.rmrr_count, 0);
}

static void test_table_lookup(void **state)
{
	const uint8_t ok[4] = {1, 2, 3, 0xfa};
	const uint8_t bad[4] = {1, 2, 3, 0xfb};

	(void)state;
	build_q35();
	assert_int_equal(parse_at(RSDP, 36), 0);
	assert_ptr_equal(acpi_table(&ai, "MCFG"), &ai.tables[3]);
	assert_ptr_equal(acpi_table(&ai, "FACP"), &ai.tables[0]);
	assert_null(acpi_table(&ai, "SSDT"));
	assert_null(acpi_table(&ai, "MCF"));
	assert_null(acpi_table(&ai, "MCFGX"));
	assert_int_equal(acpi_checksum(ok, 4), 0);
	assert_int_equal(acpi_checksum(bad, 4), 1);
	assert_int_equal(acpi_checksum(ok, 0), 0);
}

static void test_rsdt_for_rev0(void **state)
{
	(void)state;
	build_q35();
	mk_rsdp(RSDP, 0, RSDT, 0);
	/* What follows a v1 RSDP is not its business: an XSDT-like pointer there
	 * must be ignored. */
	put64(RSDP + 24, XSDT);
	assert_int_equal(parse_at(RSDP, 20), 0);
	assert_int_equal(ai.rsdp_revision, 0);
	assert_false(ai.xsdt);
	assert_int_equal(ai.root_phys, RSDT);
	assert_int_equal(ai.table_count, 5);
	check_ref(3, "MCFG", MCFG, len_mcfg);
	assert_int_equal(ai.cpu_count, 3);
	assert_int_equal(ai.ecam_count, 1);
	assert_int_equal(ai.drhd_count, 1);
	assert_int_equal(printk_count[LOG_WARN], 0);
}

static void test_rev2_without_xsdt_uses_rsdt(void **state)
{
	(void)state;
	build_q35();
	mk_rsdp(RSDP, 2, RSDT, 0);
	assert_int_equal(parse_at(RSDP, 36), 0);
	assert_false(ai.xsdt);
	assert_int_equal(ai.root_phys, RSDT);
	assert_int_equal(ai.table_count, 5);
}

static void test_bad_xsdt_falls_back_to_rsdt(void **state)
{
	(void)state;
	build_q35();
	mem[XSDT + 40]++; /* checksum now wrong */
	assert_int_equal(parse_at(RSDP, 36), 0);
	assert_false(ai.xsdt);
	assert_int_equal(ai.root_phys, RSDT);
	assert_int_equal(ai.table_count, 5);
	assert_true(printk_saw("acpi: XSDT at 0x101000: bad checksum\n"));
	assert_true(printk_saw("acpi: XSDT unusable, trying the RSDT\n"));
}

/* ---- RSDP ----------------------------------------------------------------- */

static void test_rsdp_bad_v1_checksum(void **state)
{
	(void)state;
	build_q35();
	mem[RSDP + 8]++;
	assert_int_equal(parse_at(RSDP, 36), -EBADMSG);
	assert_true(printk_saw("acpi: RSDP: bad checksum\n"));
	assert_int_equal(ai.table_count, 0);
	assert_int_equal(ai.cpu_count, 0);
}

static void test_rsdp_bad_ext_checksum(void **state)
{
	(void)state;
	build_q35();
	mem[RSDP + 32]++;
	assert_int_equal(parse_at(RSDP, 36), -EBADMSG);
	assert_true(printk_saw("acpi: RSDP: bad extended checksum\n"));
	assert_int_equal(ai.table_count, 0);
}

static void test_rsdp_bad_signature(void **state)
{
	(void)state;
	build_q35();
	memcpy(mem + RSDP, "RSD PTX ", 8);
	fix_sum(RSDP, 20, 8);
	fix_sum(RSDP, 36, 32);
	assert_int_equal(parse_at(RSDP, 36), -EBADMSG);
	assert_true(printk_saw("acpi: RSDP: bad signature\n"));
	assert_int_equal(ai.table_count, 0);
}

static void test_rsdp_v2_length(void **state)
{
	(void)state;
	build_q35();
	put32(RSDP + 20, 35);
	fix_sum(RSDP, 36, 32);
	assert_int_equal(parse_at(RSDP, 36), -EINVAL);
	assert_true(printk_saw("acpi: RSDP: length 35 invalid (36 bytes readable)\n"));

	printk_reset();
	put32(RSDP + 20, 40);
	fix_sum(RSDP, 40, 32);
	assert_int_equal(parse_at(RSDP, 36), -EINVAL);
	assert_true(printk_saw("acpi: RSDP: length 40 invalid (36 bytes readable)\n"));
	/* With 40 bytes readable the same RSDP is fine. */
	assert_int_equal(parse_at(RSDP, 40), 0);
	assert_int_equal(ai.table_count, 5);

	printk_reset();
	/* A v2 RSDP given as a 20-byte copy cannot be checked. */
	assert_int_equal(parse_at(RSDP, 20), -EINVAL);
	assert_true(printk_saw("acpi: RSDP: revision 2 but only 20 bytes\n"));
}

static void test_rsdp_unreadable_or_short(void **state)
{
	(void)state;
	build_q35();
	assert_int_equal(acpi_parse(&ai, NULL, 36, RSDP), -EFAULT);
	assert_true(printk_saw("acpi: RSDP: not readable\n"));
	assert_int_equal(parse_at(RSDP, 19), -EINVAL);
	assert_true(printk_saw("acpi: RSDP: only 19 bytes\n"));
}

static void test_root_unusable(void **state)
{
	(void)state;
	build_q35();
	/* No root at all. */
	mk_rsdp(RSDP, 2, 0, 0);
	assert_int_equal(parse_at(RSDP, 36), -EINVAL);
	assert_true(printk_saw("acpi: RSDP: no RSDT or XSDT address\n"));

	/* XSDT unreadable and no RSDT. */
	mk_rsdp(RSDP, 2, 0, 0x40000000);
	assert_int_equal(parse_at(RSDP, 36), -EFAULT);
	assert_true(printk_saw("acpi: XSDT at 0x40000000: not readable\n"));
	assert_int_equal(ai.table_count, 0);

	/* RSDT with the wrong signature. */
	mk_rsdp(RSDP, 0, FACP, 0);
	assert_int_equal(parse_at(RSDP, 20), -EBADMSG);
	assert_true(printk_saw("acpi: RSDT at 0x102000: bad signature 'FACP'\n"));

	/* Root table longer than the cap. */
	mk_rsdp(RSDP, 2, 0, XSDT);
	put32(XSDT + 4, 0x10001);
	resum(XSDT);
	assert_int_equal(parse_at(RSDP, 36), -EINVAL);
	assert_true(printk_saw("acpi: XSDT at 0x101000: length 65537 invalid\n"));

	/* Root table running past memory. */
	mk_root(MEM_SIZE - 48, true, (const uint64_t[]){FACP}, 1);
	put32(MEM_SIZE - 48 + 4, 52);
	mk_rsdp(RSDP, 2, 0, MEM_SIZE - 48);
	assert_int_equal(parse_at(RSDP, 36), -EFAULT);
	assert_true(printk_saw("acpi: XSDT at 0x1fffd0: length 52 runs past readable memory\n"));

	/* Both bad: the RSDT's error is the answer. */
	mem[XSDT + 40]++;
	mem[RSDT + 40]++;
	mk_rsdp(RSDP, 2, RSDT, XSDT);
	printk_reset();
	assert_int_equal(parse_at(RSDP, 36), -EBADMSG);
	assert_true(printk_saw("acpi: RSDT at 0x100000: bad checksum\n"));
	assert_int_equal(ai.table_count, 0);
}

/* ---- root table entries --------------------------------------------------- */

static void test_table_bad_checksum_skipped(void **state)
{
	(void)state;
	build_q35();
	mem[MCFG + 50]++;
	assert_int_equal(parse_at(RSDP, 36), 0);
	assert_true(printk_saw("acpi: MCFG at 0x105000: bad checksum, skipped\n"));
	assert_int_equal(printk_count[LOG_WARN], 1);
	assert_int_equal(ai.table_count, 4);
	check_ref(0, "FACP", FACP, len_facp);
	check_ref(1, "APIC", APIC, len_apic);
	check_ref(2, "HPET", HPET, len_hpet);
	check_ref(3, "DMAR", DMAR, len_dmar);
	assert_null(acpi_table(&ai, "MCFG"));
	assert_int_equal(ai.ecam_count, 0);
	assert_int_equal(ai.cpu_count, 3);
	assert_int_equal(ai.drhd_count, 1);
}

static void test_table_past_memory(void **state)
{
	const uint64_t at = MEM_SIZE - 64;

	(void)state;
	build_q35();
	mk_empty(at, "SSDT", 64);
	put32(at + 4, 65);
	mk_root(XSDT, true, (const uint64_t[]){at, APIC}, 2);
	assert_int_equal(parse_at(RSDP, 36), 0);
	assert_true(printk_saw("acpi: SSDT at 0x1fffc0: length 65 runs past readable memory, "
			       "skipped\n"));
	assert_int_equal(ai.table_count, 1);
	check_ref(0, "APIC", APIC, len_apic);
}

static void test_table_bad_length(void **state)
{
	(void)state;
	build_q35();
	put32(FACP + 4, 35);
	put32(HPET + 4, (1u << 20) + 1);
	assert_int_equal(parse_at(RSDP, 36), 0);
	assert_true(printk_saw("acpi: FACP at 0x102000: length 35 too short, skipped\n"));
	assert_true(printk_saw("acpi: HPET at 0x104000: length 1048577 too large, skipped\n"));
	assert_int_equal(ai.table_count, 3);
	check_ref(0, "APIC", APIC, len_apic);
	check_ref(1, "MCFG", MCFG, len_mcfg);
	check_ref(2, "DMAR", DMAR, len_dmar);
}

static void test_unprintable_signature(void **state)
{
	(void)state;
	build_q35();
	memcpy(mem + HPET, "H\nP\x80", 4);
	mem[HPET + 40]++;
	assert_int_equal(parse_at(RSDP, 36), 0);
	assert_true(printk_saw("acpi: H?P? at 0x104000: bad checksum, skipped\n"));
	assert_int_equal(ai.table_count, 4);
}

static void test_xsdt_points_at_itself(void **state)
{
	(void)state;
	build_q35();
	mk_root(XSDT, true, (const uint64_t[]){XSDT, APIC, RSDP, XSDT, MCFG}, 5);
	assert_int_equal(parse_at(RSDP, 36), 0);
	assert_true(printk_saw("acpi: XSDT entry 0 at 0x101000: points at the XSDT itself, "
			       "skipped\n"));
	assert_true(printk_saw("acpi: XSDT entry 2 at 0xf0000: points at the RSDP, skipped\n"));
	assert_true(printk_saw("acpi: XSDT entry 3 at 0x101000: points at the XSDT itself, "
			       "skipped\n"));
	assert_int_equal(printk_count[LOG_WARN], 3);
	assert_int_equal(ai.table_count, 2);
	check_ref(0, "APIC", APIC, len_apic);
	check_ref(1, "MCFG", MCFG, len_mcfg);
}

static void test_xsdt_duplicate(void **state)
{
	(void)state;
	build_q35();
	mk_root(XSDT, true, (const uint64_t[]){APIC, MCFG, APIC, APIC}, 4);
	assert_int_equal(parse_at(RSDP, 36), 0);
	assert_true(printk_saw("acpi: XSDT entry 2 at 0x103000: APIC listed twice, skipped\n"));
	assert_true(printk_saw("acpi: XSDT entry 3 at 0x103000: APIC listed twice, skipped\n"));
	assert_int_equal(printk_count[LOG_WARN], 2);
	assert_int_equal(ai.table_count, 2);
	check_ref(0, "APIC", APIC, len_apic);
	check_ref(1, "MCFG", MCFG, len_mcfg);
	/* Parsed once: not six CPUs, and no duplicate-ID complaints. */
	assert_int_equal(ai.cpu_count, 3);
}

static void test_xsdt_unmapped_and_null(void **state)
{
	(void)state;
	build_q35();
	mk_root(XSDT, true, (const uint64_t[]){0xfffffffff0000000ull, 0, MEM_SIZE - 20, DMAR}, 4);
	assert_int_equal(parse_at(RSDP, 36), 0);
	assert_true(printk_saw("acpi: table at 0xfffffffff0000000: header not readable, "
			       "skipped\n"));
	assert_true(printk_saw("acpi: XSDT entry 1: null, skipped\n"));
	assert_true(printk_saw("acpi: table at 0x1fffec: header not readable, skipped\n"));
	assert_int_equal(ai.table_count, 1);
	check_ref(0, "DMAR", DMAR, len_dmar);
	assert_false(ai.have_madt);
	assert_true(ai.have_dmar);
}

static void test_too_many_tables(void **state)
{
	uint64_t ent[70];

	(void)state;
	build_q35();
	for (unsigned int i = 0; i < 70; i++) {
		ent[i] = 0x110000 + i * 64;
		mk_empty(ent[i], "SSDT", 40);
	}
	mk_root(XSDT, true, ent, 70);
	assert_int_equal(parse_at(RSDP, 36), 0);
	assert_int_equal(ai.table_count, ACPI_MAX_TABLES);
	check_ref(63, "SSDT", 0x110000 + 63 * 64, 40);
	assert_true(printk_saw("acpi: XSDT at 0x101000: more than 64 tables, 6 entries ignored\n"));
	assert_int_equal(printk_count[LOG_WARN], 1);
}

static void test_rsdt_partial_entry(void **state)
{
	(void)state;
	build_q35();
	mk_rsdp(RSDP, 0, RSDT, 0);
	mk_root(RSDT, false, (const uint64_t[]){APIC, MCFG}, 2);
	put32(RSDT + 4, 36 + 8 + 3);
	resum(RSDT);
	assert_int_equal(parse_at(RSDP, 20), 0);
	assert_true(printk_saw("acpi: RSDT at 0x100000: partial entry at the end, ignored\n"));
	assert_int_equal(ai.table_count, 2);
}

/* ---- MADT ----------------------------------------------------------------- */

static void test_madt_zero_length_entry(void **state)
{
	struct tb t;

	(void)state;
	build_q35();
	t = madt_begin(APIC, 0xfee00000, 0);
	madt_lapic(&t, 0, 0, 1);
	tb_u8(&t, 0);
	tb_u8(&t, 0); /* length 0 */
	tb_zero(&t, 6);
	madt_lapic(&t, 1, 1, 1);
	tb_end(&t);
	assert_int_equal(parse_at(RSDP, 36), 0);
	assert_true(printk_saw("acpi: APIC at 0x103000: entry at offset 52 has bad length 0, "
			       "rest ignored\n"));
	assert_true(ai.have_madt);
	assert_false(ai.pcat_compat);
	assert_int_equal(ai.cpu_count, 1);
	assert_int_equal(ai.cpus[0].apic_id, 0);
	/* The other tables are still parsed. */
	assert_int_equal(ai.ecam_count, 1);
}

static void test_madt_entry_past_end(void **state)
{
	struct tb t;

	(void)state;
	build_q35();
	t = madt_begin(APIC, 0xfee00000, 1);
	madt_lapic(&t, 0, 0, 1);
	madt_x2apic(&t, 7, 1, 7);
	tb_end(&t);
	put32(APIC + 4, t.len - 1); /* cut the x2APIC entry short */
	resum(APIC);
	len_apic = t.len - 1;
	assert_int_equal(parse_at(RSDP, 36), 0);
	assert_true(printk_saw("acpi: APIC at 0x103000: entry at offset 52 has bad length 16, "
			       "rest ignored\n"));
	assert_int_equal(ai.cpu_count, 1);

	/* One byte left: not even a type and length. */
	printk_reset();
	put32(APIC + 4, 53);
	resum(APIC);
	assert_int_equal(parse_at(RSDP, 36), 0);
	assert_true(printk_saw("acpi: APIC at 0x103000: truncated entry at offset 52, "
			       "rest ignored\n"));
	assert_int_equal(ai.cpu_count, 1);
}

static void test_madt_duplicate_ids(void **state)
{
	struct tb t;

	(void)state;
	build_q35();
	t = madt_begin(APIC, 0xfee00000, 1);
	madt_lapic(&t, 0, 0, 1);
	madt_lapic(&t, 1, 1, 1);
	madt_lapic(&t, 2, 1, 1);
	madt_x2apic(&t, 0, 1, 3); /* the same CPU again, as x2APIC */
	madt_x2apic(&t, 300, 1, 4);
	tb_end(&t);
	assert_int_equal(parse_at(RSDP, 36), 0);
	assert_int_equal(saw_count("acpi: APIC at 0x103000: duplicate APIC ID 1, skipped\n"), 1);
	assert_int_equal(saw_count("acpi: APIC at 0x103000: duplicate APIC ID 0, skipped\n"), 1);
	assert_int_equal(ai.cpu_count, 3);
	assert_int_equal(ai.cpus_skipped, 2);
	assert_int_equal(ai.cpus[0].apic_id, 0);
	assert_int_equal(ai.cpus[1].apic_id, 1);
	assert_int_equal(ai.cpus[1].uid, 1);
	assert_int_equal(ai.cpus[2].apic_id, 300);
	assert_int_equal(ai.cpus[2].uid, 4);
	assert_true(ai.cpus[2].x2apic);
}

static void test_madt_disabled_cpus(void **state)
{
	struct tb t;

	(void)state;
	build_q35();
	t = madt_begin(APIC, 0xfee00000, 1);
	madt_lapic(&t, 0, 0, 1);
	madt_lapic(&t, 1, 1, 0);  /* disabled */
	madt_lapic(&t, 2, 2, 2);  /* online-capable */
	madt_x2apic(&t, 3, 0, 3); /* disabled */
	madt_x2apic(&t, 4, 2, 4); /* online-capable */
	madt_lapic(&t, 5, 0xff, 1);
	tb_end(&t);
	assert_int_equal(parse_at(RSDP, 36), 0);
	assert_int_equal(ai.cpu_count, 3);
	assert_int_equal(ai.cpus[0].apic_id, 0);
	assert_int_equal(ai.cpus[1].apic_id, 2);
	assert_int_equal(ai.cpus[2].apic_id, 4);
	assert_int_equal(ai.cpus_skipped, 3);
	assert_true(printk_saw("acpi: APIC at 0x103000: cpu with broadcast APIC ID, skipped\n"));
	assert_int_equal(printk_count[LOG_WARN], 1);
}

static void test_madt_too_many_cpus(void **state)
{
	struct tb t;

	(void)state;
	build_q35();
	t = madt_begin(APIC, 0xfee00000, 1);
	for (unsigned int i = 0; i < 70; i++)
		madt_x2apic(&t, i * 2, 1, i);
	tb_end(&t);
	assert_int_equal(parse_at(RSDP, 36), 0);
	assert_int_equal(ai.cpu_count, ACPI_MAX_CPUS);
	assert_int_equal(ai.cpus_skipped, 6);
	assert_int_equal(ai.cpus[63].apic_id, 126);
	assert_int_equal(ai.cpus[63].uid, 63);
	assert_int_equal(saw_count("more than 64 cpus"), 1);
	assert_true(printk_saw("acpi: APIC at 0x103000: more than 64 cpus, the rest skipped\n"));
	assert_int_equal(printk_count[LOG_WARN], 1);
}

static void test_madt_lapic_override_and_short(void **state)
{
	struct tb t;

	(void)state;
	build_q35();
	t = madt_begin(APIC, 0xfee00000, 1);
	madt_lapic(&t, 0, 0, 1);
	/* Type 5: 64-bit local APIC address. */
	tb_u8(&t, 5);
	tb_u8(&t, 12);
	tb_u16(&t, 0);
	tb_u64(&t, 0x1fee00000ull);
	/* A local APIC entry too short to hold its flags. */
	tb_u8(&t, 0);
	tb_u8(&t, 4);
	tb_u8(&t, 1);
	tb_u8(&t, 1);
	madt_ioapic(&t, 1, 0xfec01000, 24);
	madt_ioapic(&t, 2, 0xfec02000, 48);
	tb_end(&t);
	assert_int_equal(parse_at(RSDP, 36), 0);
	assert_int_equal(ai.lapic_base, 0x1fee00000ull);
	assert_true(printk_saw("acpi: APIC at 0x103000: type 0 entry at offset 64 too short, "
			       "skipped\n"));
	assert_int_equal(ai.cpu_count, 1);
	assert_int_equal(ai.ioapic_count, 2);
}

static void test_madt_too_short(void **state)
{
	(void)state;
	build_q35();
	mk_empty(APIC, "APIC", 40);
	assert_int_equal(parse_at(RSDP, 36), 0);
	assert_true(printk_saw("acpi: APIC at 0x103000: length 40 too short, ignored\n"));
	assert_false(ai.have_madt);
	assert_int_equal(ai.cpu_count, 0);
	assert_int_equal(ai.lapic_base, 0);
}

/* ---- MCFG ----------------------------------------------------------------- */

static void test_mcfg_partial_and_inverted(void **state)
{
	struct tb t;

	(void)state;
	build_q35();
	t = tb_begin(MCFG, "MCFG");
	tb_zero(&t, 8);
	mcfg_ent(&t, 0xb0000000, 0, 0, 255);
	mcfg_ent(&t, 0xc0000000, 1, 8, 7); /* inverted */
	mcfg_ent(&t, 0xd0000000, 2, 16, 31);
	tb_zero(&t, 10); /* partial entry */
	tb_end(&t);
	assert_int_equal(parse_at(RSDP, 36), 0);
	assert_true(printk_saw("acpi: MCFG at 0x105000: partial entry of 10 bytes at the end, "
			       "ignored\n"));
	assert_true(printk_saw("acpi: MCFG at 0x105000: entry 1 has buses 8-7, skipped\n"));
	assert_int_equal(printk_count[LOG_WARN], 2);
	assert_int_equal(ai.ecam_count, 2);
	assert_int_equal(ai.ecam[0].base, 0xb0000000);
	assert_int_equal(ai.ecam[1].base, 0xd0000000);
	assert_int_equal(ai.ecam[1].segment, 2);
	assert_int_equal(ai.ecam[1].bus_start, 16);
	assert_int_equal(ai.ecam[1].bus_end, 31);
}

static void test_mcfg_too_many(void **state)
{
	struct tb t;

	(void)state;
	build_q35();
	t = tb_begin(MCFG, "MCFG");
	tb_zero(&t, 8);
	for (unsigned int i = 0; i < 10; i++)
		mcfg_ent(&t, 0x100000000ull * (i + 1), (uint16_t)i, 0, 255);
	tb_end(&t);
	assert_int_equal(parse_at(RSDP, 36), 0);
	assert_int_equal(ai.ecam_count, ACPI_MAX_ECAM);
	assert_int_equal(ai.ecam[7].base, 0x800000000ull);
	assert_int_equal(ai.ecam[7].segment, 7);
	assert_int_equal(saw_count("acpi: MCFG at 0x105000: more than 8 segments, the rest "
				   "ignored\n"),
			 1);
}

static void test_mcfg_too_short(void **state)
{
	(void)state;
	build_q35();
	mk_empty(MCFG, "MCFG", 43);
	assert_int_equal(parse_at(RSDP, 36), 0);
	assert_true(printk_saw("acpi: MCFG at 0x105000: length 43 too short, ignored\n"));
	assert_int_equal(ai.ecam_count, 0);
}

/* ---- DMAR ----------------------------------------------------------------- */

static void test_dmar_zero_length_structure(void **state)
{
	struct tb t;

	(void)state;
	build_q35();
	t = dmar_begin(DMAR, 47, 3);
	dmar_drhd(&t, 0, 1, 0xfed91000, 2);
	tb_u16(&t, 1);
	tb_u16(&t, 0); /* length 0 */
	tb_zero(&t, 20);
	dmar_drhd(&t, 1, 0, 0xfed90000, 0);
	tb_end(&t);
	assert_int_equal(parse_at(RSDP, 36), 0);
	assert_true(printk_saw("acpi: DMAR at 0x106000: structure at offset 80 has bad length 0, "
			       "rest ignored\n"));
	assert_true(ai.have_dmar);
	assert_int_equal(ai.dmar_haw, 48);
	assert_int_equal(ai.dmar_flags, 3);
	assert_int_equal(ai.drhd_count, 1);
	assert_int_equal(ai.drhd[0].base, 0xfed91000);
	assert_int_equal(ai.drhd[0].segment, 1);
	assert_int_equal(ai.drhd[0].flags, 0);
	assert_int_equal(ai.drhd[0].scope_count, 2);
	assert_int_equal(ai.rmrr_count, 0);
}

static void test_dmar_structure_past_end(void **state)
{
	struct tb t;

	(void)state;
	build_q35();
	t = dmar_begin(DMAR, 38, 0);
	dmar_rmrr(&t, 0xe0000, 0xfffff);
	dmar_drhd(&t, 1, 0, 0xfed90000, 1);
	tb_end(&t);
	put32(DMAR + 4, t.len - 4);
	resum(DMAR);
	assert_int_equal(parse_at(RSDP, 36), 0);
	assert_true(printk_saw("acpi: DMAR at 0x106000: structure at offset 72 has bad length 24, "
			       "rest ignored\n"));
	assert_int_equal(ai.rmrr_count, 1);
	assert_int_equal(ai.drhd_count, 0);
	assert_int_equal(ai.dmar_len, t.len - 4);

	printk_reset();
	put32(DMAR + 4, 48 + 24 + 3);
	resum(DMAR);
	assert_int_equal(parse_at(RSDP, 36), 0);
	assert_true(printk_saw("acpi: DMAR at 0x106000: truncated structure at offset 72, "
			       "rest ignored\n"));
	assert_int_equal(ai.rmrr_count, 1);
}

static void test_dmar_scope_past_drhd(void **state)
{
	struct tb t;

	(void)state;
	build_q35();
	t = dmar_begin(DMAR, 38, 1);
	dmar_drhd(&t, 0, 0, 0xfed90000, 3);
	dmar_rmrr(&t, 0xe0000, 0xfffff);
	tb_end(&t);
	/* The third scope claims 9 bytes where 8 are left in its DRHD. */
	put8(DMAR + 48 + 16 + 16 + 1, 9);
	resum(DMAR);
	assert_int_equal(parse_at(RSDP, 36), 0);
	assert_true(printk_saw("acpi: DMAR at 0x106000: DRHD 0xfed90000: bad device scope length "
			       "9, rest ignored\n"));
	assert_int_equal(ai.drhd_count, 1);
	assert_int_equal(ai.drhd[0].scope_count, 2);
	/* The DRHD's own length still bounds it: the RMRR after it is found. */
	assert_int_equal(ai.rmrr_count, 1);

	printk_reset();
	put8(DMAR + 48 + 16 + 8 + 1, 5); /* second scope too short */
	resum(DMAR);
	assert_int_equal(parse_at(RSDP, 36), 0);
	assert_true(printk_saw("acpi: DMAR at 0x106000: DRHD 0xfed90000: bad device scope length "
			       "5, rest ignored\n"));
	assert_int_equal(ai.drhd[0].scope_count, 1);
	assert_int_equal(ai.rmrr_count, 1);
}

static void test_dmar_scope_one_byte_left(void **state)
{
	struct tb t;

	(void)state;
	build_q35();
	t = dmar_begin(DMAR, 38, 1);
	dmar_drhd(&t, 0, 0, 0xfed90000, 1);
	tb_u8(&t, 3); /* a lone scope type byte inside the DRHD */
	tb_end(&t);
	put16(DMAR + 48 + 2, 16 + 8 + 1);
	resum(DMAR);
	assert_int_equal(parse_at(RSDP, 36), 0);
	assert_true(printk_saw("acpi: DMAR at 0x106000: DRHD 0xfed90000: bad device scope length "
			       "0, rest ignored\n"));
	assert_int_equal(ai.drhd[0].scope_count, 1);
}

static void test_dmar_too_many_drhd(void **state)
{
	struct tb t;

	(void)state;
	build_q35();
	t = dmar_begin(DMAR, 38, 1);
	for (unsigned int i = 0; i < 10; i++)
		dmar_drhd(&t, 0, 0, 0xfed90000 + i * 0x1000, 1);
	dmar_rmrr(&t, 0xe0000, 0xfffff);
	tb_u16(&t, 2); /* ATSR: skipped by length */
	tb_u16(&t, 8);
	tb_u32(&t, 0);
	dmar_rmrr(&t, 0xf0000, 0xfffff);
	tb_end(&t);
	assert_int_equal(parse_at(RSDP, 36), 0);
	assert_int_equal(ai.drhd_count, ACPI_MAX_DRHD);
	assert_int_equal(ai.drhd[7].base, 0xfed97000);
	assert_int_equal(ai.drhd[7].scope_count, 1);
	assert_int_equal(ai.rmrr_count, 2);
	assert_int_equal(saw_count("more than 8 DRHDs"), 1);
	assert_true(printk_saw("acpi: DMAR at 0x106000: more than 8 DRHDs, the rest ignored\n"));
	assert_int_equal(printk_count[LOG_WARN], 1);
}

static void test_dmar_bad_header(void **state)
{
	struct tb t;

	(void)state;
	build_q35();
	t = dmar_begin(DMAR, 64, 1);
	dmar_drhd(&t, 1, 0, 0xfed90000, 0);
	tb_end(&t);
	assert_int_equal(parse_at(RSDP, 36), 0);
	assert_true(printk_saw("acpi: DMAR at 0x106000: host address width 65, ignored\n"));
	assert_false(ai.have_dmar);
	assert_int_equal(ai.drhd_count, 0);

	printk_reset();
	mk_empty(DMAR, "DMAR", 47);
	assert_int_equal(parse_at(RSDP, 36), 0);
	assert_true(printk_saw("acpi: DMAR at 0x106000: length 47 too short, ignored\n"));
	assert_false(ai.have_dmar);
}

/* ---- IVRS ----------------------------------------------------------------- */

/* q35 with amd-iommu: an IVRS where the DMAR was. Only its place is
 * recorded; the blocks are iommu/ivrs.c's. */
static void test_ivrs_found(void **state)
{
	const uint64_t ent[] = {FACP, APIC, HPET, MCFG, IVRS};
	struct tb t;

	(void)state;
	build_q35();
	mk_root(XSDT, true, ent, 5);
	t = tb_begin(IVRS, "IVRS");
	tb_u32(&t, 0x00203041); /* IVinfo */
	tb_zero(&t, 8);
	tb_u8(&t, 0x10); /* an IVHD, opaque here */
	tb_u8(&t, 0);
	tb_u16(&t, 24);
	tb_zero(&t, 20);
	tb_end(&t);
	assert_int_equal(parse_at(RSDP, 36), 0);
	assert_int_equal(printk_count[LOG_WARN] + printk_count[LOG_ERR], 0);
	check_ref(4, "IVRS", IVRS, t.len);
	assert_true(ai.have_ivrs);
	assert_int_equal(ai.ivrs_phys, IVRS);
	assert_int_equal(ai.ivrs_len, 72);
	assert_false(ai.have_dmar);
}

static void test_ivrs_absent_or_short(void **state)
{
	const uint64_t ent[] = {FACP, APIC, HPET, MCFG, DMAR, IVRS};

	(void)state;
	build_q35();
	assert_int_equal(parse_at(RSDP, 36), 0);
	assert_false(ai.have_ivrs);
	assert_int_equal(ai.ivrs_phys, 0);

	/* Both tables: both are recorded, iommu_select picks. */
	mk_root(XSDT, true, ent, 6);
	mk_empty(IVRS, "IVRS", 47);
	assert_int_equal(parse_at(RSDP, 36), 0);
	assert_true(printk_saw("acpi: IVRS at 0x107000: length 47 too short, ignored\n"));
	assert_false(ai.have_ivrs);
	assert_true(ai.have_dmar);

	printk_reset();
	mk_empty(IVRS, "IVRS", 48);
	assert_int_equal(parse_at(RSDP, 36), 0);
	assert_int_equal(printk_count[LOG_WARN], 0);
	assert_true(ai.have_ivrs);
	assert_int_equal(ai.ivrs_len, 48);
	assert_true(ai.have_dmar);
}

/* ---- BIOS search ---------------------------------------------------------- */

static void test_find_rsdp_ebda(void **state)
{
	(void)state;
	put16(0x40e, 0x9fc0);
	mk_rsdp(0x9fc00 + 0x3f0, 2, RSDT, XSDT);
	mk_rsdp(0xf0000, 0, RSDT, 0); /* the EBDA comes first */
	assert_int_equal(acpi_find_rsdp_bios(), 0x9fff0);
}

static void test_find_rsdp_e0000(void **state)
{
	(void)state;
	put16(0x40e, 0x9fc0);
	mk_rsdp(0x9fc00 + 0x400, 0, RSDT, 0); /* past the EBDA's first KiB */
	mk_rsdp(0xe0008, 0, RSDT, 0);	      /* not on a 16-byte boundary */
	assert_int_equal(acpi_find_rsdp_bios(), 0);
	mk_rsdp(0xffff0, 0, RSDT, 0);
	assert_int_equal(acpi_find_rsdp_bios(), 0xffff0);
	mk_rsdp(0xf5a30, 2, RSDT, XSDT);
	assert_int_equal(acpi_find_rsdp_bios(), 0xf5a30);
}

static void test_find_rsdp_no_ebda(void **state)
{
	(void)state;
	/* Segment 0: nothing at physical 0 is searched. */
	mk_rsdp(0x0, 0, RSDT, 0);
	assert_int_equal(acpi_find_rsdp_bios(), 0);
	mk_rsdp(0xe0000, 0, RSDT, 0);
	assert_int_equal(acpi_find_rsdp_bios(), 0xe0000);
}

static void test_find_rsdp_bad_checksum_ignored(void **state)
{
	(void)state;
	put16(0x40e, 0x9fc0);
	mk_rsdp(0x9fc00, 0, RSDT, 0);
	mem[0x9fc00 + 8]++;
	mk_rsdp(0xe0000, 2, RSDT, XSDT);
	mem[0xe0000 + 32]++; /* bad extended checksum */
	mk_rsdp(0xe0040, 2, RSDT, XSDT);
	put32(0xe0040 + 20, 20); /* v2 length too short */
	fix_sum(0xe0040, 20, 8);
	fix_sum(0xe0040, 36, 32);
	assert_int_equal(acpi_find_rsdp_bios(), 0);
	mk_rsdp(0xe0080, 0, RSDT, 0);
	assert_int_equal(acpi_find_rsdp_bios(), 0xe0080);
}

static void test_find_rsdp_then_parse(void **state)
{
	uint64_t p;

	(void)state;
	build_q35();
	p = acpi_find_rsdp_bios();
	assert_int_equal(p, RSDP);
	assert_int_equal(acpi_parse(&ai, acpi_map(p, 36), 36, p), 0);
	assert_int_equal(ai.rsdp_phys, RSDP);
	assert_int_equal(ai.cpu_count, 3);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_q35_full),
		T(test_table_lookup),
		T(test_rsdt_for_rev0),
		T(test_rev2_without_xsdt_uses_rsdt),
		T(test_bad_xsdt_falls_back_to_rsdt),
		T(test_rsdp_bad_v1_checksum),
		T(test_rsdp_bad_ext_checksum),
		T(test_rsdp_bad_signature),
		T(test_rsdp_v2_length),
		T(test_rsdp_unreadable_or_short),
		T(test_root_unusable),
		T(test_table_bad_checksum_skipped),
		T(test_table_past_memory),
		T(test_table_bad_length),
		T(test_unprintable_signature),
		T(test_xsdt_points_at_itself),
		T(test_xsdt_duplicate),
		T(test_xsdt_unmapped_and_null),
		T(test_too_many_tables),
		T(test_rsdt_partial_entry),
		T(test_madt_zero_length_entry),
		T(test_madt_entry_past_end),
		T(test_madt_duplicate_ids),
		T(test_madt_disabled_cpus),
		T(test_madt_too_many_cpus),
		T(test_madt_lapic_override_and_short),
		T(test_madt_too_short),
		T(test_mcfg_partial_and_inverted),
		T(test_mcfg_too_many),
		T(test_mcfg_too_short),
		T(test_dmar_zero_length_structure),
		T(test_dmar_structure_past_end),
		T(test_dmar_scope_past_drhd),
		T(test_dmar_scope_one_byte_left),
		T(test_dmar_too_many_drhd),
		T(test_dmar_bad_header),
		T(test_ivrs_found),
		T(test_ivrs_absent_or_short),
		T(test_find_rsdp_ebda),
		T(test_find_rsdp_e0000),
		T(test_find_rsdp_no_ebda),
		T(test_find_rsdp_bad_checksum_ignored),
		T(test_find_rsdp_then_parse),
	};
#undef T

	return cmocka_run_group_tests_name("acpi", tests, NULL, NULL);
}
