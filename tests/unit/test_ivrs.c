// SPDX-License-Identifier: MIT
/*
 * Unit tests for iommu/ivrs.c: the IVRS QEMU 10 builds for the reference
 * machine, captured byte for byte, then tables built byte by byte here.
 * Each is handed over in a heap block of exactly its length, so ASan reports
 * any read past @len.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "iommu/ivrs.h"
#include "lib/err.h"
#include "lib/printk.h"
#include "fake_printk.h"
#include "table_builder.h"

#define BDF IVRS_BDF

static struct ivrs iv;
static const struct ivrs zero;

/*
 * The IVRS of QEMU 10.0.2 for `-machine q35 -vga none -nic none
 * -device amd-iommu,intremap=on,xtsup=on -device pcie-root-port,id=rp1,
 * bus=pcie.0,chassis=1,slot=1 -device igb,bus=rp1` (scripts/qemu-cmd.sh
 * with the AMD IOMMU), read out of guest memory with the monitor's pmemsave
 * after SeaBIOS had installed the tables. QEMU lists its one IOMMU (PCI
 * function 00:01.0, registers at 0xfed80000) twice: a type 10h block for
 * old systems, then a type 11h block with the EFR image; both carry the same
 * entries, from a walk of bus 0 (hw/i386/acpi-build.c, build_amd_iommu).
 */
static const uint8_t qemu_ivrs[192] = {
	/* ACPI header: "IVRS", length 192, revision 1, checksum, OEM fields */
	0x49,
	0x56,
	0x52,
	0x53,
	0xc0,
	0x00,
	0x00,
	0x00,
	0x01,
	0x4f,
	0x42,
	0x4f,
	0x43,
	0x48,
	0x53,
	0x20,
	0x42,
	0x58,
	0x50,
	0x43,
	0x20,
	0x20,
	0x20,
	0x20,
	0x01,
	0x00,
	0x00,
	0x00,
	0x42,
	0x58,
	0x50,
	0x43,
	0x01,
	0x00,
	0x00,
	0x00,
	/* IVinfo: EFRSup, PASize 40; 8 reserved */
	0x01,
	0x28,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	/* 0x30: IVHD 10h, flags 0xd1, length 64, 00:01.0, capability 0x40,
	 * base 0xfed80000, segment 0, info 0, feature reporting 0x45 */
	0x10,
	0xd1,
	0x40,
	0x00,
	0x08,
	0x00,
	0x40,
	0x00,
	0x00,
	0x00,
	0xd8,
	0xfe,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x45,
	0x00,
	0x00,
	0x00,
	/* SELECT 00:00.0, 00:01.0, 00:02.0; START 01:00.0, END 01:1f.7;
	 * SELECT 00:1f.0, 00:1f.2, 00:1f.3; SPECIAL IOAPIC 0 at 00:14.0 */
	0x02,
	0x00,
	0x00,
	0x00,
	0x02,
	0x08,
	0x00,
	0x00,
	0x02,
	0x10,
	0x00,
	0x00,
	0x03,
	0x00,
	0x01,
	0x00,
	0x04,
	0xff,
	0x01,
	0x00,
	0x02,
	0xf8,
	0x00,
	0x00,
	0x02,
	0xfa,
	0x00,
	0x00,
	0x02,
	0xfb,
	0x00,
	0x00,
	0x48,
	0x00,
	0x00,
	0x00,
	0x00,
	0xa0,
	0x00,
	0x01,
	/* 0x70: IVHD 11h, flags 0x11, length 80, same IOMMU, attributes 0,
	 * EFR 0x29d7, EFR2 0 */
	0x11,
	0x11,
	0x50,
	0x00,
	0x08,
	0x00,
	0x40,
	0x00,
	0x00,
	0x00,
	0xd8,
	0xfe,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0xd7,
	0x29,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	/* the same entries */
	0x02,
	0x00,
	0x00,
	0x00,
	0x02,
	0x08,
	0x00,
	0x00,
	0x02,
	0x10,
	0x00,
	0x00,
	0x03,
	0x00,
	0x01,
	0x00,
	0x04,
	0xff,
	0x01,
	0x00,
	0x02,
	0xf8,
	0x00,
	0x00,
	0x02,
	0xfa,
	0x00,
	0x00,
	0x02,
	0xfb,
	0x00,
	0x00,
	0x48,
	0x00,
	0x00,
	0x00,
	0x00,
	0xa0,
	0x00,
	0x01,
};

#define QEMU_IVHD10_AT 0x30
#define QEMU_IVHD11_AT 0x70

/* ---- table builder ---------------------------------------------------------- */

/* The 48-byte IVRS header. */
static void hdr(uint32_t ivinfo)
{
	tlen = 0;
	for (const char *s = "IVRS"; *s; s++)
		u8((uint8_t)*s);
	u32(0); /* length, set by parse() */
	u8(2);	/* revision */
	u8(0);	/* checksum, set by parse() */
	for (const char *s = "BOCHS BXPC    "; *s; s++)
		u8((uint8_t)*s);
	u32(1);
	u32(0x43505842);
	u32(1);
	assert_int_equal(tlen, 36);
	u32(ivinfo);
	u64(0);
}

/* An IVHD header of @type with every field given; its length set by end(). */
static size_t ivhd_full(uint8_t type, uint8_t flags, uint16_t bdf, uint16_t cap, uint64_t base,
			uint16_t seg, uint16_t info, uint32_t feature, uint64_t efr, uint64_t efr2)
{
	size_t at = tlen;

	u8(type);
	u8(flags);
	u16(0);
	u16(bdf);
	u16(cap);
	u64(base);
	u16(seg);
	u16(info);
	u32(feature);
	if (type != IVRS_IVHD_LEGACY) {
		u64(efr);
		u64(efr2);
	}
	return at;
}

static size_t ivhd(uint8_t type, uint16_t bdf, uint64_t base, uint16_t seg)
{
	return ivhd_full(type, 0, bdf, 0x40, base, seg, 0, 0, 0, 0);
}

/* Close the block begun at @at. */
static void end(size_t at)
{
	put16(at + 2, (uint16_t)(tlen - at));
}

static void e4(uint8_t type, uint16_t devid, uint8_t dte)
{
	u8(type);
	u16(devid);
	u8(dte);
}

static void e8(uint8_t type, uint16_t devid, uint8_t dte, uint32_t hi)
{
	e4(type, devid, dte);
	u32(hi);
}

static void sel(uint16_t devid)
{
	e4(0x02, devid, 0);
}

static void range(uint16_t first, uint16_t last)
{
	e4(0x03, first, 0);
	e4(0x04, last, 0);
}

/* Bytes 4-7 of an alias entry: reserved, the alias, reserved. */
static uint32_t alias_hi(uint16_t alias)
{
	return (uint32_t)alias << 8;
}

static void special(uint8_t variety, uint8_t handle, uint16_t bdf, uint8_t dte)
{
	e4(0x48, 0, dte);
	u8(handle);
	u16(bdf);
	u8(variety);
}

static void acpi_hid(uint16_t devid, uint8_t dte, const char *hid, const char *cid, uint8_t uid_fmt,
		     const char *uid)
{
	e4(0xf0, devid, dte);
	for (int i = 0; i < 8; i++)
		u8((uint8_t)hid[i]);
	for (int i = 0; i < 8; i++)
		u8((uint8_t)cid[i]);
	u8(uid_fmt);
	u8((uint8_t)strlen(uid));
	for (const char *s = uid; *s; s++)
		u8((uint8_t)*s);
}

static void ivmd(uint8_t type, uint8_t flags, uint16_t devid, uint16_t aux, uint16_t seg,
		 uint64_t start, uint64_t length)
{
	u8(type);
	u8(flags);
	u16(32);
	u16(devid);
	u16(aux);
	u16(seg);
	for (int i = 0; i < 6; i++)
		u8(0);
	u64(start);
	u64(length);
}

