// SPDX-License-Identifier: MIT
/*
 * The page-table engine itself (lib/pt.c), on formats made up here: one
 * like VT-d's (present = R|W, a large-page bit) and one like AMD-Vi's, whose
 * table pointers carry the next level in bits 11:9. Table pages come from a
 * pool below 4 GiB of host memory (MAP_32BIT), so "physical" addresses are
 * real pointers. A shadow of the pool stands for what a non-coherent walker
 * sees: only flushed ranges reach it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>
#include "lib/err.h"
#include "lib/pt.h"
#include "hv/core/palloc.h"
#include "fake_pt.h"

#define POOL  (16u << 20)
#define SZ_4K 0x1000ull
#define SZ_2M 0x200000ull
#define SZ_1G 0x40000000ull
#define ADDR  0x000FFFFFFFFFF000ull

#define E_R	(1ull << 0)
#define E_W	(1ull << 1)
#define E_X	(1ull << 2)
#define E_U	(1ull << 3)
#define E_PS	(1ull << 7)
#define E_UC	(1ull << 4)
#define E_NL(n) ((uint64_t)(n) << 9) /* AMD-Vi-like next level */
#define E_NL_M	E_NL(7)
#define E_IR	(1ull << 61)
#define E_IW	(1ull << 62)
#define E_NX	(1ull << 63)

static const struct pt_format ps_format = {
	.name = "test-ps",
	.max_levels = 4,
	.leaf_levels = PT_4K | PT_2M | PT_1G,
	.addr = ADDR,
	.present = E_R | E_W,
	.kind = E_PS,
	.table = {[2] = E_R | E_W, [3] = E_R | E_W, [4] = E_R | E_W},
	.leaf = {[2] = E_PS, [3] = E_PS},
	.prot_bits = {E_R, E_W, E_X, E_U},
	.prot_ok = PT_R | PT_W | PT_X | PT_U,
	.prot_any = PT_R | PT_W,
	.mt_bits = {[PT_MT_UC] = E_UC, [PT_MT_WB] = 0},
	.mt_ok = 1u << PT_MT_UC | 1u << PT_MT_WB,
};

/* Like x86's own tables: execute is granted by a clear bit (NX), so a leaf
 * without PT_X gets E_NX (prot_deny). */
static const struct pt_format nx_format = {
	.name = "test-nx",
	.max_levels = 4,
	.leaf_levels = PT_4K | PT_2M | PT_1G,
	.addr = ADDR,
	.present = E_R,
	.kind = E_PS,
	.table = {[2] = E_R | E_W, [3] = E_R | E_W, [4] = E_R | E_W},
	.leaf = {[2] = E_PS, [3] = E_PS},
	.prot_bits = {E_R, E_W, 0, E_U},
	.prot_deny = {[2] = E_NX},
	.prot_ok = PT_R | PT_W | PT_X | PT_U,
	.prot_must = PT_R,
	.mt_bits = {[PT_MT_UC] = E_UC, [PT_MT_WB] = 0},
	.mt_ok = 1u << PT_MT_UC | 1u << PT_MT_WB,
};

/* Present bit 0; a pointer says the level it points at in bits 11:9, a leaf
 * at any level has 0 there; access in bits 61/62. */
static const struct pt_format nl_format = {
	.name = "test-next-level",
	.max_levels = 5,
	.leaf_levels = PT_4K | PT_2M | PT_1G,
	.addr = ADDR,
	.present = 1,
	.kind = E_NL_M,
	.table = {[2] = 1 | E_NL(1) | E_IR | E_IW,
		  [3] = 1 | E_NL(2) | E_IR | E_IW,
		  [4] = 1 | E_NL(3) | E_IR | E_IW,
		  [5] = 1 | E_NL(4) | E_IR | E_IW},
	.prot_bits = {E_IR | 1, E_IW | 1, 0, 0},
	.prot_ok = PT_R | PT_W,
	.prot_any = PT_R | PT_W,
	.mt_ok = 1u << PT_MT_WB,
};

static uint8_t *pool, *shadow;
static uint64_t pool_base, start_free;
static struct palloc pa;
static struct fake_pt_pool fp;
static unsigned int flush_calls;

static int setup(void **state)
{
	(void)state;
	fake_pt_pool_init(&fp, POOL, &pa);
	pool = fp.mem;
	shadow = fp.shadow;
	pool_base = fp.base;
	start_free = palloc_free_bytes(&pa);
	flush_calls = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_pt_pool_fini(&fp);
	return 0;
}

