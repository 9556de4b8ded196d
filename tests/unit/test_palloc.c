// SPDX-License-Identifier: MIT
/* Unit tests for hv/core/palloc.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hv/core/palloc.h"
#include "lib/err.h"
#include "fake_printk.h"

#define KiB 0x400ull
#define MiB 0x100000ull
#define GiB 0x40000000ull
#define P   PAGE_SIZE

static struct palloc pa, copy;

static int setup(void **state)
{
	(void)state;
	palloc_init(&pa);
	printk_reset();
	return 0;
}

static void check_range(unsigned int k, uint64_t base, uint64_t end)
{
	assert_true(k < pa.n);
	assert_int_equal(pa.r[k].base, base);
	assert_int_equal(pa.r[k].end, end);
}

/* Sorted, disjoint, page-aligned, non-empty, and never touching (merged). */
static void check_invariants(void)
{
	unsigned int k;

	assert_true(pa.n <= PALLOC_MAX_RANGES);
	for (k = 0; k < pa.n; k++) {
		assert_int_equal(pa.r[k].base % P, 0);
		assert_int_equal(pa.r[k].end % P, 0);
		assert_true(pa.r[k].base < pa.r[k].end);
		if (k)
			assert_true(pa.r[k - 1].end < pa.r[k].base);
	}
}

static void test_init_empty(void **state)
{
	uint64_t a = 0x1234;

	(void)state;
	assert_int_equal(pa.n, 0);
	assert_int_equal(palloc_free_bytes(&pa), 0);
	assert_int_equal(palloc_alloc(&pa, P, 0, 0, &a), -ENOMEM);
	assert_int_equal(a, 0x1234);
}

static void test_add_drops_partial_pages(void **state)
{
	(void)state;
	assert_int_equal(palloc_add(&pa, 0x1800, 0x3000), 0); /* 0x1800..0x4800 */
	assert_int_equal(pa.n, 1);
	check_range(0, 0x2000, 0x4000);
	assert_int_equal(palloc_free_bytes(&pa), 0x2000);

	/* Less than a whole page: nothing is added. */
	assert_int_equal(palloc_add(&pa, 0x10100, 0x200), 0);
	assert_int_equal(palloc_add(&pa, 0x10800, 0x1000), 0); /* straddles a boundary */
	assert_int_equal(pa.n, 1);

	/* The firmware's classic 0..0x9fc00 low-memory range. */
	assert_int_equal(palloc_add(&pa, 0x80000, 0x1fc00), 0);
	assert_int_equal(pa.n, 2);
	check_range(1, 0x80000, 0x9f000);
	assert_int_equal(palloc_free_bytes(&pa), 0x2000 + 0x1f000);
	check_invariants();
}

static void test_add_errors(void **state)
{
	(void)state;
	assert_int_equal(palloc_add(&pa, 0x1000, 0), -EINVAL);
	assert_int_equal(palloc_add(&pa, ~0ull - 0xfff, 0x2000), -EINVAL);
	assert_int_equal(palloc_add(&pa, 0x100000, 0x100000), 0);
	copy = pa;
	/* Overlaps free memory: refused, nothing changed. */
	assert_int_equal(palloc_add(&pa, 0x1ff000, 0x2000), -EEXIST);
	assert_int_equal(palloc_add(&pa, 0x0ff000, 0x2000), -EEXIST);
	assert_int_equal(palloc_add(&pa, 0x150000, 0x1000), -EEXIST);
	assert_int_equal(palloc_add(&pa, 0, 0x1000000), -EEXIST);
	assert_memory_equal(&pa, &copy, sizeof(pa));
}

static void test_add_merges_neighbours(void **state)
{
	(void)state;
	assert_int_equal(palloc_add(&pa, 0x1000, 0x1000), 0);
	assert_int_equal(palloc_add(&pa, 0x3000, 0x1000), 0);
	assert_int_equal(palloc_add(&pa, 0x5000, 0x1000), 0);
	assert_int_equal(pa.n, 3);
	assert_int_equal(palloc_add(&pa, 0x2000, 0x1000), 0);
	assert_int_equal(pa.n, 2);
	check_range(0, 0x1000, 0x4000);
	check_range(1, 0x5000, 0x6000);
	assert_int_equal(palloc_add(&pa, 0x6000, 0x2000), 0); /* merges right of r[1] */
	assert_int_equal(palloc_add(&pa, 0x0000, 0x1000), 0); /* merges left of r[0] */
	assert_int_equal(pa.n, 2);
	check_range(0, 0x0000, 0x4000);
	check_range(1, 0x5000, 0x8000);
	assert_int_equal(palloc_add(&pa, 0x4000, 0x1000), 0);
	assert_int_equal(pa.n, 1);
	check_range(0, 0, 0x8000);
}

