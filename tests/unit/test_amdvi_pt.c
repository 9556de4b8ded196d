// SPDX-License-Identifier: MIT
/*
 * AMD-Vi host I/O page tables (iommu/amdvi_pt.c). Table pages come from a
 * pool below 4 GiB of host memory (fake_pt_pool), so "physical" addresses
 * are real pointers.
 *
 * Besides the engine's own lookup, a walker written from the spec (2.2.3)
 * and QEMU 10.0.2's loop (iommu/notes) checks the tables: it starts at the
 * DTE (amdvi_desc's, or one made of root and Mode), follows each entry's
 * NextLevel, requires P and ANDs IR/IW of every entry on the way, and takes
 * NextLevel 0 as a leaf of the current level's size. Every entry it meets must be one this format writes: a PDE with
 * NextLevel = level - 1 and IR|IW, or a leaf with NextLevel 0, no reserved
 * bit, never NextLevel 7; an empty entry all zero.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "lib/err.h"
#include "iommu/amdvi_desc.h"
#include "iommu/amdvi_pt.h"
#include "fake_pt.h"

#define POOL  (16u << 20)
#define SZ_4K 0x1000ull
#define SZ_2M 0x200000ull
#define SZ_1G 0x40000000ull
#define R     AMDVI_PERM_R
#define W     AMDVI_PERM_W
#define RW    (AMDVI_PERM_R | AMDVI_PERM_W)
#define P     AMDVI_PTE_P
#define IR    AMDVI_PTE_IR
#define IW    AMDVI_PTE_IW

static struct palloc pa;
static struct fake_pt_pool fp;
static uint64_t start_free;
static unsigned int mode_3 = 3, mode_4 = 4;

static uint64_t *tbl_of(uint64_t e)
{
	return (uint64_t *)(uintptr_t)(e & AMDVI_PTE_ADDR);
}

static uint64_t level_size(unsigned int lv)
{
	return 1ull << (3 + 9 * lv);
}

static bool in_pool(uint64_t p)
{
	return p >= fp.base && p - fp.base < fp.size;
}

struct hw {
	int err;  /* 0, -ENOENT (not present), -EFAULT (no permission on the way),
		  * -EINVAL (NextLevel 7 or a skip: never written, not walked) */
	bool odd; /* met an entry this format never writes */
	uint64_t spa, size;
	unsigned int perm;
};

/* The IOMMU's walk from DTE qword 0 @dte: V (bit 0), Mode (11:9), the root
 * (51:12) and IR/IW (61, 62) sit where a PDE has P, NextLevel, the address
 * and IR/IW, so QEMU's loop starts with the DTE as the current entry. */
static struct hw hw_walk_dte(uint64_t dte, uint64_t iova)
{
	uint64_t e = dte;
	unsigned int perm = (e & IR ? R : 0) | (e & IW ? W : 0);
	unsigned int lv = (unsigned int)((e & AMDVI_PTE_NL) >> AMDVI_PTE_NL_SHIFT);
	struct hw h = {0, false, 0, 0, 0};

	assert_true((e & P) && lv >= 1 && lv <= 4); /* V, Mode 1..4 */

	for (;;) {
		unsigned int nl;

		if (!perm) { /* QEMU checks the current entry before reading on */
			h.err = -EFAULT;
			return h;
		}
		e = tbl_of(e)[(iova >> (3 + 9 * lv)) & 511];
		if (!(e & P)) {
			h.odd |= e != 0; /* QEMU ignores a leaf's P: all zero */
			h.err = -ENOENT;
			return h;
		}
		/* bits 8:1 and 60:52 are never written; 63 is reserved */
		h.odd |= (e & ~(AMDVI_PTE_ADDR | AMDVI_PTE_NL | P | IR | IW)) != 0;
		nl = (unsigned int)((e & AMDVI_PTE_NL) >> AMDVI_PTE_NL_SHIFT);
		perm &= (e & IR ? R : 0) | (e & IW ? W : 0);
		if (nl == 0) {
			uint64_t sz = level_size(lv);

			/* 4 KiB, 2 MiB, 1 GiB, aligned; a leaf grants something */
			h.odd |= lv > 3 || (e & AMDVI_PTE_ADDR & (sz - 1)) || !(e & (IR | IW));
			if (!perm) {
				h.err = -EFAULT;
				return h;
			}
			h.spa = (e & AMDVI_PTE_ADDR & ~(sz - 1)) + (iova & (sz - 1));
			h.size = sz;
			h.perm = perm;
			return h;
		}
		if (nl != lv - 1) { /* NextLevel 7, or a level skip */
			h.odd = true;
			h.err = -EINVAL;
			return h;
		}
		/* a table pointer: the next level down, with every permission */
		h.odd |= (e & (IR | IW)) != (IR | IW) || !in_pool(e & AMDVI_PTE_ADDR);
		lv = nl;
	}
}

