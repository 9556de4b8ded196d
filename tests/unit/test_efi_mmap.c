// SPDX-License-Identifier: MIT
/* The UEFI memory map to the hypervisor's: merging, attributes, runtime
 * regions kept reserved, hostile descriptors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "boot/efi_mmap.h"
#include "lib/err.h"
#include "fake_printk.h"
#include "lib/printk.h"

/* OVMF's descriptors are 48 bytes: the 40 of the spec and 8 of padding. */
#define DSIZE 48

static uint8_t map[64 * DSIZE];
static size_t n;

static void desc(uint32_t type, uint64_t base, uint64_t pages, uint64_t attr)
{
	uint8_t *d = map + n++ * DSIZE;

	memset(d, 0xAA, DSIZE); /* padding and virt hold junk, as firmware may leave */
	memcpy(d, &type, 4);
	memcpy(d + 8, &base, 8);
	memcpy(d + 24, &pages, 8);
	memcpy(d + 32, &attr, 8);
}

static int setup(void **state)
{
	(void)state;
	n = 0;
	printk_reset();
	return 0;
}

static void assert_range(const struct memmap *m, unsigned int i, uint64_t base, uint64_t end,
			 enum mem_type t)
{
	assert_true(i < m->n);
	assert_int_equal(m->r[i].base, base);
	assert_int_equal(m->r[i].end, end);
	assert_int_equal(m->r[i].type, t);
}

/* A map like OVMF's on a 1 GiB q35 machine after ExitBootServices. */
static void test_ovmf_like_map(void **state)
{
	struct memmap m;

	(void)state;
	memmap_init(&m);
	desc(3, 0x0, 1, 0xF);				    /* BootServicesCode */
	desc(7, 0x1000, 0x9F, 0xF);			    /* Conventional */
	desc(2, 0x100000, 0x100, 0xF);			    /* LoaderData */
	desc(1, 0x200000, 0x40, 0xF);			    /* LoaderCode: vfvisor.elf */
	desc(7, 0x240000, 0x3F000 - 0x240, 0xF);	    /* Conventional */
	desc(4, 0x3F000000, 0x700, 0xF);		    /* BootServicesData */
	desc(9, 0x3F700000, 0x10, 0xF);			    /* ACPI reclaim */
	desc(10, 0x3F710000, 0x10, 0xF);		    /* ACPI NVS */
	desc(5, 0x3F720000, 0x20, 0x800000000000000Full);   /* RuntimeServicesCode */
	desc(6, 0x3F740000, 0x20, 0x800000000000000Full);   /* RuntimeServicesData */
	desc(7, 0x3F760000, 0x8A0, 0x800000000000000Full);  /* runtime-attributed RAM */
	desc(11, 0xFFC00000, 0x400, 0x8000000000000001ull); /* MMIO (flash) */
	desc(0, 0xFEC00000, 1, 0);			    /* reserved */
	assert_int_equal(efi_mmap_convert(&m, map, n, DSIZE, "efi"), 0);

	/* Loader, boot services and conventional memory merge into usable RAM. */
	assert_range(&m, 0, 0x0, 0xA0000, MEM_USABLE);
	assert_range(&m, 1, 0x100000, 0x3F700000, MEM_USABLE);
	assert_range(&m, 2, 0x3F700000, 0x3F710000, MEM_ACPI_RECLAIM);
	assert_range(&m, 3, 0x3F710000, 0x3F720000, MEM_ACPI_NVS);
	/* Runtime code, data, and RAM carrying the runtime attribute: reserved. */
	assert_range(&m, 4, 0x3F720000, 0x40000000, MEM_RESERVED);
	assert_range(&m, 5, 0xFEC00000, 0xFEC01000, MEM_RESERVED);
	assert_range(&m, 6, 0xFFC00000, 0x100000000ull, MEM_RESERVED);
	assert_int_equal(m.n, 7);
	assert_int_equal(printk_count[LOG_WARN] + printk_count[LOG_ERR], 0);
}

