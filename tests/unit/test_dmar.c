// SPDX-License-Identifier: MIT
/*
 * Unit tests for iommu/dmar.c. Tables are built byte by byte here, then
 * handed over in a heap block of exactly their length, so ASan reports any
 * read past @len. PCI bridges are a small table behind the callback.
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
#include "iommu/dmar.h"
#include "lib/err.h"
#include "lib/printk.h"
#include "fake_printk.h"
#include "table_builder.h"

#define DF(dev, fn) ((uint8_t)((dev) << 3 | (fn)))

static struct dmar_info d;
static const struct dmar_info zero;

/* ---- table builder ---------------------------------------------------------- */

/* The 48-byte DMAR header; @haw_field is the width minus one. */
static void hdr(uint8_t haw_field, uint8_t flags)
{
	tlen = 0;
	memcpy(tb, "DMAR", 4);
	tlen = 4;
	u32(0); /* length, set by parse() */
	u8(1);	/* revision */
	u8(0);	/* checksum: drivers/acpi checked it, dmar.c does not */
	for (const char *s = "BOCHS BXPC    "; *s; s++)
		u8((uint8_t)*s);
	u32(1);
	u32(0x43505842);
	u32(1);
	assert_int_equal(tlen, 36);
	u8(haw_field);
	u8(flags);
	for (int i = 0; i < 10; i++)
		u8(0);
}

static size_t drhd(uint8_t flags, uint16_t seg, uint64_t base)
{
	size_t at = tlen;

	u16(0);
	u16(0); /* length, set by end() */
	u8(flags);
	u8(0); /* size */
	u16(seg);
	u64(base);
	return at;
}

static size_t rmrr(uint16_t seg, uint64_t base, uint64_t limit)
{
	size_t at = tlen;

	u16(1);
	u16(0);
	u16(0);
	u16(seg);
	u64(base);
	u64(limit);
	return at;
}

/* Close the structure begun at @at. */
static void end(size_t at)
{
	put16(at + 2, (uint16_t)(tlen - at));
}

/* A device scope with @n (dev, fn) pairs from @path. */
static void scope(uint8_t type, uint8_t id, uint8_t bus, unsigned int n, const uint8_t *path)
{
	u8(type);
	u8((uint8_t)(6 + 2 * n));
	u16(0);
	u8(id);
	u8(bus);
	for (unsigned int i = 0; i < 2 * n; i++)
		u8(path[i]);
}

static void ep(uint8_t bus, uint8_t dev, uint8_t fn)
{
	scope(DMAR_SCOPE_ENDPOINT, 0, bus, 1, (const uint8_t[]){dev, fn});
}

static void br(uint8_t bus, uint8_t dev, uint8_t fn)
{
	scope(DMAR_SCOPE_BRIDGE, 0, bus, 1, (const uint8_t[]){dev, fn});
}

/* A structure of another type: @len bytes, the rest filled with @fill. */
static void other(uint16_t type, uint16_t len, uint8_t fill)
{
	u16(type);
	u16(len);
	for (unsigned int i = 4; i < len; i++)
		u8(fill);
}

/* Parse the first @len bytes from an exact-size heap copy. */
static int parse_len(size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	int err;

	assert_non_null(copy);
	memcpy(copy, tb, len);
	memset(&d, 0xa5, sizeof(d)); /* dmar_parse must set every byte */
	printk_reset();
	err = dmar_parse(&d, copy, len);
	free(copy);
	return err;
}

static int parse(void)
{
	tb[4] = (uint8_t)tlen;
	tb[5] = (uint8_t)(tlen >> 8);
	tb[6] = (uint8_t)(tlen >> 16);
	return parse_len(tlen);
}