/* The walk for a DTE with root @root, Mode @mode and IR|IW. */
static struct hw hw_walk(uint64_t root, unsigned int mode, uint64_t iova)
{
	return hw_walk_dte(root | AMDVI_PTE_NEXT(mode) | P | IR | IW, iova);
}

/* The engine's lookup and the IOMMU's walk agree on @iova. */
static void check_agree(const struct pt_table *pt, uint64_t iova)
{
	struct hw h = hw_walk(amdvi_pt_root(pt), amdvi_pt_mode(pt), iova);
	uint64_t spa = 0, size = 0;
	unsigned int perm = 0;
	int err = amdvi_pt_translate(pt, iova, &spa, &size, &perm);

	assert_false(h.odd);
	if (err != h.err || spa != h.spa || size != h.size || perm != h.perm)
		fail_msg("iova %#lx: pt err %d spa %#lx size %#lx perm %u; walk err %d spa %#lx "
			 "size %#lx perm %u",
			 (unsigned long)iova, err, (unsigned long)spa, (unsigned long)size, perm,
			 h.err, (unsigned long)h.spa, (unsigned long)h.size, h.perm);
}

#define expect_leaf(pt, iova, spa, size, perm) expect_leaf_(__LINE__, pt, iova, spa, size, perm)
static void expect_leaf_(int line, const struct pt_table *pt, uint64_t iova, uint64_t spa,
			 uint64_t size, unsigned int perm)
{
	uint64_t s = 0, z = 0;
	unsigned int p = 0;
	int err = amdvi_pt_translate(pt, iova, &s, &z, &p);

	if (err || s != spa || z != size || p != perm)
		fail_msg("line %d: iova %#lx: err %d spa %#lx size %#lx perm %u, want spa %#lx "
			 "size %#lx perm %u",
			 line, (unsigned long)iova, err, (unsigned long)s, (unsigned long)z, p,
			 (unsigned long)spa, (unsigned long)size, perm);
	check_agree(pt, iova);
}

#define expect_none(pt, iova) expect_none_(__LINE__, pt, iova)
static void expect_none_(int line, const struct pt_table *pt, uint64_t iova)
{
	uint64_t s = 0;
	int err = amdvi_pt_translate(pt, iova, &s, NULL, NULL);

	if (err != -ENOENT)
		fail_msg("line %d: iova %#lx mapped (err %d spa %#lx)", line, (unsigned long)iova,
			 err, (unsigned long)s);
	if (iova < pt_va_limit(pt))
		check_agree(pt, iova);
}

/* The raw leaf for @iova and its level, checking each PDE on the way is
 * exactly P|IR|IW|NextLevel=level-1 and a pool page. */
static uint64_t raw_leaf(const struct pt_table *pt, uint64_t iova, unsigned int *level)
{
	uint64_t e = pt->root;

	for (unsigned int lv = pt->levels; lv >= 1; lv--) {
		e = tbl_of(e)[(iova >> (3 + 9 * lv)) & 511];
		if (lv == 1 || !(e & AMDVI_PTE_NL)) {
			*level = lv;
			return e;
		}
		assert_int_equal(e & ~AMDVI_PTE_ADDR, P | IR | IW | AMDVI_PTE_NEXT(lv - 1));
		assert_true(in_pool(e & AMDVI_PTE_ADDR));
	}
	fail();
	return 0;
}

/* Every entry of every reachable table is well formed (see the head). */
static void check_tree(uint64_t phys, unsigned int lv)
{
	const uint64_t *t = tbl_of(phys);

	for (int i = 0; i < 512; i++) {
		uint64_t e = t[i], nl = (e & AMDVI_PTE_NL) >> AMDVI_PTE_NL_SHIFT;

		if (!(e & P)) {
			assert_int_equal(e, 0);
			continue;
		}
		assert_int_equal(e & ~(AMDVI_PTE_ADDR | AMDVI_PTE_NL | P | IR | IW), 0);
		if (nl) {
			assert_int_equal(nl, lv - 1);
			assert_int_equal(e & (IR | IW), IR | IW);
			check_tree(e, lv - 1);
		} else {
			assert_true(lv <= 3);
			assert_true(e & (IR | IW)); /* no leaf grants nothing */
			assert_int_equal(e & AMDVI_PTE_ADDR & (level_size(lv) - 1), 0);
		}
	}
}

static int map(struct pt_table *pt, uint64_t iova, uint64_t spa, uint64_t len, unsigned int perm)
{
	int err = amdvi_pt_map(pt, iova, spa, len, perm);

	check_tree(pt->root, pt->levels);
	return err;
}

static int unmap(struct pt_table *pt, uint64_t iova, uint64_t len)
{
	int err = amdvi_pt_unmap(pt, iova, len);

	check_tree(pt->root, pt->levels);
	return err;
}