static void rec_flush(const void *p, uint64_t len)
{
	uint64_t a = (uint64_t)(uintptr_t)p;

	assert_true(len > 0);
	assert_true(a >= pool_base && a - pool_base + len <= POOL);
	flush_calls++;
	memcpy(shadow + (a - pool_base), p, len);
}

static void init(struct pt_table *t, const struct pt_format *fmt, unsigned int levels,
		 void (*flush)(const void *, uint64_t))
{
	const struct pt_alloc alloc = {palloc_pt_alloc, palloc_pt_free, &pa, 0};

	assert_int_equal(pt_init(t, fmt, levels, &alloc, flush), 0);
}

static uint64_t *tbl_of(uint64_t e)
{
	return (uint64_t *)(uintptr_t)(e & ADDR);
}

/* Every table reachable, and every deferred one, reads the same in memory
 * and in the walker's view: each written entry was flushed. */
static bool tree_synced(const struct pt_format *f, uint64_t phys, unsigned int lv)
{
	const uint64_t *r = tbl_of(phys);

	if (memcmp(r, shadow + ((phys & ADDR) - pool_base), SZ_4K))
		return false;
	for (int i = 0; i < 512; i++)
		if (lv > 1 && (r[i] & f->present) && (r[i] & f->kind) == (f->table[lv] & f->kind) &&
		    !tree_synced(f, r[i], lv - 1))
			return false;
	return true;
}

static bool synced(const struct pt_table *t)
{
	if (!tree_synced(t->fmt, t->root, t->levels))
		return false;
	for (unsigned int i = 0; i < t->deferred_count; i++)
		if (!tree_synced(t->fmt, t->deferred[i], (unsigned int)(t->deferred[i] & 7)))
			return false;
	return true;
}

#define expect_map(t, va, pa_, size_) expect_map_(__LINE__, t, va, pa_, size_)
static void expect_map_(int line, const struct pt_table *t, uint64_t va, uint64_t want,
			uint64_t size)
{
	uint64_t got = 0, sz = 0;
	int err = pt_translate(t, va, &got, NULL, &sz);

	if (err || got != want || sz != size)
		fail_msg("line %d: va %#lx: err %d pa %#lx size %#lx, want pa %#lx size %#lx", line,
			 (unsigned long)va, err, (unsigned long)got, (unsigned long)sz,
			 (unsigned long)want, (unsigned long)size);
}

static void test_leaf_bits(void **state)
{
	uint64_t b;

	(void)state;
	assert_int_equal(pt_leaf_bits(&ps_format, PT_R | PT_W, PT_MT_WB, &b), 0);
	assert_int_equal(b, E_R | E_W);
	assert_int_equal(pt_leaf_bits(&ps_format, PT_W | PT_X | PT_U, PT_MT_UC, &b), 0);
	assert_int_equal(b, E_W | E_X | E_U | E_UC);
	assert_int_equal(pt_leaf_bits(&ps_format, PT_X, PT_MT_WB, &b), -EINVAL); /* none of R/W */
	assert_int_equal(pt_leaf_bits(&ps_format, PT_R | 16, PT_MT_WB, &b), -EINVAL);
	assert_int_equal(pt_leaf_bits(&ps_format, PT_R, PT_MT_WC, &b), -EINVAL);
	assert_int_equal(pt_leaf_bits(&ps_format, PT_R, 8, &b), -EINVAL);
	assert_int_equal(pt_leaf_bits(&ps_format, PT_R, ~0u, &b), -EINVAL);
	assert_int_equal(pt_leaf_bits(&nl_format, PT_W, PT_MT_WB, &b), 0);
	assert_int_equal(b, E_IW | 1);
	assert_int_equal(pt_leaf_bits(&nl_format, PT_X | PT_R, PT_MT_WB, &b), -EINVAL);
	/* a denying bit is set exactly where the access is not granted */
	assert_int_equal(pt_leaf_bits(&nx_format, PT_R | PT_W, PT_MT_WB, &b), 0);
	assert_int_equal(b, E_R | E_W | E_NX);
	assert_int_equal(pt_leaf_bits(&nx_format, PT_R | PT_X, PT_MT_UC, &b), 0);
	assert_int_equal(b, E_R | E_UC);
	assert_int_equal(pt_leaf_bits(&nx_format, PT_R | PT_W | PT_X | PT_U, PT_MT_WB, &b), 0);
	assert_int_equal(b, E_R | E_W | E_U);
	assert_int_equal(pt_leaf_bits(&nx_format, PT_W | PT_X, PT_MT_WB, &b), -EINVAL);
}

