// SPDX-License-Identifier: MIT
/* Guard pages below the stacks (hv/core/stackguard.c) in a host table of a
 * pool of host memory below 4 GiB (MAP_32BIT): "physical" addresses are
 * pointers, and the table maps the pool as RAM. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>
#include "lib/err.h"
#include "hv/core/paging.h"
#include "hv/core/stackguard.h"

#define POOL  (8u << 20)
#define SZ_4K 0x1000ull
#define SZ_2M 0x200000ull

static void *pool;
static uint64_t base; /* the pool's first 2 MiB boundary */
static struct palloc pa;
static struct memmap mm;
static struct pt_table pt;

static int setup(void **state)
{
	const struct paging_host h = {.nx = true};

	(void)state;
	pool = mmap(NULL, POOL, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1,
		    0);
	assert_true(pool != MAP_FAILED);
	base = ((uint64_t)(uintptr_t)pool + SZ_2M - 1) & ~(SZ_2M - 1);
	palloc_init(&pa);
	assert_int_equal(palloc_add(&pa, (uint64_t)(uintptr_t)pool, POOL), 0);
	memmap_init(&mm);
	memmap_add(&mm, (uint64_t)(uintptr_t)pool, POOL, MEM_USABLE);
	assert_int_equal(paging_build(&pt, &mm, &pa, &h), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	munmap(pool, POOL);
	return 0;
}

static uint64_t leaf(uint64_t a)
{
	return paging_lookup(&pt, a, NULL);
}

static void test_add_find_drop(void **state)
{
	uint64_t g = base + 5 * SZ_4K;
	const struct stackguard *sg;

	(void)state;
	assert_int_equal(leaf(g), base | PTE_P | PTE_W | PTE_NX | PTE_PS);
	assert_int_equal(stackguard_add(&pt, g, 3, "stack"), 0);
	assert_int_equal(leaf(g), 0);
	assert_int_equal(leaf(g - SZ_4K), (g - SZ_4K) | PTE_P | PTE_W | PTE_NX);
	assert_int_equal(leaf(g + SZ_4K), (g + SZ_4K) | PTE_P | PTE_W | PTE_NX);
	sg = stackguard_find(g + 0xfff);
	assert_non_null(sg);
	assert_int_equal(sg->page, g);
	assert_int_equal(sg->cpu, 3);
	assert_string_equal(sg->stack, "stack");
	assert_ptr_equal(stackguard_find(g), sg);
	assert_null(stackguard_find(g - 1));
	assert_null(stackguard_find(g + SZ_4K));
	assert_ptr_equal(stackguard_of(3, "stack"), sg);
	assert_null(stackguard_of(3, "ist stack"));
	assert_null(stackguard_of(2, "stack"));
	assert_int_equal(stackguard_add(&pt, g, 4, "stack"), -EEXIST);

	assert_int_equal(stackguard_drop(&pt, g + 8), -ENOENT);
	assert_int_equal(stackguard_drop(&pt, g), 0);
	assert_int_equal(leaf(g), g | PTE_P | PTE_W | PTE_NX);
	assert_null(stackguard_find(g));
	assert_null(stackguard_of(3, "stack"));
	assert_int_equal(stackguard_drop(&pt, g), -ENOENT);
}

static void test_bad_input(void **state)
{
	uint64_t top = 0;

	(void)state;
	assert_int_equal(stackguard_add(&pt, 0, 0, "stack"), -EINVAL);
	assert_int_equal(stackguard_add(&pt, base + 8, 0, "stack"), -EINVAL);
	assert_int_equal(leaf(base), base | PTE_P | PTE_W | PTE_NX | PTE_PS);
	assert_int_equal(stackguard_alloc(&pa, &pt, 0, 0, "stack", &top), -EINVAL);
	assert_int_equal(stackguard_alloc(&pa, &pt, 100, 0, "stack", &top), -EINVAL);
	assert_int_equal(top, 0);
}

static void test_full(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < STACKGUARD_MAX; i++)
		assert_int_equal(stackguard_add(&pt, base + i * SZ_4K, i / 2, "stack"), 0);
	assert_int_equal(stackguard_add(&pt, base + STACKGUARD_MAX * SZ_4K, 0, "stack"), -ENOSPC);
	assert_int_not_equal(leaf(base + STACKGUARD_MAX * SZ_4K), 0);
	for (unsigned int i = 0; i < STACKGUARD_MAX; i++)
		assert_int_equal(stackguard_drop(&pt, base + i * SZ_4K), 0);
	assert_null(stackguard_find(base));
}

/* A stack with its guard from the allocator, and back. */
static void test_alloc_free(void **state)
{
	uint64_t free0 = palloc_free_bytes(&pa), top = 0, guard;
	const struct stackguard *sg;

	(void)state;
	assert_int_equal(stackguard_alloc(&pa, &pt, 4 * SZ_4K, 1, "ist stack", &top), 0);
	guard = top - 5 * SZ_4K;
	sg = stackguard_find(guard);
	assert_non_null(sg);
	assert_int_equal(sg->cpu, 1);
	assert_string_equal(sg->stack, "ist stack");
	assert_int_equal(leaf(guard), 0);
	for (uint64_t a = guard + SZ_4K; a < top; a += SZ_4K)
		assert_int_equal(leaf(a) & (PTE_P | PTE_W | PTE_NX), PTE_P | PTE_W | PTE_NX);
	/* 5 pages, and a page table for the split 2 MiB leaf */
	assert_true(free0 - palloc_free_bytes(&pa) >= 5 * SZ_4K);
	stackguard_free(&pa, &pt, 4 * SZ_4K, top);
	assert_null(stackguard_find(guard));
	assert_int_equal(leaf(guard) & (PTE_P | PTE_W | PTE_NX), PTE_P | PTE_W | PTE_NX);
	assert_true(free0 - palloc_free_bytes(&pa) <= SZ_4K);
}

/* No memory, for the stack or for the table page the guard's split needs:
 * nothing allocated, nothing recorded, nothing unmapped. */
static void test_no_memory(void **state)
{
	uint64_t rest, all, top = 0, g = base + SZ_2M + SZ_4K;

	(void)state;
	rest = palloc_free_bytes(&pa);
	assert_int_equal(palloc_alloc(&pa, rest, PAGE_SIZE, 0, &all), 0);
	assert_int_equal(stackguard_alloc(&pa, &pt, 4 * SZ_4K, 0, "stack", &top), -ENOMEM);
	assert_int_equal(stackguard_add(&pt, g, 0, "stack"), -ENOMEM);
	assert_null(stackguard_find(g));
	assert_int_not_equal(leaf(g), 0);
	assert_int_equal(top, 0);
	palloc_free(&pa, all, rest);
	assert_int_equal(palloc_free_bytes(&pa), rest);
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_add_find_drop), TEST(test_bad_input), TEST(test_full),
		TEST(test_alloc_free),	  TEST(test_no_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
