// SPDX-License-Identifier: MIT
/*
 * VT-d second-level page tables. Table pages come from a pool below 4 GiB of
 * host memory (MAP_32BIT), so "physical" addresses are real pointers.
 *
 * The flush callback models a non-coherent unit: a shadow copy of the pool is
 * what the unit sees, and only flushed ranges reach it. After every call the
 * shadow must equal memory for every table (each changed entry was flushed
 * after its last write); in the deep tests, at every flush, every table the
 * unit could reach through any mix of flushed and unflushed entries must be
 * well-formed, and sampled IOVAs must translate to the old or the new target.
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
#include "iommu/vtd_pt.h"
#include "fake_pt.h"

#define POOL   (16u << 20)
#define SZ_4K  0x1000ull
#define SZ_2M  0x200000ull
#define SZ_1G  0x40000000ull
#define RW     (VTD_PERM_R | VTD_PERM_W)
#define NO_MAP 0 /* a run of unmapped 4 KiB pages */

static uint8_t *pool, *shadow;
static uint64_t pool_base;
static struct palloc pa;
static struct fake_pt_pool fp;
static uint64_t start_free;
static unsigned int flush_calls;
static unsigned int levels_3 = 3, levels_4 = 4;

/* Deep checks, run at every flush while set. */
static const struct pt_table *deep_pt;
#define MAX_SAMPLES 24
#define MAX_SEEN    6
struct xlate {
	int err;
	uint64_t hpa;
	unsigned int perm;
};
static struct sample {
	uint64_t iova;
	struct xlate old, seen[MAX_SEEN];
	unsigned int nseen;
} samples[MAX_SAMPLES];
static unsigned int nsamples;

static bool in_pool(uint64_t p, uint64_t len)
{
	return p >= pool_base && p - pool_base <= POOL && len <= POOL - (p - pool_base);
}

static uint64_t *real_of(uint64_t phys)
{
	return (uint64_t *)(uintptr_t)(phys & VTD_PTE_ADDR);
}

static uint64_t *shadow_of(uint64_t phys)
{
	return (uint64_t *)(void *)(shadow + ((phys & VTD_PTE_ADDR) - pool_base));
}

static uint64_t entry_size(unsigned int t)
{
	return 1ull << (3 + 9 * t);
}

static bool is_table(uint64_t e, unsigned int t)
{
	return t > 1 && (e & 3) && !(e & VTD_PTE_PS);
}

/* What the specification allows and this builder writes. */
static bool entry_ok(uint64_t e, unsigned int t)
{
	uint64_t a = e & VTD_PTE_ADDR;

	if (!(e & 3))
		return e == 0;
	if (e & ~(VTD_PTE_R | VTD_PTE_W | VTD_PTE_PS | VTD_PTE_ADDR))
		return false; /* among them SNP (11) and TM (62) */
	if (is_table(e, t))
		return (e & 3) == 3 && in_pool(a, SZ_4K);
	if (e & VTD_PTE_PS)
		return (t == 2 || t == 3) && !(a & (entry_size(t) - 1));
	return t == 1;
}

/* Every table reachable from @phys through real or flushed entries. */
static bool mixed_ok(uint64_t phys, unsigned int t)
{
	const uint64_t *r = real_of(phys), *s = shadow_of(phys);

	for (int i = 0; i < 512; i++) {
		uint64_t v[2] = {r[i], s[i]};

		for (int k = 0; k < 2; k++) {
			if (k == 1 && v[1] == v[0])
				continue;
			if (!entry_ok(v[k], t))
				return false;
			if (is_table(v[k], t) && !mixed_ok(v[k], t - 1))
				return false;
		}
	}
	return true;
}

/* A walk as the unit does it: through the shadow only. */
static struct xlate unit_lookup(const struct pt_table *pt, uint64_t iova)
{
	uint64_t e = pt->root;

	for (unsigned int t = pt->levels; t >= 1; t--) {
		uint64_t sz = entry_size(t);

		e = shadow_of(e)[(iova >> (3 + 9 * t)) & 511];
		if (!entry_ok(e, t))
			return (struct xlate){-EFAULT, e, 0};
		if (!(e & 3))
			return (struct xlate){-ENOENT, 0, 0};
		if (!is_table(e, t))
			return (struct xlate){0, (e & VTD_PTE_ADDR) + (iova & (sz - 1)),
					      (unsigned int)(e & 3)};
	}
	return (struct xlate){-EFAULT, 0, 0};
}

static struct xlate cpu_lookup(const struct pt_table *pt, uint64_t iova)
{
	struct xlate x = {0, 0, 0};
	uint64_t size;

	x.err = vtd_pt_lookup(pt, iova, &x.hpa, &size, &x.perm);
	return x;
}

static bool xlate_eq(struct xlate a, struct xlate b)
{
	return a.err == b.err && a.hpa == b.hpa && a.perm == b.perm;
}

static void rec_flush(const void *p, uint64_t len)
{
	uint64_t a = (uint64_t)(uintptr_t)p;

	assert_true(len > 0);
	assert_true(in_pool(a, len));
	flush_calls++;
	/* before this flush lands: a table linked before its own flush shows */
	if (deep_pt)
		assert_true(mixed_ok(deep_pt->root, deep_pt->levels));
	memcpy(shadow + (a - pool_base), p, len);
	if (!deep_pt)
		return;
	assert_true(mixed_ok(deep_pt->root, deep_pt->levels));
	for (unsigned int i = 0; i < nsamples; i++) {
		struct sample *s = &samples[i];
		struct xlate x = unit_lookup(deep_pt, s->iova);
		unsigned int k;

		for (k = 0; k < s->nseen && !xlate_eq(s->seen[k], x); k++)
			;
		if (k == s->nseen) {
			assert_true(s->nseen < MAX_SEEN);
			s->seen[s->nseen++] = x;
		}
	}
}

/* Memory and the unit's view agree on every table, reachable or deferred. */
static bool tree_synced(uint64_t phys, unsigned int t)
{
	const uint64_t *r = real_of(phys);

	if (memcmp(r, shadow_of(phys), SZ_4K))
		return false;
	for (int i = 0; i < 512; i++)
		if (is_table(r[i], t) && !tree_synced(r[i], t - 1))
			return false;
	return true;
}

static bool synced(const struct pt_table *pt)
{
	if (!tree_synced(pt->root, pt->levels))
		return false;
	for (unsigned int i = 0; i < pt->deferred_count; i++)
		if (!tree_synced(pt->deferred[i], (unsigned int)(pt->deferred[i] & 7)))
			return false;
	return true;
}

static uint64_t hash_tree(uint64_t h, uint64_t phys, unsigned int t)
{
	const uint64_t *r = real_of(phys);

	h = (h ^ phys) * 0x100000001b3ull;
	for (int i = 0; i < 512; i++) {
		h = (h ^ r[i]) * 0x100000001b3ull;
		if (is_table(r[i], t))
			h = hash_tree(h, r[i], t - 1);
	}
	return h;
}

/* Everything the tables hold: a change anywhere changes it. */
static uint64_t table_hash(const struct pt_table *pt)
{
	uint64_t h = hash_tree(0xcbf29ce484222325ull, pt->root, pt->levels);

	for (unsigned int i = 0; i < pt->deferred_count; i++)
		h = hash_tree(h, pt->deferred[i], (unsigned int)(pt->deferred[i] & 7));
	return (h ^ pt->deferred_count) * 0x100000001b3ull;
}

