// SPDX-License-Identifier: MIT
/* EPT builder. Table pages come from a pool below 4 GiB of host memory
 * (MAP_32BIT), so "physical" addresses are real host pointers; the guest and
 * host addresses mapped are only numbers in the entries. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>
#include "lib/err.h"
#include "hv/vmx/ept.h"
#include "fake_pt.h"

#define POOL  (8u << 20)
#define SZ_4K 0x1000ull
#define SZ_2M (2ull << 20)
#define SZ_1G (1ull << 30)
#define SZ_4G (4ull << 30)
#define SLOT1 0x8000000000ull /* where the second PML4 entry starts */

/* The exact low bits of leaves as the rule in ept.h makes them. */
#define RAM_RWX (EPT_RWX | ((uint64_t)EPT_WB << EPT_MT_SHIFT))
#define DEV_RW	(EPT_R | EPT_W | ((uint64_t)EPT_UC << EPT_MT_SHIFT) | EPT_IPAT)

static void *pool;
static struct palloc pa;
static uint64_t pool_free; /* free bytes of @pa after setup */

static int setup(void **state)
{
	(void)state;
	pool = mmap(NULL, POOL, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1,
		    0);
	assert_true(pool != MAP_FAILED);
	palloc_init(&pa);
	assert_int_equal(palloc_add(&pa, (uint64_t)(uintptr_t)pool, POOL), 0);
	pool_free = palloc_free_bytes(&pa);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	munmap(pool, POOL);
	return 0;
}

static uint64_t pages_used(void)
{
	return (pool_free - palloc_free_bytes(&pa)) / SZ_4K;
}

static uint64_t leaf(struct pt_table *e, uint64_t gpa, uint64_t *size)
{
	*size = ~0ull;
	return ept_lookup(e, gpa, size);
}

/* The entry for @gpa in the level-@t table (4: PML4 ... 1: PT); the tables
 * above it must exist. */
static uint64_t *entry_at(const struct pt_table *e, uint64_t gpa, unsigned int t)
{
	uint64_t *tbl = (uint64_t *)(uintptr_t)e->root;

	for (unsigned int l = 4; l > t; l--) {
		uint64_t ent = tbl[(gpa >> (3 + 9 * l)) & 511];

		assert_true((ent & EPT_RWX) && !(ent & EPT_LARGE));
		tbl = (uint64_t *)(uintptr_t)(ent & EPT_ADDR);
	}
	return &tbl[(gpa >> (3 + 9 * t)) & 511];
}

static void assert_leaf(struct pt_table *e, uint64_t gpa, uint64_t hpa, uint64_t size,
			uint64_t bits)
{
	uint64_t sz, ent = leaf(e, gpa, &sz);

	assert_int_equal(sz, size);
	assert_int_equal(ent, hpa | bits | (size > SZ_4K ? EPT_LARGE : 0));
}