/* A block of another type: @len bytes, the rest filled with @fill. */
static void other(uint8_t type, uint16_t len, uint8_t fill)
{
	u8(type);
	u8(fill);
	u16(len);
	for (unsigned int i = 4; i < len; i++)
		u8(fill);
}

/* Parse the first @len bytes of tb as they are, from an exact-size heap copy. */
static int parse_raw(size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	int err;

	assert_non_null(copy);
	memcpy(copy, tb, len);
	memset(&iv, 0xa5, sizeof(iv)); /* ivrs_parse must set every byte */
	printk_reset();
	err = ivrs_parse(&iv, copy, len);
	free(copy);
	return err;
}

/* Set the length field to @len and fix the checksum. */
static void seal(size_t len)
{
	uint8_t sum = 0;

	put32(4, (uint32_t)len);
	tb[9] = 0;
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + tb[i]);
	tb[9] = (uint8_t)-sum;
}

static int parse_len(size_t len)
{
	seal(len);
	return parse_raw(len);
}

static int parse(void)
{
	return parse_len(tlen);
}

static void load_qemu(void)
{
	memcpy(tb, qemu_ivrs, sizeof(qemu_ivrs));
	tlen = sizeof(qemu_ivrs);
}

static void assert_zeroed(void)
{
	assert_memory_equal(&iv, &zero, sizeof(iv));
}

/* Failed with @err, one error line containing @msg, nothing else said, nothing kept. */
static void assert_refused(int got, int err, const char *msg)
{
	if (!printk_saw(msg))
		fprintf(stderr, "expected \"%s\" in:\n%s", msg, printk_log);
	assert_int_equal(got, err);
	assert_true(printk_saw(msg));
	assert_int_equal(printk_count[LOG_ERR], 1);
	assert_int_equal(printk_count[LOG_WARN] + printk_count[LOG_INFO] + printk_count[LOG_DEBUG],
			 0);
	assert_zeroed();
}

static void assert_quiet(void)
{
	for (int i = 0; i < 4; i++)
		assert_int_equal(printk_count[i], 0);
}

static void assert_range(const struct ivrs_range *r, uint16_t first, uint16_t last, uint8_t dte)
{
	assert_non_null(r);
	assert_int_equal(r->first, first);
	assert_int_equal(r->last, last);
	assert_int_equal(r->dte, dte);
}

static void assert_plain(const struct ivrs_range *r, uint16_t first, uint16_t last)
{
	assert_range(r, first, last, 0);
	assert_false(r->aliased);
	assert_int_equal(r->alias, 0);
	assert_int_equal(r->ext, 0);
	assert_false(r->acpi);
}

static int setup(void **state)
{
	(void)state;
	tlen = 0;
	memset(tb, 0, sizeof(tb));
	printk_reset();
	return 0;
}

static int unit_index(const struct ivrs_unit *u)
{
	return u ? (int)(u - iv.unit) : -1;
}

static int unit_for(uint16_t seg, uint16_t bdf)
{
	return unit_index(ivrs_unit_for(&iv, seg, bdf));
}

/* ---- QEMU ----------------------------------------------------------------------- */

static void assert_qemu_ranges(const struct ivrs_unit *u)
{
	assert_int_equal(u->range_count, 7);
	assert_plain(&u->range[0], BDF(0, 0, 0), BDF(0, 0, 0));
	assert_plain(&u->range[1], BDF(0, 1, 0), BDF(0, 1, 0));
	assert_plain(&u->range[2], BDF(0, 2, 0), BDF(0, 2, 0));
	assert_plain(&u->range[3], BDF(1, 0, 0), BDF(1, 31, 7));
	assert_plain(&u->range[4], BDF(0, 31, 0), BDF(0, 31, 0));
	assert_plain(&u->range[5], BDF(0, 31, 2), BDF(0, 31, 2));
	assert_plain(&u->range[6], BDF(0, 31, 3), BDF(0, 31, 3));
	assert_int_equal(u->special_count, 1);
	assert_int_equal(u->special[0].variety, IVRS_SPECIAL_IOAPIC);
	assert_int_equal(u->special[0].handle, 0);
	assert_int_equal(u->special[0].bdf, BDF(0, 0x14, 0));
	assert_int_equal(u->special[0].dte, 0);
}

static void test_qemu_parse(void **state)
{
	const struct ivrs_unit *u = &iv.unit[0];
	char line[160];

	(void)state;
	load_qemu();
	assert_int_equal(parse_raw(tlen), 0);
	assert_quiet();
	assert_int_equal(iv.ivinfo, 0x2801);
	assert_int_equal(IVRS_IVINFO_PASIZE(iv.ivinfo), 40);
	assert_int_equal(iv.ivhd_type, IVRS_IVHD_EFR);
	assert_int_equal(iv.unit_count, 1);
	assert_int_equal(iv.ivmd_count, 0);
	assert_int_equal(u->type, IVRS_IVHD_EFR);
	assert_int_equal(u->flags, 0x11);
	assert_int_equal(u->bdf, BDF(0, 1, 0));
	assert_int_equal(u->cap_off, 0x40);
	assert_int_equal(u->base, 0xfed80000);
	assert_int_equal(u->segment, 0);
	assert_int_equal(u->info, 0);
	assert_int_equal(u->feature, 0);
	assert_true(u->has_efr);
	assert_int_equal(u->efr, 0x29d7);
	assert_int_equal(u->efr2, 0);
	assert_qemu_ranges(u);
	/* Nothing beyond what the table holds. */
	assert_memory_equal(&iv.unit[1], &zero.unit[1], sizeof(iv.unit[0]) * (IVRS_MAX_UNITS - 1));
	assert_memory_equal(iv.ivmd, zero.ivmd, sizeof(iv.ivmd));

	assert_int_equal(ivrs_format_summary(&iv, line, sizeof(line)),
			 (int)strlen("ivrs: 1 unit(s), 0 ivmd(s), ivhd type 0x11, physical address "
				     "size 40, efr supported"));
	assert_string_equal(line, "ivrs: 1 unit(s), 0 ivmd(s), ivhd type 0x11, physical address "
				  "size 40, efr supported");
	ivrs_format_unit(&iv, 0, line, sizeof(line));
	assert_string_equal(line, "ivrs: unit 0 at 0xfed80000 segment 0, iommu 00:01.0, 7 "
				  "range(s), 1 special(s), efr 0x29d7");
	ivrs_format_unit(&iv, 1, line, sizeof(line));
	assert_string_equal(line, "ivrs: no unit 1");
	/* Cut short like sfmt. */
	assert_true(ivrs_format_unit(&iv, 0, line, 10) > 10);
	assert_string_equal(line, "ivrs: uni");
}

static void test_qemu_unit_for(void **state)
{
	const struct ivrs_unit *u;

	(void)state;
	load_qemu();
	assert_int_equal(parse_raw(tlen), 0);
	/* The PF and its VFs behind the root port, the port, bus 0 functions. */
	assert_int_equal(unit_for(0, BDF(1, 0, 0)), 0);
	assert_int_equal(unit_for(0, BDF(1, 0x10, 0)), 0);
	assert_int_equal(unit_for(0, BDF(1, 0x10, 2)), 0);
	assert_int_equal(unit_for(0, BDF(1, 31, 7)), 0);
	assert_int_equal(unit_for(0, BDF(0, 2, 0)), 0);
	assert_int_equal(unit_for(0, BDF(0, 1, 0)), 0); /* the IOMMU itself */
	assert_int_equal(unit_for(0, BDF(0, 31, 3)), 0);
	/* The IOAPIC's requester ID, as a special device. */
	assert_int_equal(unit_for(0, BDF(0, 0x14, 0)), 0);
	/* Not listed. */
	assert_int_equal(unit_for(0, BDF(0, 31, 1)), -1);
	assert_int_equal(unit_for(0, BDF(0, 3, 0)), -1);
	assert_int_equal(unit_for(0, BDF(2, 0, 0)), -1);
	assert_int_equal(unit_for(0, 0xffff), -1);
	assert_int_equal(unit_for(1, BDF(1, 0, 0)), -1);

	u = ivrs_unit_for(&iv, 0, BDF(1, 0x10, 2));
	assert_plain(ivrs_range_for(u, BDF(1, 0x10, 2)), BDF(1, 0, 0), BDF(1, 31, 7));
	assert_plain(ivrs_range_for(u, BDF(0, 31, 2)), BDF(0, 31, 2), BDF(0, 31, 2));
	assert_null(ivrs_range_for(u, BDF(0, 0x14, 0)));
	assert_null(ivrs_range_for(u, BDF(0, 31, 1)));
}