/* Denying bits travel with the leaf: a split keeps them, a remap of part
 * with other access changes only that part. */
static void test_deny_bits(void **state)
{
	struct pt_table t;

	(void)state;
	init(&t, &nx_format, 4, NULL);
	assert_int_equal(pt_map(&t, 0, 0, SZ_1G, PT_R | PT_W, PT_MT_WB), 0);
	assert_int_equal(pt_walk(&t, 0, NULL), E_R | E_W | E_PS | E_NX);
	/* one 4 KiB page made read-only and executable, in the middle */
	assert_int_equal(pt_map(&t, SZ_2M + SZ_4K, SZ_2M + SZ_4K, SZ_4K, PT_R | PT_X, PT_MT_WB), 0);
	assert_int_equal(pt_walk(&t, SZ_2M + SZ_4K, NULL), (SZ_2M + SZ_4K) | E_R);
	assert_int_equal(pt_walk(&t, SZ_2M, NULL), SZ_2M | E_R | E_W | E_NX);
	assert_int_equal(pt_walk(&t, SZ_2M + 2 * SZ_4K, NULL),
			 (SZ_2M + 2 * SZ_4K) | E_R | E_W | E_NX);
	assert_int_equal(pt_walk(&t, 2 * SZ_2M, NULL), 2 * SZ_2M | E_R | E_W | E_PS | E_NX);
	/* a split of a non-executable leaf keeps it non-executable */
	assert_int_equal(pt_split(&t, 3 * SZ_2M, SZ_4K, SZ_4K), 0);
	assert_int_equal(pt_walk(&t, 3 * SZ_2M + 511 * SZ_4K, NULL),
			 (3 * SZ_2M + 511 * SZ_4K) | E_R | E_W | E_NX);
	pt_destroy(&t);
	assert_int_equal(palloc_free_bytes(&pa), start_free);
}

static void test_init(void **state)
{
	const struct pt_alloc alloc = {palloc_pt_alloc, palloc_pt_free, &pa, 0};
	struct pt_table t;

	(void)state;
	assert_int_equal(pt_init(&t, &ps_format, 1, &alloc, NULL), -EINVAL);
	assert_int_equal(pt_init(&t, &ps_format, 5, &alloc, NULL), -EINVAL); /* > max_levels */
	assert_int_equal(palloc_free_bytes(&pa), start_free);
	init(&t, &nl_format, 5, NULL);
	assert_int_equal(pt_va_limit(&t), 1ull << 57);
	assert_int_equal(t.leaves, PT_4K | PT_2M | PT_1G);
	assert_false(t.merge);
	assert_int_equal(pt_map(&t, (1ull << 57) - SZ_4K, 0x1000, SZ_4K, PT_R, PT_MT_WB), 0);
	expect_map(&t, (1ull << 57) - 1, 0x1fff, SZ_4K);
	assert_int_equal(pt_map(&t, 1ull << 57, 0x1000, SZ_4K, PT_R, PT_MT_WB), -EINVAL);
	pt_destroy(&t);
	assert_int_equal(t.root, 0);
	assert_int_equal(palloc_free_bytes(&pa), start_free);
	pt_destroy(&t); /* twice is harmless */
}

/* With a flush hook, everything written reaches the walker's view: after
 * every kind of change, the tables in memory equal the shadow. */