/* Which leaf size the alignment and the allow flags give. */
static void test_granularity(void **state)
{
	struct pt_table e;
	uint64_t sz;

	(void)state;
	assert_int_equal(ept_init(&e, &pa, false), 0);

	/* both allowed, both 1 GiB aligned, whole page: one 1 GiB leaf, which
	 * needs only the PDPT below the root */
	assert_int_equal(ept_map(&e, SZ_1G, 3 * SZ_1G, SZ_1G, EPT_RWX, EPT_WB, true, true), 0);
	assert_leaf(&e, SZ_1G + 0x12345000, 3 * SZ_1G, SZ_1G, RAM_RWX);
	assert_int_equal(pages_used(), 2);

	/* 1 GiB aligned but without 1 GiB support: 2 MiB leaves */
	assert_int_equal(ept_map(&e, 2 * SZ_1G, 8 * SZ_1G, SZ_1G, EPT_RWX, EPT_WB, true, false), 0);
	assert_leaf(&e, 2 * SZ_1G, 8 * SZ_1G, SZ_2M, RAM_RWX);
	assert_leaf(&e, 3 * SZ_1G - SZ_2M, 9 * SZ_1G - SZ_2M, SZ_2M, RAM_RWX);

	/* 1 GiB allowed but not 2 MiB: 4 KiB (a 1 GiB leaf could not be split) */
	assert_int_equal(
		ept_map(&e, 3 * SZ_1G, 10 * SZ_1G, 4 * SZ_2M, EPT_RWX, EPT_WB, false, true), 0);
	assert_leaf(&e, 3 * SZ_1G, 10 * SZ_1G, SZ_4K, RAM_RWX);
	assert_leaf(&e, 3 * SZ_1G + 4 * SZ_2M - SZ_4K, 10 * SZ_1G + 4 * SZ_2M - SZ_4K, SZ_4K,
		    RAM_RWX);

	/* even a whole aligned 1 GiB page */
	assert_int_equal(ept_map(&e, 9 * SZ_1G, 15 * SZ_1G, SZ_1G, EPT_RWX, EPT_WB, false, true),
			 0);
	assert_leaf(&e, 9 * SZ_1G, 15 * SZ_1G, SZ_4K, RAM_RWX);
	assert_leaf(&e, 10 * SZ_1G - SZ_4K, 16 * SZ_1G - SZ_4K, SZ_4K, RAM_RWX);

	/* gpa 1 GiB aligned, hpa only 2 MiB aligned: 2 MiB */
	assert_int_equal(
		ept_map(&e, 4 * SZ_1G, 11 * SZ_1G + SZ_2M, SZ_1G, EPT_RWX, EPT_WB, true, true), 0);
	assert_leaf(&e, 4 * SZ_1G, 11 * SZ_1G + SZ_2M, SZ_2M, RAM_RWX);

	/* aligned but 2 MiB short of a whole 1 GiB page: 2 MiB */
	assert_int_equal(
		ept_map(&e, 5 * SZ_1G, 12 * SZ_1G, SZ_1G - SZ_2M, EPT_RWX, EPT_WB, true, true), 0);
	assert_leaf(&e, 5 * SZ_1G, 12 * SZ_1G, SZ_2M, RAM_RWX);
	assert_int_equal(leaf(&e, 6 * SZ_1G - SZ_2M, &sz), 0);

	/* 2 MiB aligned gpa, hpa only 4 KiB aligned: 4 KiB */
	assert_int_equal(
		ept_map(&e, 7 * SZ_1G, 13 * SZ_1G + SZ_4K, SZ_2M, EPT_RWX, EPT_WB, true, true), 0);
	assert_leaf(&e, 7 * SZ_1G + SZ_2M - SZ_4K, 13 * SZ_1G + SZ_2M, SZ_4K, RAM_RWX);

	/* neither allowed: 4 KiB even where all is 2 MiB aligned */
	assert_int_equal(ept_map(&e, 8 * SZ_1G, 14 * SZ_1G, SZ_2M, EPT_RWX, EPT_WB, false, false),
			 0);
	assert_leaf(&e, 8 * SZ_1G, 14 * SZ_1G, SZ_4K, RAM_RWX);

	/* one range, every size: 4 KiB up to 2 MiB, 2 MiB up to 1 GiB, 1 GiB,
	 * 2 MiB, then a 4 KiB tail */
	assert_int_equal(ept_map(&e, SLOT1 - SZ_2M - SZ_4K, SLOT1 - SZ_2M - SZ_4K,
				 SZ_4K + SZ_2M + SZ_1G + SZ_2M + SZ_4K, EPT_RWX, EPT_WB, true,
				 true),
			 0);
	assert_leaf(&e, SLOT1 - SZ_2M - SZ_4K, SLOT1 - SZ_2M - SZ_4K, SZ_4K, RAM_RWX);
	assert_leaf(&e, SLOT1 - SZ_2M, SLOT1 - SZ_2M, SZ_2M, RAM_RWX);
	assert_leaf(&e, SLOT1, SLOT1, SZ_1G, RAM_RWX);
	assert_leaf(&e, SLOT1 + SZ_1G, SLOT1 + SZ_1G, SZ_2M, RAM_RWX);
	assert_leaf(&e, SLOT1 + SZ_1G + SZ_2M, SLOT1 + SZ_1G + SZ_2M, SZ_4K, RAM_RWX);
	assert_int_equal(leaf(&e, SLOT1 + SZ_1G + SZ_2M + SZ_4K, &sz), 0);
	ept_destroy(&e);
	assert_int_equal(pages_used(), 0);
}

