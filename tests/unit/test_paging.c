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
#include "fake_pt.h"

#define POOL  (4u << 20)
#define SZ_4K 0x1000ull
#define SZ_2M 0x200000ull
#define SZ_1G 0x40000000ull
/* Without NX and without an image: every leaf executable, none read-only. */
static const struct paging_host plain = {.gb = false}, plain_1g = {.gb = true};
/* An image as linker.ld lays it out, at 2 MiB. */
#define TEXT   0x200000ull
#define RODATA 0x243000ull
#define DATA   0x251000ull
#define END    0x263000ull
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
	assert_int_equal(paging_build(&pt, &mm, &pa, &plain), 0);

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
	assert_int_equal(paging_build(&pt, &mm, &pa, &plain), 0);
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
	assert_int_equal(paging_build(&pt, &mm, &small, &plain), -ENOMEM);
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

/* With 1 GiB pages: a whole 1 GiB of RAM is one leaf; MMIO and the rest
 * as without; MMIO inside it splits it twice, the rest kept. */
static void test_build_1g(void **state)
{
	struct pt_table pt;
	uint64_t e, sz;

	(void)state;
	assert_int_equal(paging_build(&pt, &mm, &pa, &plain_1g), 0);
	e = leaf(&pt, 0x123456789ull, &sz); /* RAM 4 GiB .. 5 GiB */
	assert_int_equal(sz, SZ_1G);
	assert_int_equal(e, 0x100000000ull | PTE_P | PTE_W | PTE_PS);
	e = leaf(&pt, 0x40000000, &sz); /* RAM, but not all of 1..2 GiB */
	assert_int_equal(sz, SZ_2M);
	assert_int_equal(e & (PTE_PS | PTE_UC), PTE_PS);
	e = leaf(&pt, 0xc0000000, &sz); /* 3..4 GiB: MMIO, never 1 GiB */
	assert_int_equal(sz, SZ_2M);
	assert_int_equal(e & PTE_UC, PTE_UC);
	e = leaf(&pt, 0x1000, &sz);
	assert_int_equal(sz, SZ_4K);

	assert_int_equal(paging_map(&pt, 0x120003000ull, SZ_4K, PTE_W | PTE_UC), 0);
	e = leaf(&pt, 0x120003000ull, &sz);
	assert_int_equal(sz, SZ_4K);
	assert_int_equal(e, 0x120003000ull | PTE_P | PTE_W | PTE_UC);
	e = leaf(&pt, 0x120004000ull, &sz);
	assert_int_equal(sz, SZ_4K);
	assert_int_equal(e, 0x120004000ull | PTE_P | PTE_W);
	e = leaf(&pt, 0x120200000ull, &sz);
	assert_int_equal(sz, SZ_2M);
	assert_int_equal(e, 0x120200000ull | PTE_P | PTE_W | PTE_PS);
	e = leaf(&pt, 0x13fe00000ull, &sz);
	assert_int_equal(e, 0x13fe00000ull | PTE_P | PTE_W | PTE_PS);
}