static void check_synced(const struct pt_table *pt)
{
	if (pt->flush)
		assert_true(synced(pt));
}

static int map(struct pt_table *pt, uint64_t iova, uint64_t hpa, uint64_t len, unsigned int perm)
{
	int err = vtd_pt_map(pt, iova, hpa, len, perm);

	check_synced(pt);
	return err;
}

static int unmap(struct pt_table *pt, uint64_t iova, uint64_t len)
{
	int err = vtd_pt_unmap(pt, iova, len);

	check_synced(pt);
	return err;
}

static void init(struct pt_table *pt, unsigned int levels, bool sp_2m, bool sp_1g)
{
	assert_int_equal(vtd_pt_init(pt, levels, sp_2m, sp_1g, &pa, rec_flush), 0);
	assert_true(synced(pt));
}

#define expect_leaf(pt, iova, hpa, size, perm) expect_leaf_(__LINE__, pt, iova, hpa, size, perm)
static void expect_leaf_(int line, const struct pt_table *pt, uint64_t iova, uint64_t hpa,
			 uint64_t size, unsigned int perm)
{
	uint64_t h = 0, s = 0;
	unsigned int p = 0;
	int err = vtd_pt_lookup(pt, iova, &h, &s, &p);

	if (err || h != hpa || s != size || p != perm)
		fail_msg("line %d: iova %#lx: err %d hpa %#lx size %#lx perm %u, want hpa %#lx "
			 "size %#lx perm %u",
			 line, (unsigned long)iova, err, (unsigned long)h, (unsigned long)s, p,
			 (unsigned long)hpa, (unsigned long)size, perm);
}

#define expect_none(pt, iova) expect_none_(__LINE__, pt, iova)
static void expect_none_(int line, const struct pt_table *pt, uint64_t iova)
{
	uint64_t h = 0, s = 0;
	unsigned int p = 0;
	int err = vtd_pt_lookup(pt, iova, &h, &s, &p);

	if (err != -ENOENT)
		fail_msg("line %d: iova %#lx mapped (err %d hpa %#lx size %#lx)", line,
			 (unsigned long)iova, err, (unsigned long)h, (unsigned long)s);
}

/* Leaves from @iova on, as runs of {size, count} (NO_MAP: unmapped 4 KiB
 * pages); mapped ones must be at iova + @delta with @perm. */
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
			uint64_t h = 0, s = 0;
			unsigned int p = 0;
			int err = vtd_pt_lookup(pt, iova, &h, &s, &p);

			if (runs[r].size == NO_MAP) {
				if (err != -ENOENT)
					fail_msg("line %d: run %zu: iova %#lx mapped", line, r,
						 (unsigned long)iova);
				iova += SZ_4K;
				continue;
			}
			if (err || s != runs[r].size || h != iova + delta || p != perm)
				fail_msg("line %d: run %zu: iova %#lx: err %d size %#lx hpa %#lx "
					 "perm %u",
					 line, r, (unsigned long)iova, err, (unsigned long)s,
					 (unsigned long)h, p);
			iova += s;
		}
	}
}

/* The leaf entry for @iova, checking the table entries on the way. */
static uint64_t raw_leaf(const struct pt_table *pt, uint64_t iova, unsigned int *level)
{
	uint64_t e = pt->root;

	for (unsigned int t = pt->levels; t >= 1; t--) {
		e = real_of(e)[(iova >> (3 + 9 * t)) & 511];
		assert_true(entry_ok(e, t));
		if (!is_table(e, t)) {
			*level = t;
			return e;
		}
		assert_int_equal(e & ~VTD_PTE_ADDR, VTD_PTE_R | VTD_PTE_W);
	}
	fail();
	return 0;
}

static int setup(void **state)
{
	(void)state;
	fake_pt_pool_init(&fp, POOL, &pa);
	pool = fp.mem;
	shadow = fp.shadow;
	pool_base = fp.base;
	start_free = palloc_free_bytes(&pa);
	flush_calls = 0;
	deep_pt = NULL;
	nsamples = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_pt_pool_fini(&fp);
	return 0;
}

static unsigned int levels_of(void **state)
{
	return *(unsigned int *)*state;
}

static void test_init(void **state)
{
	struct pt_table pt;
	struct palloc none;

	(void)state;
	assert_int_equal(vtd_pt_init(&pt, 2, true, true, &pa, rec_flush), -EINVAL);
	assert_int_equal(vtd_pt_init(&pt, 5, true, true, &pa, rec_flush), -EINVAL);
	assert_int_equal(vtd_pt_init(&pt, 0, true, true, &pa, rec_flush), -EINVAL);
	assert_int_equal(palloc_free_bytes(&pa), start_free);
	assert_int_equal(flush_calls, 0);

	init(&pt, 3, true, true);
	assert_int_equal(palloc_free_bytes(&pa), start_free - SZ_4K);
	assert_true(in_pool(pt.root, SZ_4K));
	assert_int_equal(pt.root & (SZ_4K - 1), 0);
	assert_int_equal(pt.deferred_count, 0);
	for (int i = 0; i < 512; i++)
		assert_int_equal(real_of(pt.root)[i], 0);
	assert_int_equal(flush_calls, 1); /* the root reaches memory zeroed */
	expect_none(&pt, 0);
	expect_none(&pt, (1ull << 39) - SZ_4K);
	assert_int_equal(vtd_pt_lookup(&pt, 1ull << 39, NULL, NULL, NULL), -ENOENT);
	vtd_pt_destroy(&pt);
	assert_int_equal(pt.root, 0);
	assert_int_equal(palloc_free_bytes(&pa), start_free);
	vtd_pt_destroy(&pt); /* twice is harmless */
	assert_int_equal(palloc_free_bytes(&pa), start_free);

	palloc_init(&none);
	assert_int_equal(vtd_pt_init(&pt, 4, true, true, &none, NULL), -ENOMEM);
	assert_int_equal(pt.root, 0);
	assert_int_equal(vtd_pt_map(&pt, 0, 0, SZ_4K, RW), -EINVAL);
}