static void test_alloc_free_round_trip(void **state)
{
	uint64_t a, b, c;

	(void)state;
	assert_int_equal(palloc_add(&pa, 1 * MiB, 1 * MiB), 0);
	assert_int_equal(palloc_alloc(&pa, P, 0, 0, &a), 0);
	assert_int_equal(a, 0x100000);
	/* 0x1800 is rounded up to two pages. */
	assert_int_equal(palloc_alloc(&pa, 0x1800, 0, 0, &b), 0);
	assert_int_equal(b, 0x101000);
	assert_int_equal(palloc_alloc(&pa, 1, P, 0, &c), 0);
	assert_int_equal(c, 0x103000);
	assert_int_equal(palloc_free_bytes(&pa), 1 * MiB - 4 * P);
	assert_int_equal(pa.n, 1);
	check_range(0, 0x104000, 0x200000);

	assert_int_equal(palloc_free(&pa, b, 0x1800), 0);
	assert_int_equal(pa.n, 2);
	check_range(0, 0x101000, 0x103000);
	assert_int_equal(palloc_free(&pa, a, P), 0);
	assert_int_equal(palloc_free(&pa, c, 1), 0);
	assert_int_equal(pa.n, 1);
	check_range(0, 1 * MiB, 2 * MiB);
	assert_int_equal(palloc_free_bytes(&pa), 1 * MiB);
}

static void test_alloc_2m_aligned(void **state)
{
	uint64_t a, b;

	(void)state;
	assert_int_equal(palloc_add(&pa, 0x123000, 8 * MiB), 0);
	assert_int_equal(palloc_alloc(&pa, 2 * MiB, 2 * MiB, 0, &a), 0);
	assert_int_equal(a, 0x200000);
	assert_int_equal(pa.n, 2);
	check_range(0, 0x123000, 0x200000);
	check_range(1, 0x400000, 0x923000);
	assert_int_equal(palloc_alloc(&pa, 4 * MiB, 2 * MiB, 0, &b), 0);
	assert_int_equal(b, 0x400000);
	check_range(1, 0x800000, 0x923000);
	/* Only 0x123000 is left above 8 MiB, not enough for 2 MiB. */
	assert_int_equal(palloc_alloc(&pa, 2 * MiB, 2 * MiB, 0, &b), -ENOMEM);
	assert_int_equal(palloc_free_bytes(&pa), 8 * MiB - 6 * MiB);
	check_invariants();
}

static void test_alloc_1g_aligned(void **state)
{
	uint64_t a = 0, b;

	(void)state;
	assert_int_equal(palloc_add(&pa, 0x10000000, 0x80000000), 0); /* 256 MiB .. 2.25 GiB */
	assert_int_equal(palloc_alloc(&pa, 1 * GiB, 1 * GiB, 0, &a), 0);
	assert_int_equal(a, 1 * GiB);
	assert_int_equal(pa.n, 2);
	check_range(0, 0x10000000, 1 * GiB);
	check_range(1, 2 * GiB, 0x90000000);
	assert_int_equal(palloc_alloc(&pa, 1 * GiB, 1 * GiB, 0, &b), -ENOMEM);
	/* An unaligned 1 GiB does not fit either (0x30000000 + 0x10000000 free). */
	assert_int_equal(palloc_alloc(&pa, 1 * GiB, 0, 0, &b), -ENOMEM);
	/* A larger alignment than the block, from a bigger second range. */
	assert_int_equal(palloc_add(&pa, 0x100001000ull, 0x1ffffe000ull), 0);
	assert_int_equal(palloc_alloc(&pa, 2 * MiB, 4 * GiB, 0, &b), 0);
	assert_int_equal(b, 8 * GiB);
	assert_int_equal(palloc_free(&pa, b, 2 * MiB), 0);
	assert_int_equal(palloc_alloc(&pa, 1 * GiB, 1 * GiB, 0, &b), 0);
	assert_int_equal(b, 5 * GiB);
	assert_int_equal(palloc_free(&pa, a, 1 * GiB), 0);
	assert_int_equal(pa.n, 3);
	check_range(0, 0x10000000, 0x90000000);
	check_range(1, 0x100001000ull, 5 * GiB);
	check_range(2, 6 * GiB, 0x2fffff000ull);
}

