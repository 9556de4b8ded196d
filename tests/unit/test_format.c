// SPDX-License-Identifier: MIT
/* vfmt(): the hypervisor's formatter against the C library's for the same
 * formats, and its bounds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "lib/printk.h"

#define CHECK(...)                                            \
	do {                                                  \
		char a[128], b[128];                          \
		int na = sfmt(a, sizeof(a), __VA_ARGS__);     \
		int nb = snprintf(b, sizeof(b), __VA_ARGS__); \
		assert_string_equal(a, b);                    \
		assert_int_equal(na, nb);                     \
	} while (0)

static void test_integers(void **state)
{
	(void)state;
	CHECK("%d %d %d", 0, -1, 2147483647);
	CHECK("%i", -2147483647 - 1);
	CHECK("%u %x %X", 4294967295u, 0xdeadbeefu, 0xabcdefu);
	CHECK("%lld %llu %llx", -9223372036854775807ll - 1, 18446744073709551615ull,
	      0x0123456789abcdefull);
	CHECK("%ld %lu %zu", -5l, 7ul, (size_t)42);
	CHECK("%hhx %hx", 0x12, 0x1234);
}

static void test_width_flags(void **state)
{
	(void)state;
	CHECK("[%5d] [%-5d] [%05d] [%016llx]", 42, 42, 42, 0xfed90000ull);
	CHECK("[%05d] [%-5d]", -42, -42);
	CHECK("[%3s] [%-6s] [%.4s] [%.*s]", "abcdef", "ab", "APICxyz", 3, "FACP");
	CHECK("[%c] [%3c] [%%]", 'x', 'y');
	CHECK("[%*d]", 6, 17);
}

static void test_strings(void **state)
{
	char a[16];
	const char *volatile nul = NULL;

	(void)state;
	assert_int_equal(sfmt(a, sizeof(a), "%s", nul), 6);
	assert_string_equal(a, "(null)");
	assert_int_equal(sfmt(a, sizeof(a), "%p", (void *)0x1000), 6);
	assert_string_equal(a, "0x1000");
}

static void test_truncation(void **state)
{
	char a[8];

	(void)state;
	memset(a, 'Z', sizeof(a));
	/* The return value is the length the whole output would have. */
	assert_int_equal(sfmt(a, 5, "%s-%d", "abcdef", 12), 9);
	assert_string_equal(a, "abcd");
	assert_int_equal(a[5], 'Z'); /* nothing written past size */
	assert_int_equal(sfmt(a, 1, "xyz"), 3);
	assert_string_equal(a, "");
	assert_int_equal(sfmt(NULL, 0, "%d", 1234), 4);
}

/* %.Ns of a slice that is not NUL-terminated must read N bytes, no more
 * (ACPI signatures are printed this way); ASan catches a byte too many. */
static void test_precision_bounds(void **state)
{
	char *sig = malloc(4), a[16];

	(void)state;
	memcpy(sig, "APIC", 4);
	assert_int_equal(sfmt(a, sizeof(a), "[%.4s]", sig), 6);
	assert_string_equal(a, "[APIC]");
	assert_int_equal(sfmt(a, sizeof(a), "[%.*s]", 2, sig), 4);
	assert_string_equal(a, "[AP]");
	free(sig);
}

static void test_odd_formats(void **state)
{
	char a[32];
	const char *fmt = "a%qb%"; /* not a literal: the compiler would refuse it */

	(void)state;
	/* An unknown conversion is shown as written, a trailing '%' dropped. */
	sfmt(a, sizeof(a), fmt);
	assert_string_equal(a, "a%qb");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_integers),    cmocka_unit_test(test_width_flags),
		cmocka_unit_test(test_strings),	    cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_odd_formats), cmocka_unit_test(test_precision_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