static void test_leaf_sizes(void **state)
{
	unsigned int levels = levels_of(state), t;
	uint64_t top = 1ull << (levels == 3 ? 39 : 48);
	struct pt_table pt;

	init(&pt, levels, true, true);

	assert_int_equal(map(&pt, 0x5000, 0x7654000, SZ_4K, RW), 0);
	expect_leaf(&pt, 0x5000, 0x7654000, SZ_4K, RW);
	expect_leaf(&pt, 0x5123, 0x7654123, SZ_4K, RW);
	expect_leaf(&pt, 0x5fff, 0x7654fff, SZ_4K, RW);
	expect_none(&pt, 0x4fff);
	expect_none(&pt, 0x6000);
	assert_int_equal(raw_leaf(&pt, 0x5000, &t), 0x7654000 | VTD_PTE_R | VTD_PTE_W);
	assert_int_equal(t, 1);

	assert_int_equal(map(&pt, 0x40600000, 0x123400000ull, SZ_2M, VTD_PERM_R), 0);
	expect_leaf(&pt, 0x40600000, 0x123400000ull, SZ_2M, VTD_PERM_R);
	expect_leaf(&pt, 0x4071234f, 0x12351234full, SZ_2M, VTD_PERM_R);
	expect_none(&pt, 0x405ff000);
	expect_none(&pt, 0x40800000);
	assert_int_equal(raw_leaf(&pt, 0x40600000, &t), 0x123400000ull | VTD_PTE_PS | VTD_PTE_R);
	assert_int_equal(t, 2);

	assert_int_equal(map(&pt, 0xc0000000, 0x4000000000ull, SZ_1G, RW), 0);
	expect_leaf(&pt, 0xc0000000, 0x4000000000ull, SZ_1G, RW);
	expect_leaf(&pt, 0xfedcba98, 0x403edcba98ull, SZ_1G, RW);
	expect_none(&pt, 0xbffff000);
	expect_none(&pt, 0x100000000ull);
	assert_int_equal(raw_leaf(&pt, 0xc0000000, &t),
			 0x4000000000ull | VTD_PTE_PS | VTD_PTE_R | VTD_PTE_W);
	assert_int_equal(t, 3);

	/* the last page of the address width, and HPAs up to 52 bits */
	assert_int_equal(map(&pt, top - SZ_4K, (1ull << 52) - SZ_4K, SZ_4K, VTD_PERM_W), 0);
	expect_leaf(&pt, top - 1, (1ull << 52) - 1, SZ_4K, VTD_PERM_W);
	assert_int_equal(map(&pt, top - SZ_1G, (1ull << 52) - SZ_1G, SZ_1G, RW), 0);
	expect_leaf(&pt, top - SZ_1G, (1ull << 52) - SZ_1G, SZ_1G, RW);
	assert_int_equal(map(&pt, top, 0, SZ_4K, RW), -EINVAL);
	assert_int_equal(vtd_pt_lookup(&pt, top, NULL, NULL, NULL), -ENOENT);
	if (levels == 4) { /* beyond 39 bits: only with 4 levels */
		assert_int_equal(map(&pt, 0x8000001000ull, 0x3000, SZ_4K, RW), 0);
		expect_leaf(&pt, 0x8000001000ull, 0x3000, SZ_4K, RW);
	}
	vtd_pt_destroy(&pt);
	assert_int_equal(palloc_free_bytes(&pa), start_free);
}

static void test_large_not_used(void **state)
{
	struct pt_table pt;

	(void)state;
	/* no large leaves at all: one PD and 512 page tables below the root */
	init(&pt, 3, false, false);
	assert_int_equal(map(&pt, SZ_1G, SZ_1G, SZ_1G, RW), 0);
	expect_runs(&pt, SZ_1G, 0, RW, {SZ_4K, 512 * 512});
	assert_int_equal(start_free - palloc_free_bytes(&pa), 514 * SZ_4K);
	vtd_pt_destroy(&pt);

	/* 2 MiB without 1 GiB */
	init(&pt, 3, true, false);
	assert_int_equal(map(&pt, SZ_1G, SZ_1G, SZ_1G, RW), 0);
	expect_runs(&pt, SZ_1G, 0, RW, {SZ_2M, 512});
	assert_int_equal(start_free - palloc_free_bytes(&pa), 2 * SZ_4K);
	vtd_pt_destroy(&pt);

	/* 1 GiB without 2 MiB: not used either (a split would need 2 MiB) */
	init(&pt, 4, false, true);
	assert_int_equal(map(&pt, SZ_1G, 0, SZ_1G, RW), 0);
	expect_runs(&pt, SZ_1G, -SZ_1G, RW, {SZ_4K, 512 * 512});
	vtd_pt_destroy(&pt);

	/* alignment forbids */
	init(&pt, 4, true, true);
	/* HPA 2 MiB but not 1 GiB aligned */
	assert_int_equal(map(&pt, SZ_1G, SZ_1G + SZ_2M, SZ_1G, RW), 0);
	expect_runs(&pt, SZ_1G, SZ_2M, RW, {SZ_2M, 512});
	/* HPA 4 KiB aligned only */
	assert_int_equal(map(&pt, SZ_2M, SZ_2M + SZ_4K, SZ_2M, RW), 0);
	expect_runs(&pt, SZ_2M, SZ_4K, RW, {SZ_4K, 512});
	/* IOVA 4 KiB aligned only, HPA aligned */
	assert_int_equal(map(&pt, 0x80001000, 0x80000000, SZ_2M, RW), 0);
	expect_runs(&pt, 0x80001000, -SZ_4K, RW, {SZ_4K, 512});
	/* a length one page short of 1 GiB */
	assert_int_equal(map(&pt, 0x100000000ull, 0x200000000ull, SZ_1G - SZ_4K, RW), 0);
	expect_runs(&pt, 0x100000000ull, 0x100000000ull, RW, {SZ_2M, 511}, {SZ_4K, 511},
		    {NO_MAP, 1});
	vtd_pt_destroy(&pt);
	assert_int_equal(palloc_free_bytes(&pa), start_free);
}

static void test_mixed_range(void **state)
{
	unsigned int levels = levels_of(state);
	struct pt_table pt;

	init(&pt, levels, true, true);
	/* 1 GiB leaves allowed but no 1 GiB region wholly inside */
	assert_int_equal(map(&pt, 0x1ff000, 0x1001ff000ull, 0x40201000 - 0x1ff000, RW), 0);
	expect_runs(&pt, 0x1fe000, 0x100000000ull, RW, {NO_MAP, 1}, {SZ_4K, 1}, {SZ_2M, 512},
		    {SZ_4K, 1}, {NO_MAP, 1});
	/* the tables: (PDPT,) PD 0, its PT 0, PD 1, its PT 1 */
	assert_int_equal(start_free - palloc_free_bytes(&pa), (levels == 4 ? 6 : 5) * SZ_4K);

	/* 4 KiB, 2 MiB, 1 GiB, 2 MiB, 4 KiB */
	assert_int_equal(map(&pt, 0x13fdff000ull, 0x33fdff000ull, 0x180201000ull - 0x13fdff000ull,
			     VTD_PERM_W),
			 0);
	expect_runs(&pt, 0x13fdfe000ull, 0x200000000ull, VTD_PERM_W, {NO_MAP, 1}, {SZ_4K, 1},
		    {SZ_2M, 1}, {SZ_1G, 1}, {SZ_2M, 1}, {SZ_4K, 1}, {NO_MAP, 1});
	/* the first range is untouched */
	expect_runs(&pt, 0x1ff000, 0x100000000ull, RW, {SZ_4K, 1}, {SZ_2M, 512}, {SZ_4K, 1});
	vtd_pt_destroy(&pt);
	assert_int_equal(palloc_free_bytes(&pa), start_free);
}

