// SPDX-License-Identifier: MIT
/* Guest page-table walk: tables built in a fake guest memory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "lib/err.h"
#include "hv/platform/gwalk.h"

#define MEM (64 * 4096)
static uint64_t mem[MEM / 8];
static unsigned int reads;

static int rd(void *ctx, uint64_t gpa, uint64_t *val)
{
	(void)ctx;
	reads++;
	if (gpa >= MEM || (gpa & 7))
		return -EFAULT;
	*val = mem[gpa / 8];
	return 0;
}

static void set(uint64_t table, unsigned int idx, uint64_t val)
{
	mem[(table + idx * 8) / 8] = val;
}

static const struct gwalk_mode lm4 = {
	.cr0 = GW_CR0_PG | 1, .cr3 = 0x1000, .cr4 = GW_CR4_PAE, .efer = GW_EFER_LMA | (1 << 8)};

static int setup(void **s)
{
	(void)s;
	memset(mem, 0, sizeof(mem));
	reads = 0;
	return 0;
}

static void paging_off_is_identity(void **s)
{
	struct gwalk_mode m = {0};
	uint64_t gpa;

	(void)s;
	assert_int_equal(gwalk(&m, 0x12345678, rd, NULL, &gpa), 0);
	assert_int_equal(gpa, 0x12345678);
	assert_int_equal(reads, 0);
}

static void four_level_4k(void **s)
{
	uint64_t gva = 0xFFFF800000201234ull, gpa;

	(void)s;
	/* PML4[256] -> 0x2000, PDPT[0] -> 0x3000, PD[1] -> 0x4000, PT[1] -> 0x7000 */
	set(0x1000, 256, 0x2000 | 3);
	set(0x2000, 0, 0x3000 | 3);
	set(0x3000, 1, 0x4000 | 3);
	set(0x4000, 1, 0x7000 | 3 | (1ull << 63)); /* NX does not stop a read */
	assert_int_equal(gwalk(&lm4, gva, rd, NULL, &gpa), 0);
	assert_int_equal(gpa, 0x7234);
	assert_int_equal(reads, 4);
}

static void large_pages(void **s)
{
	uint64_t gpa;

	(void)s;
	set(0x1000, 0, 0x2000 | 3);
	set(0x2000, 0, 0x3000 | 3);
	set(0x3000, 3, 0x40000000ull | 0x83 | 0x1000); /* 2 MiB, PAT bit set */
	set(0x2000, 1, 0x80000000ull | 0x83);	       /* 1 GiB */
	assert_int_equal(gwalk(&lm4, 0x6ABCDE, rd, NULL, &gpa), 0);
	assert_int_equal(gpa, 0x400ABCDE);
	assert_int_equal(gwalk(&lm4, 0x40000000 + 0x1234567, rd, NULL, &gpa), 0);
	assert_int_equal(gpa, 0x81234567);
}

static void not_present_and_reserved(void **s)
{
	uint64_t gpa;

	(void)s;
	assert_int_equal(gwalk(&lm4, 0x1000, rd, NULL, &gpa), -EFAULT);
	set(0x1000, 0, 0x2000 | 3);
	set(0x2000, 0, 0x3000 | 3);
	set(0x3000, 0, 0x200000 | 0x83 | 0x2000); /* reserved bit 13 in a 2 MiB entry */
	assert_int_equal(gwalk(&lm4, 0x1000, rd, NULL, &gpa), -EINVAL);
	set(0x1000, 1, 0x2000 | 0x83); /* PS in a PML4 entry */
	assert_int_equal(gwalk(&lm4, 1ull << 39, rd, NULL, &gpa), -EINVAL);
	set(0x2000, 2, 0x9000000 | 3); /* a table outside guest memory */
	assert_int_equal(gwalk(&lm4, 2ull << 30, rd, NULL, &gpa), -EFAULT);
}

static void non_canonical_and_modes(void **s)
{
	struct gwalk_mode pae = lm4, la57 = lm4;
	uint64_t gpa;

	(void)s;
	assert_int_equal(gwalk(&lm4, 0x0000800000000000ull, rd, NULL, &gpa), -EINVAL);
	pae.efer = 0;
	assert_int_equal(gwalk(&pae, 0x1000, rd, NULL, &gpa), -EINVAL);
	/* 5-level: bit 56 and up copy bit 56; the walk reads five entries. */
	la57.cr4 |= GW_CR4_LA57;
	set(0x1000, 1, 0x2000 | 3);
	set(0x2000, 0, 0x3000 | 3);
	set(0x3000, 0, 0x4000 | 3);
	set(0x4000, 0, 0x5000 | 3);
	set(0x5000, 0, 0x6000 | 3);
	assert_int_equal(gwalk(&la57, (1ull << 48) | 0x12, rd, NULL, &gpa), 0);
	assert_int_equal(gpa, 0x6012);
	assert_int_equal(gwalk(&lm4, (1ull << 48) | 0x12, rd, NULL, &gpa), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(paging_off_is_identity, setup),
		cmocka_unit_test_setup(four_level_4k, setup),
		cmocka_unit_test_setup(large_pages, setup),
		cmocka_unit_test_setup(not_present_and_reserved, setup),
		cmocka_unit_test_setup(non_canonical_and_modes, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
