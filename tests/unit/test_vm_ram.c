// SPDX-License-Identifier: MIT
/*
 * Unit tests for hv/vm/vm_ram.c: a guest's RAM carved from host memory that
 * is whole, in pieces, too little or too scattered; the pieces cover the
 * guest range exactly, in order, aligned, and are all given back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>
#include "hv/core/palloc.h"
#include "hv/vm/vm_ram.h"
#include "lib/err.h"

#define M (1ull << 20)
#define G (1ull << 30)

static struct palloc pa;
static struct vm_ram r;

static int setup(void **state)
{
	(void)state;
	palloc_init(&pa);
	memset(&r, 0, sizeof(r));
	return 0;
}

/* The pieces cover [gpa, gpa+size) in order, each 2 MiB-aligned on both
 * sides and 1 GiB-aligned on the host when it is 1 GiB or more. */
static void check_cover(unsigned int from, uint64_t gpa, uint64_t size)
{
	uint64_t at = gpa;

	for (unsigned int i = from; i < r.n && at < gpa + size; i++) {
		assert_int_equal(r.p[i].gpa, at);
		assert_int_equal(r.p[i].len % (2 * M), 0);
		assert_int_equal(r.p[i].hpa % (2 * M), 0);
		if (r.p[i].len >= G)
			assert_int_equal(r.p[i].hpa % G, 0);
		at += r.p[i].len;
	}
	assert_int_equal(at, gpa + size);
}

static void test_whole(void **state)
{
	uint64_t hpa;

	(void)state;
	assert_int_equal(palloc_add(&pa, 4 * G, 4 * G), 0);
	assert_int_equal(vm_ram_carve(&r, &pa, 0, 3 * G), 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.p[0].hpa, 4 * G);
	assert_int_equal(vm_ram_carve(&r, &pa, 4 * G, 1 * G), 0);
	assert_int_equal(r.n, 2);
	check_cover(1, 4 * G, G);
	/* Lookups: inside a piece, across its end, in the hole, past all. */
	assert_true(vm_ram_hpa(&r, 0x1000, 8, &hpa));
	assert_int_equal(hpa, 4 * G + 0x1000);
	assert_true(vm_ram_hpa(&r, 4 * G + 8, 8, &hpa));
	assert_int_equal(hpa, r.p[1].hpa + 8);
	assert_false(vm_ram_hpa(&r, 3 * G - 4, 8, &hpa));
	assert_false(vm_ram_hpa(&r, 3 * G, 1, &hpa));
	assert_false(vm_ram_hpa(&r, 5 * G, 1, &hpa));
	assert_false(vm_ram_hpa(&r, 0, ~0ull, &hpa));
	vm_ram_free(&r, &pa);
	assert_int_equal(r.n, 0);
	assert_int_equal(palloc_free_bytes(&pa), 4 * G);
}

/* Free memory in pieces (a 2 MiB-aligned 64 MiB, an odd 6 MiB, a 1 GiB
 * block): 1 GiB of guest RAM from all three, no more taken than asked. */
static void test_pieces(void **state)
{
	uint64_t hpa;

	(void)state;
	assert_int_equal(palloc_add(&pa, 0x10000000, 64 * M), 0);
	assert_int_equal(palloc_add(&pa, 0x20000000, 6 * M), 0);
	assert_int_equal(palloc_add(&pa, 8 * G, 1 * G), 0);
	assert_int_equal(vm_ram_carve(&r, &pa, 0, 1 * G + 64 * M), 0);
	check_cover(0, 0, 1 * G + 64 * M);
	assert_int_equal(r.p[0].len, 1 * G); /* the largest first */
	assert_int_equal(r.p[0].hpa, 8 * G);
	assert_true(r.n >= 2);
	assert_int_equal(palloc_free_bytes(&pa), 6 * M);
	/* Guest-physical neighbours in two pieces are not one range. */
	assert_false(vm_ram_hpa(&r, 1 * G - 4, 8, &hpa));
	assert_true(vm_ram_hpa(&r, 1 * G, 8, &hpa));
	vm_ram_free(&r, &pa);
	assert_int_equal(palloc_free_bytes(&pa), 1 * G + 70 * M);
}

/* Too little: nothing kept. Too scattered (2 MiB pieces, 2 MiB apart):
 * refused past VM_RAM_PIECES, nothing kept either; earlier pieces of the
 * guest stay. */
static void test_refusals(void **state)
{
	(void)state;
	assert_int_equal(palloc_add(&pa, 0x40000000, 100 * M), 0);
	assert_int_equal(vm_ram_carve(&r, &pa, 0, 64 * M), 0);
	assert_int_equal(vm_ram_carve(&r, &pa, 64 * M, 64 * M), -ENOMEM);
	assert_int_equal(r.n, 1);
	assert_int_equal(palloc_free_bytes(&pa), 36 * M);
	vm_ram_free(&r, &pa);

	palloc_init(&pa);
	for (unsigned int i = 0; i < 2 * VM_RAM_PIECES; i++)
		assert_int_equal(palloc_add(&pa, G + i * 4 * M, 2 * M), 0);
	assert_int_equal(vm_ram_carve(&r, &pa, 0, (VM_RAM_PIECES + 1) * 2 * M), -ENOSPC);
	assert_int_equal(r.n, 0);
	assert_int_equal(palloc_free_bytes(&pa), 2 * VM_RAM_PIECES * 2 * M);
	assert_int_equal(vm_ram_carve(&r, &pa, 0, VM_RAM_PIECES * 2 * M), 0);
	assert_int_equal(r.n, VM_RAM_PIECES);
	check_cover(0, 0, VM_RAM_PIECES * 2 * M);
	/* Not 2 MiB multiples. */
	assert_int_equal(vm_ram_carve(&r, &pa, 0x1000, 2 * M), -EINVAL);
	assert_int_equal(vm_ram_carve(&r, &pa, 0, M), -EINVAL);
}

/* The ram.piece_mib test aid: no piece larger than asked, even where the
 * host has one block. */
static void test_piece_max(void **state)
{
	(void)state;
	assert_int_equal(palloc_add(&pa, 4 * G, 4 * G), 0);
	vm_ram_set_piece_max(128 * M);
	assert_int_equal(vm_ram_carve(&r, &pa, 0, 3 * G), 0);
	assert_int_equal(vm_ram_carve(&r, &pa, 4 * G, 1 * G), 0);
	vm_ram_set_piece_max(0);
	assert_int_equal(r.n, VM_RAM_PIECES);
	for (unsigned int i = 0; i < r.n; i++)
		assert_int_equal(r.p[i].len, 128 * M);
	check_cover(0, 0, 3 * G);
	check_cover(24, 4 * G, 1 * G);
	vm_ram_free(&r, &pa);
	assert_int_equal(palloc_free_bytes(&pa), 4 * G);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_whole, setup),
		cmocka_unit_test_setup(test_pieces, setup),
		cmocka_unit_test_setup(test_refusals, setup),
		cmocka_unit_test_setup(test_piece_max, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
