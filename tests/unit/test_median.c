// SPDX-License-Identifier: MIT
/* median_u64 (lib/median.c): odd and even counts, outliers, duplicates,
 * extremes, nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "lib/median.h"

static void test_odd_with_outliers(void **state)
{
	/* two windows stretched by a paused host: the median ignores them */
	uint64_t v[] = {3571000, 2099000, 2100000, 2098000, 5000000};

	(void)state;
	assert_int_equal(median_u64(v, 5), 2100000);
	assert_int_equal(v[0], 2098000);
	assert_int_equal(v[4], 5000000);
}

static void test_even_takes_lower(void **state)
{
	uint64_t v[] = {40, 10, 30, 20};

	(void)state;
	assert_int_equal(median_u64(v, 4), 20);
}

static void test_edges(void **state)
{
	uint64_t one[] = {7}, dup[] = {5, 5, 1, 5, 9}, big[] = {UINT64_MAX, 0, UINT64_MAX};

	(void)state;
	assert_int_equal(median_u64(NULL, 0), 0);
	assert_int_equal(median_u64(one, 1), 7);
	assert_int_equal(median_u64(dup, 5), 5);
	assert_int_equal(median_u64(big, 3), UINT64_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_odd_with_outliers),
		cmocka_unit_test(test_even_takes_lower),
		cmocka_unit_test(test_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