/* Only the 10h block (the first 112 bytes, resealed): a legacy unit. */
static void test_qemu_legacy_only(void **state)
{
	const struct ivrs_unit *u = &iv.unit[0];
	char line[160];

	(void)state;
	load_qemu();
	assert_int_equal(parse_len(QEMU_IVHD11_AT), 0);
	assert_quiet();
	assert_int_equal(iv.ivhd_type, IVRS_IVHD_LEGACY);
	assert_int_equal(iv.unit_count, 1);
	assert_int_equal(u->type, IVRS_IVHD_LEGACY);
	assert_int_equal(u->flags, 0xd1);
	assert_int_equal(u->feature, 0x45);
	assert_false(u->has_efr);
	assert_int_equal(u->efr, 0);
	assert_int_equal(u->base, 0xfed80000);
	assert_qemu_ranges(u);
	ivrs_format_unit(&iv, 0, line, sizeof(line));
	assert_string_equal(line, "ivrs: unit 0 at 0xfed80000 segment 0, iommu 00:01.0, 7 "
				  "range(s), 1 special(s)");
}

/* Every cut of the QEMU table, resealed: only cuts between blocks parse. */
static void test_qemu_every_prefix(void **state)
{
	(void)state;
	for (size_t n = 0; n <= sizeof(qemu_ivrs); n++) {
		int err;

		load_qemu();
		err = n >= 10 ? parse_len(n) : parse_raw(n);
		if (n == 48 || n == QEMU_IVHD11_AT || n == sizeof(qemu_ivrs)) {
			assert_int_equal(err, 0);
			assert_int_equal(iv.unit_count, n > 48);
			assert_int_equal(iv.ivinfo, 0x2801);
		} else {
			assert_int_equal(err, -EINVAL);
			assert_int_equal(printk_count[LOG_ERR], 1);
			assert_zeroed();
		}
	}
}

/* The header alone: no units, no IVHD type. */
static void test_header_only(void **state)
{
	char line[160];

	(void)state;
	hdr(0);
	assert_int_equal(parse(), 0);
	assert_quiet();
	assert_int_equal(iv.unit_count, 0);
	assert_int_equal(iv.ivhd_type, 0);
	assert_null(ivrs_unit_for(&iv, 0, 0));
	ivrs_format_summary(&iv, line, sizeof(line));
	assert_string_equal(line, "ivrs: 0 unit(s), 0 ivmd(s), ivhd type 0x00, physical address "
				  "size 0, efr not supported");
}

/* ---- IVHD type choice ----------------------------------------------------------- */

/* One IOMMU in all three formats, each listing a different device: 40h is
 * used wherever it is listed, and only its entries count. */
static void test_type_40h_wins(void **state)
{
	static const uint8_t orders[][3] = {
		{0x10, 0x11, 0x40},
		{0x40, 0x11, 0x10},
		{0x11, 0x40, 0x10},
	};

	(void)state;
	for (unsigned int o = 0; o < 3; o++) {
		const struct ivrs_unit *u = &iv.unit[0];

		hdr(1);
		for (int k = 0; k < 3; k++) {
			uint8_t t = orders[o][k];
			size_t at = ivhd_full(t, t, BDF(0, 0, 2), 0x40, 0xfd000000, 0, 0, t,
					      0x1000 + t, 0x2000 + t);

			sel(BDF(t, 0, 0));
			end(at);
		}
		assert_int_equal(parse(), 0);
		assert_quiet();
		assert_int_equal(iv.ivhd_type, 0x40);
		assert_int_equal(iv.unit_count, 1);
		assert_int_equal(u->type, 0x40);
		assert_int_equal(u->flags, 0x40);
		assert_int_equal(u->feature, 0x40);
		assert_int_equal(u->efr, 0x1040);
		assert_int_equal(u->efr2, 0x2040);
		assert_int_equal(u->range_count, 1);
		assert_plain(&u->range[0], BDF(0x40, 0, 0), BDF(0x40, 0, 0));
		assert_int_equal(unit_for(0, BDF(0x40, 0, 0)), 0);
		assert_int_equal(unit_for(0, BDF(0x10, 0, 0)), -1);
		assert_int_equal(unit_for(0, BDF(0x11, 0, 0)), -1);
	}
}

/* Two IOMMUs, each as 10h and 11h: both kept, as 11h, in table order. */
static void test_type_two_iommus(void **state)
{
	size_t at;

	(void)state;
	hdr(1);
	at = ivhd(0x10, BDF(0, 0, 2), 0xfd000000, 0);
	range(BDF(0, 0, 0), BDF(0x3f, 31, 7));
	end(at);
	at = ivhd(0x10, BDF(0x40, 0, 2), 0xfd100000, 0);
	range(BDF(0x40, 0, 0), BDF(0x7f, 31, 7));
	end(at);
	at = ivhd(0x11, BDF(0x40, 0, 2), 0xfd100000, 0);
	range(BDF(0x40, 0, 0), BDF(0x7f, 31, 7));
	end(at);
	at = ivhd(0x11, BDF(0, 0, 2), 0xfd000000, 0);
	range(BDF(0, 0, 0), BDF(0x3f, 31, 7));
	end(at);
	assert_int_equal(parse(), 0);
	assert_quiet();
	assert_int_equal(iv.ivhd_type, 0x11);
	assert_int_equal(iv.unit_count, 2);
	assert_int_equal(iv.unit[0].base, 0xfd100000);
	assert_int_equal(iv.unit[0].bdf, BDF(0x40, 0, 2));
	assert_int_equal(iv.unit[1].base, 0xfd000000);
	assert_int_equal(unit_for(0, BDF(0x41, 0, 0)), 0);
	assert_int_equal(unit_for(0, BDF(0x3f, 31, 7)), 1);
	assert_int_equal(unit_for(0, BDF(0x80, 0, 0)), -1);
}

/* ---- device entries ------------------------------------------------------------- */