static void test_flush_every_entry(void **state)
{
	struct pt_table t;
	unsigned int calls;
	uint64_t h;

	(void)state;
	init(&t, &ps_format, 4, rec_flush);
	t.merge = true;
	assert_int_equal(flush_calls, 1); /* the empty root */
	assert_true(synced(&t));

	/* new tables, every leaf size */
	assert_int_equal(pt_map(&t, SZ_1G - SZ_2M - SZ_4K, SZ_1G - SZ_2M - SZ_4K,
				SZ_4K + SZ_2M + SZ_1G + SZ_2M + SZ_4K, PT_R | PT_W, PT_MT_WB),
			 0);
	assert_true(synced(&t));
	expect_map(&t, SZ_1G, SZ_1G, SZ_1G);
	/* entries rewritten in place in existing tables */
	calls = flush_calls;
	assert_int_equal(pt_map(&t, SZ_1G, 4 * SZ_1G, SZ_1G, PT_R, PT_MT_UC), 0);
	assert_true(flush_calls > calls);
	assert_true(synced(&t));
	/* splits: a 1 GiB leaf into 2 MiB, one of those into 4 KiB */
	assert_int_equal(pt_split(&t, SZ_1G + 5 * SZ_2M, SZ_4K, SZ_4K), 0);
	assert_true(synced(&t));
	/* an unmap clearing leaves, splitting at an edge */
	assert_int_equal(pt_unmap(&t, SZ_1G + 3 * SZ_4K, SZ_2M), 0);
	assert_true(synced(&t));
	/* merged back: tables detached, one leaf written */
	assert_int_equal(pt_map(&t, SZ_1G, SZ_1G, SZ_1G, PT_R | PT_W, PT_MT_WB), 0);
	assert_true(t.deferred_count > 0);
	assert_true(synced(&t));
	/* nothing to do: nothing written, nothing flushed */
	h = fake_pt_hash(&t);
	calls = flush_calls;
	assert_int_equal(pt_map(&t, SZ_1G, SZ_1G, SZ_1G, PT_R | PT_W, PT_MT_WB), 0);
	assert_int_equal(pt_unmap(&t, 8 * SZ_1G, SZ_1G), 0);
	assert_int_equal(pt_split(&t, SZ_1G - SZ_2M - SZ_4K, SZ_4K, SZ_4K), 0);
	assert_int_equal(flush_calls, calls);
	assert_int_equal(fake_pt_hash(&t), h);
	pt_reclaim(&t);
	assert_int_equal(pt_unmap(&t, 0, 1ull << 48), 0);
	assert_true(synced(&t));
	pt_destroy(&t);
	assert_int_equal(palloc_free_bytes(&pa), start_free);
}

/* Without one, the engine never calls it (a coherent walker). */
static void test_no_flush(void **state)
{
	struct pt_table t;

	(void)state;
	init(&t, &ps_format, 4, NULL);
	assert_int_equal(pt_map(&t, 0, 0, SZ_1G + SZ_4K, PT_R, PT_MT_WB), 0);
	assert_int_equal(pt_unmap(&t, SZ_4K, SZ_4K), 0);
	assert_int_equal(flush_calls, 0);
	pt_destroy(&t);
}

static void test_split(void **state)
{
	struct pt_table t;
	uint64_t leaf, used;

	(void)state;
	init(&t, &ps_format, 4, NULL);
	assert_int_equal(pt_map(&t, SZ_1G, 7 * SZ_1G, SZ_1G, PT_R | PT_U, PT_MT_UC), 0);
	assert_int_equal(pt_walk(&t, SZ_1G, NULL), 7 * SZ_1G | E_R | E_U | E_UC | E_PS);
	used = start_free - palloc_free_bytes(&pa);

	/* to 2 MiB: one table, the same mapping and bits in every leaf */
	assert_int_equal(pt_split(&t, SZ_1G, SZ_1G, SZ_2M), 0);
	assert_int_equal(start_free - palloc_free_bytes(&pa), used + SZ_4K);
	for (uint64_t i = 0; i < 512; i++) {
		expect_map(&t, SZ_1G + i * SZ_2M + 0x1234, 7 * SZ_1G + i * SZ_2M + 0x1234, SZ_2M);
		assert_int_equal(pt_walk(&t, SZ_1G + i * SZ_2M, NULL),
				 (7 * SZ_1G + i * SZ_2M) | E_R | E_U | E_UC | E_PS);
	}
	/* two 2 MiB leaves to 4 KiB: two tables; already split is left */
	assert_int_equal(pt_split(&t, SZ_1G + SZ_2M - SZ_4K, 2 * SZ_4K, SZ_4K), 0);
	assert_int_equal(start_free - palloc_free_bytes(&pa), used + 3 * SZ_4K);
	leaf = pt_walk(&t, SZ_1G + SZ_2M, NULL);
	assert_int_equal(leaf, (7 * SZ_1G + SZ_2M) | E_R | E_U | E_UC);
	expect_map(&t, SZ_1G + SZ_2M - SZ_4K, 7 * SZ_1G + SZ_2M - SZ_4K, SZ_4K);
	expect_map(&t, SZ_1G + 2 * SZ_2M - SZ_4K, 7 * SZ_1G + 2 * SZ_2M - SZ_4K, SZ_4K);
	expect_map(&t, SZ_1G + 2 * SZ_2M, 7 * SZ_1G + 2 * SZ_2M, SZ_2M);
	assert_int_equal(pt_split(&t, SZ_1G, SZ_1G, SZ_2M), 0);
	assert_int_equal(start_free - palloc_free_bytes(&pa), used + 3 * SZ_4K);
	/* a 1 GiB leaf straight to 4 KiB around one address */
	assert_int_equal(pt_map(&t, 2 * SZ_1G, 0, SZ_1G, PT_W, PT_MT_WB), 0);
	assert_int_equal(pt_split(&t, 2 * SZ_1G + 0x345000, SZ_4K, SZ_4K), 0);
	expect_map(&t, 2 * SZ_1G + 0x345000, 0x345000, SZ_4K);
	expect_map(&t, 2 * SZ_1G + 0x200000, 0x200000, SZ_4K);
	expect_map(&t, 2 * SZ_1G + 0x400000, 0x400000, SZ_2M);
	/* unmapped parts are fine; a size the table has not: refused */
	assert_int_equal(pt_split(&t, 16 * SZ_1G, SZ_1G, SZ_4K), 0);
	assert_int_equal(pt_split(&t, SZ_1G, SZ_4K, 0x8000), -EINVAL);
	assert_int_equal(pt_split(&t, SZ_1G, SZ_4K, 512 * SZ_1G), -EINVAL);
	t.leaves = PT_4K;
	assert_int_equal(pt_split(&t, SZ_1G, SZ_4K, SZ_2M), -EINVAL);
	pt_destroy(&t);
	assert_int_equal(palloc_free_bytes(&pa), start_free);
}