/* The SMP trampoline must sit below 1 MiB, whatever is free higher up. */
static void test_alloc_below_1m(void **state)
{
	uint64_t a, b;

	(void)state;
	assert_int_equal(palloc_add(&pa, 0x8000, 0x97000), 0); /* ..0x9f000 */
	assert_int_equal(palloc_add(&pa, 1 * MiB, 127 * MiB), 0);
	/* Ending exactly at the limit is allowed. */
	assert_int_equal(palloc_alloc(&pa, 0x97000, 0, 0x9f000, &a), 0);
	assert_int_equal(a, 0x8000);
	assert_int_equal(palloc_alloc(&pa, P, 0, 1 * MiB, &b), -ENOMEM);
	assert_int_equal(palloc_free(&pa, a, 0x97000), 0);

	assert_int_equal(palloc_alloc(&pa, P, 0, 1 * MiB, &a), 0);
	assert_int_equal(a, 0x8000);
	assert_int_equal(palloc_alloc(&pa, 64 * KiB, 64 * KiB, 1 * MiB, &b), 0);
	assert_int_equal(b, 0x10000);
	assert_int_equal(palloc_free(&pa, b, 64 * KiB), 0);
	assert_int_equal(palloc_free(&pa, a, P), 0);
	assert_int_equal(pa.n, 2);
	check_range(0, 0x8000, 0x9f000);
	/* It fits the range, but would end one byte past the limit. */
	assert_int_equal(palloc_alloc(&pa, 0x97000, 0, 0x9efff, &b), -ENOMEM);
	/* No limit: the high range serves what the low one cannot. */
	assert_int_equal(palloc_alloc(&pa, 1 * MiB, 0, 0, &b), 0);
	assert_int_equal(b, 1 * MiB);
}

static void test_alloc_below_4g(void **state)
{
	uint64_t a, b, c;

	(void)state;
	assert_int_equal(palloc_add(&pa, 1 * MiB, 3 * GiB - 1 * MiB), 0);
	assert_int_equal(palloc_add(&pa, 4 * GiB, 4 * GiB), 0);
	assert_int_equal(palloc_alloc(&pa, 1 * GiB, 1 * GiB, 4 * GiB, &a), 0);
	assert_int_equal(a, 1 * GiB);
	assert_int_equal(palloc_alloc(&pa, 1 * GiB, 1 * GiB, 4 * GiB, &b), 0);
	assert_int_equal(b, 2 * GiB);
	assert_int_equal(palloc_alloc(&pa, 1 * GiB, 1 * GiB, 4 * GiB, &c), -ENOMEM);
	assert_int_equal(palloc_alloc(&pa, 1 * GiB, 1 * GiB, 0, &c), 0);
	assert_int_equal(c, 4 * GiB);
	/* Room for 2 MiB below 4 GiB remains in the low range. */
	assert_int_equal(palloc_alloc(&pa, 2 * MiB, 2 * MiB, 4 * GiB, &c), 0);
	assert_int_equal(c, 2 * MiB);
	check_range(0, 1 * MiB, 2 * MiB);
	check_range(1, 4 * MiB, 1 * GiB);
	check_range(2, 5 * GiB, 8 * GiB);
	assert_int_equal(pa.n, 3);
}

static void test_exhaustion_then_free(void **state)
{
	uint64_t a, b;

	(void)state;
	assert_int_equal(palloc_add(&pa, 0x1000, 0x4000), 0);
	assert_int_equal(palloc_alloc(&pa, 0x5000, 0, 0, &a), -ENOMEM);
	assert_int_equal(palloc_alloc(&pa, 0x4000, 0, 0, &a), 0);
	assert_int_equal(a, 0x1000);
	assert_int_equal(pa.n, 0);
	assert_int_equal(palloc_free_bytes(&pa), 0);
	assert_int_equal(palloc_alloc(&pa, P, 0, 0, &b), -ENOMEM);
	assert_int_equal(palloc_free(&pa, a, 0x4000), 0);
	assert_int_equal(palloc_alloc(&pa, P, 0, 0, &b), 0);
	assert_int_equal(b, 0x1000);
	assert_int_equal(palloc_free_bytes(&pa), 0x3000);
}

