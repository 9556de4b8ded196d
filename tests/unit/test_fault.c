// SPDX-License-Identifier: MIT
/* The hypervisor's faults in words (hv/core/fault.c): every kind of #PF,
 * the #DF of a stack overflow, what is not explained, and a short buffer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "hv/core/fault.h"

static const struct stackguard guard = {0x7f000, 2, "ist stack"};
static const struct fault_map map = {0x200000, 0x243000, 0x251000, NULL};
static const struct fault_map in_guard = {0x200000, 0x243000, 0x251000, &guard};

static void expect_(int line, uint64_t vector, uint64_t error, uint64_t cr2,
		    const struct fault_map *m, const char *want)
{
	char buf[160];
	size_t n = fault_explain(buf, sizeof(buf), vector, error, cr2, m);

	if (strcmp(buf, want) || n != strlen(want))
		fail_msg("line %d: got '%s' (%zu), want '%s'", line, buf, n, want);
}
#define expect(...) expect_(__LINE__, __VA_ARGS__)

static void test_page_faults(void **state)
{
	(void)state;
	expect(VEC_PF, PF_P | PF_W, 0x200010, &map,
	       "write to read-only hypervisor text at 0x200010");
	expect(VEC_PF, PF_P | PF_W, 0x242fff, &map,
	       "write to read-only hypervisor text at 0x242fff");
	expect(VEC_PF, PF_P | PF_W, 0x243000, &map,
	       "write to read-only hypervisor rodata at 0x243000");
	expect(VEC_PF, PF_P | PF_W, 0x250fff, &map,
	       "write to read-only hypervisor rodata at 0x250fff");
	expect(VEC_PF, PF_P | PF_I, 0x251000, &map, "execute of non-executable memory at 0x251000");
	expect(VEC_PF, PF_P | PF_I, 0x1000, &map, "execute of non-executable memory at 0x1000");
	expect(VEC_PF, 0, 0xdead0000, &map, "read of unmapped memory at 0xdead0000");
	expect(VEC_PF, PF_W, 0x10, &map, "write of unmapped memory at 0x10");
	expect(VEC_PF, PF_I, 0x8000000000, &map, "execute of unmapped memory at 0x8000000000");
	expect(VEC_PF, PF_P | PF_W, 0x251000, &map,
	       "write at 0x251000 not permitted by its page table entry");
	expect(VEC_PF, PF_P | PF_U, 0x300000, &map,
	       "read at 0x300000 not permitted by its page table entry");
	expect(VEC_PF, PF_P | PF_RSVD, 0x300000, &map,
	       "read at 0x300000: a reserved bit is set in its page table entry");
}

static void test_stack_overflow(void **state)
{
	(void)state;
	expect(VEC_DF, 0, 0x7fff8, &in_guard,
	       "stack overflow: cr2 0x7fff8 is the guard page below cpu 2's ist stack");
	expect(VEC_PF, PF_W, 0x7f000, &in_guard,
	       "stack overflow: cr2 0x7f000 is the guard page below cpu 2's ist stack");
}

/* Nothing to add to the vector: no line. */
static void test_not_explained(void **state)
{
	(void)state;
	expect(VEC_DF, 0, 0x7fff8, &map, "");
	expect(6, 0, 0x200010, &in_guard, "");
	expect(13, 0x18, 0, &map, "");
}

static void test_short_buffer(void **state)
{
	char buf[12];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(fault_explain(buf, sizeof(buf), VEC_PF, PF_W, 0x10, &map), 11);
	assert_string_equal(buf, "write of un");
	assert_int_equal(fault_explain(buf, 0, VEC_PF, PF_W, 0x10, &map), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_page_faults),
		cmocka_unit_test(test_stack_overflow),
		cmocka_unit_test(test_not_explained),
		cmocka_unit_test(test_short_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