/* Every bit of leaves and tables, RAM and device memory. */
static void test_entry_bits(void **state)
{
	struct pt_table e;
	uint64_t *pml4e, *pdpte, *pde;

	(void)state;
	assert_int_equal(ept_init(&e, &pa, true), 0);
	/* RAM: WB, guest PAT honoured (no ignore-PAT), no A/D */
	assert_int_equal(ept_map(&e, 0, 0x40000000, SZ_2M, EPT_RWX, EPT_WB, true, true), 0);
	assert_int_equal(*entry_at(&e, 0, 2), 0x40000000 | 0x7 | (6 << 3) | (1 << 7));
	/* device memory: UC with ignore-PAT */
	assert_int_equal(
		ept_map(&e, 0xfeb00000, 0xfe000000, SZ_4K, EPT_R | EPT_W, EPT_UC, true, true), 0);
	assert_int_equal(*entry_at(&e, 0xfeb00000, 1), 0xfe000000 | 0x3 | (0 << 3) | (1 << 6));
	/* any type but WB is forced too; read+execute without write */
	assert_int_equal(
		ept_map(&e, 0xfeb01000, 0xfe001000, SZ_4K, EPT_R | EPT_X, EPT_WC, true, true), 0);
	assert_int_equal(*entry_at(&e, 0xfeb01000, 1), 0xfe001000 | 0x5 | (1 << 3) | (1 << 6));
	/* an address with high bits: the field is 51:12 */
	assert_int_equal(ept_map(&e, SZ_4G, 0xFFFFFFFFFF000ull, SZ_4K, EPT_R, EPT_WB, true, true),
			 0);
	assert_int_equal(*entry_at(&e, SZ_4G, 1), 0xFFFFFFFFFF000ull | 0x1 | (6 << 3));

	/* non-leaf entries: address and R/W/X, nothing else */
	pml4e = entry_at(&e, 0, 4);
	pdpte = entry_at(&e, 0xfeb00000, 3);
	pde = entry_at(&e, 0xfeb00000, 2);
	assert_int_equal(*pml4e & ~EPT_ADDR, 0x7);
	assert_int_equal(*pdpte & ~EPT_ADDR, 0x7);
	assert_int_equal(*pde & ~EPT_ADDR, 0x7);
	ept_destroy(&e);
}

static void test_pointer(void **state)
{
	struct pt_table e;

	(void)state;
	assert_int_equal(ept_init(&e, &pa, false), 0);
	assert_int_equal(e.root & 0xfff, 0);
	assert_int_not_equal(e.root, 0);
	/* WB (6) in 2:0, walk length 3 in 5:3, root in 51:12 */
	assert_int_equal(ept_pointer(&e), e.root | 0x1e);
	e.root_flags |= EPTP_AD;
	assert_int_equal(ept_pointer(&e), e.root | 0x5e);
	ept_destroy(&e);

	assert_int_equal(ept_init(&e, &pa, true), 0);
	assert_true(e.root_flags & EPTP_AD);
	assert_int_equal(ept_pointer(&e), e.root | 0x5e);
	ept_destroy(&e);
}

/* A 1 GiB page split into 2 MiB pages, one of those into 4 KiB pages; all
 * the rest of it, and the 1 GiB pages either side, stay exactly as they
 * were (the accessed/dirty bits the CPU set included). */
static void test_split_1g(void **state)
{
	const uint64_t base = SZ_1G, host = 5 * SZ_1G, dev = 0x800000000ull;
	const uint64_t ad = EPT_A | EPT_D;
	struct pt_table e;
	uint64_t below, above, sz, used;

	(void)state;
	assert_int_equal(ept_init(&e, &pa, true), 0);
	assert_int_equal(ept_map(&e, 0, 4 * SZ_1G, 3 * SZ_1G, EPT_RWX, EPT_WB, true, true), 0);
	assert_leaf(&e, base, host, SZ_1G, RAM_RWX);
	*entry_at(&e, base, 3) |= ad; /* as the CPU would have */
	below = *entry_at(&e, 0, 3);
	above = *entry_at(&e, 2 * SZ_1G, 3);
	used = pages_used();

	/* 2 MiB of device memory at +4 MiB: one new table (the PD) */
	assert_int_equal(
		ept_map(&e, base + 2 * SZ_2M, dev, SZ_2M, EPT_R | EPT_W, EPT_UC, true, true), 0);
	assert_int_equal(pages_used(), used + 1);
	assert_leaf(&e, base + 2 * SZ_2M, dev, SZ_2M, DEV_RW);
	for (uint64_t i = 0; i < 512; i++) {
		if (i == 2)
			continue;
		assert_leaf(&e, base + i * SZ_2M + 0x1000, host + i * SZ_2M, SZ_2M, RAM_RWX | ad);
	}
	assert_int_equal(*entry_at(&e, 0, 3), below);
	assert_int_equal(*entry_at(&e, 2 * SZ_1G, 3), above);

	/* 4 KiB at +6 MiB+12K: that 2 MiB page becomes 4 KiB pages */
	assert_int_equal(ept_map(&e, base + 3 * SZ_2M + 0x3000, 0xfed00000, SZ_4K, EPT_R | EPT_W,
				 EPT_UC, true, true),
			 0);
	assert_int_equal(pages_used(), used + 2);
	assert_leaf(&e, base + 3 * SZ_2M + 0x3000, 0xfed00000, SZ_4K, DEV_RW);
	for (uint64_t i = 0; i < 512; i++) {
		if (i == 3)
			continue;
		assert_leaf(&e, base + 3 * SZ_2M + i * SZ_4K, host + 3 * SZ_2M + i * SZ_4K, SZ_4K,
			    RAM_RWX | ad);
	}
	/* the other 2 MiB pages as they were */
	assert_leaf(&e, base + 2 * SZ_2M, dev, SZ_2M, DEV_RW);
	assert_leaf(&e, base + 4 * SZ_2M, host + 4 * SZ_2M, SZ_2M, RAM_RWX | ad);
	assert_leaf(&e, base, host, SZ_2M, RAM_RWX | ad);
	assert_leaf(&e, base + SZ_1G - SZ_2M, host + SZ_1G - SZ_2M, SZ_2M, RAM_RWX | ad);
	assert_int_equal(*entry_at(&e, 0, 3), below);
	assert_int_equal(*entry_at(&e, 2 * SZ_1G, 3), above);
	assert_int_equal(leaf(&e, 3 * SZ_1G, &sz), 0);

	/* Mapping a split region whole again rewrites its tables in place:
	 * smaller leaves, no new or lost pages. */
	assert_int_equal(ept_map(&e, base, host, SZ_1G, EPT_RWX, EPT_WB, true, true), 0);
	assert_int_equal(pages_used(), used + 2);
	assert_leaf(&e, base + 2 * SZ_2M, host + 2 * SZ_2M, SZ_2M, RAM_RWX);
	assert_leaf(&e, base + 3 * SZ_2M + 0x3000, host + 3 * SZ_2M + 0x3000, SZ_4K, RAM_RWX);
	assert_leaf(&e, base + 5 * SZ_2M, host + 5 * SZ_2M, SZ_2M, RAM_RWX);
	ept_destroy(&e);
	assert_int_equal(pages_used(), 0);
}