/* Every entry kind in one unit, with the fields each carries. */
static void test_entries(void **state)
{
	const struct ivrs_unit *u = &iv.unit[0];
	const struct ivrs_range *r;
	size_t at;

	(void)state;
	hdr(0x2801);
	at = ivhd_full(0x40, 0xb0, BDF(0, 0, 2), 0x64, 0xfeb80000, 0, 0x1f00, 0x22, 0xabcdef, 0x55);
	e4(0x00, 0xffff, 0xff);				      /* 4-byte pad */
	e4(0x02, BDF(0, 1, 0), 0xd7);			      /* SELECT with DTE bits */
	e4(0x03, BDF(1, 0, 0), 0x01);			      /* START with INITPass */
	e4(0x04, BDF(1, 31, 7), 0x00);			      /* END */
	e8(0x40, 0, 0, 0);				      /* 8-byte pad */
	e8(0x42, BDF(2, 0, 0), 0x04, alias_hi(BDF(0, 3, 0))); /* ALIAS_SELECT */
	e8(0x43, BDF(3, 0, 0), 0x40, alias_hi(BDF(3, 0, 0))); /* ALIAS_START */
	e4(0x04, BDF(4, 31, 7), 0);
	e8(0x46, BDF(5, 0, 0), 0x80, 0x10000000); /* EXT_SELECT: ATS disabled */
	e8(0x47, BDF(6, 0, 0), 0x00, 0x10000001); /* EXT_START */
	e4(0x04, BDF(6, 0, 7), 0);
	special(IVRS_SPECIAL_IOAPIC, 0x21, BDF(0, 0x14, 0), 0xd7);
	special(IVRS_SPECIAL_HPET, 0, BDF(0, 0x14, 0), 0);
	special(IVRS_SPECIAL_IOAPIC, 0x22, BDF(0, 0, 1), 0);
	acpi_hid(BDF(0, 0x14, 5), 0x40, "AMDI0020", "\0\0\0\0\0\0\0\0", 2, "ID00");
	acpi_hid(BDF(0, 0x14, 6), 0, "AMDI0030", "PNP0C09 ", 0, "");
	sel(BDF(0, 1, 0)); /* listed again: overrides */
	end(at);
	assert_int_equal(parse(), 0);
	assert_quiet();

	assert_int_equal(u->type, 0x40);
	assert_int_equal(u->flags, 0xb0);
	assert_int_equal(u->cap_off, 0x64);
	assert_int_equal(u->info, 0x1f00);
	assert_int_equal(u->feature, 0x22);
	assert_int_equal(u->efr, 0xabcdef);
	assert_int_equal(u->efr2, 0x55);
	assert_int_equal(u->range_count, 9);
	assert_range(&u->range[0], BDF(0, 1, 0), BDF(0, 1, 0), 0xd7);
	assert_range(&u->range[1], BDF(1, 0, 0), BDF(1, 31, 7), 0x01);
	assert_false(u->range[1].aliased);
	assert_range(&u->range[2], BDF(2, 0, 0), BDF(2, 0, 0), 0x04);
	assert_true(u->range[2].aliased);
	assert_int_equal(u->range[2].alias, BDF(0, 3, 0));
	assert_range(&u->range[3], BDF(3, 0, 0), BDF(4, 31, 7), 0x40);
	assert_true(u->range[3].aliased);
	assert_int_equal(u->range[3].alias, BDF(3, 0, 0));
	assert_range(&u->range[4], BDF(5, 0, 0), BDF(5, 0, 0), 0x80);
	assert_int_equal(u->range[4].ext, 0x10000000);
	assert_false(u->range[4].aliased);
	assert_range(&u->range[5], BDF(6, 0, 0), BDF(6, 0, 7), 0x00);
	assert_int_equal(u->range[5].ext, 0x10000001);
	assert_range(&u->range[6], BDF(0, 0x14, 5), BDF(0, 0x14, 5), 0x40);
	assert_true(u->range[6].acpi);
	assert_range(&u->range[7], BDF(0, 0x14, 6), BDF(0, 0x14, 6), 0);
	assert_true(u->range[7].acpi);
	assert_plain(&u->range[8], BDF(0, 1, 0), BDF(0, 1, 0));
	assert_int_equal(u->special_count, 3);
	assert_int_equal(u->special[0].variety, IVRS_SPECIAL_IOAPIC);
	assert_int_equal(u->special[0].handle, 0x21);
	assert_int_equal(u->special[0].bdf, BDF(0, 0x14, 0));
	assert_int_equal(u->special[0].dte, 0xd7);
	assert_int_equal(u->special[1].variety, IVRS_SPECIAL_HPET);
	assert_int_equal(u->special[1].handle, 0);
	assert_int_equal(u->special[2].handle, 0x22);
	assert_int_equal(u->special[2].bdf, BDF(0, 0, 1));

	/* The lookup: ranges, the last listed wins; alias targets and
	 * special devices belong to the unit but have no range. */
	assert_int_equal(unit_for(0, BDF(1, 7, 3)), 0);
	assert_int_equal(unit_for(0, BDF(4, 31, 7)), 0);
	assert_int_equal(unit_for(0, BDF(0, 3, 0)), 0); /* alias target */
	assert_int_equal(unit_for(0, BDF(0, 0, 1)), 0); /* IOAPIC 0x22 */
	assert_int_equal(unit_for(0, BDF(0, 0x14, 5)), 0);
	assert_int_equal(unit_for(0, BDF(6, 1, 0)), -1);
	assert_int_equal(unit_for(0, BDF(5, 0, 1)), -1);
	assert_int_equal(unit_for(0, BDF(0, 0x14, 4)), -1);
	r = ivrs_range_for(u, BDF(0, 1, 0));
	assert_ptr_equal(r, &u->range[8]);
	r = ivrs_range_for(u, BDF(2, 0, 0));
	assert_true(r->aliased);
	assert_int_equal(r->alias, BDF(0, 3, 0));
	r = ivrs_range_for(u, BDF(4, 2, 1));
	assert_ptr_equal(r, &u->range[3]);
	assert_null(ivrs_range_for(u, BDF(0, 3, 0)));
	assert_null(ivrs_range_for(u, BDF(0, 0, 1)));
}

/* ALL covers every device ID of its segment; one per segment is fine. */
static void test_all(void **state)
{
	size_t at;

	(void)state;
	hdr(0);
	at = ivhd(0x10, BDF(0, 0, 2), 0xfeb80000, 0);
	e4(0x01, 0x1234, 0x05); /* the device ID field is reserved */
	special(IVRS_SPECIAL_IOAPIC, 0, BDF(0, 0x14, 0), 0);
	end(at);
	at = ivhd(0x10, BDF(0, 0, 2), 0xfeb84000, 3);
	e4(0x01, 0, 0);
	end(at);
	assert_int_equal(parse(), 0);
	assert_quiet();
	assert_int_equal(iv.unit_count, 2);
	assert_range(&iv.unit[0].range[0], 0, 0xffff, 0x05);
	assert_int_equal(unit_for(0, 0), 0);
	assert_int_equal(unit_for(0, BDF(1, 0x10, 2)), 0);
	assert_int_equal(unit_for(0, 0xffff), 0);
	assert_int_equal(unit_for(3, BDF(0x80, 0, 0)), 1);
	assert_int_equal(unit_for(1, 0), -1);
	assert_int_equal(unit_for(2, 0xffff), -1);
}

/* Units of one segment split the device IDs; other segments may repeat them. */
static void test_multiple_units(void **state)
{
	size_t at;

	(void)state;
	hdr(1);
	at = ivhd(0x11, BDF(0, 0, 2), 0xf0000000, 0);
	range(BDF(0, 0, 0), BDF(0x3f, 31, 7));
	sel(BDF(0, 1, 0)); /* inside its own range: fine */
	special(IVRS_SPECIAL_IOAPIC, 0, BDF(0, 0x14, 0), 0);
	end(at);
	at = ivhd(0x11, BDF(0x40, 0, 2), 0xf0004000, 0);
	range(BDF(0x40, 0, 0), BDF(0x7f, 31, 7));
	e8(0x43, BDF(0x80, 0, 0), 0, alias_hi(BDF(0x7f, 0, 0))); /* alias into its own range */
	e4(0x04, BDF(0x80, 31, 7), 0);
	special(IVRS_SPECIAL_IOAPIC, 1, BDF(0x40, 0, 1), 0);
	special(IVRS_SPECIAL_HPET, 0, BDF(0x40, 0, 1), 0); /* another IOAPIC's BDF: allowed */
	end(at);
	at = ivhd(0x11, BDF(0, 0, 2), 0xf0008000, 1);
	range(BDF(0, 0, 0), BDF(0x3f, 31, 7));
	special(IVRS_SPECIAL_IOAPIC, 2, BDF(0, 0x14, 0), 0);
	end(at);
	assert_int_equal(parse(), 0);
	assert_quiet();
	assert_int_equal(iv.unit_count, 3);
	assert_int_equal(iv.unit[2].segment, 1);
	assert_int_equal(unit_for(0, BDF(0x3f, 31, 7)), 0);
	assert_int_equal(unit_for(0, BDF(0x40, 0, 0)), 1);
	assert_int_equal(unit_for(0, BDF(0x80, 1, 0)), 1);
	assert_int_equal(unit_for(0, BDF(0x40, 0, 1)), 1);
	assert_int_equal(unit_for(0, BDF(0x81, 0, 0)), -1);
	assert_int_equal(unit_for(1, BDF(0, 0x14, 0)), 2);
	assert_int_equal(unit_for(1, BDF(0x40, 0, 0)), -1);
	assert_true(ivrs_range_for(&iv.unit[1], BDF(0x80, 2, 0))->aliased);
}