static void test_perms(void **state)
{
	struct pt_table pt;
	unsigned int t;

	(void)state;
	init(&pt, 4, true, true);
	assert_int_equal(map(&pt, 0x1000, 0x11000, SZ_4K, VTD_PERM_R), 0);
	assert_int_equal(map(&pt, 0x2000, 0x12000, SZ_4K, VTD_PERM_W), 0);
	assert_int_equal(map(&pt, 0x3000, 0x13000, SZ_4K, RW), 0);
	assert_int_equal(map(&pt, SZ_2M, SZ_2M, SZ_2M, VTD_PERM_W), 0);
	assert_int_equal(map(&pt, SZ_1G, SZ_1G, SZ_1G, VTD_PERM_R), 0);
	expect_leaf(&pt, 0x1000, 0x11000, SZ_4K, VTD_PERM_R);
	expect_leaf(&pt, 0x2000, 0x12000, SZ_4K, VTD_PERM_W);
	expect_leaf(&pt, 0x3000, 0x13000, SZ_4K, RW);
	expect_leaf(&pt, SZ_2M, SZ_2M, SZ_2M, VTD_PERM_W);
	expect_leaf(&pt, SZ_1G, SZ_1G, SZ_1G, VTD_PERM_R);
	assert_int_equal(raw_leaf(&pt, 0x1000, &t), 0x11000 | VTD_PTE_R);
	assert_int_equal(raw_leaf(&pt, 0x2000, &t), 0x12000 | VTD_PTE_W);
	assert_int_equal(raw_leaf(&pt, SZ_2M, &t), SZ_2M | VTD_PTE_W | VTD_PTE_PS);
	assert_int_equal(raw_leaf(&pt, SZ_1G, &t), SZ_1G | VTD_PTE_R | VTD_PTE_PS);

	/* a remap changes permissions in place */
	assert_int_equal(map(&pt, 0x1000, 0x11000, SZ_4K, VTD_PERM_W), 0);
	expect_leaf(&pt, 0x1000, 0x11000, SZ_4K, VTD_PERM_W);
	assert_int_equal(map(&pt, SZ_1G, SZ_1G, SZ_1G, RW), 0);
	expect_leaf(&pt, SZ_1G, SZ_1G, SZ_1G, RW);

	/* a large leaf split for a page keeps its permissions elsewhere */
	assert_int_equal(map(&pt, SZ_2M + SZ_4K, 0x5000, SZ_4K, VTD_PERM_R), 0);
	expect_leaf(&pt, SZ_2M, SZ_2M, SZ_4K, VTD_PERM_W);
	expect_leaf(&pt, SZ_2M + SZ_4K, 0x5000, SZ_4K, VTD_PERM_R);
	expect_leaf(&pt, SZ_2M + 2 * SZ_4K, SZ_2M + 2 * SZ_4K, SZ_4K, VTD_PERM_W);

	assert_int_equal(map(&pt, 0x4000, 0x4000, SZ_4K, 0), -EINVAL);
	assert_int_equal(map(&pt, 0x4000, 0x4000, SZ_4K, 4), -EINVAL);
	assert_int_equal(map(&pt, 0x4000, 0x4000, SZ_4K, RW | 8), -EINVAL);
	expect_none(&pt, 0x4000);
	vtd_pt_destroy(&pt);
	assert_int_equal(palloc_free_bytes(&pa), start_free);
}

static void test_unmap_splits(void **state)
{
	struct pt_table pt;
	unsigned int calls;
	uint64_t h;

	(void)state;
	init(&pt, 4, true, true);
	/* four 1 GiB leaves; the unmap cuts into the first and the third */
	assert_int_equal(map(&pt, 0, 0x400000000ull, 4 * SZ_1G, RW), 0);
	expect_runs(&pt, 0, 0x400000000ull, RW, {SZ_1G, 4});
	assert_int_equal(unmap(&pt, 0x3fdff000, 0x80201000 - 0x3fdff000), 0);
	expect_runs(&pt, 0, 0x400000000ull, RW, {SZ_2M, 510}, {SZ_4K, 511});
	expect_runs(&pt, 0x3fdff000, 0, 0, {NO_MAP, 1}, {NO_MAP, 0x200});
	expect_none(&pt, SZ_1G);
	expect_none(&pt, 0x7ffff000);
	expect_runs(&pt, 0x80000000, 0, 0, {NO_MAP, 0x201});
	expect_runs(&pt, 0x80201000, 0x400000000ull, RW, {SZ_4K, 511}, {SZ_2M, 510}, {SZ_1G, 1});
	assert_int_equal(pt.deferred_count, 0); /* only leaves were cleared */
	/* root, PDPT, two split 1 GiB leaves, two split 2 MiB leaves */
	assert_int_equal(start_free - palloc_free_bytes(&pa), 6 * SZ_4K);

	/* 4 KiB leaves across three page tables; the middle one is wholly
	 * unmapped and deferred, the others keep their remaining pages */
	assert_int_equal(map(&pt, 0x100000000ull, 0x12345000, 0x600000, RW), 0);
	assert_int_equal(unmap(&pt, 0x1001ff000ull, 0x202000), 0);
	expect_runs(&pt, 0x100000000ull, 0x12345000 - 0x100000000ull, RW, {SZ_4K, 0x1ff},
		    {NO_MAP, 0x202}, {SZ_4K, 0x1ff});
	assert_int_equal(pt.deferred_count, 1);
	vtd_pt_reclaim(&pt);

	/* across a PML4 entry: two 2 MiB leaves in different subtrees */
	assert_int_equal(map(&pt, (1ull << 39) - SZ_2M, 0x600000, 2 * SZ_2M, RW), 0);
	expect_runs(&pt, (1ull << 39) - SZ_2M, 0x600000 - ((1ull << 39) - SZ_2M), RW, {SZ_2M, 2});
	assert_int_equal(unmap(&pt, (1ull << 39) - SZ_4K, 2 * SZ_4K), 0);
	expect_runs(&pt, (1ull << 39) - SZ_2M, 0x600000 - ((1ull << 39) - SZ_2M), RW, {SZ_4K, 511},
		    {NO_MAP, 2}, {SZ_4K, 511}, {NO_MAP, 1});

	/* unmapping what is not mapped succeeds and writes nothing */
	h = table_hash(&pt);
	calls = flush_calls;
	assert_int_equal(unmap(&pt, 0x40000000, SZ_1G), 0);
	assert_int_equal(unmap(&pt, 0x9000000000ull, 0x1000000000ull), 0);
	assert_int_equal(flush_calls, calls);
	assert_int_equal(table_hash(&pt), h);

	/* everything goes */
	assert_int_equal(unmap(&pt, 0, 1ull << 48), 0);
	expect_none(&pt, 0);
	expect_none(&pt, 0xc0000000);
	expect_none(&pt, 0x100000000ull);
	expect_none(&pt, (1ull << 39) + 0x200000);
	for (int i = 0; i < 512; i++)
		assert_int_equal(real_of(pt.root)[i], 0);
	vtd_pt_reclaim(&pt);
	assert_int_equal(palloc_free_bytes(&pa), start_free - SZ_4K);
	vtd_pt_destroy(&pt);
	assert_int_equal(palloc_free_bytes(&pa), start_free);
}