/* Leaves from @iova on, as runs of {size, count} (size 0: unmapped 4 KiB
 * pages); mapped ones at iova + @delta with @perm. */
struct run {
	uint64_t size, count;
};
#define expect_runs(pt, iova, delta, perm, ...)                                          \
	expect_runs_(__LINE__, pt, iova, delta, perm, (const struct run[]){__VA_ARGS__}, \
		     sizeof((const struct run[]){__VA_ARGS__}) / sizeof(struct run))
static void expect_runs_(int line, const struct pt_table *pt, uint64_t iova, uint64_t delta,
			 unsigned int perm, const struct run *runs, size_t n)
{
	for (size_t r = 0; r < n; r++) {
		for (uint64_t k = 0; k < runs[r].count; k++) {
			uint64_t s = 0, z = 0;
			unsigned int p = 0;
			int err = amdvi_pt_translate(pt, iova, &s, &z, &p);

			check_agree(pt, iova);
			if (!runs[r].size) {
				if (err != -ENOENT)
					fail_msg("line %d: run %zu: iova %#lx mapped", line, r,
						 (unsigned long)iova);
				iova += SZ_4K;
				continue;
			}
			if (err || z != runs[r].size || s != iova + delta || p != perm)
				fail_msg("line %d: run %zu: iova %#lx: err %d size %#lx spa %#lx "
					 "perm %u",
					 line, r, (unsigned long)iova, err, (unsigned long)z,
					 (unsigned long)s, p);
			iova += z;
		}
	}
}

static int setup(void **state)
{
	(void)state;
	fake_pt_pool_init(&fp, POOL, &pa);
	start_free = palloc_free_bytes(&pa);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_pt_pool_fini(&fp);
	return 0;
}

static unsigned int mode_of(void **state)
{
	return *(unsigned int *)*state;
}

static void init(struct pt_table *pt, unsigned int mode, bool sp_1g)
{
	assert_int_equal(amdvi_pt_init(pt, mode, sp_1g, &pa), 0);
}

/* The format's constants, bit by bit (spec 2.2.3 Tables 14, 15). */
static void test_format(void **state)
{
	const struct pt_format *f = &amdvi_pt_format;
	uint64_t bits;

	(void)state;
	assert_int_equal(AMDVI_PTE_ADDR, 0x000ffffffffff000ull);
	assert_int_equal(AMDVI_PTE_NL, 0xe00);
	assert_int_equal(AMDVI_PTE_IR, 0x2000000000000000ull);
	assert_int_equal(AMDVI_PTE_IW, 0x4000000000000000ull);
	/* PDEs: P, NextLevel = level - 1, IR, IW */
	assert_int_equal(f->table[2], 0x6000000000000201ull);
	assert_int_equal(f->table[3], 0x6000000000000401ull);
	assert_int_equal(f->table[4], 0x6000000000000601ull);
	/* leaves: P with NextLevel 0, at 4 KiB, 2 MiB and 1 GiB only */
	assert_int_equal(f->leaf[1], 1);
	assert_int_equal(f->leaf[2], 1);
	assert_int_equal(f->leaf[3], 1);
	assert_int_equal(f->leaf[4], 0);
	assert_int_equal(f->leaf_levels, PT_4K | PT_2M | PT_1G);
	assert_int_equal(f->max_levels, 4);
	assert_int_equal(pt_leaf_bits(f, R, PT_MT_WB, &bits), 0);
	assert_int_equal(bits, IR);
	assert_int_equal(pt_leaf_bits(f, W, PT_MT_WB, &bits), 0);
	assert_int_equal(bits, IW);
	assert_int_equal(pt_leaf_bits(f, RW, PT_MT_WB, &bits), 0);
	assert_int_equal(bits, IR | IW);
	assert_int_equal(pt_leaf_bits(f, 0, PT_MT_WB, &bits), -EINVAL);
	assert_int_equal(pt_leaf_bits(f, R | PT_X, PT_MT_WB, &bits), -EINVAL);
	assert_int_equal(pt_leaf_bits(f, R | PT_U, PT_MT_WB, &bits), -EINVAL);
	assert_int_equal(pt_leaf_bits(f, R, PT_MT_UC, &bits), -EINVAL);
}

