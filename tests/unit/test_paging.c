// SPDX-License-Identifier: MIT
/* Host page-table builder. Table pages come from a pool below 4 GiB of host
 * memory (MAP_32BIT), so "physical" pointers are real host pointers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>
#include "lib/err.h"
#include "hv/core/paging.h"

#define POOL (4u << 20)
static void *pool;
static struct palloc pa;
static struct memmap mm;

static int setup(void **state)
{
	(void)state;
	pool = mmap(NULL, POOL, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1,
		    0);
	assert_true(pool != MAP_FAILED);
	palloc_init(&pa);
	assert_int_equal(palloc_add(&pa, (uint64_t)(uintptr_t)pool, POOL), 0);

	/* QEMU q35 with 5 GiB as SeaBIOS reports it. */
	memmap_init(&mm);
	memmap_add(&mm, 0, 0x9fc00, MEM_USABLE);
	memmap_add(&mm, 0x9fc00, 0x400, MEM_RESERVED);
	memmap_add(&mm, 0xf0000, 0x10000, MEM_RESERVED);
	memmap_add(&mm, 0x100000, 0x7fee0000 - 0x100000, MEM_USABLE);
	memmap_add(&mm, 0x7fee0000, 0x20000, MEM_ACPI_RECLAIM);
	memmap_add(&mm, 0x7ff00000, 0x100000, MEM_RESERVED);
	memmap_add(&mm, 0xb0000000, 0x10000000, MEM_RESERVED);
	memmap_add(&mm, 0xfed1c000, 0x4000, MEM_RESERVED);
	memmap_add(&mm, 0x100000000ull, 0x40000000ull, MEM_USABLE);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	munmap(pool, POOL);
	return 0;
}

static uint64_t leaf(struct pt_table *pt, uint64_t a, uint64_t *size)
{
	*size = 0;
	return paging_lookup(pt, a, size);
}

static void test_identity_and_caching(void **state)
{
	struct pt_table pt;
	uint64_t e, sz;

	(void)state;
	assert_int_equal(paging_build(&pt, &mm, &pa, false), 0);

	e = leaf(&pt, 0x200000, &sz); /* all RAM: a 2 MiB write-back page */
	assert_int_equal(sz, 2u << 20);
	assert_int_equal(e & PTE_ADDR, 0x200000);
	assert_int_equal(e & (PTE_P | PTE_W | PTE_PS | PTE_UC), PTE_P | PTE_W | PTE_PS);

	e = leaf(&pt, 0x1000, &sz); /* first 2 MiB mixes RAM and BIOS areas */
	assert_int_equal(sz, 4096);
	assert_int_equal(e & PTE_UC, 0);
	e = leaf(&pt, 0x9f000, &sz); /* the page holding the EBDA start: partly RAM */
	assert_int_equal(e & PTE_UC, 0);
	e = leaf(&pt, 0xf0000, &sz);
	assert_int_equal(sz, 4096);
	assert_int_equal(e & PTE_UC, PTE_UC);
	assert_int_equal(e & PTE_ADDR, 0xf0000);

	e = leaf(&pt, 0x7fee0000, &sz); /* ACPI tables: RAM, cached */
	assert_int_equal(sz, 4096);
	assert_int_equal(e & PTE_UC, 0);
	e = leaf(&pt, 0x7ff00000, &sz); /* firmware reserved beside it: uncached */
	assert_int_equal(e & PTE_UC, PTE_UC);

	e = leaf(&pt, 0xb0000000 + 0x345000, &sz); /* ECAM: MMIO, uncached 2 MiB */
	assert_int_equal(sz, 2u << 20);
	assert_int_equal(e & (PTE_UC | PTE_PS), PTE_UC | PTE_PS);
	e = leaf(&pt, 0xfee00000, &sz); /* nothing in the map: still MMIO, uncached */
	assert_int_equal(e & PTE_UC, PTE_UC);

	e = leaf(&pt, 0x13fe00000ull, &sz); /* RAM above 4 GiB */
	assert_int_equal(sz, 2u << 20);
	assert_int_equal(e & PTE_ADDR, 0x13fe00000ull);
	assert_int_equal(leaf(&pt, 0x140000000ull, &sz), 0); /* past RAM: unmapped */
	assert_int_equal(leaf(&pt, 0x8000000000ull, &sz), 0);
}

static void test_map_mmio_above_4g_and_split(void **state)
{
	struct pt_table pt;
	uint64_t e, sz;

	(void)state;
	assert_int_equal(paging_build(&pt, &mm, &pa, false), 0);
	/* a 64-bit BAR far above RAM */
	assert_int_equal(paging_map(&pt, 0x800000000ull + 0x10, 0x2000, PTE_W | PTE_UC), 0);
	e = leaf(&pt, 0x800001000ull, &sz);
	assert_int_equal(sz, 4096);
	assert_int_equal(e & (PTE_P | PTE_W | PTE_UC), PTE_P | PTE_W | PTE_UC);
	assert_int_not_equal(leaf(&pt, 0x800002000ull, &sz), 0); /* +0x10 reaches a third page */
	assert_int_equal(leaf(&pt, 0x800003000ull, &sz), 0);

	/* MMIO inside a 2 MiB RAM page splits it and keeps the rest as it was */
	assert_int_equal(paging_map(&pt, 0x401000, 0x1000, PTE_W | PTE_UC), 0);
	e = leaf(&pt, 0x401000, &sz);
	assert_int_equal(sz, 4096);
	assert_int_equal(e & PTE_UC, PTE_UC);
	e = leaf(&pt, 0x400000, &sz);
	assert_int_equal(sz, 4096);
	assert_int_equal(e & (PTE_P | PTE_W | PTE_UC), PTE_P | PTE_W);
	assert_int_equal(e & PTE_ADDR, 0x400000);
	e = leaf(&pt, 0x5ff000, &sz);
	assert_int_equal(e & PTE_ADDR, 0x5ff000);
	assert_int_equal(e & PTE_PS, 0);

	assert_int_equal(paging_map(&pt, 0x1000, 0, PTE_W), -EINVAL);
	assert_int_equal(paging_map(&pt, ~0ull - 0xfff, 0x2000, PTE_W), -EINVAL);
}