static void test_remap_merge(void **state)
{
	unsigned int levels = levels_of(state), calls;
	uint64_t before, pd, *copy, h;
	struct pt_table pt;
	unsigned int t;

	init(&pt, levels, true, true);
	assert_int_equal(map(&pt, 0, 0, SZ_2M, RW), 0); /* the levels above */
	before = palloc_free_bytes(&pa);

	/* 1 GiB in 4 KiB leaves (HPA misaligned): a PD and 512 PTs */
	assert_int_equal(map(&pt, SZ_1G, 0x200001000ull, SZ_1G, RW), 0);
	assert_int_equal(before - palloc_free_bytes(&pa), 513 * SZ_4K);
	expect_runs(&pt, SZ_1G, 0x200001000ull - SZ_1G, RW, {SZ_4K, 512 * 512});
	raw_leaf(&pt, SZ_1G, &t);
	pd = real_of(pt.root)[(levels == 4 ? 0 : 1)];
	if (levels == 4)
		pd = real_of(pd)[1];
	pd &= VTD_PTE_ADDR;
	copy = malloc(SZ_4K);
	assert_non_null(copy);
	memcpy(copy, real_of(pd), SZ_4K);

	/* remapped aligned: one 1 GiB leaf, the old PD and its PTs deferred */
	assert_int_equal(map(&pt, SZ_1G, 0x200000000ull, SZ_1G, RW), 0);
	expect_leaf(&pt, SZ_1G, 0x200000000ull, SZ_1G, RW);
	expect_leaf(&pt, 2 * SZ_1G - 1, 0x200000000ull + SZ_1G - 1, SZ_1G, RW);
	assert_int_equal(pt.deferred_count, 1);
	assert_int_equal(pt.deferred[0] & VTD_PTE_ADDR, pd);
	assert_int_equal(before - palloc_free_bytes(&pa), 513 * SZ_4K); /* not freed yet */
	/* the unit may still walk them: left as they were, in memory */
	assert_memory_equal(real_of(pd), copy, SZ_4K);
	assert_memory_equal(shadow_of(pd), copy, SZ_4K);
	free(copy);
	vtd_pt_reclaim(&pt);
	assert_int_equal(pt.deferred_count, 0);
	assert_int_equal(palloc_free_bytes(&pa), before);

	/* 2 MiB: a PT, merged back */
	assert_int_equal(map(&pt, SZ_2M, 0x10001000, SZ_2M, RW), 0);
	assert_int_equal(before - palloc_free_bytes(&pa), SZ_4K);
	assert_int_equal(map(&pt, SZ_2M, 0x10000000, SZ_2M, VTD_PERM_R), 0);
	expect_leaf(&pt, SZ_2M, 0x10000000, SZ_2M, VTD_PERM_R);
	assert_int_equal(pt.deferred_count, 1);
	vtd_pt_reclaim(&pt);
	assert_int_equal(palloc_free_bytes(&pa), before);

	/* a page inside the 1 GiB leaf splits it twice, the rest intact */
	assert_int_equal(map(&pt, SZ_1G + SZ_4K, 0x77000, SZ_4K, VTD_PERM_R), 0);
	assert_int_equal(before - palloc_free_bytes(&pa), 2 * SZ_4K);
	expect_runs(&pt, SZ_1G, 0x200000000ull - SZ_1G, RW, {SZ_4K, 1});
	expect_leaf(&pt, SZ_1G + SZ_4K, 0x77000, SZ_4K, VTD_PERM_R);
	expect_runs(&pt, SZ_1G + 2 * SZ_4K, 0x200000000ull - SZ_1G, RW, {SZ_4K, 510}, {SZ_2M, 511});
	assert_int_equal(pt.deferred_count, 0);
	/* and remapping it whole merges it again: the PD with its PT goes */
	assert_int_equal(map(&pt, SZ_1G, 0x200000000ull, SZ_1G, RW), 0);
	expect_leaf(&pt, SZ_1G + SZ_4K, 0x200001000ull, SZ_1G, RW);
	assert_int_equal(pt.deferred_count, 1);
	vtd_pt_reclaim(&pt);
	assert_int_equal(palloc_free_bytes(&pa), before);

	/* a leaf over a leaf of the same size: in place; the same mapping
	 * again: nothing written at all */
	assert_int_equal(map(&pt, SZ_1G, 0x300000000ull, SZ_1G, VTD_PERM_W), 0);
	expect_leaf(&pt, SZ_1G, 0x300000000ull, SZ_1G, VTD_PERM_W);
	assert_int_equal(palloc_free_bytes(&pa), before);
	assert_int_equal(pt.deferred_count, 0);
	h = table_hash(&pt);
	calls = flush_calls;
	assert_int_equal(map(&pt, SZ_1G, 0x300000000ull, SZ_1G, VTD_PERM_W), 0);
	assert_int_equal(flush_calls, calls);
	assert_int_equal(table_hash(&pt), h);
	vtd_pt_destroy(&pt);
	assert_int_equal(palloc_free_bytes(&pa), start_free);
}

static void test_bad_inputs(void **state)
{
	unsigned int levels = levels_of(state), calls;
	uint64_t top = 1ull << (levels == 3 ? 39 : 48), hpa_top = 1ull << 52, free_before;
	struct pt_table pt;
	uint8_t *copy;

	init(&pt, levels, true, true);
	assert_int_equal(map(&pt, 0x1ff000, 0x1ff000, 0x40201000 - 0x1ff000, RW), 0);
	assert_int_equal(map(&pt, 0x40200000, 0x1000, SZ_4K, RW), 0); /* one deferred PT */
	assert_int_equal(map(&pt, 0x40200000, 0x40200000, SZ_2M, RW), 0);
	assert_int_equal(pt.deferred_count, 1);
	copy = malloc(POOL);
	assert_non_null(copy);
	memcpy(copy, pool, POOL);
	calls = flush_calls;
	free_before = palloc_free_bytes(&pa);

	/* misaligned */
	assert_int_equal(vtd_pt_map(&pt, 0x1001, 0x2000, SZ_4K, RW), -EINVAL);
	assert_int_equal(vtd_pt_map(&pt, 0x1800, 0x2000, SZ_4K, RW), -EINVAL);
	assert_int_equal(vtd_pt_map(&pt, 0x1000, 0x2001, SZ_4K, RW), -EINVAL);
	assert_int_equal(vtd_pt_map(&pt, 0x1000, 0x2000, 0x800, RW), -EINVAL);
	assert_int_equal(vtd_pt_map(&pt, 0x1000, 0x2000, SZ_4K + 1, RW), -EINVAL);
	/* zero length, bad permissions */
	assert_int_equal(vtd_pt_map(&pt, 0x1000, 0x2000, 0, RW), -EINVAL);
	assert_int_equal(vtd_pt_map(&pt, 0x1000, 0x2000, SZ_4K, 0), -EINVAL);
	assert_int_equal(vtd_pt_map(&pt, 0x1000, 0x2000, SZ_4K, 4), -EINVAL);
	/* beyond the address width, and wrapping */
	assert_int_equal(vtd_pt_map(&pt, top, 0x2000, SZ_4K, RW), -EINVAL);
	assert_int_equal(vtd_pt_map(&pt, top - SZ_4K, 0x2000, 2 * SZ_4K, RW), -EINVAL);
	assert_int_equal(vtd_pt_map(&pt, 0, 0, top + SZ_4K, RW), -EINVAL);
	assert_int_equal(vtd_pt_map(&pt, ~0xfffull, 0x2000, 2 * SZ_4K, RW), -EINVAL);
	assert_int_equal(vtd_pt_map(&pt, SZ_4K, 0, ~0xfffull, RW), -EINVAL);
	/* HPAs beyond 52 bits, and wrapping */
	assert_int_equal(vtd_pt_map(&pt, 0x1000, hpa_top, SZ_4K, RW), -EINVAL);
	assert_int_equal(vtd_pt_map(&pt, 0x1000, hpa_top - SZ_4K, 2 * SZ_4K, RW), -EINVAL);
	assert_int_equal(vtd_pt_map(&pt, 0x1000, ~0xfffull, 2 * SZ_4K, RW), -EINVAL);
	/* unmap */
	assert_int_equal(vtd_pt_unmap(&pt, 0x1ff800, SZ_4K), -EINVAL);
	assert_int_equal(vtd_pt_unmap(&pt, 0x1ff000, 0x800), -EINVAL);
	assert_int_equal(vtd_pt_unmap(&pt, 0x1ff000, 0), -EINVAL);
	assert_int_equal(vtd_pt_unmap(&pt, top, SZ_4K), -EINVAL);
	assert_int_equal(vtd_pt_unmap(&pt, top - SZ_4K, 2 * SZ_4K), -EINVAL);
	assert_int_equal(vtd_pt_unmap(&pt, ~0xfffull, 2 * SZ_4K), -EINVAL);
	assert_int_equal(vtd_pt_unmap(&pt, SZ_2M, ~0xfffull), -EINVAL);

	/* nothing changed anywhere in the pool */
	assert_memory_equal(pool, copy, POOL);
	assert_int_equal(flush_calls, calls);
	assert_int_equal(palloc_free_bytes(&pa), free_before);
	assert_int_equal(pt.deferred_count, 1);
	free(copy);
	expect_runs(&pt, 0x1ff000, 0, RW, {SZ_4K, 1}, {SZ_2M, 513});
	vtd_pt_destroy(&pt);
	assert_int_equal(palloc_free_bytes(&pa), start_free);
}