static void assert_zeroed(void)
{
	assert_memory_equal(&d, &zero, sizeof(d));
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

static void assert_scope(const struct dmar_scope *s, uint8_t type, uint8_t id, uint8_t bus,
			 unsigned int n, const uint8_t *path)
{
	assert_int_equal(s->type, type);
	assert_int_equal(s->enum_id, id);
	assert_int_equal(s->start_bus, bus);
	assert_int_equal(s->path_len, n);
	for (unsigned int i = 0; i < n; i++) {
		assert_int_equal(s->path[i].dev, path[2 * i]);
		assert_int_equal(s->path[i].fn, path[2 * i + 1]);
	}
	/* Unused path slots stay zero. */
	for (unsigned int i = n; i < DMAR_MAX_PATH; i++) {
		assert_int_equal(s->path[i].dev, 0);
		assert_int_equal(s->path[i].fn, 0);
	}
}

#define P(...)              \
	(const uint8_t[])   \
	{                   \
		__VA_ARGS__ \
	}

/* ---- bridges ------------------------------------------------------------------ */

struct bridge {
	uint16_t seg;
	uint8_t bus, devfn, sec, sub;
};

static const struct bridge *bridges;
static unsigned int nbridges, bridge_calls;

static bool fake_bridge(uint16_t seg, uint8_t bus, uint8_t devfn, uint8_t *sec, uint8_t *sub)
{
	bridge_calls++;
	for (unsigned int i = 0; i < nbridges; i++) {
		if (bridges[i].seg == seg && bridges[i].bus == bus && bridges[i].devfn == devfn) {
			*sec = bridges[i].sec;
			*sub = bridges[i].sub;
			return true;
		}
	}
	return false;
}

static bool no_bridge(uint16_t seg, uint8_t bus, uint8_t devfn, uint8_t *sec, uint8_t *sub)
{
	(void)seg, (void)bus, (void)devfn, (void)sec, (void)sub;
	bridge_calls++;
	return false;
}

#define SET_BRIDGES(a)                                 \
	do {                                           \
		bridges = (a);                         \
		nbridges = sizeof(a) / sizeof((a)[0]); \
	} while (0)

/*
 * The q35 topology of the system tests: root port 00:02.0 holds the PF
 * 01:00.0 and its VFs at 01:10.x; root port 00:03.0 leads to a switch
 * (upstream 02:00.0, downstream 03:00.0) with a NIC at 04:00.0.
 */
static const struct bridge q35_bridges[] = {
	{0, 0, DF(2, 0), 1, 1},
	{0, 0, DF(3, 0), 2, 4},
	{0, 2, DF(0, 0), 3, 4},
	{0, 3, DF(0, 0), 4, 4},
};

static int setup(void **state)
{
	(void)state;
	tlen = 0;
	memset(tb, 0, sizeof(tb));
	SET_BRIDGES(q35_bridges);
	bridge_calls = 0;
	printk_reset();
	return 0;
}

static int unit_for(uint16_t seg, uint8_t bus, uint8_t devfn)
{
	return dmar_unit_for(&d, seg, bus, devfn, fake_bridge);
}

/* ---- QEMU q35 ----------------------------------------------------------------- */

static size_t q35_drhd_len;

/*
 * What QEMU 10's build_dmar_q35 lays out for that machine: width 48,
 * interrupt remapping, one unit without INCLUDE_PCI_ALL whose scopes are the
 * root-complex IOAPIC on the pseudo bus 0xff, then every function of bus 0
 * in devfn order (bridges as bridge scopes), then an ATSR.
 */
static void build_q35(void)
{
	size_t at;

	hdr(47, 1);
	at = drhd(0, 0, 0xfed90000);
	scope(DMAR_SCOPE_IOAPIC, 0, 0xff, 1, P(0, 0));
	ep(0, 0x00, 0); /* host bridge */
	ep(0, 0x01, 0); /* VGA */
	br(0, 0x02, 0); /* root port */
	br(0, 0x03, 0); /* root port */
	ep(0, 0x1f, 0); /* LPC */
	ep(0, 0x1f, 2); /* SATA */
	ep(0, 0x1f, 3); /* SMBus */
	end(at);
	q35_drhd_len = tlen - at;
	other(2, 8, 0); /* ATSR, ALL_PORTS */
	tb[tlen - 4] = 1;
}

static void test_q35_parse(void **state)
{
	const struct dmar_unit *u = &d.unit[0];

	(void)state;
	build_q35();
	assert_int_equal(q35_drhd_len, 16 + 8 * 8);
	assert_int_equal(parse(), 0);
	assert_quiet();
	assert_int_equal(d.haw, 48);
	assert_true(d.intr_remap);
	assert_false(d.x2apic_opt_out);
	assert_int_equal(d.unit_count, 1);
	assert_int_equal(d.rmrr_count, 0);
	assert_int_equal(u->base, 0xfed90000);
	assert_int_equal(u->segment, 0);
	assert_false(u->include_all);
	assert_int_equal(u->scope_count, 8);
	assert_scope(&u->scope[0], DMAR_SCOPE_IOAPIC, 0, 0xff, 1, P(0, 0));
	assert_scope(&u->scope[1], DMAR_SCOPE_ENDPOINT, 0, 0, 1, P(0x00, 0));
	assert_scope(&u->scope[2], DMAR_SCOPE_ENDPOINT, 0, 0, 1, P(0x01, 0));
	assert_scope(&u->scope[3], DMAR_SCOPE_BRIDGE, 0, 0, 1, P(0x02, 0));
	assert_scope(&u->scope[4], DMAR_SCOPE_BRIDGE, 0, 0, 1, P(0x03, 0));
	assert_scope(&u->scope[5], DMAR_SCOPE_ENDPOINT, 0, 0, 1, P(0x1f, 0));
	assert_scope(&u->scope[6], DMAR_SCOPE_ENDPOINT, 0, 0, 1, P(0x1f, 2));
	assert_scope(&u->scope[7], DMAR_SCOPE_ENDPOINT, 0, 0, 1, P(0x1f, 3));
	/* Nothing beyond what the table holds. */
	assert_memory_equal(&u->scope[8], &zero.unit[0].scope[8],
			    sizeof(u->scope[0]) * (DMAR_MAX_SCOPES - 8));
	assert_memory_equal(&d.unit[1], &zero.unit[1], sizeof(d.unit[0]) * (DMAR_MAX_UNITS - 1));
	assert_memory_equal(d.rmrr, zero.rmrr, sizeof(d.rmrr));
}

static void test_q35_unit_for(void **state)
{
	(void)state;
	build_q35();
	assert_int_equal(parse(), 0);
	/* PF and VFs behind root port 00:02.0, through its bridge scope. */
	assert_int_equal(unit_for(0, 1, DF(0, 0)), 0);
	assert_int_equal(unit_for(0, 1, DF(0x10, 0)), 0);
	assert_int_equal(unit_for(0, 1, DF(0x10, 2)), 0);
	assert_int_equal(unit_for(0, 1, DF(0x1f, 7)), 0);
	/* The root ports themselves. */
	assert_int_equal(unit_for(0, 0, DF(2, 0)), 0);
	assert_int_equal(unit_for(0, 0, DF(3, 0)), 0);
	/* Behind the switch under 00:03.0, and the switch ports. */
	assert_int_equal(unit_for(0, 4, DF(0, 0)), 0);
	assert_int_equal(unit_for(0, 3, DF(0, 0)), 0);
	assert_int_equal(unit_for(0, 2, DF(0, 0)), 0);
	/* Endpoints on bus 0. */
	assert_int_equal(unit_for(0, 0, DF(0x1f, 2)), 0);
	assert_int_equal(unit_for(0, 0, DF(0x1f, 0)), 0);
	assert_int_equal(unit_for(0, 0, DF(0, 0)), 0);
	/* Not listed: another function of a listed device, a device on bus 0,
	 * a bus below no bridge, the IOAPIC's pseudo function, another segment. */
	assert_int_equal(unit_for(0, 0, DF(0x1f, 1)), -ENOENT);
	assert_int_equal(unit_for(0, 0, DF(5, 0)), -ENOENT);
	assert_int_equal(unit_for(0, 0, DF(2, 1)), -ENOENT);
	assert_int_equal(unit_for(0, 5, DF(0, 0)), -ENOENT);
	assert_int_equal(unit_for(0, 0xff, DF(0, 0)), -ENOENT);
	assert_int_equal(unit_for(1, 1, DF(0x10, 0)), -ENOENT);
	assert_int_equal(unit_for(1, 0, DF(0x1f, 2)), -ENOENT);
}

/* When the bridges are not known, bridge scopes lead nowhere. */
static void test_q35_no_bridges(void **state)
{
	(void)state;
	build_q35();
	assert_int_equal(parse(), 0);
	bridge_calls = 0;
	assert_int_equal(dmar_unit_for(&d, 0, 0, DF(0x1f, 2), no_bridge), 0);
	assert_int_equal(dmar_unit_for(&d, 0, 1, DF(0x10, 0), no_bridge), -ENOENT);
	assert_int_equal(dmar_unit_for(&d, 0, 0, DF(2, 0), no_bridge), -ENOENT);
	assert_true(bridge_calls > 0);
	assert_int_equal(dmar_unit_for(&d, 0, 0, DF(0x1f, 3), NULL), 0);
	assert_int_equal(dmar_unit_for(&d, 0, 1, DF(0, 0), NULL), -ENOENT);
	assert_int_equal(dmar_unit_for(&d, 0, 0, DF(3, 0), NULL), -ENOENT);
}

/* Every cut of the q35 table: only cuts between structures parse. */
static void test_q35_every_prefix(void **state)
{
	size_t full;

	(void)state;
	build_q35();
	full = tlen;
	for (size_t n = 0; n <= full; n++) {
		int err = parse_len(n);

		if (n == 48 || n == 48 + q35_drhd_len || n == full) {
			assert_int_equal(err, 0);
			assert_int_equal(d.unit_count, n > 48);
			assert_int_equal(d.haw, 48);
		} else {
			assert_int_equal(err, -EINVAL);
			assert_int_equal(printk_count[LOG_ERR], 1);
			assert_zeroed();
		}
	}
}

/* ---- INCLUDE_PCI_ALL ---------------------------------------------------------- */

/* Older QEMU: one unit with INCLUDE_PCI_ALL and only the IOAPIC listed. */
static void test_include_all(void **state)
{
	size_t at;

	(void)state;
	hdr(38, 0x05); /* bit 2 (DMA_CTRL_PLATFORM_OPT_IN) is ignored */
	at = drhd(1, 0, 0xfed90000);
	scope(DMAR_SCOPE_IOAPIC, 0, 0xff, 1, P(0, 0));
	end(at);
	assert_int_equal(parse(), 0);
	assert_quiet();
	assert_int_equal(d.haw, 39);
	assert_true(d.intr_remap);
	assert_false(d.x2apic_opt_out);
	assert_int_equal(d.unit_count, 1);
	assert_true(d.unit[0].include_all);
	assert_int_equal(d.unit[0].scope_count, 1);
	assert_scope(&d.unit[0].scope[0], DMAR_SCOPE_IOAPIC, 0, 0xff, 1, P(0, 0));

	assert_int_equal(unit_for(0, 0, DF(0x1f, 2)), 0);
	assert_int_equal(unit_for(0, 1, DF(0x10, 2)), 0);
	assert_int_equal(unit_for(0, 0xff, DF(31, 7)), 0);
	assert_int_equal(dmar_unit_for(&d, 0, 9, DF(1, 1), NULL), 0);
	assert_int_equal(unit_for(1, 0, DF(0, 0)), -ENOENT);
}

/* INCLUDE_PCI_ALL takes only what no other unit of its segment names,
 * wherever it is listed; each segment has its own. */
static void test_include_all_with_others(void **state)
{
	size_t at;

	(void)state;
	hdr(47, 3);
	at = drhd(1, 0, 0xfed90000); /* listed first, against the spec's advice */
	end(at);
	at = drhd(0, 0, 0xfed91000);
	ep(0, 0x1f, 2);
	br(0, 2, 0);
	end(at);
	at = drhd(1, 1, 0xfed92000);
	end(at);
	at = drhd(0, 1, 0xfed93000);
	ep(0, 0x1f, 2);
	end(at);
	assert_int_equal(parse(), 0);
	assert_quiet();
	assert_true(d.x2apic_opt_out);
	assert_int_equal(d.unit_count, 4);
	assert_true(d.unit[0].include_all);
	assert_false(d.unit[1].include_all);
	assert_true(d.unit[2].include_all);
	assert_int_equal(d.unit[2].segment, 1);
	assert_int_equal(d.unit[0].scope_count, 0);

	assert_int_equal(unit_for(0, 0, DF(0x1f, 2)), 1);
	assert_int_equal(unit_for(0, 1, DF(0x10, 0)), 1);
	assert_int_equal(unit_for(0, 0, DF(2, 0)), 1);
	assert_int_equal(unit_for(0, 0, DF(0x1f, 3)), 0);
	assert_int_equal(unit_for(0, 4, DF(0, 0)), 0);
	assert_int_equal(unit_for(0, 0, DF(3, 0)), 0);
	/* Segment 1: the bridge map is for segment 0 only. */
	assert_int_equal(unit_for(1, 0, DF(0x1f, 2)), 3);
	assert_int_equal(unit_for(1, 0, DF(0x1f, 3)), 2);
	assert_int_equal(unit_for(1, 1, DF(0x10, 0)), 2);
	assert_int_equal(unit_for(2, 0, DF(0x1f, 2)), -ENOENT);
}

/* ---- RMRR --------------------------------------------------------------------- */

static void test_rmrr(void **state)
{
	size_t at;

	(void)state;
	hdr(38, 0);
	at = drhd(1, 0, 0xfed90000);
	end(at);
	at = rmrr(0, 0x7f000000, 0x7f0fffff);
	ep(0, 0x1d, 0);
	ep(0, 0x1a, 0);
	end(at);
	at = rmrr(2, 0xfffff000, 0xffffffff); /* one page */
	scope(DMAR_SCOPE_ENDPOINT, 0, 0, 3, P(3, 0, 0, 0, 0, 1));
	br(0, 2, 0);
	end(at);
	at = rmrr(0, 0xfffffffffffff000ull, 0xffffffffffffffffull); /* the very top */
	end(at);
	assert_int_equal(parse(), 0);
	assert_quiet();
	assert_int_equal(d.unit_count, 1);
	assert_int_equal(d.rmrr_count, 3);

	assert_int_equal(d.rmrr[0].base, 0x7f000000);
	assert_int_equal(d.rmrr[0].limit, 0x7f0fffff);
	assert_int_equal(d.rmrr[0].segment, 0);
	assert_int_equal(d.rmrr[0].scope_count, 2);
	assert_scope(&d.rmrr[0].scope[0], DMAR_SCOPE_ENDPOINT, 0, 0, 1, P(0x1d, 0));
	assert_scope(&d.rmrr[0].scope[1], DMAR_SCOPE_ENDPOINT, 0, 0, 1, P(0x1a, 0));

	assert_int_equal(d.rmrr[1].base, 0xfffff000);
	assert_int_equal(d.rmrr[1].limit, 0xffffffff);
	assert_int_equal(d.rmrr[1].segment, 2);
	assert_int_equal(d.rmrr[1].scope_count, 2);
	assert_scope(&d.rmrr[1].scope[0], DMAR_SCOPE_ENDPOINT, 0, 0, 3, P(3, 0, 0, 0, 0, 1));
	assert_scope(&d.rmrr[1].scope[1], DMAR_SCOPE_BRIDGE, 0, 0, 1, P(2, 0));

	assert_int_equal(d.rmrr[2].base, 0xfffffffffffff000ull);
	assert_int_equal(d.rmrr[2].limit, 0xffffffffffffffffull);
	assert_int_equal(d.rmrr[2].scope_count, 0);
	/* RMRR scopes do not make units. */
	assert_int_equal(d.unit[0].scope_count, 0);
}

/* ---- specificity -------------------------------------------------------------- */

static void build_ep_vs_bridge(bool ep_first)
{
	size_t at;

	hdr(47, 1);
	for (int k = 0; k < 2; k++) {
		if (k == !ep_first) {
			at = drhd(0, 0, 0xfed90000);
			ep(1, 0x10, 2);
			ep(0, 0x1f, 2);
		} else {
			at = drhd(0, 0, 0xfed91000);
			br(0, 2, 0);
			ep(0, 0x1f, 2);
		}
		end(at);
	}
}

/* An endpoint scope in one unit beats another unit's bridge scope above it. */
static void test_endpoint_over_bridge(void **state)
{
	(void)state;
	for (int ep_first = 0; ep_first < 2; ep_first++) {
		int e = ep_first ? 0 : 1, b = 1 - e;

		build_ep_vs_bridge(ep_first);
		assert_int_equal(parse(), 0);
		assert_int_equal(d.unit[e].base, 0xfed90000);
		assert_int_equal(unit_for(0, 1, DF(0x10, 2)), e);
		assert_int_equal(unit_for(0, 1, DF(0x10, 0)), b);
		assert_int_equal(unit_for(0, 1, DF(0, 0)), b);
		assert_int_equal(unit_for(0, 0, DF(2, 0)), b);
		/* Both name it exactly: the unit listed first. */
		assert_int_equal(unit_for(0, 0, DF(0x1f, 2)), 0);
	}
}

/*
 * Bridge scopes at three depths on the 00:03.0 branch, in three units, in
 * either order: root port (buses 2-4), the switch upstream port by a
 * two-element path (3-4), the downstream port by start bus 3 (4-4).
 */
static void build_nested(bool reverse)
{
	size_t at;

	hdr(47, 1);
	for (int k = 0; k < 3; k++) {
		int which = reverse ? 2 - k : k;

		at = drhd(0, 0, 0xfed90000 + 0x1000 * (uint64_t)which);
		if (which == 0)
			br(0, 3, 0);
		else if (which == 1)
			scope(DMAR_SCOPE_BRIDGE, 0, 0, 2, P(3, 0, 0, 0));
		else
			br(3, 0, 0);
		end(at);
	}
}

static int unit_at(uint64_t base)
{
	for (unsigned int i = 0; i < d.unit_count; i++)
		if (d.unit[i].base == base)
			return (int)i;
	return -1;
}

static void test_deeper_bridge(void **state)
{
	(void)state;
	for (int rev = 0; rev < 2; rev++) {
		int root, up, down;

		build_nested(rev);
		assert_int_equal(parse(), 0);
		root = unit_at(0xfed90000);
		up = unit_at(0xfed91000);
		down = unit_at(0xfed92000);
		assert_int_equal(root, rev ? 2 : 0);
		assert_int_equal(down, rev ? 0 : 2);
		assert_int_equal(up, 1);

		assert_int_equal(unit_for(0, 4, DF(0, 0)), down);
		assert_int_equal(unit_for(0, 3, DF(0, 0)), down); /* the port itself */
		assert_int_equal(unit_for(0, 3, DF(1, 0)), up);	  /* a sibling port */
		assert_int_equal(unit_for(0, 2, DF(0, 0)), up);
		assert_int_equal(unit_for(0, 2, DF(1, 0)), root);
		assert_int_equal(unit_for(0, 0, DF(3, 0)), root);
		assert_int_equal(unit_for(0, 1, DF(0, 0)), -ENOENT);
	}
}

/* ---- paths through bridges ---------------------------------------------------- */

static void test_multi_element_paths(void **state)
{
	size_t at;

	(void)state;
	hdr(47, 1);
	at = drhd(0, 0, 0xfed90000);
	/* 00:03.0 -> 02:00.0 -> 03:00.0 -> 04:00.1: three bridges, then the NIC. */
	scope(DMAR_SCOPE_ENDPOINT, 0, 0, 4, P(3, 0, 0, 0, 0, 0, 0, 1));
	end(at);
	at = drhd(0, 0, 0xfed91000);
	/* 00:02.0 -> 01:05.0, which is not (yet) a bridge. */
	scope(DMAR_SCOPE_ENDPOINT, 0, 0, 2, P(2, 0, 5, 0));
	scope(DMAR_SCOPE_BRIDGE, 0, 0, 2, P(2, 0, 5, 0));
	/* The last element of a bridge scope must be a bridge too. */
	br(1, 0x10, 0);
	end(at);
	at = drhd(0, 1, 0xfed92000);
	/* Same path in segment 1: the map has no bridges there. */
	scope(DMAR_SCOPE_ENDPOINT, 0, 0, 2, P(2, 0, 0x10, 0));
	end(at);
	assert_int_equal(parse(), 0);
	assert_quiet();
	assert_scope(&d.unit[0].scope[0], DMAR_SCOPE_ENDPOINT, 0, 0, 4, P(3, 0, 0, 0, 0, 0, 0, 1));

	bridge_calls = 0;
	assert_int_equal(unit_for(0, 4, DF(0, 1)), 0);
	/* Unit 0: its three bridges. Unit 1: 00:02.0 for the endpoint scope,
	 * 00:02.0 and 01:05.0 for the bridge scope, 01:10.0. Unit 2 is in
	 * another segment and not looked at. */
	assert_int_equal(bridge_calls, 3 + 1 + 2 + 1);
	assert_int_equal(unit_for(0, 4, DF(0, 0)), -ENOENT);
	assert_int_equal(unit_for(0, 3, DF(0, 0)), -ENOENT);
	/* The endpoint scope names 01:05.0 through a real bridge; the bridge
	 * scope for it leads nowhere, so nothing below it matches. */
	assert_int_equal(unit_for(0, 1, DF(5, 0)), 1);
	assert_int_equal(unit_for(0, 6, DF(0, 0)), -ENOENT);
	assert_int_equal(unit_for(0, 1, DF(0x10, 0)), -ENOENT);
	assert_int_equal(unit_for(0, 2, DF(0, 0)), -ENOENT);
	assert_int_equal(unit_for(1, 1, DF(0x10, 0)), -ENOENT);

	/* With a bridge at 01:05.0 (buses 6-7), unit 1's scopes resolve. */
	static const struct bridge more[] = {
		{0, 0, DF(2, 0), 1, 7},
		{0, 1, DF(5, 0), 6, 7},
		{1, 0, DF(2, 0), 1, 1},
	};
	SET_BRIDGES(more);
	assert_int_equal(unit_for(0, 1, DF(5, 0)), 1);
	assert_int_equal(unit_for(0, 6, DF(0, 0)), 1);
	assert_int_equal(unit_for(0, 7, DF(3, 0)), 1);
	assert_int_equal(unit_for(0, 8, DF(0, 0)), -ENOENT);
	assert_int_equal(unit_for(0, 1, DF(6, 0)), -ENOENT);
	assert_int_equal(unit_for(1, 1, DF(0x10, 0)), 2);
}

/* The longest path: seven bridges down a chain, then the function. */
static void test_longest_path(void **state)
{
	static const struct bridge chain[] = {
		{0, 0, DF(1, 0), 1, 9}, {0, 1, DF(1, 0), 2, 9}, {0, 2, DF(1, 0), 3, 9},
		{0, 3, DF(1, 0), 4, 9}, {0, 4, DF(1, 0), 5, 9}, {0, 5, DF(1, 0), 6, 9},
		{0, 6, DF(1, 0), 7, 9}, {0, 7, DF(1, 0), 8, 9},
	};
	size_t at;

	(void)state;
	SET_BRIDGES(chain);
	hdr(47, 1);
	at = drhd(0, 0, 0xfed90000);
	scope(DMAR_SCOPE_ENDPOINT, 0, 0, 8, P(1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 2, 3));
	end(at);
	at = drhd(0, 0, 0xfed91000);
	scope(DMAR_SCOPE_BRIDGE, 0, 0, 8, P(1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0));
	end(at);
	assert_int_equal(parse(), 0);
	bridge_calls = 0;
	assert_int_equal(unit_for(0, 7, DF(2, 3)), 0);
	assert_int_equal(bridge_calls, 7 + 8);
	assert_int_equal(unit_for(0, 8, DF(0, 0)), 1);
	assert_int_equal(unit_for(0, 9, DF(4, 0)), 1);
	assert_int_equal(unit_for(0, 7, DF(1, 0)), 1);
	assert_int_equal(unit_for(0, 7, DF(2, 2)), -ENOENT);
	assert_int_equal(unit_for(0, 6, DF(1, 0)), -ENOENT);
}

/* An explicit scope in an INCLUDE_PCI_ALL unit counts as what it is. */
static void test_include_all_own_scope(void **state)
{
	size_t at;

	(void)state;
	hdr(47, 1);
	at = drhd(0, 0, 0xfed90000);
	br(0, 2, 0);
	end(at);
	at = drhd(1, 0, 0xfed91000);
	ep(1, 0x10, 0);
	end(at);
	assert_int_equal(parse(), 0);
	assert_int_equal(unit_for(0, 1, DF(0x10, 0)), 1);
	assert_int_equal(unit_for(0, 1, DF(0x10, 2)), 0);
	assert_int_equal(unit_for(0, 0, DF(0x1f, 2)), 1);
}

/* Bridges the map reports with buses that cannot be right lead nowhere. */
static void test_bad_bridge_buses(void **state)
{
	static const struct bridge bad[] = {
		{0, 0, DF(2, 0), 0, 0},	      /* not enumerated */
		{0, 0, DF(3, 0), 5, 4},	      /* subordinate below secondary */
		{0, 4, DF(0, 0), 3, 9},	      /* secondary above it */
		{0, 0, DF(4, 0), 0x10, 0x10}, /* fine */
	};
	size_t at;

	(void)state;
	hdr(47, 1);
	at = drhd(0, 0, 0xfed90000);
	br(0, 2, 0);
	br(0, 3, 0);
	br(4, 0, 0);
	br(0, 4, 0);
	scope(DMAR_SCOPE_ENDPOINT, 0, 0, 2, P(2, 0, 0, 0));
	end(at);
	assert_int_equal(parse(), 0);
	SET_BRIDGES(bad);
	assert_int_equal(unit_for(0, 0, DF(2, 0)), -ENOENT);
	assert_int_equal(unit_for(0, 0, DF(0, 0)), -ENOENT);
	assert_int_equal(unit_for(0, 0, DF(3, 0)), -ENOENT);
	assert_int_equal(unit_for(0, 5, DF(0, 0)), -ENOENT);
	assert_int_equal(unit_for(0, 4, DF(0, 0)), -ENOENT);
	assert_int_equal(unit_for(0, 3, DF(0, 0)), -ENOENT);
	assert_int_equal(unit_for(0, 0, DF(4, 0)), 0);
	assert_int_equal(unit_for(0, 0x10, DF(0, 0)), 0);
}

/* ---- other structures, header fields, caps ------------------------------------ */

static void test_unknown_types_skipped(void **state)
{
	struct dmar_info plain;
	size_t at;

	(void)state;
	build_q35();
	at = rmrr(0, 0x7f000000, 0x7f000fff);
	ep(0, 0x1d, 0);
	end(at);
	assert_int_equal(parse(), 0);
	memcpy(&plain, &d, sizeof(d)); /* padding included */

	build_q35();
	other(3, 20, 0x11);	/* RHSA */
	other(4, 13, 0x22);	/* ANDD, odd length */
	other(5, 16, 0x33);	/* SATC */
	other(6, 4, 0x44);	/* SIDP and the like: header only */
	other(0x8000, 9, 0xff); /* nothing defined */
	at = rmrr(0, 0x7f000000, 0x7f000fff);
	ep(0, 0x1d, 0);
	end(at);
	other(0xffff, 300, 0x00);
	assert_int_equal(parse(), 0);
	assert_quiet();
	assert_memory_equal(&d, &plain, sizeof(d));
	assert_int_equal(d.rmrr_count, 1);
}

static void test_header_only(void **state)
{
	(void)state;
	hdr(63, 0xfe); /* 64 bits; x2APIC opt-out, no interrupt remapping */
	assert_int_equal(parse(), 0);
	assert_quiet();
	assert_int_equal(d.haw, 64);
	assert_false(d.intr_remap);
	assert_true(d.x2apic_opt_out);
	assert_int_equal(d.unit_count, 0);
	assert_int_equal(d.rmrr_count, 0);
	assert_int_equal(unit_for(0, 0, 0), -ENOENT);
}

/* Exactly the caps, with the longest paths: all kept. */
static void test_caps_full(void **state)
{
	const uint8_t path[2 * DMAR_MAX_PATH] = {1, 2, 3, 4, 5, 6, 7, 7, 8, 0, 9, 1, 10, 2, 31, 7};
	size_t at;

	(void)state;
	hdr(47, 1);
	for (unsigned int i = 0; i < DMAR_MAX_UNITS; i++) {
		at = drhd(0, (uint16_t)i, 0xfed90000 + 0x1000 * (uint64_t)i);
		for (unsigned int k = 0; k < DMAR_MAX_SCOPES; k++)
			scope(DMAR_SCOPE_ENDPOINT, (uint8_t)k, (uint8_t)i, DMAR_MAX_PATH, path);
		end(at);
	}
	for (unsigned int i = 0; i < DMAR_MAX_RMRRS; i++) {
		at = rmrr(0, 0x1000 * (uint64_t)i, 0x1000 * (uint64_t)i + 0xfff);
		for (unsigned int k = 0; k < DMAR_MAX_SCOPES; k++)
			scope(DMAR_SCOPE_ENDPOINT, 0, (uint8_t)k, DMAR_MAX_PATH, path);
		end(at);
	}
	assert_int_equal(parse(), 0);
	assert_quiet();
	assert_int_equal(d.unit_count, DMAR_MAX_UNITS);
	assert_int_equal(d.rmrr_count, DMAR_MAX_RMRRS);
	for (unsigned int i = 0; i < DMAR_MAX_UNITS; i++) {
		assert_int_equal(d.unit[i].segment, i);
		assert_int_equal(d.unit[i].scope_count, DMAR_MAX_SCOPES);
		assert_scope(&d.unit[i].scope[DMAR_MAX_SCOPES - 1], DMAR_SCOPE_ENDPOINT,
			     DMAR_MAX_SCOPES - 1, (uint8_t)i, DMAR_MAX_PATH, path);
	}
	for (unsigned int i = 0; i < DMAR_MAX_RMRRS; i++) {
		assert_int_equal(d.rmrr[i].base, 0x1000 * i);
		assert_int_equal(d.rmrr[i].limit, 0x1000 * i + 0xfff);
		assert_int_equal(d.rmrr[i].scope_count, DMAR_MAX_SCOPES);
		assert_scope(&d.rmrr[i].scope[7], DMAR_SCOPE_ENDPOINT, 0, 7, DMAR_MAX_PATH, path);
	}
}

/* ---- refusals ----------------------------------------------------------------- */

static void test_err_short_table(void **state)
{
	(void)state;
	build_q35();
	assert_refused(parse_len(47), -EINVAL,
		       "dmar: at offset 0x0: table of 47 bytes, shorter than its 48-byte header");
	assert_refused(parse_len(0), -EINVAL,
		       "dmar: at offset 0x0: table of 0 bytes, shorter than its 48-byte header");
	memset(&d, 0xa5, sizeof(d));
	printk_reset();
	assert_refused(dmar_parse(&d, NULL, 100), -EINVAL, "dmar: at offset 0x0: ");
}

static void test_err_haw(void **state)
{
	(void)state;
	hdr(64, 1);
	assert_refused(parse(), -EINVAL, "dmar: at offset 0x24: host address width of 65 bits");
	hdr(0xff, 1);
	assert_refused(parse(), -EINVAL, "dmar: at offset 0x24: host address width of 256 bits");
}

static void test_err_structure_length(void **state)
{
	(void)state;
	/* Too few bytes left for a structure header. */
	for (int n = 1; n < 4; n++) {
		char msg[96];

		build_q35();
		for (int i = 0; i < n; i++)
			u8(0);
		snprintf(msg, sizeof(msg),
			 "dmar: at offset 0x88: %d byte(s) left, too few for a structure", n);
		assert_int_equal(tlen, 0x88 + n);
		assert_refused(parse(), -EINVAL, msg);
	}
	/* Zero length: refused, not looped on. */
	build_q35();
	other(1, 4, 0);
	put16(tlen - 2, 0);
	assert_refused(parse(), -EINVAL, "dmar: at offset 0x88: structure type 1 has length 0");
	build_q35();
	other(0x55, 4, 0);
	put16(tlen - 2, 3);
	assert_refused(parse(), -EINVAL, "dmar: at offset 0x88: structure type 85 has length 3");
	/* Past the end of the table. */
	build_q35();
	other(2, 8, 0);
	put16(tlen - 6, 9);
	assert_refused(parse(), -EINVAL,
		       "dmar: at offset 0x88: structure type 2 of length 9 runs past the table "
		       "end (8 bytes left)");
	/* A DRHD whose length reaches past the table. */
	build_q35();
	put16(48 + 2, (uint16_t)(q35_drhd_len + 8 + 1));
	assert_refused(parse(), -EINVAL,
		       "dmar: at offset 0x30: structure type 0 of length 89 runs past the table "
		       "end (88 bytes left)");
}

static void test_err_drhd(void **state)
{
	size_t at;

	(void)state;
	hdr(47, 1);
	other(0, 12, 0);
	assert_refused(parse(), -EINVAL, "dmar: at offset 0x30: DRHD length 12, below 16");

	hdr(47, 1);
	at = drhd(0, 0, 0);
	end(at);
	assert_refused(parse(), -EINVAL,
		       "dmar: at offset 0x30: DRHD register base 0x0 is not a page");
	hdr(47, 1);
	at = drhd(0, 0, 0xfed90800);
	end(at);
	assert_refused(parse(), -EINVAL,
		       "dmar: at offset 0x30: DRHD register base 0xfed90800 is not a page");

	/* Two units at one base. */
	build_q35();
	at = drhd(0, 1, 0xfed90000);
	end(at);
	assert_refused(parse(), -EINVAL,
		       "dmar: at offset 0x88: DRHD register base 0xfed90000 already taken by "
		       "unit 0");

	/* Two INCLUDE_PCI_ALL units for segment 0; one for segment 1 was fine. */
	hdr(47, 1);
	at = drhd(1, 0, 0xfed90000);
	end(at);
	at = drhd(1, 1, 0xfed91000);
	end(at);
	at = drhd(0, 0, 0xfed92000);
	end(at);
	at = drhd(1, 0, 0xfed93000);
	end(at);
	assert_refused(parse(), -EINVAL,
		       "dmar: at offset 0x60: second INCLUDE_PCI_ALL DRHD for segment 0 (unit 0 "
		       "is the first)");
}

static void test_err_scope(void **state)
{
	static const struct {
		uint8_t len;
		const char *msg;
	} bad[] = {
		{0, "dmar: at offset 0x40: device scope length 0, below 8"},
		{6, "dmar: at offset 0x40: device scope length 6, below 8"},
		{7, "dmar: at offset 0x40: device scope length 7, below 8"},
		{9, "dmar: at offset 0x40: device scope length 9 leaves an odd path"},
		{11, "dmar: at offset 0x40: device scope length 11 leaves an odd path"},
		{12, "dmar: at offset 0x40: device scope of length 12 runs past its DRHD (10 "
		     "bytes left)"},
	};
	size_t at;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		hdr(47, 1);
		at = drhd(0, 0, 0xfed90000);
		ep(0, 1, 0);
		tb[tlen - 7] = bad[i].len;
		u16(0); /* so a length up to 10 stays inside */
		end(at);
		at = drhd(0, 0, 0xfed91000);
		end(at);
		assert_refused(parse(), -EINVAL, bad[i].msg);
	}

	/* One byte of a scope left at the end of the DRHD. */
	hdr(47, 1);
	at = drhd(0, 0, 0xfed90000);
	ep(0, 1, 0);
	u8(1);
	end(at);
	assert_refused(parse(), -EINVAL,
		       "dmar: at offset 0x48: 1 byte(s) left in the DRHD, too few for a device "
		       "scope");

	/* A scope running past the DRHD though not past the table. */
	hdr(47, 1);
	at = drhd(0, 0, 0xfed90000);
	ep(0, 1, 0);
	end(at);
	put16(at + 2, 16 + 6);
	other(0x99, 2 + 4, 0);
	assert_refused(parse(), -EINVAL,
		       "dmar: at offset 0x40: device scope of length 8 runs past its DRHD (6 "
		       "bytes left)");

	/* The same in an RMRR. */
	hdr(47, 1);
	at = rmrr(0, 0x1000, 0x1fff);
	ep(0, 1, 0);
	tb[tlen - 7] = 10;
	end(at);
	other(0x99, 8, 0);
	assert_refused(parse(), -EINVAL,
		       "dmar: at offset 0x48: device scope of length 10 runs past its RMRR (8 "
		       "bytes left)");

	/* Path elements that are no PCI function. */
	hdr(47, 1);
	at = drhd(0, 0, 0xfed90000);
	scope(DMAR_SCOPE_ENDPOINT, 0, 0, 2, P(2, 0, 32, 0));
	end(at);
	assert_refused(parse(), -EINVAL,
		       "dmar: at offset 0x40: device scope path element 1 is device 0x20 "
		       "function 0x0");
	hdr(47, 1);
	at = drhd(0, 0, 0xfed90000);
	ep(0, 0x1f, 8);
	end(at);
	assert_refused(parse(), -EINVAL,
		       "dmar: at offset 0x40: device scope path element 0 is device 0x1f "
		       "function 0x8");
}

