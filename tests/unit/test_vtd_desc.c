// SPDX-License-Identifier: MIT
/* VT-d encodings checked bit by bit against the specification's layouts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "iommu/vtd_desc.h"

#define Q(lo_, hi_) ((struct vtd_q){(lo_), (hi_)})
static void assert_q(struct vtd_q a, struct vtd_q b)
{
	assert_int_equal(a.lo, b.lo);
	assert_int_equal(a.hi, b.hi);
}

static void test_root_context(void **state)
{
	(void)state;
	assert_q(vtd_root_entry(0x12345000), Q(0x12345001, 0));
	assert_q(vtd_root_entry(0x12345fff), Q(0x12345001, 0)); /* low bits dropped */
	/* 4-level (48-bit): AW 2; 3-level: AW 1; DID in hi 23:8; TT 00, FPD 0 */
	assert_q(vtd_context_entry(0xabc000, 4, 7), Q(0xabc001, 0x702));
	assert_q(vtd_context_entry(0xabc000, 3, 0xffff), Q(0xabc001, 0xffff01));
	assert_q(vtd_context_entry(0x00ffffffffff0000ull, 4, 1),
		 Q(0x000fffffffff0001ull, 0x102)); /* above bit 51 dropped */
}

static void test_invalidation(void **state)
{
	(void)state;
	assert_q(vtd_inv_context_global(), Q(0x11, 0));
	assert_q(vtd_inv_context_device(3, 0x0180), Q(0x0000018000030031ull, 0));
	assert_q(vtd_inv_iotlb_global(), Q(0xd2, 0));
	assert_q(vtd_inv_iotlb_domain(5), Q(0x00000000000500e2ull, 0));
	assert_q(vtd_inv_iec_global(), Q(0x4, 0));
	assert_q(vtd_inv_iec_index(0x1234), Q(0x0000123400000014ull, 0));
	/* status write (SW, bit 5) and never the interrupt flag (bit 4) */
	assert_q(vtd_inv_wait(0x7000, 0xabcd), Q(0x0000abcd00000025ull, 0x7000));
	assert_int_equal(vtd_inv_wait(0x7000, 1).lo & (1u << 4), 0);
	assert_int_equal(vtd_inv_wait(0x7003, 1).hi, 0x7000);
}

static void test_irte(void **state)
{
	(void)state;
	/* x2APIC: destination in 63:32; vector 23:16; P; SVT 01 at hi 19:18 */
	assert_q(vtd_irte(1, 0xe0, 0x0180, true), Q(0x0000000100e00001ull, 0x40180));
	assert_q(vtd_irte(0x12345678, 0x31, 0x0182, true), Q(0x1234567800310001ull, 0x40182));
	/* xAPIC: the 8-bit APIC ID in DST[15:8] = bits 47:40 */
	assert_q(vtd_irte(3, 0x40, 0x0100, false), Q(0x0000030000400001ull, 0x40100));
	assert_q(vtd_irte(0x1ff, 0x40, 0x0100, false), Q(0x0000ff0000400001ull, 0x40100));
}

static void test_msi(void **state)
{
	(void)state;
	/* interrupt format (bit 4), handle 14:0 in 19:5, handle 15 in bit 2 */
	assert_int_equal(vtd_msi_addr(0), 0xfee00010);
	assert_int_equal(vtd_msi_addr(5), 0xfee000b0);
	assert_int_equal(vtd_msi_addr(0x7fff), 0xfeeffff0);
	assert_int_equal(vtd_msi_addr(0x8000), 0xfee00014);
	assert_int_equal(vtd_msi_data(), 0);
	/* never a compatibility-format address (bit 4 clear) */
	for (unsigned int i = 0; i < 0x10000; i += 0x111)
		assert_int_equal(vtd_msi_addr((uint16_t)i) & 0xfff00010u, 0xfee00010u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_context),
		cmocka_unit_test(test_invalidation),
		cmocka_unit_test(test_irte),
		cmocka_unit_test(test_msi),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