/* A format whose table pointers name the level below (AMD-Vi's next-level
 * field): the per-level table and leaf bits are all the engine needs. */
static void test_next_level_format(void **state)
{
	struct pt_table t;
	uint64_t *l4, *l3, *l2, e;

	(void)state;
	init(&t, &nl_format, 4, NULL);
	assert_int_equal(pt_map(&t, 0, 0x80000000, SZ_1G + SZ_2M + SZ_4K, PT_R | PT_W, PT_MT_WB),
			 0);
	l4 = tbl_of(t.root);
	assert_int_equal(l4[0] & ~ADDR, 1 | E_NL(3) | E_IR | E_IW);
	l3 = tbl_of(l4[0]);
	assert_int_equal(l3[0], 0x80000000 | 1 | E_IR | E_IW); /* a 1 GiB leaf: level 0 */
	assert_int_equal(l3[1] & ~ADDR, 1 | E_NL(2) | E_IR | E_IW);
	l2 = tbl_of(l3[1]);
	assert_int_equal(l2[0], 0xc0000000 | 1 | E_IR | E_IW);
	assert_int_equal(l2[1] & ~ADDR, 1 | E_NL(1) | E_IR | E_IW);
	assert_int_equal(tbl_of(l2[1])[0], 0xc0200000 | 1 | E_IR | E_IW);
	expect_map(&t, 0x12345678, 0x92345678, SZ_1G);
	expect_map(&t, SZ_1G + 0x1234, 0xc0001234, SZ_2M);
	expect_map(&t, SZ_1G + SZ_2M + 0x10, 0xc0200010, SZ_4K);
	assert_int_equal(pt_translate(&t, SZ_1G + SZ_2M + SZ_4K, NULL, NULL, NULL), -ENOENT);
	/* a split keeps the leaf's bits, at the new level's */
	assert_int_equal(pt_map(&t, 0x1000, 0x5000, SZ_4K, PT_R, PT_MT_WB), 0);
	expect_map(&t, 0x1000, 0x5000, SZ_4K);
	e = pt_walk(&t, 0x2000, NULL);
	assert_int_equal(e, 0x80002000 | 1 | E_IR | E_IW);
	expect_map(&t, SZ_2M, 0x80200000, SZ_2M);
	assert_int_equal(pt_unmap(&t, 0, 2 * SZ_1G), 0);
	assert_int_equal(pt_walk(&t, SZ_1G + SZ_2M, NULL), 0);
	pt_destroy(&t);
	assert_int_equal(palloc_free_bytes(&pa), start_free);
}

struct change {
	bool unmap;
	uint64_t va, pa, len;
};