/* A whole-entry mapping replaces a leaf of that size in place. */
static void test_remap_leaf(void **state)
{
	struct pt_table e;
	uint64_t used;

	(void)state;
	assert_int_equal(ept_init(&e, &pa, false), 0);
	assert_int_equal(ept_map(&e, SZ_2M, SZ_2M, SZ_2M, EPT_RWX, EPT_WB, true, true), 0);
	used = pages_used();
	assert_int_equal(ept_map(&e, SZ_2M, 0xc0000000, SZ_2M, EPT_R | EPT_W, EPT_UC, true, true),
			 0);
	assert_int_equal(pages_used(), used);
	assert_leaf(&e, SZ_2M, 0xc0000000, SZ_2M, DEV_RW);
	ept_destroy(&e);
}

static void test_unmap(void **state)
{
	const uint64_t g = 0x40000000ull + 5 * SZ_2M, h = 0x7fe00000ull;
	struct pt_table e;
	uint64_t sz;

	(void)state;
	assert_int_equal(ept_init(&e, &pa, false), 0);
	assert_int_equal(ept_map(&e, g, h, SZ_2M, EPT_RWX, EPT_WB, true, true), 0);

	/* 4 KiB out of the middle of a 2 MiB page */
	assert_int_equal(ept_unmap(&e, g + 0x5000, SZ_4K), 0);
	assert_int_equal(leaf(&e, g + 0x5000, &sz), 0);
	assert_int_equal(sz, 0);
	assert_int_equal(leaf(&e, g + 0x5fff, &sz), 0);
	for (uint64_t i = 0; i < 512; i++)
		if (i != 5)
			assert_leaf(&e, g + i * SZ_4K, h + i * SZ_4K, SZ_4K, RAM_RWX);

	/* unmapping what is not mapped (in part or whole) is fine */
	assert_int_equal(ept_unmap(&e, g + 0x5000, 2 * SZ_4K), 0);
	assert_int_equal(leaf(&e, g + 0x6000, &sz), 0);
	assert_leaf(&e, g + 0x7000, h + 0x7000, SZ_4K, RAM_RWX);
	assert_int_equal(ept_unmap(&e, 0x123456000000ull, SZ_1G), 0);

	/* a whole 1 GiB leaf, and a 4 KiB page out of another (split twice) */
	assert_int_equal(ept_map(&e, 2 * SZ_1G, 2 * SZ_1G, 2 * SZ_1G, EPT_RWX, EPT_WB, true, true),
			 0);
	assert_int_equal(ept_unmap(&e, 2 * SZ_1G, SZ_1G), 0);
	assert_int_equal(leaf(&e, 2 * SZ_1G + 0x1234000, &sz), 0);
	assert_int_equal(ept_unmap(&e, 3 * SZ_1G + SZ_2M + 0x1000, SZ_4K), 0);
	assert_int_equal(leaf(&e, 3 * SZ_1G + SZ_2M + 0x1000, &sz), 0);
	assert_leaf(&e, 3 * SZ_1G + SZ_2M, 3 * SZ_1G + SZ_2M, SZ_4K, RAM_RWX);
	assert_leaf(&e, 3 * SZ_1G + SZ_2M + 0x2000, 3 * SZ_1G + SZ_2M + 0x2000, SZ_4K, RAM_RWX);
	assert_leaf(&e, 3 * SZ_1G, 3 * SZ_1G, SZ_2M, RAM_RWX);
	assert_leaf(&e, 4 * SZ_1G - SZ_2M, 4 * SZ_1G - SZ_2M, SZ_2M, RAM_RWX);
	/* the first mapping untouched */
	assert_leaf(&e, g + 0x7000, h + 0x7000, SZ_4K, RAM_RWX);
	ept_destroy(&e);
	assert_int_equal(pages_used(), 0);
}

