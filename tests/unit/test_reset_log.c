// SPDX-License-Identifier: MIT
/*
 * Unit tests for hv/vm/reset_log.c: N restarts within S allowed, the next
 * refused, and allowed again once the oldest has aged out.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>
#include "hv/vm/reset_log.h"

static struct reset_log l;

static void test_limit(void **state)
{
	(void)state;
	memset(&l, 0, sizeof(l));
	/* 3 within 60 ticks. */
	assert_true(reset_log_allow(&l, 100, 60, 3));
	assert_true(reset_log_allow(&l, 110, 60, 3));
	assert_true(reset_log_allow(&l, 120, 60, 3));
	assert_false(reset_log_allow(&l, 130, 60, 3));
	assert_false(reset_log_allow(&l, 159, 60, 3)); /* 100 is 59 ago: still counts */
	/* A refused reset is not a restart: it does not extend the window. */
	assert_true(reset_log_allow(&l, 160, 60, 3)); /* 100 aged out */
	assert_false(reset_log_allow(&l, 165, 60, 3));
	assert_true(reset_log_allow(&l, 1000, 60, 3));
}

static void test_one(void **state)
{
	(void)state;
	memset(&l, 0, sizeof(l));
	assert_true(reset_log_allow(&l, 5, 600, 1));
	assert_false(reset_log_allow(&l, 6, 600, 1));
	assert_false(reset_log_allow(&l, 604, 600, 1));
	assert_true(reset_log_allow(&l, 605, 600, 1));
	reset_log_clear(&l);
	assert_true(reset_log_allow(&l, 606, 600, 1));
}

static void test_ring_and_bounds(void **state)
{
	(void)state;
	memset(&l, 0, sizeof(l));
	/* More restarts than the ring holds, each alone in its window. */
	for (uint64_t t = 0; t < 10 * CONFIG_RESETS_MAX; t++)
		assert_true(reset_log_allow(&l, t * 10, 5, 1));
	assert_int_equal(l.count, CONFIG_RESETS_MAX);
	/* The largest limit: exactly CONFIG_RESETS_MAX in one window; a max
	 * beyond it is taken as it. */
	memset(&l, 0, sizeof(l));
	for (unsigned int i = 0; i < CONFIG_RESETS_MAX; i++)
		assert_true(reset_log_allow(&l, 1000 + i, 3600, 1000));
	assert_false(reset_log_allow(&l, 2000, 3600, 1000));
	/* Ticks near the top of the range, and a clock read at the window's
	 * edge. */
	memset(&l, 0, sizeof(l));
	assert_true(reset_log_allow(&l, UINT64_MAX - 10, 5, 1));
	assert_false(reset_log_allow(&l, UINT64_MAX - 6, 5, 1));
	assert_true(reset_log_allow(&l, UINT64_MAX - 5, 5, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_one),
		cmocka_unit_test(test_ring_and_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
