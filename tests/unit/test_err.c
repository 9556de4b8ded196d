// SPDX-License-Identifier: MIT
/* err_name: every code has its own name, either sign. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "lib/err.h"

static void test_names(void **state)
{
	static const struct {
		int code;
		const char *name;
	} want[] = {
		{0, "ok"},
		{ENOENT, "not found"},
		{EIO, "i/o error"},
		{E2BIG, "too many entries"},
		{ENOMEM, "out of memory"},
		{EFAULT, "bad address"},
		{EBUSY, "busy"},
		{EEXIST, "already exists"},
		{ENODEV, "no such device"},
		{EINVAL, "invalid"},
		{ENOSPC, "table full"},
		{ENODATA, "truncated"},
		{ERANGE, "out of range"},
		{ELOOP, "loop"},
		{EBADMSG, "bad checksum"},
		{ENOTSUP, "not supported"},
		{ETIMEDOUT, "timed out"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_string_equal(err_name(want[i].code), want[i].name);
		assert_string_equal(err_name(-want[i].code), want[i].name);
		for (size_t j = 0; j < i; j++) /* no two codes share a name */
			assert_string_not_equal(want[i].name, want[j].name);
	}
	assert_string_equal(err_name(9999), "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_names)};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