static void test_double_free(void **state)
{
	uint64_t a, b;

	(void)state;
	assert_int_equal(palloc_add(&pa, 0x10000, 0x10000), 0);
	assert_int_equal(palloc_alloc(&pa, 0x2000, 0, 0, &a), 0);
	assert_int_equal(palloc_alloc(&pa, 0x2000, 0, 0, &b), 0);
	assert_int_equal(a, 0x10000);
	assert_int_equal(b, 0x12000);
	assert_int_equal(palloc_free(&pa, a, 0x2000), 0);
	copy = pa;
	assert_int_equal(palloc_free(&pa, a, 0x2000), -EEXIST);
	assert_memory_equal(&pa, &copy, sizeof(pa));
	/* Straddling a free page and an allocated one. */
	assert_int_equal(palloc_free(&pa, a + P, 0x2000), -EEXIST);
	/* Overlapping the free space above @b. */
	assert_int_equal(palloc_free(&pa, b, 0x3000), -EEXIST);
	/* Wholly inside a free range. */
	assert_int_equal(palloc_free(&pa, 0x18000, P), -EEXIST);
	assert_memory_equal(&pa, &copy, sizeof(pa));
	assert_int_equal(palloc_free(&pa, b, 0x2000), 0);
	assert_int_equal(pa.n, 1);
	check_range(0, 0x10000, 0x20000);
}

static void test_bad_arguments(void **state)
{
	uint64_t a;

	(void)state;
	assert_int_equal(palloc_add(&pa, 0, 16 * MiB), 0);
	copy = pa;
	assert_int_equal(palloc_alloc(&pa, 0, 0, 0, &a), -EINVAL);
	assert_int_equal(palloc_alloc(&pa, ~0ull, 0, 0, &a), -EINVAL); /* rounding wraps */
	assert_int_equal(palloc_alloc(&pa, P, 0x800, 0, &a), -EINVAL);
	assert_int_equal(palloc_alloc(&pa, P, 0x3000, 0, &a), -EINVAL);
	assert_int_equal(palloc_alloc(&pa, P, 1, 0, &a), -EINVAL);
	assert_int_equal(palloc_free(&pa, 0x2000000, 0), -EINVAL);
	assert_int_equal(palloc_free(&pa, 0x2000800, P), -EINVAL);
	assert_int_equal(palloc_reserve(&pa, 0x1000, 0), -EINVAL);
	assert_int_equal(palloc_reserve(&pa, ~0ull, 2), -EINVAL);
	assert_memory_equal(&pa, &copy, sizeof(pa));
	/* Physical address 0 is an ordinary page to the allocator. */
	assert_int_equal(palloc_alloc(&pa, P, 0, 0, &a), 0);
	assert_int_equal(a, 0);
}

static void test_reserve_splits_range(void **state)
{
	(void)state;
	assert_int_equal(palloc_add(&pa, 0, 0x10000), 0);
	/* Rounded out to the page 0x4000..0x5000. */
	assert_int_equal(palloc_reserve(&pa, 0x4100, 0x100), 0);
	assert_int_equal(pa.n, 2);
	check_range(0, 0x0000, 0x4000);
	check_range(1, 0x5000, 0x10000);
	/* Straddling a page boundary takes both pages. */
	assert_int_equal(palloc_reserve(&pa, 0x7fff, 2), 0);
	assert_int_equal(pa.n, 3);
	check_range(1, 0x5000, 0x7000);
	check_range(2, 0x9000, 0x10000);
	assert_int_equal(palloc_free_bytes(&pa), 0x10000 - 3 * P);
	check_invariants();
}