/* ---- IVMDs and other blocks ----------------------------------------------------- */

static void test_ivmd(void **state)
{
	const struct ivrs_ivmd *m = iv.ivmd;
	char line[160];

	(void)state;
	hdr(0x2800);
	ivmd(0x20, IVRS_IVMD_UNITY | IVRS_IVMD_READ | IVRS_IVMD_WRITE, 0x1234, 0x5678, 0,
	     0x7f000000, 0x100000);
	ivmd(0x21, IVRS_IVMD_EXCLUSION, BDF(0, 0x12, 0), 0x5678, 2, 0xfed00000, 0x1000);
	ivmd(0x22, IVRS_IVMD_UNITY | IVRS_IVMD_READ, BDF(1, 0, 0), BDF(1, 31, 7), 0,
	     0xfffffffffffff000ull, 0x1000);		    /* up to the very top */
	ivmd(0x22, 0, BDF(2, 0, 0), BDF(2, 0, 0), 0, 0, 1); /* one device, one byte */
	assert_int_equal(parse(), 0);
	assert_quiet();
	assert_int_equal(iv.unit_count, 0);
	assert_int_equal(iv.ivmd_count, 4);
	assert_int_equal(m[0].type, 0x20);
	assert_int_equal(m[0].flags, 7);
	assert_int_equal(m[0].first, 0);
	assert_int_equal(m[0].last, 0xffff);
	assert_int_equal(m[0].start, 0x7f000000);
	assert_int_equal(m[0].length, 0x100000);
	assert_int_equal(m[1].type, 0x21);
	assert_int_equal(m[1].flags, IVRS_IVMD_EXCLUSION);
	assert_int_equal(m[1].segment, 2);
	assert_int_equal(m[1].first, BDF(0, 0x12, 0));
	assert_int_equal(m[1].last, BDF(0, 0x12, 0));
	assert_int_equal(m[2].first, BDF(1, 0, 0));
	assert_int_equal(m[2].last, BDF(1, 31, 7));
	assert_int_equal(m[2].start, 0xfffffffffffff000ull);
	assert_int_equal(m[3].first, BDF(2, 0, 0));
	assert_int_equal(m[3].last, BDF(2, 0, 0));
	assert_int_equal(m[3].length, 1);
	ivrs_format_summary(&iv, line, sizeof(line));
	assert_string_equal(line, "ivrs: 0 unit(s), 4 ivmd(s), ivhd type 0x00, physical address "
				  "size 40, efr not supported");
}

/* Unknown block types are stepped over by their length, whatever they hold. */
static void test_unknown_blocks_skipped(void **state)
{
	size_t at;

	(void)state;
	hdr(0);
	other(0x30, 4, 0xff);
	at = ivhd(0x10, BDF(0, 0, 2), 0xfeb80000, 0);
	sel(BDF(0, 2, 0));
	end(at);
	other(0x12, 40, 0x99); /* an IVHD type this parser does not know */
	other(0x41, 24, 0x03);
	other(0xf0, 5, 0x80);
	assert_int_equal(parse(), 0);
	assert_quiet();
	assert_int_equal(iv.ivhd_type, 0x10);
	assert_int_equal(iv.unit_count, 1);
	assert_int_equal(unit_for(0, BDF(0, 2, 0)), 0);
}

/* Every cap filled exactly. */
static void test_caps_full(void **state)
{
	size_t at;

	(void)state;
	hdr(0);
	for (unsigned int n = 0; n < IVRS_MAX_UNITS; n++) {
		at = ivhd(0x11, BDF(n, 0, 2), 0xf0000000 + 0x4000 * (uint64_t)n, (uint16_t)n);
		for (unsigned int i = 0; i < IVRS_MAX_RANGES; i++)
			sel(BDF(0, i >> 3, i & 7));
		for (unsigned int i = 0; i < IVRS_MAX_SPECIALS; i++)
			special(IVRS_SPECIAL_IOAPIC, (uint8_t)(n * IVRS_MAX_SPECIALS + i),
				BDF(1, 0, 0), 0);
		end(at);
	}
	for (unsigned int i = 0; i < IVRS_MAX_IVMDS; i++)
		ivmd(0x20, 0, 0, 0, 0, 0x1000 * (uint64_t)i, 0x1000);
	assert_int_equal(parse(), 0);
	assert_quiet();
	assert_int_equal(iv.unit_count, IVRS_MAX_UNITS);
	assert_int_equal(iv.ivmd_count, IVRS_MAX_IVMDS);
	for (unsigned int n = 0; n < IVRS_MAX_UNITS; n++) {
		assert_int_equal(iv.unit[n].range_count, IVRS_MAX_RANGES);
		assert_int_equal(iv.unit[n].special_count, IVRS_MAX_SPECIALS);
		assert_int_equal(unit_for((uint16_t)n, BDF(0, 7, 7)), (int)n);
		assert_int_equal(unit_for((uint16_t)n, BDF(1, 0, 0)), (int)n);
		assert_int_equal(unit_for((uint16_t)n, BDF(0, 8, 0)), -1);
	}
}

/* ---- refusals: the table and its blocks ----------------------------------------- */

static void test_err_short_table(void **state)
{
	(void)state;
	assert_refused(ivrs_parse(&iv, NULL, 100), -EINVAL, "at offset 0x0: table of 0 bytes");
	hdr(0);
	assert_refused(parse_len(47), -EINVAL, "table of 47 bytes, shorter than its 48-byte");
	assert_refused(parse_raw(3), -EINVAL, "table of 3 bytes");
	assert_refused(parse_raw(0), -EINVAL, "table of 0 bytes");
}

static void test_err_signature(void **state)
{
	(void)state;
	hdr(0);
	tb[3] = 'T';
	assert_refused(parse(), -EBADMSG, "at offset 0x0: signature is not IVRS");
	load_qemu();
	memcpy(tb, "DMAR", 4);
	assert_refused(parse(), -EBADMSG, "signature is not IVRS");
}

/* The length field must be the table's length: more or less is refused. */
static void test_err_length_field(void **state)
{
	(void)state;
	load_qemu();
	assert_refused(parse_raw(tlen - 4), -EINVAL,
		       "at offset 0x4: length field 192, but the table is 188 bytes");
	load_qemu();
	tb[192] = 0x10;
	assert_refused(parse_raw(tlen + 1), -EINVAL, "length field 192, but the table is 193");
	load_qemu();
	put32(4, 0x100000c0);
	tb[9] = (uint8_t)(tb[9] - 0x10); /* checksum still right */
	assert_refused(parse_raw(tlen), -EINVAL, "length field 268435648, but the table is 192");
}

static void test_err_checksum(void **state)
{
	(void)state;
	load_qemu();
	tb[9]++;
	assert_refused(parse_raw(tlen), -EBADMSG,
		       "at offset 0x9: checksum does not add up (sum 0x01)");
	load_qemu();
	tb[0x70 + 1] ^= 0x80; /* a flag flipped in the 11h block */
	assert_refused(parse_raw(tlen), -EBADMSG, "checksum does not add up (sum 0x80)");
	load_qemu();
	tb[191] = 0x02;
	assert_refused(parse_raw(tlen), -EBADMSG, "checksum does not add up");
}