static void test_err_rmrr(void **state)
{
	size_t at;

	(void)state;
	build_q35();
	other(1, 20, 0);
	assert_refused(parse(), -EINVAL, "dmar: at offset 0x88: RMRR length 20, below 24");

	build_q35();
	at = rmrr(0, 0x7f001000, 0x7f000fff);
	end(at);
	assert_refused(parse(), -EINVAL,
		       "dmar: at offset 0x88: RMRR limit 0x7f000fff below its base 0x7f001000");
	build_q35();
	at = rmrr(0, 0x7f000800, 0x7f000fff);
	end(at);
	assert_refused(parse(), -EINVAL,
		       "dmar: at offset 0x88: RMRR 0x7f000800-0x7f000fff is not page-aligned");
	build_q35();
	at = rmrr(0, 0x7f000000, 0x7f000ffe);
	end(at);
	assert_refused(parse(), -EINVAL,
		       "dmar: at offset 0x88: RMRR 0x7f000000-0x7f000ffe is not page-aligned");
	build_q35();
	at = rmrr(0, 0x7f000000, 0x7f001000);
	end(at);
	assert_refused(parse(), -EINVAL,
		       "dmar: at offset 0x88: RMRR 0x7f000000-0x7f001000 is not page-aligned");
}

static void test_err_caps(void **state)
{
	size_t at;
	char msg[96];

	(void)state;
	/* One unit too many. */
	hdr(47, 1);
	for (unsigned int i = 0; i <= DMAR_MAX_UNITS; i++) {
		at = drhd(0, 0, 0xfed90000 + 0x1000 * (uint64_t)i);
		ep(0, (uint8_t)i, 0);
		end(at);
	}
	snprintf(msg, sizeof(msg), "dmar: at offset 0x%zx: more than %d DRHDs", at, DMAR_MAX_UNITS);
	assert_refused(parse(), -E2BIG, msg);

	/* One scope too many in a unit. */
	hdr(47, 1);
	at = drhd(1, 0, 0xfed90000);
	for (unsigned int i = 0; i <= DMAR_MAX_SCOPES; i++)
		ep(0, (uint8_t)(i % 32), (uint8_t)(i / 32));
	end(at);
	snprintf(msg, sizeof(msg), "dmar: at offset 0x%x: more than %d device scopes in one DRHD",
		 48 + 16 + 8 * DMAR_MAX_SCOPES, DMAR_MAX_SCOPES);
	assert_refused(parse(), -E2BIG, msg);

	/* One RMRR too many. */
	build_q35();
	for (unsigned int i = 0; i <= DMAR_MAX_RMRRS; i++) {
		at = rmrr(0, 0x1000 * (uint64_t)i, 0x1000 * (uint64_t)i + 0xfff);
		end(at);
	}
	snprintf(msg, sizeof(msg), "dmar: at offset 0x%zx: more than %d RMRRs", at, DMAR_MAX_RMRRS);
	assert_refused(parse(), -E2BIG, msg);

	/* One scope too many in an RMRR. */
	build_q35();
	at = rmrr(0, 0x1000, 0x1fff);
	for (unsigned int i = 0; i <= DMAR_MAX_SCOPES; i++)
		ep(0, (uint8_t)(i % 32), 0);
	end(at);
	snprintf(msg, sizeof(msg), "dmar: at offset 0x%zx: more than %d device scopes in one RMRR",
		 at + 24 + 8 * DMAR_MAX_SCOPES, DMAR_MAX_SCOPES);
	assert_refused(parse(), -E2BIG, msg);

	/* A path one element too long. */
	hdr(47, 1);
	at = drhd(0, 0, 0xfed90000);
	scope(DMAR_SCOPE_ENDPOINT, 0, 0, DMAR_MAX_PATH + 1,
	      P(1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0));
	end(at);
	assert_refused(parse(), -E2BIG,
		       "dmar: at offset 0x40: device scope path of 9 elements, more than 8");
}

