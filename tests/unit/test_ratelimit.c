// SPDX-License-Identifier: MIT
/* Log-line budgets: a window of RATELIMIT_LINES, the rest counted and
 * summed up on the next line printed; the clock's wrap and a first call at
 * time 0 are no special cases. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "lib/ratelimit.h"
#include "fake_printk.h"

/* Lines allowed out of @tries at @now; the last note in @note. */
static unsigned int allow(struct ratelimit *rl, uint64_t now, unsigned int tries,
			  char note[RATELIMIT_NOTE])
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < tries; i++)
		if (ratelimit_at(rl, now, note, RATELIMIT_NOTE))
			n++;
	return n;
}

static void test_window(void **state)
{
	struct ratelimit rl = {0};
	char note[RATELIMIT_NOTE];

	(void)state;
	for (unsigned int i = 0; i < RATELIMIT_LINES - 1; i++) {
		assert_true(ratelimit_at(&rl, 0, note, sizeof(note)));
		assert_string_equal(note, "");
	}
	/* The last of the window says that silence follows. */
	assert_true(ratelimit_at(&rl, 5, note, sizeof(note)));
	assert_string_equal(note, " (further ones for 10 s only counted)");
	/* A flood inside the window: nothing printed, everything counted. */
	assert_int_equal(allow(&rl, RATELIMIT_WINDOW_MS - 1, 1000, note), 0);
	assert_int_equal(rl.held, 1000);
	/* The next window's first line sums them up. */
	assert_true(ratelimit_at(&rl, RATELIMIT_WINDOW_MS, note, sizeof(note)));
	assert_string_equal(note, " (1000 more suppressed)");
	assert_int_equal(rl.held, 0);
	assert_int_equal(allow(&rl, RATELIMIT_WINDOW_MS + 1, 100, note), RATELIMIT_LINES - 1);
	assert_int_equal(rl.held, 100 - (RATELIMIT_LINES - 1));
}

/* The window runs from its first line, not from the last one held back:
 * a steady flood still gets its lines every window. */
static void test_steady_flood(void **state)
{
	struct ratelimit rl = {0};
	char note[RATELIMIT_NOTE];
	unsigned int printed = 0;

	(void)state;
	for (uint64_t t = 1000; t < 1000 + 10 * RATELIMIT_WINDOW_MS; t += 10)
		printed += ratelimit_at(&rl, t, note, sizeof(note));
	assert_int_equal(printed, 10 * RATELIMIT_LINES);
}

/* Summary and last-line word both fit, with the largest count. */
static void test_both_notes(void **state)
{
	struct ratelimit rl = {0};
	char note[RATELIMIT_NOTE];

	(void)state;
	assert_int_equal(allow(&rl, 0, RATELIMIT_LINES, note), RATELIMIT_LINES);
	rl.held = 0xFFFFFFFFu;
	rl.lines = RATELIMIT_LINES - 1;
	assert_true(ratelimit_at(&rl, 1, note, sizeof(note)));
	assert_string_equal(note,
			    " (4294967295 more suppressed) (further ones for 10 s only counted)");
	/* A short buffer is cut, never overrun. */
	rl.held = 3;
	rl.lines = RATELIMIT_LINES - 1;
	assert_true(ratelimit_at(&rl, 2, note, 12));
	assert_string_equal(note, " (3 more su");
}

/* The clock's wrap is just time going on; a clock that went backwards
 * starts a new window rather than silencing the source for ever. */
static void test_clock_wraps(void **state)
{
	struct ratelimit rl = {0};
	char note[RATELIMIT_NOTE];

	(void)state;
	assert_int_equal(allow(&rl, UINT64_MAX - 5, 2 * RATELIMIT_LINES, note), RATELIMIT_LINES);
	assert_false(ratelimit_at(&rl, 3, note, sizeof(note))); /* 9 ms later */
	assert_true(ratelimit_at(&rl, RATELIMIT_WINDOW_MS - 6, note, sizeof(note)));
	assert_string_equal(note, " (9 more suppressed)");
	assert_int_equal(allow(&rl, RATELIMIT_WINDOW_MS, 2 * RATELIMIT_LINES, note),
			 RATELIMIT_LINES - 1);
	assert_true(ratelimit_at(&rl, 100, note, sizeof(note))); /* backwards */
	assert_string_equal(note, " (9 more suppressed)");
}

/* ratelimit() reads the log clock. */
static void test_clock(void **state)
{
	struct ratelimit rl = {0};
	char note[RATELIMIT_NOTE];

	(void)state;
	fake_clock_ms = 12345;
	for (unsigned int i = 0; i < RATELIMIT_LINES; i++)
		assert_true(ratelimit(&rl, note));
	assert_false(ratelimit(&rl, note));
	fake_clock_ms += RATELIMIT_WINDOW_MS - 1;
	assert_false(ratelimit(&rl, note));
	fake_clock_ms++;
	assert_true(ratelimit(&rl, note));
	assert_string_equal(note, " (2 more suppressed)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window),	   cmocka_unit_test(test_steady_flood),
		cmocka_unit_test(test_both_notes), cmocka_unit_test(test_clock_wraps),
		cmocka_unit_test(test_clock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