/* A nested table with 1 GiB pages, U on every level. */
static void test_nested_1g(void **state)
{
	struct pt_table pt;
	uint64_t e, sz, *pml4, *pdpt;

	(void)state;
	assert_int_equal(paging_init_nested(&pt, &pa, true), 0);
	assert_int_equal(paging_map_to(&pt, 0, SZ_1G, 2 * SZ_1G + SZ_4K, PTE_W | PTE_U), 0);
	e = leaf(&pt, 0x12345678, &sz);
	assert_int_equal(sz, SZ_1G);
	assert_int_equal(e, SZ_1G | PTE_P | PTE_W | PTE_U | PTE_PS);
	e = leaf(&pt, SZ_1G + 0x1000, &sz);
	assert_int_equal(sz, SZ_1G);
	assert_int_equal(e & PTE_ADDR, 2 * SZ_1G);
	e = leaf(&pt, 2 * SZ_1G, &sz);
	assert_int_equal(sz, SZ_4K);
	assert_int_equal(e, 3 * SZ_1G | PTE_P | PTE_W | PTE_U);
	pml4 = (uint64_t *)(uintptr_t)pt.root;
	pdpt = (uint64_t *)(uintptr_t)(pml4[0] & PTE_ADDR);
	assert_int_equal(pml4[0] & ~PTE_ADDR, PTE_P | PTE_W | PTE_U);
	assert_int_equal(pdpt[2] & ~PTE_ADDR, PTE_P | PTE_W | PTE_U);
	/* uncached 4 KiB in the middle: split twice, the rest kept */
	assert_int_equal(
		paging_map_to(&pt, SZ_1G + SZ_2M, 0xfe000000, SZ_4K, PTE_W | PTE_U | PTE_UC), 0);
	e = leaf(&pt, SZ_1G + SZ_2M, &sz);
	assert_int_equal(e, 0xfe000000 | PTE_P | PTE_W | PTE_U | PTE_UC);
	e = leaf(&pt, SZ_1G + SZ_2M + SZ_4K, &sz);
	assert_int_equal(e, (2 * SZ_1G + SZ_2M + SZ_4K) | PTE_P | PTE_W | PTE_U);
	e = leaf(&pt, SZ_1G, &sz);
	assert_int_equal(sz, SZ_2M);
	assert_int_equal(e, 2 * SZ_1G | PTE_P | PTE_W | PTE_U | PTE_PS);
	/* without 1 GiB pages: 2 MiB */
	assert_int_equal(paging_init_nested(&pt, &pa, false), 0);
	assert_int_equal(paging_map_to(&pt, 0, SZ_1G, SZ_1G, PTE_W | PTE_U), 0);
	leaf(&pt, 0, &sz);
	assert_int_equal(sz, SZ_2M);
}

/* W^X: text read-only and executable, rodata read-only, data and all other
 * memory (RAM, MMIO) writable and not executable. */
static void test_build_wx(void **state)
{
	const struct paging_host h = {
		.gb = true, .nx = true, .text = TEXT, .rodata = RODATA, .data = DATA, .end = END};
	const uint64_t ro = PTE_P, rw_nx = PTE_P | PTE_W | PTE_NX;
	struct pt_table pt;
	uint64_t e, sz;

	(void)state;
	assert_int_equal(paging_build(&pt, &mm, &pa, &h), 0);
	e = leaf(&pt, TEXT, &sz);
	assert_int_equal(sz, SZ_4K);
	assert_int_equal(e, TEXT | ro);
	assert_int_equal(leaf(&pt, RODATA - SZ_4K, &sz), (RODATA - SZ_4K) | ro);
	assert_int_equal(leaf(&pt, RODATA, &sz), RODATA | ro | PTE_NX);
	assert_int_equal(leaf(&pt, DATA - SZ_4K, &sz), (DATA - SZ_4K) | ro | PTE_NX);
	assert_int_equal(leaf(&pt, DATA, &sz), DATA | rw_nx);
	assert_int_equal(leaf(&pt, END - SZ_4K, &sz), (END - SZ_4K) | rw_nx);
	assert_int_equal(leaf(&pt, END, &sz), END | rw_nx); /* free RAM after it */
	assert_int_equal(leaf(&pt, TEXT - SZ_4K, &sz), (TEXT - SZ_4K) | rw_nx);
	assert_int_equal(leaf(&pt, 0x400000, &sz), 0x400000 | rw_nx | PTE_PS);
	assert_int_equal(sz, SZ_2M);
	assert_int_equal(leaf(&pt, 0x123456789ull, &sz), 0x100000000ull | rw_nx | PTE_PS);
	assert_int_equal(sz, SZ_1G);
	e = leaf(&pt, 0xb0000000, &sz); /* MMIO */
	assert_int_equal(e, 0xb0000000 | rw_nx | PTE_UC | PTE_PS);
	assert_int_equal(leaf(&pt, 0xf0000, &sz), 0xf0000 | rw_nx | PTE_UC);

	/* later mappings: MMIO not executable, a page made executable (the AP
	 * trampoline) and back */
	assert_int_equal(paging_map(&pt, 0x800000000ull, SZ_4K, PTE_W | PTE_UC | PTE_NX), 0);
	assert_int_equal(leaf(&pt, 0x800000000ull, &sz), 0x800000000ull | rw_nx | PTE_UC);
	assert_int_equal(paging_map(&pt, 0x9000, SZ_4K, PTE_W), 0);
	assert_int_equal(leaf(&pt, 0x9000, &sz), 0x9000 | PTE_P | PTE_W);
	assert_int_equal(paging_map(&pt, 0x9000, SZ_4K, PTE_W | PTE_NX), 0);
	assert_int_equal(leaf(&pt, 0x9000, &sz), 0x9000 | rw_nx);
}