static void test_reserve_edges(void **state)
{
	(void)state;
	assert_int_equal(palloc_add(&pa, 0x10000, 0x10000), 0);
	assert_int_equal(palloc_reserve(&pa, 0x10000, 0x1000), 0); /* the first page */
	assert_int_equal(palloc_reserve(&pa, 0x1f000, 0x1000), 0); /* the last page */
	assert_int_equal(pa.n, 1);
	check_range(0, 0x11000, 0x1f000);
	/* Overlapping one end from outside. */
	assert_int_equal(palloc_reserve(&pa, 0x8000, 0xa000), 0);
	assert_int_equal(palloc_reserve(&pa, 0x1e000, 0x100000), 0);
	check_range(0, 0x12000, 0x1e000);
	/* Nothing free there: fine, nothing changes. */
	copy = pa;
	assert_int_equal(palloc_reserve(&pa, 0x100000, 0x1000), 0);
	assert_memory_equal(&pa, &copy, sizeof(pa));
	/* Up to the very top of the address space. */
	assert_int_equal(palloc_reserve(&pa, 0x1d800, ~0ull - 0x1d800), 0);
	check_range(0, 0x12000, 0x1d000);
	/* All of it. */
	assert_int_equal(palloc_reserve(&pa, 0x12000, 0xb000), 0);
	assert_int_equal(pa.n, 0);
}

static void test_reserve_across_ranges(void **state)
{
	(void)state;
	assert_int_equal(palloc_add(&pa, 0x10000, 0x4000), 0);
	assert_int_equal(palloc_add(&pa, 0x20000, 0x4000), 0);
	assert_int_equal(palloc_add(&pa, 0x30000, 0x4000), 0);
	assert_int_equal(palloc_add(&pa, 0x40000, 0x4000), 0);
	assert_int_equal(palloc_add(&pa, 0x50000, 0x4000), 0);
	/* Tail of the first, all of the two middle ones, head of the fourth. */
	assert_int_equal(palloc_reserve(&pa, 0x12000, 0x30000), 0);
	assert_int_equal(pa.n, 3);
	check_range(0, 0x10000, 0x12000);
	check_range(1, 0x42000, 0x44000);
	check_range(2, 0x50000, 0x54000);
	assert_int_equal(palloc_free_bytes(&pa), 0x8000);
	check_invariants();
}

static void test_free_merges_back(void **state)
{
	uint64_t a[4];
	unsigned int k;

	(void)state;
	assert_int_equal(palloc_add(&pa, 0, 0x10000), 0);
	for (k = 0; k < 4; k++) {
		assert_int_equal(palloc_alloc(&pa, P, 0, 0, &a[k]), 0);
		assert_int_equal(a[k], k * P);
	}
	assert_int_equal(pa.n, 1);
	check_range(0, 0x4000, 0x10000);
	assert_int_equal(palloc_free(&pa, a[1], P), 0); /* alone */
	assert_int_equal(pa.n, 2);
	check_range(0, 0x1000, 0x2000);
	assert_int_equal(palloc_free(&pa, a[3], P), 0); /* joins the range above */
	assert_int_equal(pa.n, 2);
	check_range(1, 0x3000, 0x10000);
	assert_int_equal(palloc_free(&pa, a[0], P), 0); /* joins the range above */
	assert_int_equal(pa.n, 2);
	check_range(0, 0x0000, 0x2000);
	assert_int_equal(palloc_free(&pa, a[2], P), 0); /* bridges both */
	assert_int_equal(pa.n, 1);
	check_range(0, 0, 0x10000);
}

/* Free ranges of 4 pages at (8k+1) pages: all separate, no two touching. */
static void fill_table(void)
{
	unsigned int k;

	for (k = 0; k < PALLOC_MAX_RANGES; k++)
		assert_int_equal(palloc_add(&pa, (8ull * k + 1) * P, 4 * P), 0);
	assert_int_equal(pa.n, PALLOC_MAX_RANGES);
}