static void test_err_block_framing(void **state)
{
	size_t at;

	(void)state;
	/* 1 to 3 bytes after the last block. */
	for (int n = 1; n <= 3; n++) {
		load_qemu();
		for (int i = 0; i < n; i++)
			u8(0);
		assert_refused(parse(), -EINVAL, "at offset 0xc0: ");
		assert_true(printk_saw("byte(s) left, too few for a block"));
	}
	/* A block length below its own 4-byte head: would loop or step back. */
	for (uint16_t l = 0; l < 4; l++) {
		hdr(0);
		other(0x30, 4, 0);
		put16(tlen - 2, l);
		assert_refused(parse(), -EINVAL, "at offset 0x30: block type 0x30 has length");
	}
	/* A block running past the table end: IVHD, IVMD, unknown. */
	load_qemu();
	put16(QEMU_IVHD11_AT + 2, 81);
	assert_refused(parse(), -EINVAL,
		       "at offset 0x70: block type 0x11 of length 81 runs past the table end "
		       "(80 bytes left)");
	hdr(0);
	ivmd(0x21, 0, 0, 0, 0, 0, 1);
	tlen -= 1;
	assert_refused(parse(), -EINVAL, "block type 0x21 of length 32 runs past");
	hdr(0);
	at = tlen;
	other(0x7f, 8, 0);
	put16(at + 2, 0xffff);
	assert_refused(parse(), -EINVAL, "block type 0x7f of length 65535 runs past");
}

/* A block shorter than its type's header: 10h 24 bytes, 11h and 40h 40, IVMD 32. */
static void test_err_block_short(void **state)
{
	(void)state;
	hdr(0);
	other(0x10, 23, 0);
	assert_refused(parse(), -EINVAL, "at offset 0x30: IVHD type 0x10 length 23, below its 24");
	hdr(0);
	other(0x11, 39, 0);
	assert_refused(parse(), -EINVAL, "IVHD type 0x11 length 39, below its 40-byte header");
	hdr(0);
	other(0x40, 24, 0); /* long enough for a 10h header only */
	assert_refused(parse(), -EINVAL, "IVHD type 0x40 length 24, below its 40-byte header");
	hdr(0);
	other(0x22, 31, 0);
	assert_refused(parse(), -EINVAL, "IVMD length 31, below 32");
	/* In the QEMU table: the 10h block cut to 20 bytes, the rest made an
	 * unknown block that fills the gap. */
	load_qemu();
	put16(QEMU_IVHD10_AT + 2, 20);
	tb[QEMU_IVHD10_AT + 20] = 0x30;
	put16(QEMU_IVHD10_AT + 22, 44);
	assert_refused(parse(), -EINVAL, "IVHD type 0x10 length 20, below its 24-byte header");
}

static void test_err_ivhd_base(void **state)
{
	size_t at;

	(void)state;
	static const uint64_t bad[] = {0, 0xfed81000, 0xfed80004, 0xfed82000, 0x3fff};
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		hdr(0);
		at = ivhd(0x11, 0, bad[i], 0);
		end(at);
		assert_refused(parse(), -EINVAL, "at offset 0x30: IVHD register base 0x");
		assert_true(printk_saw("is not a 16 KiB block"));
	}
	/* Also in a block of a type not kept. */
	load_qemu();
	tb[QEMU_IVHD10_AT + 9] = 0x10;
	assert_refused(parse(), -EINVAL, "IVHD register base 0xfed81000 is not a 16 KiB");
	/* Two units at one base. */
	hdr(0);
	at = ivhd(0x11, BDF(0, 0, 2), 0xfeb80000, 0);
	end(at);
	at = ivhd(0x11, BDF(0x40, 0, 2), 0xfeb80000, 1);
	end(at);
	assert_refused(parse(), -EINVAL,
		       "at offset 0x58: IVHD register base 0xfeb80000 already taken by unit 0");
}

/* ---- refusals: device entries --------------------------------------------------- */

/* An IVHD with @n bytes of entries copied from @bytes. */
static void ivhd_with(uint8_t type, const uint8_t *bytes, size_t n)
{
	size_t at;

	hdr(0);
	at = ivhd(type, BDF(0, 0, 2), 0xfeb80000, 0);
	for (size_t i = 0; i < n; i++)
		u8(bytes[i]);
	end(at);
}

#define IVHD_WITH(type, ...)                               \
	do {                                               \
		static const uint8_t b_[] = {__VA_ARGS__}; \
		ivhd_with(type, b_, sizeof(b_));           \
	} while (0)

static void test_err_entry_truncated(void **state)
{
	(void)state;
	/* A 4-byte entry with 1 to 3 bytes left. */
	IVHD_WITH(0x10, 0x02, 0x00, 0x00, 0x00, 0x02, 0x00);
	assert_refused(parse(), -EINVAL,
		       "at offset 0x4c: device entry type 0x02 of length 4 runs past its IVHD "
		       "(2 bytes left)");
	IVHD_WITH(0x10, 0x00);
	assert_refused(parse(), -EINVAL, "device entry type 0x00 of length 4 runs past");
	/* An 8-byte entry with 4 or 7 left. */
	IVHD_WITH(0x11, 0x48, 0x00, 0x00, 0x00);
	assert_refused(parse(), -EINVAL,
		       "at offset 0x58: device entry type 0x48 of length 8 runs past its IVHD "
		       "(4 bytes left)");
	IVHD_WITH(0x11, 0x42, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01);
	assert_refused(parse(), -EINVAL, "device entry type 0x42 of length 8 runs past");
	/* ACPI HID: too short to hold its UID length, then a UID past the end. */
	IVHD_WITH(0x40, 0xf0, 0x00, 0x01, 0x00, 'A', 'M', 'D', 'I', '0', '0', '2', '0', 0, 0, 0, 0,
		  0, 0, 0, 0, 2);
	assert_refused(parse(), -EINVAL,
		       "at offset 0x58: 21 byte(s) left in the IVHD, too few for an ACPI HID");
	IVHD_WITH(0x40, 0xf0, 0x00, 0x01, 0x00, 'A', 'M', 'D', 'I', '0', '0', '2', '0', 0, 0, 0, 0,
		  0, 0, 0, 0, 2, 5, 'I', 'D', '0', '0');
	assert_refused(parse(), -EINVAL,
		       "device entry type 0xf0 of length 27 runs past its IVHD (26 bytes left)");
	/* The QEMU 11h block one byte short: its SPECIAL entry is cut. */
	load_qemu();
	put16(QEMU_IVHD11_AT + 2, 79);
	tb[tlen - 1] = 0;
	tlen--;
	assert_refused(parse(), -EINVAL, "at offset 0xb8: device entry type 0x48 of length 8");
}

static void test_err_entry_unknown(void **state)
{
	static const uint8_t fixed[] = {0x05, 0x10, 0x3f, 0x41, 0x44, 0x45, 0x49, 0x7f};
	static const uint8_t variable[] = {0x80, 0xbf, 0xc0, 0xef, 0xf1, 0xff};

	(void)state;
	for (unsigned int i = 0; i < sizeof(fixed); i++) {
		char msg[64];

		hdr(0);
		size_t at = ivhd(0x11, BDF(0, 0, 2), 0xfeb80000, 0);

		sel(0);
		e8(fixed[i], 0, 0, 0); /* room for either size */
		end(at);
		snprintf(msg, sizeof(msg), "at offset 0x5c: unknown device entry type 0x%02x",
			 fixed[i]);
		assert_refused(parse(), -EINVAL, msg);
	}
	for (unsigned int i = 0; i < sizeof(variable); i++) {
		char msg[80];

		hdr(0);
		size_t at = ivhd(0x40, BDF(0, 0, 2), 0xfeb80000, 0);

		for (int k = 0; k < 32; k++)
			u8(variable[i]);
		end(at);
		snprintf(msg, sizeof(msg),
			 "at offset 0x58: device entry type 0x%02x of unknown length", variable[i]);
		assert_refused(parse(), -EINVAL, msg);
	}
}