/* A CPU without NX: no NX bit anywhere (it would be reserved), text still
 * read-only. */
static void test_build_no_nx(void **state)
{
	const struct paging_host h = {.text = TEXT, .rodata = RODATA, .data = DATA, .end = END};
	const uint64_t va[] = {0, 0xf0000, TEXT, RODATA, DATA, END, 0x400000, 0xb0000000};
	struct pt_table pt;
	uint64_t sz;

	(void)state;
	assert_int_equal(paging_build(&pt, &mm, &pa, &h), 0);
	for (unsigned int i = 0; i < sizeof(va) / sizeof(va[0]); i++)
		assert_int_equal(leaf(&pt, va[i], &sz) & PTE_NX, 0);
	assert_int_equal(leaf(&pt, TEXT, &sz), TEXT | PTE_P);
	assert_int_equal(leaf(&pt, RODATA, &sz), RODATA | PTE_P);
	assert_int_equal(leaf(&pt, DATA, &sz), DATA | PTE_P | PTE_W);
	assert_int_equal(paging_map(&pt, 0x800000000ull, SZ_4K, PTE_W | PTE_UC | PTE_NX), 0);
	assert_int_equal(leaf(&pt, 0x800000000ull, &sz) & PTE_NX, 0);
}

/* An image not page aligned or not in section order: refused. */
static void test_build_bad_image(void **state)
{
	const struct paging_host bad[] = {
		{.nx = true, .text = TEXT + 0x10, .rodata = RODATA, .data = DATA, .end = END},
		{.nx = true, .text = TEXT, .rodata = RODATA, .data = DATA, .end = END + 1},
		{.nx = true, .text = TEXT, .rodata = DATA, .data = RODATA, .end = END},
		{.nx = true, .text = TEXT, .rodata = RODATA, .data = END + SZ_4K, .end = END},
		{.nx = true, .text = RODATA, .rodata = TEXT, .data = DATA, .end = END},
	};
	struct pt_table pt;

	(void)state;
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(paging_build(&pt, &mm, &pa, &bad[i]), -EINVAL);
}

struct change {
	bool unmap;
	uint64_t virt, phys, len, flags;
};

static int host_change(struct pt_table *pt, void *arg)
{
	const struct change *c = arg;

	return paging_map(pt, c->phys, c->len, c->flags);
}

static int nested_change(struct pt_table *pt, void *arg)
{
	const struct change *c = arg;

	if (c->unmap)
		return paging_unmap(pt, c->virt, c->len);
	return paging_map_to(pt, c->virt, c->phys, c->len, c->flags);
}

/* Out of memory at any allocation of a change: the map is exactly as it
 * was (every translation, every table page, the allocator). */