static void test_table_full(void **state)
{
	const uint64_t past = 8ull * PALLOC_MAX_RANGES * P;
	uint64_t a = 0;

	(void)state;
	fill_table();
	copy = pa;
	/* Each of these needs a new slot. */
	assert_int_equal(palloc_add(&pa, past + 2 * P, P), -ENOSPC);
	assert_int_equal(palloc_reserve(&pa, 2 * P, P), -ENOSPC);
	assert_int_equal(palloc_alloc(&pa, P, 2 * P, 0, &a), -ENOSPC);
	assert_int_equal(palloc_free(&pa, 6 * P, P), -ENOSPC);
	assert_memory_equal(&pa, &copy, sizeof(pa));

	/* These do not: merging, trimming, taking a whole range. */
	assert_int_equal(palloc_add(&pa, 5 * P, P), 0); /* touches range 0 */
	assert_int_equal(pa.n, PALLOC_MAX_RANGES);
	check_range(0, 1 * P, 6 * P);
	assert_int_equal(palloc_add(&pa, 6 * P, 3 * P), 0); /* bridges 0 and 1 */
	assert_int_equal(pa.n, PALLOC_MAX_RANGES - 1);
	check_range(0, 1 * P, 13 * P);
	assert_int_equal(palloc_alloc(&pa, P, 0, 0, &a), 0); /* from a range's start */
	assert_int_equal(a, 1 * P);
	assert_int_equal(palloc_reserve(&pa, 12 * P, P), 0); /* a range's end */
	check_range(0, 2 * P, 12 * P);
	/* Now there is a spare slot again. */
	assert_int_equal(palloc_add(&pa, past + 2 * P, P), 0);
	assert_int_equal(pa.n, PALLOC_MAX_RANGES);
	check_range(PALLOC_MAX_RANGES - 1, past + 2 * P, past + 3 * P);
	check_invariants();
}

enum { MODEL_PAGES = 128 };

/* The lowest start, a multiple of @al, of @len free pages ending by @lim (0: none). */
static int model_alloc(const uint8_t *model, unsigned int len, unsigned int al, unsigned int lim)
{
	unsigned int s, u;

	for (s = 0; s + len <= MODEL_PAGES; s += al) {
		if (lim && s + len > lim)
			break;
		for (u = s; u < s + len && model[u]; u++)
			;
		if (u == s + len)
			return (int)s;
	}
	return -1;
}

static void model_compare(const uint8_t *model, unsigned int round, unsigned int op)
{
	unsigned int u, k;

	check_invariants();
	for (u = 0; u < MODEL_PAGES; u++) {
		unsigned int in = 0;

		for (k = 0; k < pa.n; k++)
			if ((uint64_t)u * P >= pa.r[k].base && (uint64_t)u * P < pa.r[k].end)
				in = 1;
		if (in != model[u])
			fail_msg("round %u op %u page %u: want %u got %u", round, op, u, model[u],
				 in);
	}
}

