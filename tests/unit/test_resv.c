// SPDX-License-Identifier: MIT
/*
 * Reserved regions (iommu/resv.c): the DMAR's RMRRs and the IVRS's IVMDs
 * turned into one list of requester ranges and page-aligned regions, with
 * the scopes and entries that name no PCI function or ask for nothing left
 * out, a full list refused, and the lookup by requester.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "iommu/dmar.h"
#include "iommu/iommu.h"
#include "iommu/ivrs.h"
#include "iommu/resv.h"
#include "lib/err.h"

#define RW (IOMMU_PERM_R | IOMMU_PERM_W)

/* One bridge: 00:1c.0 with buses 2-3 below it. */
static bool fake_bridge(uint16_t seg, uint8_t bus, uint8_t devfn, uint8_t *sec, uint8_t *sub)
{
	if (seg || bus || devfn != (0x1c << 3))
		return false;
	*sec = 2;
	*sub = 3;
	return true;
}

static struct dmar_scope scope(uint8_t type, uint8_t bus, uint8_t dev, uint8_t fn)
{
	struct dmar_scope s = {.type = type, .start_bus = bus, .path_len = 1};

	s.path[0].dev = dev;
	s.path[0].fn = fn;
	return s;
}

static void test_from_dmar(void **state)
{
	static struct dmar_info d;
	struct iommu_resv_list l = {0};
	struct dmar_rmrr *rm = &d.rmrr[0];

	(void)state;
	memset(&d, 0, sizeof(d));
	d.rmrr_count = 2;
	rm->base = 0x7B800000;
	rm->limit = 0x7B9FFFFF;
	rm->scope[0] = scope(DMAR_SCOPE_ENDPOINT, 0, 0x14, 0);	/* USB */
	rm->scope[1] = scope(DMAR_SCOPE_IOAPIC, 0xF0, 0x1F, 0); /* no requester */
	rm->scope[2] = scope(DMAR_SCOPE_BRIDGE, 0, 0x1c, 0);	/* buses 2-3 */
	rm->scope[3] = scope(DMAR_SCOPE_BRIDGE, 0, 0x1d, 0);	/* no such bridge */
	rm->scope_count = 4;
	/* an endpoint behind the bridge: path 00:1c.0 -> 02:00.1 */
	rm = &d.rmrr[1];
	rm->segment = 1;
	rm->base = 0x1000;
	rm->limit = 0x1FFF;
	rm->scope[0] = scope(DMAR_SCOPE_ENDPOINT, 0, 0x1c, 0);
	rm->scope[0].path_len = 2;
	rm->scope[0].path[1].dev = 0;
	rm->scope[0].path[1].fn = 1;
	rm->scope_count = 1;

	assert_int_equal(resv_from_dmar(&d, fake_bridge, &l), 0);
	assert_int_equal(l.n, 2); /* segment 1 has no bridge at 00:1c.0 */
	assert_int_equal(l.r[0].first, 0x00A0);
	assert_int_equal(l.r[0].last, 0x00A0);
	assert_int_equal(l.r[0].base, 0x7B800000);
	assert_int_equal(l.r[0].size, 0x200000);
	assert_int_equal(l.r[0].perm, RW);
	assert_string_equal(l.r[0].what, "rmrr 0");
	assert_false(l.r[0].all);
	assert_int_equal(l.r[1].first, 0x0200);
	assert_int_equal(l.r[1].last, 0x03FF);

	/* The same bridge on segment 0: the path leads on to 02:00.1. */
	d.rmrr[1].segment = 0;
	l.n = 0;
	assert_int_equal(resv_from_dmar(&d, fake_bridge, &l), 0);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.r[2].first, 0x0201);
	assert_int_equal(l.r[2].last, 0x0201);
	assert_int_equal(l.r[2].base, 0x1000);
	assert_int_equal(l.r[2].size, 0x1000);
	assert_string_equal(l.r[2].what, "rmrr 1");
	/* Without a bridge callback, only the one-element endpoint resolves. */
	l.n = 0;
	assert_int_equal(resv_from_dmar(&d, NULL, &l), 0);
	assert_int_equal(l.n, 1);
}

static void test_from_ivrs(void **state)
{
	static struct ivrs iv;
	struct iommu_resv_list l = {0};

	(void)state;
	memset(&iv, 0, sizeof(iv));
	iv.ivmd[0] = (struct ivrs_ivmd){
		IVRS_IVMD_ONE, IVRS_IVMD_UNITY | IVRS_IVMD_READ, 0, 0x00A0, 0x00A0, 0x7B800123,
		0x1000};
	iv.ivmd[1] = (struct ivrs_ivmd){IVRS_IVMD_RANGE, IVRS_IVMD_EXCLUSION, 0,     0x0100,
					0x0107,		 0x80000000,	      0x4000};
	iv.ivmd[2] = (struct ivrs_ivmd){IVRS_IVMD_ALL,
					IVRS_IVMD_UNITY | IVRS_IVMD_READ | IVRS_IVMD_WRITE,
					0,
					0,
					0xFFFF,
					0x90000000,
					0x1000};
	/* asks for nothing: neither unity nor exclusion; unity with no access */
	iv.ivmd[3] = (struct ivrs_ivmd){IVRS_IVMD_ONE, IVRS_IVMD_READ, 0, 1, 1, 0, 0x1000};
	iv.ivmd[4] = (struct ivrs_ivmd){IVRS_IVMD_ONE, IVRS_IVMD_UNITY, 0, 2, 2, 0, 0x1000};
	iv.ivmd_count = 5;

	assert_int_equal(resv_from_ivrs(&iv, &l), 0);
	assert_int_equal(l.n, 3);
	/* 0x7B800123 + 0x1000 widened to the pages it touches */
	assert_int_equal(l.r[0].base, 0x7B800000);
	assert_int_equal(l.r[0].size, 0x2000);
	assert_int_equal(l.r[0].perm, IOMMU_PERM_R);
	assert_string_equal(l.r[0].what, "ivmd 0");
	assert_int_equal(l.r[1].perm, RW);
	assert_int_equal(l.r[1].first, 0x0100);
	assert_int_equal(l.r[1].last, 0x0107);
	assert_true(l.r[2].all);
	assert_false(l.r[1].all);

	/* Lookup: by requester and segment; "every device" entries never. */
	assert_ptr_equal(resv_find(&l, 0, 0x00A0), &l.r[0]);
	assert_ptr_equal(resv_find(&l, 0, 0x0104), &l.r[1]);
	assert_null(resv_find(&l, 0, 0x0108));
	assert_null(resv_find(&l, 1, 0x00A0));
	assert_null(resv_find(&l, 0, 0x0300));
}

static void test_list_full(void **state)
{
	static struct ivrs iv;
	struct iommu_resv_list l = {0};

	(void)state;
	memset(&iv, 0, sizeof(iv));
	for (unsigned int i = 0; i < IVRS_MAX_IVMDS; i++)
		iv.ivmd[i] =
			(struct ivrs_ivmd){IVRS_IVMD_ONE, IVRS_IVMD_EXCLUSION, 0,     (uint16_t)i,
					   (uint16_t)i,	  0x1000ull * i,       0x1000};
	iv.ivmd_count = IVRS_MAX_IVMDS;
	l.n = IOMMU_RESV_MAX - 3;
	assert_int_equal(resv_from_ivrs(&iv, &l), -E2BIG);
	assert_int_equal(l.n, IOMMU_RESV_MAX);
	assert_int_equal(l.r[IOMMU_RESV_MAX - 1].first, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_dmar),
		cmocka_unit_test(test_from_ivrs),
		cmocka_unit_test(test_list_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