static void test_init(void **state)
{
	static const unsigned int bad[] = {0, 1, 2, 5, 6, 7, 8, ~0u};
	struct pt_table pt;
	struct palloc none;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(amdvi_pt_init(&pt, bad[i], true, &pa), -EINVAL);
	assert_int_equal(palloc_free_bytes(&pa), start_free);

	for (unsigned int mode = 3; mode <= 4; mode++) {
		init(&pt, mode, false);
		assert_int_equal(amdvi_pt_mode(&pt), mode);
		assert_int_equal(amdvi_pt_root(&pt), pt.root);
		assert_true(in_pool(pt.root));
		assert_int_equal(pt.root & (SZ_4K - 1), 0);
		assert_int_equal(pt.leaves, PT_4K | PT_2M);
		assert_true(pt.merge);
		assert_null(pt.flush); /* coherent: no flush hook */
		assert_int_equal(pt_va_limit(&pt), 1ull << (mode == 3 ? 39 : 48));
		for (int i = 0; i < 512; i++)
			assert_int_equal(tbl_of(pt.root)[i], 0);
		assert_int_equal(palloc_free_bytes(&pa), start_free - SZ_4K);
		expect_none(&pt, 0);
		expect_none(&pt, pt_va_limit(&pt) - SZ_4K);
		assert_int_equal(amdvi_pt_translate(&pt, pt_va_limit(&pt), NULL, NULL, NULL),
				 -ENOENT);
		amdvi_pt_destroy(&pt);
		assert_int_equal(pt.root, 0);
		assert_int_equal(palloc_free_bytes(&pa), start_free);
		amdvi_pt_destroy(&pt); /* twice is harmless */
	}
	init(&pt, 4, true);
	assert_int_equal(pt.leaves, PT_4K | PT_2M | PT_1G);
	amdvi_pt_destroy(&pt);

	palloc_init(&none);
	assert_int_equal(amdvi_pt_init(&pt, 3, false, &none), -ENOMEM);
	assert_int_equal(pt.root, 0);
	assert_int_equal(amdvi_pt_map(&pt, 0, 0, SZ_4K, RW), -EINVAL);
	assert_int_equal(palloc_free_bytes(&pa), start_free);
}

/* 4 KiB, 2 MiB and (with the flag) 1 GiB leaves, raw and translated. */
static void test_leaf_sizes(void **state)
{
	unsigned int mode = mode_of(state), lv;
	uint64_t top = 1ull << (mode == 3 ? 39 : 48);
	struct pt_table pt;

	init(&pt, mode, true);
	assert_int_equal(map(&pt, 0x5000, 0x7654000, SZ_4K, RW), 0);
	expect_leaf(&pt, 0x5000, 0x7654000, SZ_4K, RW);
	expect_leaf(&pt, 0x5fff, 0x7654fff, SZ_4K, RW);
	expect_none(&pt, 0x4fff);
	expect_none(&pt, 0x6000);
	assert_int_equal(raw_leaf(&pt, 0x5000, &lv), 0x6000000007654001ull);
	assert_int_equal(lv, 1);

	assert_int_equal(map(&pt, 0x40600000, 0x123400000ull, SZ_2M, R), 0);
	expect_leaf(&pt, 0x4071234f, 0x12351234full, SZ_2M, R);
	expect_none(&pt, 0x405ff000);
	expect_none(&pt, 0x40800000);
	/* level 2, NextLevel 0: a 2 MiB page, as QEMU 10.0.2 takes it */
	assert_int_equal(raw_leaf(&pt, 0x40600000, &lv), 0x2000000123400001ull);
	assert_int_equal(lv, 2);

	assert_int_equal(map(&pt, 0xc0000000, 0x4000000000ull, SZ_1G, W), 0);
	expect_leaf(&pt, 0xfedcba98, 0x403edcba98ull, SZ_1G, W);
	expect_none(&pt, 0xbffff000);
	expect_none(&pt, 0x100000000ull);
	assert_int_equal(raw_leaf(&pt, 0xc0000000, &lv), 0x4000004000000001ull);
	assert_int_equal(lv, 3);

	/* the last page of the Mode's width, SPAs up to 52 bits */
	assert_int_equal(map(&pt, top - SZ_4K, (1ull << 52) - SZ_4K, SZ_4K, RW), 0);
	expect_leaf(&pt, top - 1, (1ull << 52) - 1, SZ_4K, RW);
	assert_int_equal(raw_leaf(&pt, top - SZ_4K, &lv), 0x600ffffffffff001ull);
	assert_int_equal(map(&pt, top, 0, SZ_4K, RW), -EINVAL);
	assert_int_equal(amdvi_pt_translate(&pt, top, NULL, NULL, NULL), -ENOENT);
	if (mode == 4) { /* beyond 39 bits: only with Mode 4 */
		assert_int_equal(map(&pt, 0x8000001000ull, 0x3000, SZ_4K, RW), 0);
		expect_leaf(&pt, 0x8000001000ull, 0x3000, SZ_4K, RW);
	}
	amdvi_pt_destroy(&pt);
	assert_int_equal(palloc_free_bytes(&pa), start_free);
}