static int do_change(struct pt_table *t, void *arg)
{
	const struct change *c = arg;

	if (c->unmap)
		return pt_unmap(t, c->va, c->len);
	return pt_map(t, c->va, c->pa, c->len, PT_R, PT_MT_WB);
}

/* A change failing at any of its allocations leaves all as it was, the
 * walker's view and the deferred tables included. */
static void test_fail_each(void **state)
{
	const uint64_t va[] = {0,
			       SZ_4K,
			       SZ_2M - SZ_4K,
			       SZ_2M,
			       SZ_1G - SZ_4K,
			       SZ_1G,
			       SZ_1G + 0x345000,
			       2 * SZ_1G - SZ_4K,
			       2 * SZ_1G,
			       (1ull << 39) - SZ_4K,
			       1ull << 39,
			       (1ull << 39) + SZ_2M + SZ_4K};
	const unsigned int n = sizeof(va) / sizeof(va[0]);
	struct change c;
	struct pt_table t;

	(void)state;
	init(&t, &ps_format, 4, rec_flush);
	t.merge = true;
	assert_int_equal(pt_map(&t, 0, 0x10001000, SZ_2M, PT_R | PT_W, PT_MT_WB), 0);
	assert_int_equal(pt_map(&t, SZ_1G, 3 * SZ_1G, SZ_1G, PT_R | PT_W, PT_MT_WB), 0);

	/* across a 512 GiB boundary, splitting the 1 GiB leaf on the way:
	 * PD and PT there, PDPT, PD and PT beyond */
	c = (struct change){false, SZ_1G + 0x345000, 9 * SZ_1G + 0x345000, 0};
	c.len = (1ull << 39) + SZ_2M + 2 * SZ_4K - c.va;
	assert_int_equal(fake_pt_fail_each(&t, do_change, &c, va, n, 16), 5);
	assert_true(synced(&t));
	expect_map(&t, SZ_1G + 0x344000, 3 * SZ_1G + 0x344000, SZ_4K);
	expect_map(&t, SZ_1G + 0x345000, 9 * SZ_1G + 0x345000, SZ_4K);
	expect_map(&t, 2 * SZ_1G, 10 * SZ_1G, SZ_1G);
	expect_map(&t, (1ull << 39) + SZ_2M + SZ_4K, 8 * SZ_1G + (1ull << 39) + SZ_2M + SZ_4K,
		   SZ_4K);

	/* merging the 4 KiB table at 0 (a deferral) and a new table beside:
	 * failing, the deferral is not kept either */
	c = (struct change){false, 0, 0x40000000, SZ_2M + SZ_4K};
	assert_int_equal(fake_pt_fail_each(&t, do_change, &c, va, n, 4), 1);
	assert_int_equal(t.deferred_count, 1);
	expect_map(&t, SZ_4K, 0x40001000, SZ_2M);
	expect_map(&t, SZ_2M, 0x40200000, SZ_4K);

	/* an unmap splitting two large leaves at its edges */
	assert_int_equal(pt_map(&t, 4 * SZ_1G, 0, 2 * SZ_1G, PT_R, PT_MT_WB), 0);
	c = (struct change){true, 4 * SZ_1G + SZ_2M + SZ_4K, 0, SZ_1G};
	{
		const uint64_t uva[] = {
			4 * SZ_1G,	   4 * SZ_1G + SZ_2M,	      4 * SZ_1G + SZ_2M + SZ_4K,
			5 * SZ_1G + SZ_2M, 5 * SZ_1G + SZ_2M + SZ_4K, 6 * SZ_1G};

		assert_int_equal(fake_pt_fail_each(&t, do_change, &c, uva, 6, 8), 4);
	}
	assert_true(synced(&t));
	expect_map(&t, 4 * SZ_1G + SZ_2M, SZ_2M, SZ_4K);
	assert_int_equal(pt_translate(&t, 4 * SZ_1G + SZ_2M + SZ_4K, NULL, NULL, NULL), -ENOENT);
	expect_map(&t, 5 * SZ_1G + SZ_2M + SZ_4K, SZ_1G + SZ_2M + SZ_4K, SZ_4K);
	pt_destroy(&t);
	assert_int_equal(palloc_free_bytes(&pa), start_free);
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_leaf_bits), TEST(test_init),	    TEST(test_flush_every_entry),
		TEST(test_no_flush),  TEST(test_split),	    TEST(test_next_level_format),
		TEST(test_fail_each), TEST(test_deny_bits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