static void test_lookup_unmapped(void **state)
{
	struct pt_table e;
	uint64_t sz;

	(void)state;
	assert_int_equal(ept_init(&e, &pa, false), 0);
	assert_int_equal(leaf(&e, 0, &sz), 0); /* empty table */
	assert_int_equal(sz, 0);
	assert_int_equal(ept_map(&e, SZ_2M, SZ_2M, SZ_2M + SZ_4K, EPT_RWX, EPT_WB, true, true), 0);
	assert_int_equal(leaf(&e, SZ_2M - 1, &sz), 0);		   /* same PD, entry empty */
	assert_int_equal(leaf(&e, 2 * SZ_2M + SZ_4K, &sz), 0);	   /* same PT, entry empty */
	assert_int_equal(leaf(&e, SZ_1G, &sz), 0);		   /* same PDPT */
	assert_int_equal(leaf(&e, SLOT1, &sz), 0);		   /* other PML4 slot */
	assert_int_equal(leaf(&e, EPT_GPA_LIMIT + SZ_2M, &sz), 0); /* beyond the walk */
	assert_int_equal(sz, 0);
	assert_int_not_equal(ept_lookup(&e, SZ_2M, NULL), 0); /* @size may be NULL */
	assert_int_equal(ept_lookup(&e, 0, NULL), 0);
	ept_destroy(&e);
	assert_int_equal(leaf(&e, SZ_2M, &sz), 0); /* destroyed: nothing */
}

/* Guest-physical addresses are 48 bits (4-level walk), host 52 bits. */
static void test_address_limits(void **state)
{
	const uint64_t top = EPT_GPA_LIMIT;
	struct pt_table e;
	uint64_t used;

	(void)state;
	assert_int_equal(ept_init(&e, &pa, false), 0);
	used = pages_used();
	assert_int_equal(ept_map(&e, top, 0, SZ_4K, EPT_RWX, EPT_WB, true, true), -EINVAL);
	assert_int_equal(ept_map(&e, top - SZ_4K, 0, 2 * SZ_4K, EPT_RWX, EPT_WB, true, true),
			 -EINVAL);
	assert_int_equal(ept_map(&e, 1ull << 50, 0, SZ_1G, EPT_RWX, EPT_WB, true, true), -EINVAL);
	assert_int_equal(
		ept_map(&e, 0, EPT_HPA_LIMIT - SZ_4K, 2 * SZ_4K, EPT_RWX, EPT_WB, true, true),
		-EINVAL);
	assert_int_equal(ept_map(&e, 0, EPT_HPA_LIMIT, SZ_4K, EPT_RWX, EPT_WB, true, true),
			 -EINVAL);
	assert_int_equal(ept_unmap(&e, top, SZ_4K), -EINVAL);
	assert_int_equal(ept_unmap(&e, top - SZ_4K, 2 * SZ_4K), -EINVAL);
	assert_int_equal(pages_used(), used);

	/* the last page of the space and the last 1 GiB are fine */
	assert_int_equal(ept_map(&e, top - SZ_4K, 0x1000, SZ_4K, EPT_RWX, EPT_WB, true, true), 0);
	assert_leaf(&e, top - SZ_4K, 0x1000, SZ_4K, RAM_RWX);
	assert_int_equal(ept_map(&e, top - 2 * SZ_1G, EPT_HPA_LIMIT - SZ_1G, SZ_1G, EPT_RWX, EPT_WB,
				 true, true),
			 0);
	assert_leaf(&e, top - 2 * SZ_1G, EPT_HPA_LIMIT - SZ_1G, SZ_1G, RAM_RWX);
	assert_int_equal(ept_unmap(&e, top - SZ_4K, SZ_4K), 0);
	assert_int_equal(ept_lookup(&e, top - SZ_4K, NULL), 0);
	ept_destroy(&e);
}