/* Without the flag no 1 GiB leaf is written: 512 2 MiB leaves instead. */
static void test_no_1g_by_default(void **state)
{
	unsigned int mode = mode_of(state), lv;
	struct pt_table pt;

	init(&pt, mode, false);
	assert_int_equal(map(&pt, SZ_1G, 0x4000000000ull, SZ_1G, RW), 0);
	expect_runs(&pt, SZ_1G, 0x4000000000ull - SZ_1G, RW, {SZ_2M, 512}, {0, 1});
	assert_int_equal(raw_leaf(&pt, SZ_1G, &lv), 0x6000004000000001ull);
	assert_int_equal(lv, 2);
	/* the tables: (level 3,) a level-2 table */
	assert_int_equal(start_free - palloc_free_bytes(&pa), (mode == 4 ? 3 : 2) * SZ_4K);
	/* 4 KiB alignment only: 4 KiB leaves */
	assert_int_equal(map(&pt, 4 * SZ_1G, 0x1000, SZ_2M, R), 0);
	expect_runs(&pt, 4 * SZ_1G, 0x1000 - 4 * SZ_1G, R, {SZ_4K, 512});
	amdvi_pt_destroy(&pt);
	assert_int_equal(palloc_free_bytes(&pa), start_free);
}

/* PDEs carry IR|IW whatever the leaves grant; each leaf its own. */
static void test_perm_every_level(void **state)
{
	static const unsigned int perms[] = {R, W, RW};
	unsigned int mode = mode_of(state), lv;
	struct pt_table pt;

	init(&pt, mode, true);
	for (unsigned int i = 0; i < 3; i++) {
		uint64_t base = (uint64_t)(i + 1) * 4 * SZ_1G, want;

		want = (perms[i] & R ? IR : 0) | (perms[i] & W ? IW : 0) | P;
		assert_int_equal(map(&pt, base, base, SZ_4K, perms[i]), 0);
		assert_int_equal(map(&pt, base + SZ_2M, base + SZ_2M, SZ_2M, perms[i]), 0);
		assert_int_equal(map(&pt, base + SZ_1G, base + SZ_1G, SZ_1G, perms[i]), 0);
		/* raw_leaf asserts every PDE above is exactly P|IR|IW|NL */
		assert_int_equal(raw_leaf(&pt, base, &lv), base | want);
		assert_int_equal(lv, 1);
		assert_int_equal(raw_leaf(&pt, base + SZ_2M, &lv), (base + SZ_2M) | want);
		assert_int_equal(lv, 2);
		assert_int_equal(raw_leaf(&pt, base + SZ_1G, &lv), (base + SZ_1G) | want);
		assert_int_equal(lv, 3);
		expect_leaf(&pt, base, base, SZ_4K, perms[i]);
		expect_leaf(&pt, base + SZ_2M, base + SZ_2M, SZ_2M, perms[i]);
		expect_leaf(&pt, base + SZ_1G, base + SZ_1G, SZ_1G, perms[i]);
	}
	/* a remap changes permissions in place */
	assert_int_equal(map(&pt, 4 * SZ_1G, 4 * SZ_1G, SZ_4K, W), 0);
	expect_leaf(&pt, 4 * SZ_1G, 4 * SZ_1G, SZ_4K, W);
	/* a split keeps the large leaf's permission around the new page */
	assert_int_equal(map(&pt, 8 * SZ_1G + SZ_2M + SZ_4K, 0x9000, SZ_4K, R), 0);
	expect_runs(&pt, 8 * SZ_1G + SZ_2M, 0, W, {SZ_4K, 1});
	expect_leaf(&pt, 8 * SZ_1G + SZ_2M + SZ_4K, 0x9000, SZ_4K, R);
	expect_runs(&pt, 8 * SZ_1G + SZ_2M + 2 * SZ_4K, 0, W, {SZ_4K, 510});
	/* no permission, or one the format lacks: refused, nothing mapped */
	assert_int_equal(map(&pt, 0x4000, 0x4000, SZ_4K, 0), -EINVAL);
	assert_int_equal(map(&pt, 0x4000, 0x4000, SZ_4K, PT_X), -EINVAL);
	assert_int_equal(map(&pt, 0x4000, 0x4000, SZ_4K, RW | PT_U), -EINVAL);
	expect_none(&pt, 0x4000);
	amdvi_pt_destroy(&pt);
	assert_int_equal(palloc_free_bytes(&pa), start_free);
}

/* A range across every leaf size, then unmaps and remaps, checked against
 * the IOMMU's walk at every edge. */
