// SPDX-License-Identifier: MIT
/* The IOMMU drivers' fault bookkeeping: first fault of each source and kind
 * for the caller to log, sparse counts within a budget, a full table. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "iommu/fault_log.h"
#include "lib/printk.h"
#include "fake_printk.h"

static unsigned int log_lines(const char *needle)
{
	unsigned int n = 0;

	for (const char *p = printk_log; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void test_first_of_each_kind(void **state)
{
	static struct fault_log fl;

	(void)state;
	printk_reset();
	assert_true(fault_log_count(&fl, 0, 0x0810, 5));
	assert_false(fault_log_count(&fl, 0, 0x0810, 5));
	assert_true(fault_log_count(&fl, 0, 0x0810, 6)); /* another kind */
	assert_true(fault_log_count(&fl, 1, 0x0810, 5)); /* another segment */
	assert_true(fault_log_count(&fl, 0, 0x0811, 5)); /* another function */
	for (unsigned int i = 0; i < 8; i++)
		assert_false(fault_log_count(&fl, 0, 0x0810, 5));
	/* The tenth of a kind gets a count line; the total is every kind's. */
	assert_true(printk_saw("iommu: 10 faults from 0000:08:02.0 so far\n"));
	assert_int_equal(fault_log_total(&fl, 0, 0x0810), 11);
	assert_int_equal(fault_log_total(&fl, 0, 0x0811), 1);
	assert_int_equal(fault_log_total(&fl, 0, 0x0812), 0);
	assert_int_equal(printk_count[LOG_WARN], 1);
}

/* Past the table: one line, then silence; the known sources go on. */
static void test_table_full(void **state)
{
	static struct fault_log fl;

	(void)state;
	printk_reset();
	for (unsigned int i = 0; i < FAULT_LOG_SOURCES; i++)
		assert_true(fault_log_count(&fl, 0, (uint16_t)i, 1));
	for (unsigned int i = 0; i < 100; i++)
		assert_false(fault_log_count(&fl, 0, (uint16_t)(0x100 + i), 1));
	assert_int_equal(log_lines("too many faulting sources"), 1);
	assert_int_equal(fl.lost, 100);
	assert_int_equal(fault_log_total(&fl, 0, 0x100), 0);
	assert_false(fault_log_count(&fl, 0, 3, 1));
	assert_int_equal(fault_log_total(&fl, 0, 3), 2);
}

/* A fast source: its count lines are few per window, then summed up. */
static void test_fast_source(void **state)
{
	static struct fault_log fl;

	(void)state;
	printk_reset();
	fake_clock_ms = 0;
	for (unsigned int i = 0; i < 200000; i++)
		fault_log_count(&fl, 0, 0x0810, 5);
	/* 10, 100, 1000 and 20 ten-thousands: 23 lines due, 8 printed. */
	assert_int_equal(log_lines("so far"), RATELIMIT_LINES);
	fake_clock_ms = RATELIMIT_WINDOW_MS;
	for (unsigned int i = 0; i < 10000; i++)
		fault_log_count(&fl, 0, 0x0810, 5);
	assert_true(printk_saw("iommu: 210000 faults from 0000:08:02.0 so far (15 more "
			       "suppressed)\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_of_each_kind),
		cmocka_unit_test(test_table_full),
		cmocka_unit_test(test_fast_source),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
