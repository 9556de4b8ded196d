// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "hv/core/cmdline.h"

static void test_get(void **state)
{
	char v[16];

	(void)state;
	assert_true(cmdline_get("console=com2 loglevel=3", "loglevel", v, sizeof(v)));
	assert_string_equal(v, "3");
	assert_true(cmdline_get("  console=com2\tloglevel=1  ", "console", v, sizeof(v)));
	assert_string_equal(v, "com2");
	/* the last one wins, as on Linux */
	assert_true(cmdline_get("loglevel=1 loglevel=2", "loglevel", v, sizeof(v)));
	assert_string_equal(v, "2");
	/* an empty value is a value */
	assert_true(cmdline_get("nic=", "nic", v, sizeof(v)));
	assert_string_equal(v, "");
}

static void test_get_absent_or_bad(void **state)
{
	char v[4];

	(void)state;
	assert_false(cmdline_get("", "console", v, sizeof(v)));
	assert_false(cmdline_get("consoles=com1", "console", v, sizeof(v)));
	assert_false(cmdline_get("xconsole=com1", "console", v, sizeof(v)));
	assert_false(cmdline_get("console", "console", v, sizeof(v)));	    /* no value */
	assert_false(cmdline_get("console=com1", "console", v, sizeof(v))); /* 4 > 3 */
	assert_true(cmdline_get("console=abc", "console", v, sizeof(v)));
	assert_string_equal(v, "abc");
}

static void test_has(void **state)
{
	(void)state;
	assert_true(cmdline_has("a b=1 c", "b"));
	assert_true(cmdline_has("a b=1 c", "c"));
	assert_false(cmdline_has("a b=1 c", "bb"));
	assert_false(cmdline_has("ab=1", "a"));
}

static void test_parse_u64(void **state)
{
	unsigned long long v;

	(void)state;
	assert_true(cmdline_parse_u64("0", &v));
	assert_int_equal(v, 0);
	assert_true(cmdline_parse_u64("0x3F8", &v));
	assert_int_equal(v, 0x3f8);
	assert_true(cmdline_parse_u64("18446744073709551615", &v));
	assert_true(v == 18446744073709551615ull);
	assert_false(cmdline_parse_u64("18446744073709551616", &v));
	assert_false(cmdline_parse_u64("0x", &v));
	assert_false(cmdline_parse_u64("", &v));
	assert_false(cmdline_parse_u64("12a", &v));
	assert_false(cmdline_parse_u64("-1", &v));
	assert_false(cmdline_parse_u64("0x1g", &v));
}

static void test_word(void **state)
{
	const char *p = "  console=com1\tbogus=1  x", *w = NULL;
	size_t len = 0;

	(void)state;
	p = cmdline_word(p, &w, &len);
	assert_non_null(p);
	assert_int_equal(len, 12);
	assert_memory_equal(w, "console=com1", 12);
	p = cmdline_word(p, &w, &len);
	assert_int_equal(len, 7);
	assert_memory_equal(w, "bogus=1", 7);
	p = cmdline_word(p, &w, &len);
	assert_int_equal(len, 1);
	assert_memory_equal(w, "x", 1);
	assert_null(cmdline_word(p, &w, &len));
	assert_null(cmdline_word("", &w, &len));
	assert_null(cmdline_word(" \t ", &w, &len));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get),  cmocka_unit_test(test_get_absent_or_bad),
		cmocka_unit_test(test_has),  cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_word),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