static void test_types(void **state)
{
	(void)state;
	for (uint32_t t = 0; t < 20; t++) {
		enum mem_type want = MEM_RESERVED;

		if (t == 1 || t == 2 || t == 3 || t == 4 || t == 7)
			want = MEM_USABLE;
		else if (t == 8)
			want = MEM_BAD;
		else if (t == 9)
			want = MEM_ACPI_RECLAIM;
		else if (t == 10)
			want = MEM_ACPI_NVS;
		assert_int_equal(efi_mem_type(t, 0xF), want);
		assert_int_equal(efi_mem_type(t, EFI_MEMORY_RUNTIME | 0xF), MEM_RESERVED);
	}
	assert_int_equal(efi_mem_type(0x80000000u, 0), MEM_RESERVED); /* OEM types */
	assert_int_equal(efi_mem_type(14, 0), MEM_RESERVED);	      /* persistent */
}

/* Overlapping descriptors (buggy firmware): the more restrictive wins. */
static void test_overlap(void **state)
{
	struct memmap m;

	(void)state;
	memmap_init(&m);
	desc(7, 0x100000, 0x100, 0);
	desc(0, 0x180000, 0x10, 0);
	assert_int_equal(efi_mmap_convert(&m, map, n, DSIZE, "efi"), 0);
	assert_range(&m, 0, 0x100000, 0x180000, MEM_USABLE);
	assert_range(&m, 1, 0x180000, 0x190000, MEM_RESERVED);
	assert_range(&m, 2, 0x190000, 0x200000, MEM_USABLE);
}

static void test_hostile(void **state)
{
	struct memmap m;

	(void)state;
	memmap_init(&m);
	desc(7, 0x100000, 0, 0);		   /* zero pages: nothing */
	desc(7, 0x1000, 0x0010000000000000ull, 0); /* 2^52 pages: overflows */
	desc(7, 0xFFFFFFFFFFFFF000ull, 2, 0);	   /* runs past 2^64 */
	desc(7, 0x200000, 0x10, 0);
	assert_int_equal(efi_mmap_convert(&m, map, n, DSIZE, "efi"), 0);
	assert_int_equal(m.n, 1);
	assert_range(&m, 0, 0x200000, 0x210000, MEM_USABLE);
	assert_true(
		printk_saw("efi: EFI descriptor 1 at 0x1000 has 0x10000000000000 pages, skipped"));
	assert_true(
		printk_saw("efi: EFI descriptor 2 at 0xfffffffffffff000 has 0x2 pages, skipped"));
	assert_int_equal(printk_count[LOG_WARN], 2);

	memmap_init(&m);
	assert_int_equal(efi_mmap_convert(&m, map, n, 39, "efi"), -EINVAL);
	assert_true(printk_saw("efi: EFI descriptor size 39 invalid, map rejected"));
	assert_int_equal(m.n, 0);
}

static void test_map_full(void **state)
{
	struct memmap m;

	(void)state;
	memmap_init(&m);
	for (int i = 0; i < 64; i++) /* alternating types: nothing merges */
		desc(i % 2 ? 7 : 0, 0x100000ull * (uint64_t)i, 0x10, 0);
	/* 64 descriptors of 48 bytes fill `map`; run them twice at other bases */
	assert_int_equal(efi_mmap_convert(&m, map, n, DSIZE, "efi"), 0);
	assert_int_equal(m.n, 64);
	for (size_t i = 0; i < n; i++) {
		uint64_t base = 0x10000000ull + 0x100000ull * i;

		memcpy(map + i * DSIZE + 8, &base, 8);
	}
	assert_int_equal(efi_mmap_convert(&m, map, n, DSIZE, "efi"), 0);
	assert_int_equal(m.n, MEMMAP_MAX); /* exactly full */
	n = 0;
	desc(7, 0x80000000ull, 1, 0); /* one more distinct range */
	assert_int_equal(efi_mmap_convert(&m, map, n, DSIZE, "efi"), -ENOSPC);
	assert_int_equal(m.n, MEMMAP_MAX);
	assert_true(printk_saw("efi: EFI memory map has more than 128 distinct ranges"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_ovmf_like_map, setup),
		cmocka_unit_test_setup(test_types, setup),
		cmocka_unit_test_setup(test_overlap, setup),
		cmocka_unit_test_setup(test_hostile, setup),
		cmocka_unit_test_setup(test_map_full, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