static void test_host_fail_midway(void **state)
{
	const uint64_t va[] = {0x11ffff000ull,	0x120000000ull, 0x120001000ull, 0x120200000ull,
			       0x13fffe000ull,	0x13ffff000ull, 0x140000000ull, 0x140200000ull,
			       0x8000000000ull, 0xfee00000ull};
	struct change c = {false, 0, 0x13ffff000ull, 0x140201000ull - 0x13ffff000ull,
			   PTE_W | PTE_UC};
	struct pt_table pt;
	uint64_t sz;

	(void)state;
	assert_int_equal(paging_build(&pt, &mm, &pa, &plain_1g), 0);
	/* MMIO from the last RAM page on: the 1 GiB RAM leaf split twice, a
	 * new PD beyond it and a PT for its last page */
	assert_int_equal(fake_pt_fail_each(&pt, host_change, &c, va, 10, 8), 4);
	assert_int_equal(leaf(&pt, 0x13ffff000ull, &sz) & (PTE_ADDR | PTE_UC),
			 0x13ffff000ull | PTE_UC);
	assert_int_equal(leaf(&pt, 0x13fffe000ull, &sz) & (PTE_ADDR | PTE_UC), 0x13fffe000ull);
	assert_int_equal(leaf(&pt, 0x140000000ull, &sz) & PTE_UC, PTE_UC);
	assert_int_equal(sz, SZ_2M);
	assert_int_equal(leaf(&pt, 0x140200000ull, &sz) & PTE_UC, PTE_UC);
	assert_int_equal(sz, SZ_4K);
}

static void test_nested_fail_midway(void **state)
{
	const uint64_t va[] = {0,
			       SZ_4K,
			       SZ_1G - SZ_4K,
			       SZ_1G,
			       SZ_1G + SZ_4K,
			       2 * SZ_1G - SZ_4K,
			       0x8000000000ull - SZ_4K,
			       0x8000000000ull};
	struct change c = {false, SZ_4K, 0x7000, 0x8000001000ull - SZ_4K, PTE_W | PTE_U};
	struct pt_table pt;
	uint64_t sz;

	(void)state;
	assert_int_equal(paging_init_nested(&pt, &pa, true), 0);
	assert_int_equal(paging_map_to(&pt, 0, 0, 2 * SZ_1G, PTE_W | PTE_U), 0);
	/* a page table per 2 MiB in 4 KiB leaves (the delta is only 4 KiB
	 * aligned) would be too many: a smaller range, splitting 1 GiB */
	c.len = SZ_2M + SZ_4K;
	c.virt = SZ_1G - SZ_4K;
	c.phys = 0x7000;
	assert_int_equal(fake_pt_fail_each(&pt, nested_change, &c, va, 8, 8), 4);
	assert_int_equal(leaf(&pt, SZ_1G - SZ_4K, &sz) & PTE_ADDR, 0x7000);
	assert_int_equal(leaf(&pt, SZ_1G + SZ_2M - SZ_4K, &sz) & PTE_ADDR, 0x7000 + SZ_2M);
	assert_int_equal(leaf(&pt, SZ_1G + SZ_2M, &sz) & PTE_ADDR, SZ_1G + SZ_2M);
	assert_int_equal(sz, SZ_2M);
	/* an unmap splitting a 1 GiB leaf, across a 512 GiB boundary */
	assert_int_equal(paging_map_to(&pt, 0x8000000000ull - SZ_1G, 0, 2 * SZ_1G, PTE_W | PTE_U),
			 0);
	c = (struct change){true, 0x8000000000ull - SZ_4K, 0, 2 * SZ_4K, 0};
	assert_int_equal(fake_pt_fail_each(&pt, nested_change, &c, va, 8, 8), 4);
	assert_int_equal(leaf(&pt, 0x8000000000ull - SZ_4K, &sz), 0);
	assert_int_equal(leaf(&pt, 0x8000001000ull, &sz) & PTE_ADDR, SZ_1G + SZ_4K);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_identity_and_caching, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_mmio_above_4g_and_split, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_to_nested, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_1g, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nested_1g, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_fail_midway, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nested_fail_midway, setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_wx, setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_no_nx, setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_bad_image, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