static void test_out_of_memory(void **state)
{
	struct palloc small;
	struct pt_table pt;
	uint64_t h;

	(void)state;
	/* root + 2 pages; a page at 0 needs PDPT, PD and PT */
	palloc_init(&small);
	assert_int_equal(palloc_add(&small, pool_base, 3 * SZ_4K), 0);
	assert_int_equal(vtd_pt_init(&pt, 4, true, true, &small, rec_flush), 0);
	h = table_hash(&pt);
	assert_int_equal(map(&pt, 0, 0x5000, SZ_4K, RW), -ENOMEM);
	assert_int_equal(table_hash(&pt), h);
	assert_int_equal(palloc_free_bytes(&small), 2 * SZ_4K);
	expect_none(&pt, 0);
	/* one more page and it fits */
	assert_int_equal(palloc_add(&small, pool_base + 3 * SZ_4K, SZ_4K), 0);
	assert_int_equal(map(&pt, 0, 0x5000, SZ_4K, RW), 0);
	expect_leaf(&pt, 0, 0x5000, SZ_4K, RW);
	assert_int_equal(palloc_free_bytes(&small), 0);
	vtd_pt_destroy(&pt);
	assert_int_equal(palloc_free_bytes(&small), 4 * SZ_4K);

	/* 3 levels: a 1 GiB leaf in the root, one page to spare */
	palloc_init(&small);
	assert_int_equal(palloc_add(&small, pool_base + 16 * SZ_4K, 2 * SZ_4K), 0);
	assert_int_equal(vtd_pt_init(&pt, 3, true, true, &small, rec_flush), 0);
	assert_int_equal(map(&pt, SZ_1G, 0, SZ_1G, RW), 0);
	h = table_hash(&pt);
	/* a page inside needs two splits; unmapping one does too */
	assert_int_equal(map(&pt, SZ_1G + SZ_4K, 0x9000, SZ_4K, VTD_PERM_R), -ENOMEM);
	assert_int_equal(unmap(&pt, SZ_1G + SZ_4K, SZ_4K), -ENOMEM);
	/* and a range needing many tables fails as a whole, not halfway */
	assert_int_equal(map(&pt, 0, 0x1000, 8 * SZ_2M, RW), -ENOMEM);
	assert_int_equal(table_hash(&pt), h);
	assert_int_equal(palloc_free_bytes(&small), SZ_4K);
	expect_runs(&pt, SZ_1G, -SZ_1G, RW, {SZ_1G, 1});
	expect_none(&pt, 0);
	/* unmapping 2 MiB of it needs one split: fits */
	assert_int_equal(unmap(&pt, SZ_1G + SZ_2M, SZ_2M), 0);
	expect_runs(&pt, SZ_1G, -SZ_1G, RW, {SZ_2M, 1}, {NO_MAP, 512}, {SZ_2M, 510});
	assert_int_equal(palloc_free_bytes(&small), 0);
	assert_int_equal(map(&pt, SZ_1G + SZ_4K, 0x9000, SZ_4K, VTD_PERM_R), -ENOMEM);
	expect_runs(&pt, SZ_1G, -SZ_1G, RW, {SZ_2M, 1}, {NO_MAP, 512}, {SZ_2M, 510});
	/* below a table that exists, too: 4 page tables wanted, 1 page free */
	assert_int_equal(palloc_add(&small, pool_base + 18 * SZ_4K, SZ_4K), 0);
	h = table_hash(&pt);
	assert_int_equal(map(&pt, SZ_1G + 4 * SZ_2M, 0x1000, 4 * SZ_2M, RW), -ENOMEM);
	assert_int_equal(table_hash(&pt), h);
	assert_int_equal(palloc_free_bytes(&small), SZ_4K);
	vtd_pt_destroy(&pt);
	assert_int_equal(palloc_free_bytes(&small), 3 * SZ_4K);
}

static void test_deferred_overflow(void **state)
{
	uint64_t h, free_before;
	unsigned int calls;
	struct pt_table pt;

	(void)state;
	init(&pt, 3, true, false);
	/* 65 regions of 2 MiB in 4 KiB leaves: 65 PTs */
	assert_int_equal(map(&pt, 0, 0x1000, 65 * SZ_2M, RW), 0);
	for (unsigned int i = 0; i < 64; i++) {
		assert_int_equal(map(&pt, i * SZ_2M, SZ_1G + i * SZ_2M, SZ_2M, RW), 0);
		assert_int_equal(pt.deferred_count, i + 1);
	}
	h = table_hash(&pt);
	calls = flush_calls;
	free_before = palloc_free_bytes(&pa);
	/* the 65th would detach a table: refused, nothing touched */
	assert_int_equal(map(&pt, 64 * SZ_2M, SZ_1G + 64 * SZ_2M, SZ_2M, RW), -EBUSY);
	assert_int_equal(map(&pt, 63 * SZ_2M, SZ_1G + 63 * SZ_2M, 2 * SZ_2M, RW), -EBUSY);
	assert_int_equal(unmap(&pt, 64 * SZ_2M, SZ_2M), -EBUSY);
	assert_int_equal(unmap(&pt, 0, 66 * SZ_2M), -EBUSY);
	assert_int_equal(table_hash(&pt), h);
	assert_int_equal(flush_calls, calls);
	assert_int_equal(palloc_free_bytes(&pa), free_before);
	assert_int_equal(pt.deferred_count, 64);
	expect_runs(&pt, 64 * SZ_2M, 0x1000, RW, {SZ_4K, 512});
	expect_runs(&pt, 63 * SZ_2M, SZ_1G, RW, {SZ_2M, 1});

	/* what detaches nothing still works */
	assert_int_equal(unmap(&pt, 64 * SZ_2M, SZ_4K), 0);
	expect_none(&pt, 64 * SZ_2M);
	assert_int_equal(map(&pt, 64 * SZ_2M + SZ_4K, 0x3000, SZ_4K, VTD_PERM_R), 0);
	expect_leaf(&pt, 64 * SZ_2M + SZ_4K, 0x3000, SZ_4K, VTD_PERM_R);
	assert_int_equal(map(&pt, 0, 0x600000, SZ_2M, RW), 0);
	expect_leaf(&pt, 0, 0x600000, SZ_2M, RW);
	assert_int_equal(unmap(&pt, 0, SZ_2M), 0);
	assert_int_equal(pt.deferred_count, 64);

	/* after the caller's IOTLB flush */
	vtd_pt_reclaim(&pt);
	assert_int_equal(pt.deferred_count, 0);
	assert_int_equal(palloc_free_bytes(&pa), free_before + 64 * SZ_4K);
	assert_int_equal(map(&pt, 64 * SZ_2M, SZ_1G + 64 * SZ_2M, SZ_2M, RW), 0);
	expect_leaf(&pt, 64 * SZ_2M, SZ_1G + 64 * SZ_2M, SZ_2M, RW);
	assert_int_equal(pt.deferred_count, 1);
	vtd_pt_destroy(&pt);
	assert_int_equal(palloc_free_bytes(&pa), start_free);
}