static void test_err_start_end(void **state)
{
	(void)state;
	/* END with no START, first or after a closed range. */
	IVHD_WITH(0x10, 0x04, 0xff, 0x01, 0x00);
	assert_refused(parse(), -EINVAL,
		       "at offset 0x48: end of range without a start of range before it");
	IVHD_WITH(0x10, 0x03, 0x00, 0x01, 0x00, 0x04, 0xff, 0x01, 0x00, 0x04, 0xff, 0x02, 0x00);
	assert_refused(parse(), -EINVAL, "at offset 0x50: end of range without a start");
	/* START left open at the end of its IVHD, though an END follows in the
	 * next block. */
	{
		size_t at;

		hdr(0);
		at = ivhd(0x10, BDF(0, 0, 2), 0xfeb80000, 0);
		e4(0x03, BDF(1, 0, 0), 0);
		end(at);
		at = ivhd(0x10, BDF(0, 0, 2), 0xfeb84000, 1);
		e4(0x04, BDF(1, 31, 7), 0);
		end(at);
		assert_refused(parse(), -EINVAL,
			       "at offset 0x48: start of range with no end of range in its IVHD");
	}
	IVHD_WITH(0x11, 0x47, 0x00, 0x01, 0x00, 0, 0, 0, 0);
	assert_refused(parse(), -EINVAL, "at offset 0x58: start of range with no end of range");
	/* START followed by something other than its END. */
	IVHD_WITH(0x10, 0x03, 0x00, 0x01, 0x00, 0x02, 0x08, 0x00, 0x00, 0x04, 0xff, 0x01, 0x00);
	assert_refused(parse(), -EINVAL,
		       "at offset 0x4c: device entry type 0x02 where the end of the range "
		       "started at 0x48 belongs");
	IVHD_WITH(0x10, 0x43, 0x00, 0x01, 0x00, 0, 0, 0, 0, 0x03, 0x00, 0x02, 0x00, 0x04, 0xff,
		  0x02, 0x00);
	assert_refused(parse(), -EINVAL, "device entry type 0x03 where the end of the range");
	IVHD_WITH(0x10, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0xff, 0x01, 0x00);
	assert_refused(parse(), -EINVAL, "device entry type 0x00 where the end");
}

static void test_err_range_order(void **state)
{
	(void)state;
	IVHD_WITH(0x10, 0x03, 0x00, 0x02, 0x00, 0x04, 0xff, 0x01, 0x00);
	assert_refused(parse(), -EINVAL,
		       "at offset 0x4c: range end 01:1f.7 below its start 02:00.0");
	IVHD_WITH(0x11, 0x43, 0x01, 0x02, 0x00, 0, 0, 0, 0, 0x04, 0x00, 0x02, 0x00);
	assert_refused(parse(), -EINVAL, "range end 02:00.0 below its start 02:00.1");
	/* first == last is a range of one. */
	IVHD_WITH(0x10, 0x03, 0x00, 0x02, 0x00, 0x04, 0x00, 0x02, 0x00);
	assert_int_equal(parse(), 0);
	assert_range(&iv.unit[0].range[0], BDF(2, 0, 0), BDF(2, 0, 0), 0);
}

static void test_err_special(void **state)
{
	size_t at;

	(void)state;
	static const uint8_t bad[] = {0, 3, 0xff};
	for (unsigned int i = 0; i < sizeof(bad); i++) {
		hdr(0);
		at = ivhd(0x10, BDF(0, 0, 2), 0xfeb80000, 0);
		special(bad[i], 0, BDF(0, 0x14, 0), 0);
		end(at);
		assert_refused(parse(), -EINVAL, "at offset 0x48: special device of variety");
		assert_true(printk_saw("(neither IOAPIC nor HPET)"));
	}
	/* The same IOAPIC twice, in one unit or two. */
	hdr(0);
	at = ivhd(0x10, BDF(0, 0, 2), 0xfeb80000, 0);
	special(IVRS_SPECIAL_IOAPIC, 9, BDF(0, 0x14, 0), 0);
	special(IVRS_SPECIAL_HPET, 9, BDF(0, 0x14, 0), 0); /* an HPET 9 is another device */
	special(IVRS_SPECIAL_IOAPIC, 9, BDF(0, 0x14, 0), 0);
	end(at);
	assert_refused(parse(), -EINVAL, "at offset 0x58: IOAPIC 9 named a second time");
	hdr(0);
	at = ivhd(0x10, BDF(0, 0, 2), 0xfeb80000, 0);
	special(IVRS_SPECIAL_HPET, 0, BDF(0, 0x14, 0), 0);
	end(at);
	at = ivhd(0x10, BDF(0, 0, 2), 0xfeb84000, 1);
	special(IVRS_SPECIAL_HPET, 0, BDF(0, 0x14, 0), 0);
	end(at);
	assert_refused(parse(), -EINVAL, "at offset 0x68: HPET 0 named a second time");
	/* A bad variety in a block not kept is still refused. */
	load_qemu();
	tb[QEMU_IVHD10_AT + 24 + 39] = 4;
	assert_refused(parse(), -EINVAL, "at offset 0x68: special device of variety 4");
}

/* Two units of one segment claiming one device ID, by every kind of claim. */
static void test_err_overlap(void **state)
{
	size_t at;

	(void)state;
	/* Ranges. */
	hdr(0);
	at = ivhd(0x10, BDF(0, 0, 2), 0xf0000000, 0);
	range(BDF(0, 0, 0), BDF(0x3f, 31, 7));
	end(at);
	at = ivhd(0x10, BDF(0x40, 0, 2), 0xf0004000, 0);
	range(BDF(0x3f, 31, 7), BDF(0x7f, 31, 7));
	end(at);
	assert_refused(parse(), -EINVAL,
		       "at offset 0x50: device 3f:1f.7 of segment 0 is claimed by unit 0 and "
		       "unit 1");
	/* A range around another unit's select. */
	hdr(0);
	at = ivhd(0x10, BDF(0, 0, 2), 0xf0000000, 0);
	sel(BDF(5, 2, 1));
	end(at);
	at = ivhd(0x10, BDF(0x40, 0, 2), 0xf0004000, 0);
	range(BDF(1, 0, 0), BDF(9, 0, 0));
	end(at);
	assert_refused(parse(), -EINVAL, "device 05:02.1 of segment 0 is claimed by unit 0");
	/* ALL against anything. */
	hdr(0);
	at = ivhd(0x11, BDF(0, 0, 2), 0xf0000000, 2);
	sel(BDF(0x80, 0, 0));
	end(at);
	at = ivhd(0x11, BDF(0x40, 0, 2), 0xf0004000, 2);
	e4(0x01, 0, 0);
	end(at);
	assert_refused(parse(), -EINVAL,
		       "device 80:00.0 of segment 2 is claimed by unit 0 and "
		       "unit 1");
	/* An alias target. */
	hdr(0);
	at = ivhd(0x10, BDF(0, 0, 2), 0xf0000000, 0);
	sel(BDF(0, 5, 0));
	end(at);
	at = ivhd(0x10, BDF(0x40, 0, 2), 0xf0004000, 0);
	e8(0x42, BDF(0x41, 0, 0), 0, alias_hi(BDF(0, 5, 0)));
	end(at);
	assert_refused(parse(), -EINVAL, "device 00:05.0 of segment 0 is claimed by unit 0");
	/* A special device's requester ID. */
	hdr(0);
	at = ivhd(0x10, BDF(0, 0, 2), 0xf0000000, 0);
	special(IVRS_SPECIAL_IOAPIC, 0, BDF(0, 0x14, 0), 0);
	end(at);
	at = ivhd(0x10, BDF(0x40, 0, 2), 0xf0004000, 0);
	range(BDF(0, 0x10, 0), BDF(0, 0x17, 7));
	end(at);
	assert_refused(parse(), -EINVAL, "device 00:14.0 of segment 0 is claimed by unit 0");
	/* Both claims as ranges that only touch: fine. */
	hdr(0);
	at = ivhd(0x10, BDF(0, 0, 2), 0xf0000000, 0);
	range(BDF(0, 0, 0), BDF(0x3f, 31, 6));
	end(at);
	at = ivhd(0x10, BDF(0x40, 0, 2), 0xf0004000, 0);
	range(BDF(0x3f, 31, 7), BDF(0x7f, 31, 7));
	end(at);
	assert_int_equal(parse(), 0);
	assert_int_equal(unit_for(0, BDF(0x3f, 31, 6)), 0);
	assert_int_equal(unit_for(0, BDF(0x3f, 31, 7)), 1);
}