static void test_bad_input(void **state)
{
	struct pt_table e, none = {0};
	uint64_t used;

	(void)state;
	assert_int_equal(ept_init(&e, &pa, false), 0);
	used = pages_used();
	/* misaligned gpa, hpa, length; zero length; wrapping */
	assert_int_equal(ept_map(&e, 0x10, 0, SZ_4K, EPT_RWX, EPT_WB, true, true), -EINVAL);
	assert_int_equal(ept_map(&e, 0, 0x800, SZ_4K, EPT_RWX, EPT_WB, true, true), -EINVAL);
	assert_int_equal(ept_map(&e, 0, 0, 0x1800, EPT_RWX, EPT_WB, true, true), -EINVAL);
	assert_int_equal(ept_map(&e, 0, 0, 0, EPT_RWX, EPT_WB, true, true), -EINVAL);
	assert_int_equal(ept_map(&e, ~0xfffull, 0, 0x2000, EPT_RWX, EPT_WB, true, true), -EINVAL);
	assert_int_equal(ept_map(&e, 0, ~0xfffull, 0x2000, EPT_RWX, EPT_WB, true, true), -EINVAL);
	assert_int_equal(ept_map(&e, SZ_4K, 0, ~0xfffull, EPT_RWX, EPT_WB, true, true), -EINVAL);
	/* no access, write-only, execute-only, unknown bits */
	assert_int_equal(ept_map(&e, 0, 0, SZ_4K, 0, EPT_WB, true, true), -EINVAL);
	assert_int_equal(ept_map(&e, 0, 0, SZ_4K, EPT_W, EPT_WB, true, true), -EINVAL);
	assert_int_equal(ept_map(&e, 0, 0, SZ_4K, EPT_W | EPT_X, EPT_WB, true, true), -EINVAL);
	assert_int_equal(ept_map(&e, 0, 0, SZ_4K, EPT_X, EPT_WB, true, true), -EINVAL);
	assert_int_equal(ept_map(&e, 0, 0, SZ_4K, EPT_RWX | 8, EPT_WB, true, true), -EINVAL);
	/* reserved memory types */
	assert_int_equal(ept_map(&e, 0, 0, SZ_4K, EPT_RWX, 2, true, true), -EINVAL);
	assert_int_equal(ept_map(&e, 0, 0, SZ_4K, EPT_RWX, 3, true, true), -EINVAL);
	assert_int_equal(ept_map(&e, 0, 0, SZ_4K, EPT_RWX, 7, true, true), -EINVAL);
	assert_int_equal(ept_map(&e, 0, 0, SZ_4K, EPT_RWX, 8, true, true), -EINVAL);
	/* unmap: misaligned, zero, wrapping */
	assert_int_equal(ept_unmap(&e, 0x10, SZ_4K), -EINVAL);
	assert_int_equal(ept_unmap(&e, 0, 0x10), -EINVAL);
	assert_int_equal(ept_unmap(&e, 0, 0), -EINVAL);
	assert_int_equal(ept_unmap(&e, ~0xfffull, 0x2000), -EINVAL);
	/* nothing was built */
	assert_int_equal(pages_used(), used);
	assert_int_equal(ept_lookup(&e, 0, NULL), 0);
	/* a table never made (or destroyed) */
	assert_int_equal(ept_map(&none, 0, 0, SZ_4K, EPT_RWX, EPT_WB, true, true), -EINVAL);
	assert_int_equal(ept_unmap(&none, 0, SZ_4K), -EINVAL);
	/* the valid types are accepted */
	assert_int_equal(ept_map(&e, 0, 0, SZ_4K, EPT_R, EPT_WT, true, true), 0);
	assert_int_equal(ept_map(&e, 0, 0, SZ_4K, EPT_R, EPT_WP, true, true), 0);
	assert_int_equal(ept_lookup(&e, 0, NULL), EPT_R | (EPT_WP << EPT_MT_SHIFT) | EPT_IPAT);
	ept_destroy(&e);
}

/* An allocator with @n pages of the pool from page @first on. */
static void small_pool(struct palloc *p, unsigned int first, unsigned int n)
{
	palloc_init(p);
	if (n)
		assert_int_equal(
			palloc_add(p, (uint64_t)(uintptr_t)pool + first * SZ_4K, n * SZ_4K), 0);
}

/* Out of memory part-way through: a call needing k table pages with k - 1
 * free fails with -ENOMEM and leaves the table and the allocator exactly as
 * they were (the pages are taken before anything is written). */