/* A fault after good structures still leaves nothing behind. */
static void test_err_late(void **state)
{
	size_t at;

	(void)state;
	build_q35();
	at = rmrr(0, 0x7f000000, 0x7f0fffff);
	ep(0, 0x1d, 0);
	end(at);
	at = drhd(1, 1, 0xfed91000);
	ep(0, 1, 0);
	u8(DMAR_SCOPE_ENDPOINT);
	u8(4);
	u16(0);
	end(at);
	assert_refused(parse(), -EINVAL, "dmar: at offset 0xc0: device scope length 4, below 8");
}

/* Random damage to a full table: never a crash or overread, and either a
 * clean refusal or a result within the caps. */
static void test_err_random_damage(void **state)
{
	uint8_t orig[512];
	size_t n, at;
	uint32_t x = 0x12345678;

	(void)state;
	build_q35();
	at = rmrr(0, 0x7f000000, 0x7f0fffff);
	scope(DMAR_SCOPE_ENDPOINT, 0, 0, 3, P(3, 0, 0, 0, 0, 1));
	br(0, 2, 0);
	end(at);
	n = tlen;
	assert_true(n <= sizeof(orig));
	memcpy(orig, tb, n);
	for (int round = 0; round < 20000; round++) {
		int err;

		memcpy(tb, orig, n);
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
		assert_true(d.unit_count <= DMAR_MAX_UNITS && d.rmrr_count <= DMAR_MAX_RMRRS);
		for (unsigned int b = 0; b < 6; b++)
			(void)unit_for(0, (uint8_t)b, (uint8_t)(x >> b));
	}
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
	const struct CMUnitTest tests[] = {
		T(test_q35_parse),
		T(test_q35_unit_for),
		T(test_q35_no_bridges),
		T(test_q35_every_prefix),
		T(test_include_all),
		T(test_include_all_with_others),
		T(test_rmrr),
		T(test_endpoint_over_bridge),
		T(test_deeper_bridge),
		T(test_multi_element_paths),
		T(test_longest_path),
		T(test_include_all_own_scope),
		T(test_bad_bridge_buses),
		T(test_unknown_types_skipped),
		T(test_header_only),
		T(test_caps_full),
		T(test_err_short_table),
		T(test_err_haw),
		T(test_err_structure_length),
		T(test_err_drhd),
		T(test_err_scope),
		T(test_err_rmrr),
		T(test_err_caps),
		T(test_err_late),
		T(test_err_random_damage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