/* An older IVHD whose IOMMU has no block of the type used would be lost. */
static void test_err_orphan_older_block(void **state)
{
	size_t at;

	(void)state;
	hdr(1);
	at = ivhd(0x10, BDF(0, 0, 2), 0xf0000000, 0);
	sel(BDF(0, 1, 0));
	end(at);
	at = ivhd(0x10, BDF(0x40, 0, 2), 0xf0004000, 0);
	sel(BDF(0x40, 1, 0));
	end(at);
	at = ivhd(0x11, BDF(0, 0, 2), 0xf0000000, 0);
	sel(BDF(0, 1, 0));
	end(at);
	assert_refused(parse(), -EINVAL,
		       "at offset 0x4c: IVHD type 0x10 for the IOMMU at 0xf0004000 has no type "
		       "0x11 block");
	/* Same base, other segment: not the same IOMMU. */
	load_qemu();
	tb[QEMU_IVHD10_AT + 16] = 1;
	assert_refused(parse(), -EINVAL,
		       "at offset 0x30: IVHD type 0x10 for the IOMMU at 0xfed80000 has no type "
		       "0x11 block");
}

static void test_err_ivmd(void **state)
{
	(void)state;
	hdr(0);
	ivmd(0x22, 0, BDF(2, 0, 0), BDF(1, 31, 7), 0, 0x1000, 0x1000);
	assert_refused(parse(), -EINVAL,
		       "at offset 0x30: IVMD device range end 01:1f.7 below its start 02:00.0");
	hdr(0);
	ivmd(0x21, 0, 0, 0, 0, 0x1000, 0);
	assert_refused(parse(), -EINVAL,
		       "at offset 0x30: IVMD memory 0x1000 length 0x0 is empty or wraps");
	hdr(0);
	ivmd(0x21, 0, 0, 0, 0, 0, 0); /* at 0, length - 1 does not look like a wrap */
	assert_refused(parse(), -EINVAL, "IVMD memory 0x0 length 0x0 is empty or wraps");
	hdr(0);
	ivmd(0x20, 0, 0, 0, 0, 0xfffffffffffff000ull, 0x1001);
	assert_refused(parse(), -EINVAL, "IVMD memory 0xfffffffffffff000 length 0x1001 is empty");
	hdr(0);
	ivmd(0x20, 0, 0, 0, 0, 2, 0xffffffffffffffffull);
	assert_refused(parse(), -EINVAL, "is empty or wraps");
	/* 21h and 20h ignore the aux field, so no order there. */
	hdr(0);
	ivmd(0x21, 0, BDF(2, 0, 0), BDF(1, 0, 0), 0, 0x1000, 0x1000);
	ivmd(0x20, 0, BDF(2, 0, 0), BDF(1, 0, 0), 0, 0x1000, 0x1000);
	assert_int_equal(parse(), 0);
}

static void test_err_caps(void **state)
{
	size_t at;

	(void)state;
	hdr(0);
	for (unsigned int n = 0; n <= IVRS_MAX_UNITS; n++) {
		at = ivhd(0x10, 0, 0xf0000000 + 0x4000 * (uint64_t)n, (uint16_t)n);
		end(at);
	}
	assert_refused(parse(), -E2BIG, "at offset 0xf0: more than 8 IVHDs of type 0x10");
	hdr(0);
	at = ivhd(0x10, 0, 0xf0000000, 0);
	for (unsigned int i = 0; i <= IVRS_MAX_RANGES; i++)
		sel((uint16_t)i);
	end(at);
	assert_refused(parse(), -E2BIG, "at offset 0x148: more than 64 device ranges in one IVHD");
	hdr(0);
	at = ivhd(0x10, 0, 0xf0000000, 0);
	for (unsigned int i = 0; i <= IVRS_MAX_SPECIALS; i++)
		special(IVRS_SPECIAL_HPET, (uint8_t)i, 0, 0);
	end(at);
	assert_refused(parse(), -E2BIG, "at offset 0xc8: more than 16 special devices in one");
	hdr(0);
	for (unsigned int i = 0; i <= IVRS_MAX_IVMDS; i++)
		ivmd(0x20, 0, 0, 0, 0, 0, 0x1000);
	assert_refused(parse(), -E2BIG, "at offset 0x230: more than 16 IVMDs");
	/* Blocks of a type not kept do not count against the unit cap. */
	hdr(0);
	for (unsigned int n = 0; n <= IVRS_MAX_UNITS; n++) {
		at = ivhd(0x10, 0, 0xf0000000 + 0x4000 * (uint64_t)(n % IVRS_MAX_UNITS),
			  (uint16_t)(n % IVRS_MAX_UNITS));
		end(at);
	}
	for (unsigned int n = 0; n < IVRS_MAX_UNITS; n++) {
		at = ivhd(0x11, 0, 0xf0000000 + 0x4000 * (uint64_t)n, (uint16_t)n);
		end(at);
	}
	assert_int_equal(parse(), 0);
	assert_int_equal(iv.unit_count, IVRS_MAX_UNITS);
}

/* Random damage to the QEMU table, resealed: refused with one message and
 * nothing kept, or parsed within the caps; never a read out of bounds. */
static void test_err_random_damage(void **state)
{
	uint32_t x = 0x1234567;

	(void)state;
	for (int round = 0; round < 20000; round++) {
		size_t n = sizeof(qemu_ivrs);
		int err;

		load_qemu();
		for (int k = 0; k < 1 + round % 4; k++) {
			x ^= x << 13, x ^= x >> 17, x ^= x << 5;
			tb[48 + x % (n - 48)] = (uint8_t)(x >> 8);
		}
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		err = parse_len(round % 8 ? n : 48 + x % (n - 48));
		if (err) {
			assert_true(err == -EINVAL || err == -E2BIG);
			assert_int_equal(printk_count[LOG_ERR], 1);
			assert_zeroed();
			continue;
		}
		assert_int_equal(printk_count[LOG_ERR], 0);
		assert_true(iv.unit_count <= IVRS_MAX_UNITS && iv.ivmd_count <= IVRS_MAX_IVMDS);
		for (unsigned int b = 0; b < 6; b++)
			(void)ivrs_unit_for(&iv, 0, (uint16_t)(x >> b));
	}
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
	const struct CMUnitTest tests[] = {
		T(test_qemu_parse),
		T(test_qemu_unit_for),
		T(test_qemu_legacy_only),
		T(test_qemu_every_prefix),
		T(test_header_only),
		T(test_type_40h_wins),
		T(test_type_two_iommus),
		T(test_entries),
		T(test_all),
		T(test_multiple_units),
		T(test_ivmd),
		T(test_unknown_blocks_skipped),
		T(test_caps_full),
		T(test_err_short_table),
		T(test_err_signature),
		T(test_err_length_field),
		T(test_err_checksum),
		T(test_err_block_framing),
		T(test_err_block_short),
		T(test_err_ivhd_base),
		T(test_err_entry_truncated),
		T(test_err_entry_unknown),
		T(test_err_start_end),
		T(test_err_range_order),
		T(test_err_special),
		T(test_err_overlap),
		T(test_err_orphan_older_block),
		T(test_err_ivmd),
		T(test_err_caps),
		T(test_err_random_damage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