static uint32_t next_rand(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

/* Random operations checked page by page against a plain array (1: free). */
static void test_random_against_model(void **state)
{
	uint8_t model[MODEL_PAGES];
	uint32_t seed = 4242;
	unsigned int round, op, u;

	(void)state;
	for (round = 0; round < 100; round++) {
		palloc_init(&pa);
		memset(model, 0, sizeof(model));
		for (op = 0; op < 60; op++) {
			unsigned int kind = next_rand(&seed) % 4;
			unsigned int a = next_rand(&seed) % MODEL_PAGES;
			unsigned int len = 1 + next_rand(&seed) % 16;
			unsigned int al = 1u << (next_rand(&seed) % 4);
			unsigned int lim = next_rand(&seed) % 3 ? 0 : next_rand(&seed) % 129;
			uint64_t base = (uint64_t)a * P, got = 0;
			int err, want = 0;

			if (len > MODEL_PAGES - a)
				len = MODEL_PAGES - a;
			if (kind == 0 || kind == 3) { /* add, or free of the same range */
				for (u = a; u < a + len; u++)
					if (model[u])
						want = -EEXIST;
				err = kind ? palloc_free(&pa, base, len * P)
					   : palloc_add(&pa, base, len * P);
				assert_int_equal(err, want);
				if (!err)
					memset(model + a, 1, len);
			} else if (kind == 1) {
				assert_int_equal(palloc_reserve(&pa, base, len * P), 0);
				memset(model + a, 0, len);
			} else {
				want = model_alloc(model, len, al, lim);
				err = palloc_alloc(&pa, len * P, al * P, lim * P, &got);
				if (want < 0) {
					assert_int_equal(err, -ENOMEM);
				} else {
					assert_int_equal(err, 0);
					assert_int_equal(got, (uint64_t)want * P);
					memset(model + want, 0, len);
				}
			}
			model_compare(model, round, op);
		}
	}
}

static void test_largest(void **state)
{
	(void)state;
	assert_int_equal(palloc_largest(&pa, 0x1000), 0);
	assert_int_equal(palloc_add(&pa, 0x1000, 0x5000), 0);	  /* 0x1000-0x6000 */
	assert_int_equal(palloc_add(&pa, 0x201000, 0x400000), 0); /* 2M-unaligned 4 MiB */
	assert_int_equal(palloc_largest(&pa, 0x1000), 0x400000);
	assert_int_equal(palloc_largest(&pa, 0x200000), 0x200000); /* 0x400000-0x600000 */
	assert_int_equal(palloc_largest(&pa, 0x40000000), 0);
	/* What it says can be had, can. */
	uint64_t a;

	assert_int_equal(palloc_alloc(&pa, palloc_largest(&pa, 0x200000), 0x200000, 0, &a), 0);
	assert_int_equal(a, 0x400000);
}

/*
 * Guests' vCPUs grow their nested page tables (a BAR the guest placed, a
 * restart's RAM) on their own CPUs, at the same time: two CPUs allocating at
 * once must never get the same page. Two threads here, each taking
 * CONC_PAGES pages at once; then all are given back (in order, so that the
 * ranges merge again) and the free total must be whole.
 */
#define CONC_PAGES 20000
static struct palloc conc;

static void *conc_worker(void *arg)
{
	uint64_t *got = arg;

	for (unsigned int i = 0; i < CONC_PAGES; i++)
		if (palloc_alloc(&conc, 4096, 4096, 0, &got[i]))
			got[i] = 0;
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void test_concurrent(void **state)
{
	uint64_t *got = calloc(2 * CONC_PAGES, sizeof(*got));
	pthread_t t[2];

	(void)state;
	assert_non_null(got);
	palloc_init(&conc);
	assert_int_equal(palloc_add(&conc, 0x100000000ull, 4ull * CONC_PAGES * 4096), 0);
	for (int round = 0; round < 20; round++) {
		for (int i = 0; i < 2; i++)
			assert_int_equal(
				pthread_create(&t[i], NULL, conc_worker, got + i * CONC_PAGES), 0);
		for (int i = 0; i < 2; i++)
			pthread_join(t[i], NULL);
		/* Every page taken, none twice. */
		qsort(got, 2 * CONC_PAGES, sizeof(*got), cmp_u64);
		assert_true(got[0] != 0);
		for (unsigned int i = 1; i < 2 * CONC_PAGES; i++)
			assert_true(got[i] != got[i - 1]);
		assert_int_equal(palloc_free_bytes(&conc), 2ull * CONC_PAGES * 4096);
		for (unsigned int i = 0; i < 2 * CONC_PAGES; i++)
			assert_int_equal(palloc_free(&conc, got[i], 4096), 0);
		assert_int_equal(palloc_free_bytes(&conc), 4ull * CONC_PAGES * 4096);
	}
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_largest, setup),
		cmocka_unit_test(test_concurrent),
		cmocka_unit_test_setup(test_init_empty, setup),
		cmocka_unit_test_setup(test_add_drops_partial_pages, setup),
		cmocka_unit_test_setup(test_add_errors, setup),
		cmocka_unit_test_setup(test_add_merges_neighbours, setup),
		cmocka_unit_test_setup(test_alloc_free_round_trip, setup),
		cmocka_unit_test_setup(test_alloc_2m_aligned, setup),
		cmocka_unit_test_setup(test_alloc_1g_aligned, setup),
		cmocka_unit_test_setup(test_alloc_below_1m, setup),
		cmocka_unit_test_setup(test_alloc_below_4g, setup),
		cmocka_unit_test_setup(test_exhaustion_then_free, setup),
		cmocka_unit_test_setup(test_double_free, setup),
		cmocka_unit_test_setup(test_bad_arguments, setup),
		cmocka_unit_test_setup(test_reserve_splits_range, setup),
		cmocka_unit_test_setup(test_reserve_edges, setup),
		cmocka_unit_test_setup(test_reserve_across_ranges, setup),
		cmocka_unit_test_setup(test_free_merges_back, setup),
		cmocka_unit_test_setup(test_table_full, setup),
		cmocka_unit_test_setup(test_random_against_model, setup),
	};

	return cmocka_run_group_tests_name("palloc", tests, NULL, NULL);
}