static void test_one_call_beyond_deferred(void **state)
{
	struct pt_table pt;
	uint64_t free_before;

	(void)state;
	init(&pt, 3, true, true);
	/* 100 PTs, remapped 2 MiB-aligned in one call with the array empty:
	 * 64 regions merge, the other 36 are rewritten in their PTs */
	assert_int_equal(map(&pt, 0, 0x1000, 100 * SZ_2M, RW), 0);
	free_before = palloc_free_bytes(&pa);
	assert_int_equal(map(&pt, 0, SZ_1G, 100 * SZ_2M, VTD_PERM_R), 0);
	assert_int_equal(pt.deferred_count, 64);
	assert_int_equal(palloc_free_bytes(&pa), free_before);
	expect_runs(&pt, 0, SZ_1G, VTD_PERM_R, {SZ_2M, 64}, {SZ_4K, 36 * 512}, {NO_MAP, 1});
	vtd_pt_reclaim(&pt);
	assert_int_equal(map(&pt, 0, SZ_1G, 100 * SZ_2M, VTD_PERM_R), 0);
	assert_int_equal(pt.deferred_count, 36);
	expect_runs(&pt, 0, SZ_1G, VTD_PERM_R, {SZ_2M, 100}, {NO_MAP, 1});

	/* an unmap likewise: with the array not empty it is refused first */
	assert_int_equal(map(&pt, SZ_1G, 0x1000, 100 * SZ_2M, RW), 0);
	assert_int_equal(unmap(&pt, SZ_1G, 100 * SZ_2M), -EBUSY);
	vtd_pt_reclaim(&pt);
	assert_int_equal(unmap(&pt, SZ_1G, 100 * SZ_2M), 0);
	assert_int_equal(pt.deferred_count, 64);
	expect_runs(&pt, SZ_1G, 0, 0, {NO_MAP, 100 * 512});
	expect_runs(&pt, 0, SZ_1G, VTD_PERM_R, {SZ_2M, 100});
	vtd_pt_destroy(&pt);
	assert_int_equal(palloc_free_bytes(&pa), start_free);
}

static void add_samples(const struct pt_table *pt, const uint64_t *iova, unsigned int n)
{
	nsamples = n;
	for (unsigned int i = 0; i < n; i++) {
		samples[i].iova = iova[i];
		samples[i].old = cpu_lookup(pt, iova[i]);
		assert_true(xlate_eq(samples[i].old, unit_lookup(pt, iova[i])));
		samples[i].nseen = 0;
	}
}

/* Whatever the unit could see at any flush was the old or the new target. */
static void check_samples(const struct pt_table *pt)
{
	for (unsigned int i = 0; i < nsamples; i++) {
		struct sample *s = &samples[i];
		struct xlate now = cpu_lookup(pt, s->iova);

		assert_true(xlate_eq(now, unit_lookup(pt, s->iova)));
		for (unsigned int k = 0; k < s->nseen; k++)
			if (!xlate_eq(s->seen[k], s->old) && !xlate_eq(s->seen[k], now))
				fail_msg("iova %#lx: unit saw err %d hpa %#lx perm %u",
					 (unsigned long)s->iova, s->seen[k].err,
					 (unsigned long)s->seen[k].hpa, s->seen[k].perm);
	}
}

#define DEEP(pt, call)                                                    \
	do {                                                              \
		unsigned int calls_ = flush_calls;                        \
		add_samples(pt, iovas, sizeof(iovas) / sizeof(iovas[0])); \
		assert_int_equal(call, 0);                                \
		assert_true(flush_calls > calls_);                        \
		check_samples(pt);                                        \
	} while (0)

static void test_flush_coverage(void **state)
{
	const uint64_t iovas[] = {
		0x13fc00000ull, 0x13fdfe000ull, 0x13fdff000ull, 0x13fe00000ull, 0x13fe01000ull,
		0x13fffe000ull, 0x140000000ull, 0x140001000ull, 0x1401ff000ull, 0x140200000ull,
		0x140400000ull, 0x160000000ull, 0x17fe00000ull, 0x17ffff000ull, 0x180000000ull,
		0x180200000ull, 0x180201000ull, 0x180400000ull,
	};
	struct pt_table pt;

	(void)state;
	assert_int_equal(vtd_pt_init(&pt, 4, true, true, &pa, rec_flush), 0);
	assert_true(synced(&pt));
	deep_pt = &pt;
	/* 4 KiB, 2 MiB, 1 GiB, 2 MiB, 4 KiB: new tables built then linked */
	DEEP(&pt, map(&pt, 0x13fdff000ull, 0x33fdff000ull, 0x180201000ull - 0x13fdff000ull, RW));
	/* pages over a 2 MiB leaf and into the 1 GiB one: splits */
	DEEP(&pt, map(&pt, 0x13fc00000ull, 0x1000, 0x140400000ull - 0x13fc00000ull, VTD_PERM_R));
	/* an unmap splitting at both edges, detaching in between */
	DEEP(&pt, unmap(&pt, 0x13fe01000ull, 0x180201000ull - 0x13fe01000ull));
	DEEP(&pt, map(&pt, 0x13fffe000ull, 0x5000, 0x140001000ull - 0x13fffe000ull, RW));
	/* all of it merged back into large leaves */
	DEEP(&pt, map(&pt, 0x13fc00000ull, 0x13fc00000ull, 0x180400000ull - 0x13fc00000ull, RW));
	expect_runs(&pt, 0x13fc00000ull, 0, RW, {SZ_2M, 2}, {SZ_1G, 1}, {SZ_2M, 2});
	assert_true(pt.deferred_count > 0);
	assert_true(synced(&pt));
	vtd_pt_reclaim(&pt);
	DEEP(&pt, unmap(&pt, 0, 1ull << 48));
	deep_pt = NULL;
	vtd_pt_destroy(&pt);
	assert_int_equal(palloc_free_bytes(&pa), start_free);
}

/* The checks above would catch what they look for. */
static void test_checker_catches(void **state)
{
	struct pt_table pt;
	uint64_t e, *pd;

	(void)state;
	init(&pt, 3, true, true);
	assert_int_equal(map(&pt, SZ_2M, SZ_2M, SZ_2M, RW), 0);
	assert_true(synced(&pt));
	assert_true(mixed_ok(pt.root, 3));
	pd = real_of(real_of(pt.root)[0]);
	e = pd[1];
	pd[1] = 0; /* written, not flushed */
	assert_false(synced(&pt));
	pd[1] = e;
	assert_true(synced(&pt));
	/* a link to a page the unit still sees as garbage */
	pd[2] = (pool_base + POOL - SZ_4K) | VTD_PTE_R | VTD_PTE_W;
	assert_false(mixed_ok(pt.root, 3));
	pd[2] = 0;
	assert_true(mixed_ok(pt.root, 3));
	vtd_pt_destroy(&pt);
}