static void test_out_of_memory(void **state)
{
	struct pt_table pt;
	struct palloc small;

	(void)state;
	palloc_init(&small);
	assert_int_equal(palloc_add(&small, (uint64_t)(uintptr_t)pool, 3 * 4096), 0);
	assert_int_equal(paging_build(&pt, &mm, &small, false), -ENOMEM);
}

/* A nested table: guest 0..6 MiB+8K at host 0x40000000, U on every level. */
static void test_map_to_nested(void **state)
{
	struct pt_table pt;
	uint64_t e, sz, *pml4;

	(void)state;
	assert_int_equal(paging_init_nested(&pt, &pa, false), 0);
	assert_int_equal(paging_map_to(&pt, 0, 0x40000000, (6u << 20) + 0x2000, PTE_W | PTE_U), 0);
	e = leaf(&pt, 0x1234, &sz);
	assert_int_equal(sz, 2u << 20);
	assert_int_equal(e & PTE_ADDR, 0x40000000);
	assert_int_equal(e & (PTE_P | PTE_W | PTE_U | PTE_PS), PTE_P | PTE_W | PTE_U | PTE_PS);
	e = leaf(&pt, 0x401000, &sz);
	assert_int_equal(sz, 2u << 20);
	assert_int_equal(e & PTE_ADDR, 0x40400000);
	e = leaf(&pt, 0x601000, &sz); /* the tail: 4 KiB pages */
	assert_int_equal(sz, 4096);
	assert_int_equal(e & PTE_ADDR, 0x40601000);
	assert_int_equal(leaf(&pt, 0x602000, &sz), 0);
	pml4 = (uint64_t *)(uintptr_t)pt.root;
	assert_int_equal(pml4[0] & (PTE_P | PTE_W | PTE_U), PTE_P | PTE_W | PTE_U);
	/* misaligned or wrapping: refused */
	assert_int_equal(paging_map_to(&pt, 0x10, 0, 0x1000, PTE_W), -EINVAL);
	assert_int_equal(paging_map_to(&pt, 0, 0, 0, PTE_W), -EINVAL);
	assert_int_equal(paging_map_to(&pt, ~0xfffull, 0, 0x2000, PTE_W), -EINVAL);
}

static void test_unmap(void **state)
{
	struct pt_table pt;
	uint64_t sz;

	(void)state;
	assert_int_equal(paging_init_nested(&pt, &pa, false), 0);
	assert_int_equal(paging_map_to(&pt, 0, 0x40000000, 6u << 20, PTE_W | PTE_U), 0);
	/* A whole 2 MiB page goes; one 4 KiB page out of the next splits it. */
	assert_int_equal(paging_unmap(&pt, 0, 2u << 20), 0);
	assert_int_equal(leaf(&pt, 0x1000, &sz), 0);
	assert_int_equal(paging_unmap(&pt, 0x201000, 0x1000), 0);
	assert_int_equal(leaf(&pt, 0x201000, &sz), 0);
	assert_int_equal(leaf(&pt, 0x200000, &sz) & PTE_ADDR, 0x40200000);
	assert_int_equal(sz, 4096);
	assert_int_equal(leaf(&pt, 0x202000, &sz) & PTE_ADDR, 0x40202000);
	assert_int_equal(leaf(&pt, 0x3ff000, &sz) & PTE_ADDR, 0x403ff000);
	/* The third 2 MiB page is untouched, and so are its flags. */
	assert_int_equal(leaf(&pt, 0x400000, &sz) & (PTE_ADDR | PTE_PS | PTE_U),
			 0x40400000 | PTE_PS | PTE_U);
	assert_int_equal(sz, 2u << 20);
	/* Unmapped ranges, above what was ever mapped: fine, nothing changes. */
	assert_int_equal(paging_unmap(&pt, 0x1000, 0x1000), 0);
	assert_int_equal(paging_unmap(&pt, 0x7fff0000000ull, 0x10000), 0);
	assert_int_equal(leaf(&pt, 0x400000, &sz) & PTE_ADDR, 0x40400000);
	/* Bad input. */
	assert_int_equal(paging_unmap(&pt, 0x10, 0x1000), -EINVAL);
	assert_int_equal(paging_unmap(&pt, 0, 0), -EINVAL);
	assert_int_equal(paging_unmap(&pt, ~0xfffull, 0x2000), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_identity_and_caching, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_mmio_above_4g_and_split, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_to_nested, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmap, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