static void test_walk_round_trip(void **state)
{
	unsigned int mode = mode_of(state);
	uint64_t a = 0x13fdff000ull, b = 0x180201000ull, spa = 0x33fdff000ull;
	struct pt_table pt;

	init(&pt, mode, true);
	/* 4 KiB, 2 MiB, 1 GiB, 2 MiB, 4 KiB */
	assert_int_equal(map(&pt, a, spa, b - a, RW), 0);
	expect_runs(&pt, a - SZ_4K, spa - a, RW, {0, 1}, {SZ_4K, 1}, {SZ_2M, 1}, {SZ_1G, 1},
		    {SZ_2M, 1}, {SZ_4K, 1}, {0, 1});
	for (uint64_t iova = a; iova < b; iova += 0x3fff000ull)
		expect_leaf(&pt, iova, iova + spa - a,
			    iova < 0x13fe00000ull || iova >= 0x180200000ull   ? SZ_4K
			    : iova < 0x140000000ull || iova >= 0x180000000ull ? SZ_2M
									      : SZ_1G,
			    RW);
	/* an unmap splitting the 1 GiB leaf and a 2 MiB one */
	assert_int_equal(unmap(&pt, 0x140001000ull, 0x180001000ull - 0x140001000ull), 0);
	expect_runs(&pt, 0x13fe00000ull, spa - a, RW, {SZ_2M, 1}, {SZ_4K, 1}, {0, 1});
	expect_none(&pt, 0x160000000ull);
	expect_runs(&pt, 0x180000000ull, spa - a, RW, {0, 1}, {SZ_4K, 511}, {SZ_4K, 1});
	/* mapped whole again: the large leaves come back, the tables deferred */
	assert_int_equal(map(&pt, a, spa, b - a, RW), 0);
	expect_runs(&pt, a, spa - a, RW, {SZ_4K, 1}, {SZ_2M, 1}, {SZ_1G, 1}, {SZ_2M, 1},
		    {SZ_4K, 1});
	assert_true(pt.deferred_count > 0);
	amdvi_pt_reclaim(&pt);
	assert_int_equal(pt.deferred_count, 0);
	/* all of it gone: every removed entry is zero (check_tree) */
	assert_int_equal(unmap(&pt, 0, pt_va_limit(&pt)), 0);
	for (int i = 0; i < 512; i++)
		assert_int_equal(tbl_of(pt.root)[i], 0);
	amdvi_pt_reclaim(&pt);
	assert_int_equal(palloc_free_bytes(&pa), start_free - SZ_4K);
	amdvi_pt_destroy(&pt);
	assert_int_equal(palloc_free_bytes(&pa), start_free);
}

/* The walker ANDs the permission of every entry on the way, as QEMU
 * 10.0.2 does; the checks above would see an entry this format never
 * writes. */
static void test_walker_catches(void **state)
{
	uint64_t *l1;
	struct pt_table pt;
	struct hw h;

	(void)state;
	init(&pt, 3, false);
	assert_int_equal(map(&pt, 0x1000, 0x2000, SZ_4K, RW), 0);
	l1 = tbl_of(tbl_of(tbl_of(pt.root)[0])[0]);
	h = hw_walk(amdvi_pt_root(&pt), 3, 0x1000);
	assert_int_equal(h.err, 0);
	assert_false(h.odd);
	assert_int_equal(h.perm, RW);
	assert_int_equal(h.spa, 0x2000);
	/* a PDE without IW: QEMU denies writes; odd here */
	tbl_of(pt.root)[0] &= ~IW;
	h = hw_walk(amdvi_pt_root(&pt), 3, 0x1000);
	assert_int_equal(h.err, 0);
	assert_int_equal(h.perm, R);
	assert_true(h.odd);
	tbl_of(pt.root)[0] |= IW;
	/* a NextLevel-7 leaf */
	l1[1] |= AMDVI_PTE_NL;
	h = hw_walk(amdvi_pt_root(&pt), 3, 0x1000);
	assert_int_equal(h.err, -EINVAL);
	assert_true(h.odd);
	l1[1] &= ~AMDVI_PTE_NL;
	/* a non-present entry with bits left (QEMU would still use it) */
	l1[2] = 0x3000 | IR;
	h = hw_walk(amdvi_pt_root(&pt), 3, 0x2000);
	assert_int_equal(h.err, -ENOENT);
	assert_true(h.odd);
	l1[2] = 0;
	/* a reserved bit */
	l1[1] |= 1ull << 63;
	assert_true(hw_walk(amdvi_pt_root(&pt), 3, 0x1000).odd);
	l1[1] &= ~(1ull << 63);
	check_agree(&pt, 0x1000);
	check_agree(&pt, 0x2000);
	amdvi_pt_destroy(&pt);
}

/* The DTE amdvi_desc builds from amdvi_pt_root/mode, walked as the IOMMU
 * does from the DTE itself; the blocked DTE over an empty table's root
 * (a page of zeros) lets nothing through. */