static void test_exhaustion(void **state)
{
	struct palloc small;
	struct pt_table e;
	uint64_t before, gib, sz;
	uint64_t snap[512];

	(void)state;
	small_pool(&small, 0, 0);
	assert_int_equal(ept_init(&e, &small, false), -ENOMEM);
	assert_int_equal(e.root, 0);

	small_pool(&small, 0, 1);
	assert_int_equal(ept_init(&e, &small, false), 0);
	assert_int_equal(palloc_free_bytes(&small), 0);

	/* 4 KiB at 0 needs PDPT, PD, PT: with two pages it fails whole */
	assert_int_equal(palloc_add(&small, (uint64_t)(uintptr_t)pool + SZ_4K, 2 * SZ_4K), 0);
	assert_int_equal(ept_map(&e, 0, 0, SZ_4K, EPT_RWX, EPT_WB, true, true), -ENOMEM);
	assert_int_equal(palloc_free_bytes(&small), 2 * SZ_4K);
	assert_int_equal(*entry_at(&e, 0, 4), 0);

	/* Across two 512 GiB slots: 4 KiB, 2 MiB | 2 MiB, 4 KiB. The first
	 * slot would be complete before the second ran out if pages were
	 * taken as the walk went. 6 needed (PDPT, PD, PT each), 5 free. */
	assert_int_equal(palloc_add(&small, (uint64_t)(uintptr_t)pool + 3 * SZ_4K, 3 * SZ_4K), 0);
	before = palloc_free_bytes(&small);
	assert_int_equal(before, 5 * SZ_4K);
	assert_int_equal(ept_map(&e, SLOT1 - SZ_2M - SZ_4K, SZ_2M - SZ_4K, 2 * SZ_4K + 2 * SZ_2M,
				 EPT_RWX, EPT_WB, true, true),
			 -ENOMEM);
	assert_int_equal(palloc_free_bytes(&small), before);
	memcpy(snap, (void *)(uintptr_t)e.root, sizeof(snap));
	for (int i = 0; i < 512; i++)
		assert_int_equal(snap[i], 0);
	assert_int_equal(palloc_add(&small, (uint64_t)(uintptr_t)pool + 6 * SZ_4K, SZ_4K), 0);
	assert_int_equal(ept_map(&e, SLOT1 - SZ_2M - SZ_4K, SZ_2M - SZ_4K, 2 * SZ_4K + 2 * SZ_2M,
				 EPT_RWX, EPT_WB, true, true),
			 0);
	assert_int_equal(palloc_free_bytes(&small), 0);
	assert_leaf(&e, SLOT1 - SZ_2M - SZ_4K, SZ_2M - SZ_4K, SZ_4K, RAM_RWX);
	assert_leaf(&e, SLOT1 - SZ_2M, SZ_2M, SZ_2M, RAM_RWX);
	assert_leaf(&e, SLOT1, 2 * SZ_2M, SZ_2M, RAM_RWX);
	assert_leaf(&e, SLOT1 + SZ_2M, 3 * SZ_2M, SZ_4K, RAM_RWX);
	assert_int_equal(ept_lookup(&e, SLOT1 + SZ_2M + SZ_4K, NULL), 0);
	ept_destroy(&e);
	assert_int_equal(palloc_free_bytes(&small), 7 * SZ_4K);

	/* Splitting a live 1 GiB leaf (needs PD and PT) with one page free:
	 * the 1 GiB leaf stays exactly as it was; unmapping inside it too. */
	small_pool(&small, 0, 3);
	assert_int_equal(ept_init(&e, &small, false), 0);
	assert_int_equal(ept_map(&e, 0, 0, SZ_1G, EPT_RWX, EPT_WB, true, true), 0);
	gib = *entry_at(&e, 0, 3);
	assert_int_equal(palloc_free_bytes(&small), SZ_4K);
	assert_int_equal(ept_map(&e, 0x3000, 0xfee00000, SZ_4K, EPT_R | EPT_W, EPT_UC, true, true),
			 -ENOMEM);
	assert_int_equal(ept_unmap(&e, 0x3000, SZ_4K), -ENOMEM);
	assert_int_equal(*entry_at(&e, 0, 3), gib);
	assert_leaf(&e, 0x3000, 0, SZ_1G, RAM_RWX);
	assert_int_equal(palloc_free_bytes(&small), SZ_4K);
	/* a split needing only the PD fits */
	assert_int_equal(ept_unmap(&e, SZ_2M, SZ_2M), 0);
	assert_int_equal(leaf(&e, SZ_2M, &sz), 0);
	assert_leaf(&e, 0, 0, SZ_2M, RAM_RWX);
	assert_int_equal(palloc_free_bytes(&small), 0);
	ept_destroy(&e);
	assert_int_equal(palloc_free_bytes(&small), 3 * SZ_4K);
}