static void test_coherent(void **state)
{
	struct pt_table pt;

	(void)state;
	assert_int_equal(vtd_pt_init(&pt, 4, true, true, &pa, NULL), 0);
	assert_int_equal(vtd_pt_map(&pt, 0x1ff000, 0x1ff000, 0x40201000 - 0x1ff000, RW), 0);
	assert_int_equal(vtd_pt_map(&pt, 0x40000000, 0x1000, SZ_2M, RW), 0);
	assert_int_equal(vtd_pt_unmap(&pt, 0x200000, 0x3000), 0);
	expect_runs(&pt, 0x1ff000, 0, RW, {SZ_4K, 1}, {NO_MAP, 3}, {SZ_4K, 509}, {SZ_2M, 510});
	expect_runs(&pt, 0x40000000, 0x1000 - 0x40000000, RW, {SZ_4K, 512});
	assert_int_equal(flush_calls, 0);
	vtd_pt_destroy(&pt);
	assert_int_equal(palloc_free_bytes(&pa), start_free);
}

static void test_destroy_frees_all(void **state)
{
	unsigned int levels = levels_of(state);
	struct pt_table pt;

	init(&pt, levels, true, true);
	assert_int_equal(map(&pt, 0x1ff000, 0x1ff000, 0x180201000ull - 0x1ff000, RW), 0);
	assert_int_equal(map(&pt, 0x40000000, 0x1000, 0x400000, RW), 0);
	assert_int_equal(map(&pt, 0x7fc00000, 0x1000, 0x400000, VTD_PERM_R), 0);
	assert_int_equal(map(&pt, 0x40000000, 0x40000000, 0x400000, RW), 0); /* 2 deferred */
	assert_int_equal(unmap(&pt, 0x100000000ull, SZ_1G), 0);
	assert_int_equal(unmap(&pt, 0x1ff000, SZ_4K), 0);
	assert_int_equal(map(&pt, 0x7000000000ull, 0x1000, SZ_4K, RW), 0);
	assert_true(pt.deferred_count > 0);
	assert_true(palloc_free_bytes(&pa) < start_free);
	vtd_pt_destroy(&pt);
	assert_int_equal(pt.root, 0);
	assert_int_equal(pt.deferred_count, 0);
	assert_int_equal(palloc_free_bytes(&pa), start_free);
}

/* 1 GiB leaves on both depths: whole gigabytes, raw entries, a split. */
static void test_map_1g(void **state)
{
	unsigned int levels = levels_of(state), t;
	struct pt_table pt;

	init(&pt, levels, true, true);
	assert_int_equal(map(&pt, SZ_1G, 0x4000000000ull, 3 * SZ_1G, RW), 0);
	expect_runs(&pt, SZ_1G, 0x4000000000ull - SZ_1G, RW, {SZ_1G, 3}, {NO_MAP, 1});
	assert_int_equal(raw_leaf(&pt, 3 * SZ_1G + 0x5000, &t),
			 0x4080000000ull | VTD_PTE_PS | VTD_PTE_R | VTD_PTE_W);
	assert_int_equal(t, 3);
	/* the tables: (PDPT,) nothing else */
	assert_int_equal(start_free - palloc_free_bytes(&pa), (levels == 4 ? 2 : 1) * SZ_4K);
	assert_int_equal(unmap(&pt, 2 * SZ_1G + SZ_2M, SZ_4K), 0);
	expect_runs(&pt, 2 * SZ_1G, 0x4000000000ull - SZ_1G, RW, {SZ_2M, 1}, {NO_MAP, 1},
		    {SZ_4K, 511}, {SZ_2M, 510}, {SZ_1G, 1});
	vtd_pt_destroy(&pt);
	assert_int_equal(palloc_free_bytes(&pa), start_free);
}

struct change {
	bool unmap;
	uint64_t iova, hpa, len;
};

static int do_change(struct pt_table *pt, void *arg)
{
	const struct change *c = arg;

	if (c->unmap)
		return unmap(pt, c->iova, c->len);
	return map(pt, c->iova, c->hpa, c->len, VTD_PERM_R);
}

/* Out of memory at each allocation of a change in turn: the tables, what
 * the unit sees of them, the deferred list and the allocator are exactly as
 * they were. */
static void test_fail_midway(void **state)
{
	const uint64_t iova[] = {
		0,	   SZ_4K,    SZ_2M, SZ_1G - SZ_4K, SZ_1G, SZ_1G + SZ_2M, 2 * SZ_1G - SZ_4K,
		2 * SZ_1G, 3 * SZ_1G};
	struct change c = {false, SZ_1G - SZ_4K, SZ_1G - SZ_4K, SZ_2M + 2 * SZ_4K};
	struct pt_table pt;

	(void)state;
	init(&pt, 4, true, true);
	assert_int_equal(map(&pt, 0, 0x10001000, SZ_2M, RW), 0);
	assert_int_equal(map(&pt, SZ_1G, SZ_1G, SZ_1G, RW), 0);
	/* a new PT at the end of the first 1 GiB, then into the 1 GiB leaf:
	 * split (a PD), a 2 MiB leaf and a PT */
	assert_int_equal(fake_pt_fail_each(&pt, do_change, &c, iova, 9, 8), 3);
	assert_true(synced(&pt));
	expect_leaf(&pt, SZ_1G - SZ_4K, SZ_1G - SZ_4K, SZ_4K, VTD_PERM_R);
	expect_leaf(&pt, SZ_1G, SZ_1G, SZ_2M, VTD_PERM_R);
	expect_leaf(&pt, SZ_1G + SZ_2M, SZ_1G + SZ_2M, SZ_4K, VTD_PERM_R);
	expect_leaf(&pt, SZ_1G + SZ_2M + SZ_4K, SZ_1G + SZ_2M + SZ_4K, SZ_4K, RW);
	/* an unmap clearing a 2 MiB leaf and splitting a 1 GiB one twice */
	assert_int_equal(map(&pt, 2 * SZ_1G, 0x200000000ull, SZ_1G, RW), 0);
	c = (struct change){true, 2 * SZ_1G - SZ_2M, 0, SZ_2M + SZ_4K};
	assert_int_equal(fake_pt_fail_each(&pt, do_change, &c, iova, 9, 8), 2);
	assert_true(synced(&pt));
	expect_none(&pt, 2 * SZ_1G);
	expect_leaf(&pt, 2 * SZ_1G + SZ_4K, 0x200001000ull, SZ_4K, RW);
	vtd_pt_destroy(&pt);
	assert_int_equal(palloc_free_bytes(&pa), start_free);
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
#define TEST_LEVELS(f)                                                           \
	cmocka_unit_test_prestate_setup_teardown(f, setup, teardown, &levels_3), \
		cmocka_unit_test_prestate_setup_teardown(f, setup, teardown, &levels_4)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_init),
		TEST_LEVELS(test_leaf_sizes),
		TEST(test_large_not_used),
		TEST_LEVELS(test_mixed_range),
		TEST(test_perms),
		TEST(test_unmap_splits),
		TEST_LEVELS(test_remap_merge),
		TEST_LEVELS(test_bad_inputs),
		TEST(test_out_of_memory),
		TEST(test_deferred_overflow),
		TEST(test_one_call_beyond_deferred),
		TEST(test_flush_coverage),
		TEST(test_checker_catches),
		TEST(test_coherent),
		TEST_LEVELS(test_destroy_frees_all),
		TEST_LEVELS(test_map_1g),
		TEST(test_fail_midway),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