static void test_dte_walk(void **state)
{
	unsigned int mode = mode_of(state);
	struct pt_table pt, empty;
	struct amdvi_dte d;
	struct hw h;

	init(&pt, mode, true);
	init(&empty, 3, false);
	assert_int_equal(map(&pt, 0x1000, 0x7000, SZ_4K, R), 0);
	assert_int_equal(map(&pt, SZ_2M, 0x40000000, SZ_2M, W), 0);
	assert_int_equal(map(&pt, SZ_1G, 0x80000000, SZ_1G, RW), 0);
	assert_int_equal(amdvi_dte_translated(amdvi_pt_root(&pt), amdvi_pt_mode(&pt), 9, &d), 0);
	h = hw_walk_dte(d.q[0], 0x1234);
	assert_int_equal(h.err, 0);
	assert_int_equal(h.spa, 0x7234);
	assert_int_equal(h.perm, R);
	h = hw_walk_dte(d.q[0], SZ_2M + 0x5678);
	assert_int_equal(h.spa, 0x40005678);
	assert_int_equal(h.size, SZ_2M);
	assert_int_equal(h.perm, W);
	h = hw_walk_dte(d.q[0], SZ_1G + 0x12345678);
	assert_int_equal(h.spa, 0x92345678);
	assert_int_equal(h.size, SZ_1G);
	assert_int_equal(h.perm, RW);
	assert_false(h.odd);
	assert_int_equal(hw_walk_dte(d.q[0], 0x2000).err, -ENOENT);

	/* blocked: every address, read or write, finds nothing */
	assert_int_equal(amdvi_dte_blocked(amdvi_pt_root(&empty), 1, true, &d), 0);
	for (uint64_t iova = 0; iova < (1ull << 39); iova += 0x7f7f7f000ull) {
		h = hw_walk_dte(d.q[0], iova);
		assert_int_equal(h.err, -ENOENT);
		assert_false(h.odd);
	}
	/* the variant without IR/IW: denied at the DTE, the table unread */
	assert_int_equal(amdvi_dte_blocked(amdvi_pt_root(&empty), 1, false, &d), 0);
	assert_int_equal(hw_walk_dte(d.q[0], SZ_1G).err, -EFAULT);
	assert_int_equal(hw_walk_dte(d.q[0], 0x1000).err, -EFAULT);
	if (mode == 3) { /* even over a table that maps (same Mode) */
		assert_int_equal(amdvi_dte_blocked(amdvi_pt_root(&pt), 1, false, &d), 0);
		assert_int_equal(hw_walk_dte(d.q[0], SZ_1G).err, -EFAULT);
		assert_int_equal(hw_walk_dte(d.q[0], 0x1000).err, -EFAULT);
	}
	amdvi_pt_destroy(&empty);
	amdvi_pt_destroy(&pt);
	assert_int_equal(palloc_free_bytes(&pa), start_free);
}

static void test_bad_inputs(void **state)
{
	unsigned int mode = mode_of(state);
	uint64_t top = 1ull << (mode == 3 ? 39 : 48), h, before;
	struct pt_table pt;

	init(&pt, mode, true);
	assert_int_equal(map(&pt, 0x1ff000, 0x1ff000, SZ_2M + SZ_4K, RW), 0);
	h = fake_pt_hash(&pt);
	before = palloc_free_bytes(&pa);
	assert_int_equal(map(&pt, 0x1800, 0x1000, SZ_4K, RW), -EINVAL);	    /* iova */
	assert_int_equal(map(&pt, 0x1000, 0x1800, SZ_4K, RW), -EINVAL);	    /* spa */
	assert_int_equal(map(&pt, 0x1000, 0x1000, 0x1800, RW), -EINVAL);    /* len */
	assert_int_equal(map(&pt, 0x1000, 0x1000, 0, RW), -EINVAL);	    /* zero */
	assert_int_equal(map(&pt, top - SZ_4K, 0, 2 * SZ_4K, RW), -EINVAL); /* past the top */
	assert_int_equal(map(&pt, top, 0, SZ_4K, RW), -EINVAL);
	assert_int_equal(map(&pt, -SZ_4K, 0, 2 * SZ_4K, RW), -EINVAL);		     /* wraps */
	assert_int_equal(map(&pt, 0, 1ull << 52, SZ_4K, RW), -EINVAL);		     /* SPA */
	assert_int_equal(map(&pt, 0, (1ull << 52) - SZ_4K, 2 * SZ_4K, RW), -EINVAL); /* SPA end */
	assert_int_equal(unmap(&pt, 0x1800, SZ_4K), -EINVAL);
	assert_int_equal(unmap(&pt, 0x1000, 0), -EINVAL);
	assert_int_equal(unmap(&pt, top, SZ_4K), -EINVAL);
	assert_int_equal(unmap(&pt, top - SZ_4K, 2 * SZ_4K), -EINVAL);
	assert_int_equal(fake_pt_hash(&pt), h);
	assert_int_equal(palloc_free_bytes(&pa), before);
	expect_runs(&pt, 0x1ff000, 0, RW, {SZ_4K, 1}, {SZ_2M, 1});
	amdvi_pt_destroy(&pt);
	assert_int_equal(palloc_free_bytes(&pa), start_free);
}

struct change {
	bool unmap;
	uint64_t iova, spa, len;
};