/* 1 GiB leaves: RAM in whole gigabytes, the bits of each, the walk. */
static void test_map_1g(void **state)
{
	struct pt_table e;
	uint64_t *pdpt;

	(void)state;
	assert_int_equal(ept_init(&e, &pa, false), 0);
	assert_int_equal(ept_map(&e, 0, 8 * SZ_1G, 4 * SZ_1G, EPT_RWX, EPT_WB, true, true), 0);
	assert_int_equal(pages_used(), 2);
	for (uint64_t i = 0; i < 4; i++)
		assert_leaf(&e, i * SZ_1G + 0xabc000, (8 + i) * SZ_1G, SZ_1G, RAM_RWX);
	pdpt = entry_at(&e, 0, 3);
	assert_int_equal(pdpt[3], 11 * SZ_1G | RAM_RWX | EPT_LARGE);
	assert_int_equal(pdpt[4], 0);
	/* device memory as a 1 GiB leaf too, forced UC */
	assert_int_equal(
		ept_map(&e, 4 * SZ_1G, 64 * SZ_1G, SZ_1G, EPT_R | EPT_W, EPT_UC, true, true), 0);
	assert_leaf(&e, 4 * SZ_1G, 64 * SZ_1G, SZ_1G, DEV_RW);
	assert_int_equal(pages_used(), 2);
	ept_destroy(&e);
	assert_int_equal(pages_used(), 0);
}

struct change {
	bool unmap;
	uint64_t gpa, hpa, len;
};

static int do_change(struct pt_table *e, void *arg)
{
	const struct change *c = arg;

	if (c->unmap)
		return ept_unmap(e, c->gpa, c->len);
	return ept_map(e, c->gpa, c->hpa, c->len, EPT_R | EPT_W, EPT_UC, true, true);
}

/* Out of memory at each allocation of a change in turn: the map is exactly
 * as it was (every translation, every table page, the allocator). */
static void test_fail_midway(void **state)
{
	const uint64_t gpa[] = {0,
				SZ_4K,
				SZ_1G - SZ_4K,
				SZ_1G,
				SZ_1G + SZ_2M,
				2 * SZ_1G - SZ_4K,
				SLOT1 - SZ_4K,
				SLOT1,
				SLOT1 + SZ_4K};
	struct change c = {false, SZ_1G - SZ_4K, 0xfe000000, 0};
	struct pt_table e;

	(void)state;
	assert_int_equal(ept_init(&e, &pa, true), 0);
	assert_int_equal(ept_map(&e, 0, 0, 2 * SZ_1G, EPT_RWX, EPT_WB, true, true), 0);
	assert_int_equal(ept_map(&e, SLOT1 - SZ_1G, 0, SZ_1G, EPT_RWX, EPT_WB, true, true), 0);
	/* across the end of the first 1 GiB leaf into the second: both split
	 * (a PD each; a PT for the first's last 2 MiB, two for the second's
	 * first 2 MiB and the next: the hpa is only 4 KiB aligned) */
	c.len = SZ_2M + 2 * SZ_4K;
	assert_int_equal(fake_pt_fail_each(&e, do_change, &c, gpa, 9, 8), 5);
	assert_leaf(&e, SZ_1G - SZ_4K, 0xfe000000, SZ_4K, DEV_RW);
	assert_leaf(&e, SZ_1G - 2 * SZ_4K, SZ_1G - 2 * SZ_4K, SZ_4K, RAM_RWX);
	assert_leaf(&e, SZ_1G + SZ_2M + SZ_4K, SZ_1G + SZ_2M + SZ_4K, SZ_4K, RAM_RWX);
	/* an unmap across a 512 GiB boundary: a split there, new tables
	 * nowhere (nothing mapped beyond) */
	c = (struct change){true, SLOT1 - SZ_2M, 0, 2 * SZ_2M};
	assert_int_equal(fake_pt_fail_each(&e, do_change, &c, gpa, 9, 8), 1);
	assert_int_equal(ept_lookup(&e, SLOT1 - SZ_4K, NULL), 0);
	assert_leaf(&e, SLOT1 - 2 * SZ_2M, SZ_1G - 2 * SZ_2M, SZ_2M, RAM_RWX);
	ept_destroy(&e);
	assert_int_equal(pages_used(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_granularity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_entry_bits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pointer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_1g, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remap_leaf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookup_unmapped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_address_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exhaustion, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_1g, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fail_midway, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