static int do_change(struct pt_table *pt, void *arg)
{
	const struct change *c = arg;

	if (c->unmap)
		return amdvi_pt_unmap(pt, c->iova, c->len);
	return amdvi_pt_map(pt, c->iova, c->spa, c->len, R);
}

/* Out of memory at each allocation of a change in turn: tables, their
 * translations and the allocator exactly as they were. */
static void test_fail_midway(void **state)
{
	const uint64_t iova[] = {
		0,	   SZ_4K,    SZ_2M, SZ_1G - SZ_4K, SZ_1G, SZ_1G + SZ_2M, 2 * SZ_1G - SZ_4K,
		2 * SZ_1G, 3 * SZ_1G};
	unsigned int mode = mode_of(state);
	struct change c = {false, SZ_1G - SZ_4K, SZ_1G - SZ_4K, SZ_2M + 2 * SZ_4K};
	struct pt_table pt;

	init(&pt, mode, true);
	assert_int_equal(map(&pt, 0, 0x10001000, SZ_2M, RW), 0);
	assert_int_equal(map(&pt, SZ_1G, SZ_1G, SZ_1G, RW), 0);
	/* a new level-1 table at the end of the first 1 GiB, then into the
	 * 1 GiB leaf: split (a level-2 table), a 2 MiB leaf, a level-1 table */
	assert_int_equal(fake_pt_fail_each(&pt, do_change, &c, iova, 9, 8), 3);
	check_tree(pt.root, pt.levels);
	expect_leaf(&pt, SZ_1G - SZ_4K, SZ_1G - SZ_4K, SZ_4K, R);
	expect_leaf(&pt, SZ_1G, SZ_1G, SZ_2M, R);
	expect_leaf(&pt, SZ_1G + SZ_2M, SZ_1G + SZ_2M, SZ_4K, R);
	expect_leaf(&pt, SZ_1G + SZ_2M + SZ_4K, SZ_1G + SZ_2M + SZ_4K, SZ_4K, RW);
	/* an unmap clearing a 2 MiB leaf and splitting a 1 GiB one twice */
	assert_int_equal(map(&pt, 2 * SZ_1G, 0x200000000ull, SZ_1G, RW), 0);
	c = (struct change){true, 2 * SZ_1G - SZ_2M, 0, SZ_2M + SZ_4K};
	assert_int_equal(fake_pt_fail_each(&pt, do_change, &c, iova, 9, 8), 2);
	check_tree(pt.root, pt.levels);
	expect_none(&pt, 2 * SZ_1G);
	expect_leaf(&pt, 2 * SZ_1G + SZ_4K, 0x200001000ull, SZ_4K, RW);
	/* a fresh subtree far away: every level's table is new */
	c = (struct change){false, mode == 4 ? 0xa000000000ull : 0x7000000000ull, 0x5000, SZ_4K};
	assert_int_equal(fake_pt_fail_each(&pt, do_change, &c, iova, 9, 8), mode == 4 ? 3 : 2);
	expect_leaf(&pt, c.iova, 0x5000, SZ_4K, R);
	amdvi_pt_destroy(&pt);
	assert_int_equal(palloc_free_bytes(&pa), start_free);
}

static void test_deferred_then_destroy(void **state)
{
	unsigned int mode = mode_of(state);
	struct pt_table pt;

	init(&pt, mode, false);
	assert_int_equal(map(&pt, SZ_2M, 0x10001000, SZ_2M, RW), 0); /* a level-1 table */
	assert_int_equal(map(&pt, SZ_2M, 0x10000000, SZ_2M, R), 0);  /* merged: deferred */
	expect_leaf(&pt, SZ_2M, 0x10000000, SZ_2M, R);
	assert_int_equal(pt.deferred_count, 1);
	/* the IOMMU may still walk the old table: left as it was */
	assert_int_equal(tbl_of(pt.deferred[0])[5], (0x10006000 | P | IR | IW));
	amdvi_pt_destroy(&pt); /* deferred ones go too */
	assert_int_equal(pt.deferred_count, 0);
	assert_int_equal(palloc_free_bytes(&pa), start_free);
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
#define TEST_MODES(f)                                                          \
	cmocka_unit_test_prestate_setup_teardown(f, setup, teardown, &mode_3), \
		cmocka_unit_test_prestate_setup_teardown(f, setup, teardown, &mode_4)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_format),
		TEST(test_init),
		TEST_MODES(test_leaf_sizes),
		TEST_MODES(test_no_1g_by_default),
		TEST_MODES(test_perm_every_level),
		TEST_MODES(test_walk_round_trip),
		TEST(test_walker_catches),
		TEST_MODES(test_dte_walk),
		TEST_MODES(test_bad_inputs),
		TEST_MODES(test_fail_midway),
		TEST_MODES(test_deferred_then_destroy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
