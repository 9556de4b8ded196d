// SPDX-License-Identifier: MIT
/* The service CPU's watchdog logic: a stall is reported once when the
 * heartbeat has been still for longer than the bound (not at it), progress
 * after it once with the time stuck, idle-but-beating loops never; the
 * stage names the guest; bad set-ups are refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "hv/core/watchdog.h"
#include "lib/err.h"

#define KHZ   2000000ull /* a 2 GHz TSC */
#define MS(n) ((uint64_t)(n)*KHZ)

static void test_refuses_bad_setup(void **state)
{
	struct watchdog w;

	(void)state;
	assert_int_equal(watchdog_init(&w, 0, 1000, 0), -EINVAL);
	assert_int_equal(watchdog_init(&w, KHZ, 0, 0), -EINVAL);
	assert_int_equal(watchdog_init(&w, KHZ, 1000, 0), 0);
}

/* A loop that beats every 2 ms (its timer) is never reported, however long. */
static void test_beating_is_quiet(void **state)
{
	struct watchdog w;
	uint64_t ms;

	(void)state;
	watchdog_init(&w, KHZ, 1000, MS(5));
	for (uint64_t t = 5; t < 60000; t += 2) {
		watchdog_step(&w, "nic mailbox", NULL);
		if (t % 20 == 1)
			assert_int_equal(watchdog_check(&w, MS(t), &ms), WATCHDOG_QUIET);
	}
	assert_int_equal(w.stalls, 0);
}

/* Still for exactly the bound is not yet a stall; just past it is, once;
 * the next beat is a resume with the time stuck; then quiet again. */
static void test_stall_once_then_resume(void **state)
{
	struct watchdog w;
	uint64_t ms;

	(void)state;
	watchdog_init(&w, KHZ, 1000, 0);
	watchdog_step(&w, "iommu faults", NULL);
	assert_int_equal(watchdog_check(&w, MS(100), &ms), WATCHDOG_QUIET);
	assert_int_equal(watchdog_check(&w, MS(1100), &ms), WATCHDOG_QUIET);
	assert_int_equal(ms, 1000);
	assert_int_equal(watchdog_check(&w, MS(1100) + 1, &ms), WATCHDOG_STALL);
	assert_int_equal(ms, 1000);
	assert_int_equal(w.stalls, 1);
	for (uint64_t t = 1120; t < 5000; t += 20)
		assert_int_equal(watchdog_check(&w, MS(t), &ms), WATCHDOG_QUIET);
	assert_int_equal(w.stalls, 1);
	watchdog_step(&w, "console input", NULL);
	assert_int_equal(watchdog_check(&w, MS(5000), &ms), WATCHDOG_RESUMED);
	assert_int_equal(ms, 4900);
	assert_int_equal(watchdog_check(&w, MS(5020), &ms), WATCHDOG_QUIET);
	/* a second stall is a second report */
	assert_int_equal(watchdog_check(&w, MS(6500), &ms), WATCHDOG_STALL);
	assert_int_equal(ms, 1500);
	assert_int_equal(w.stalls, 2);
}

/* Stuck from the start (no beat ever): reported as stuck in start-up. */
static void test_stuck_before_first_beat(void **state)
{
	struct watchdog w;
	uint64_t ms;
	char s[WATCHDOG_STAGE_MAX];

	(void)state;
	watchdog_init(&w, KHZ, 200, MS(10));
	assert_int_equal(watchdog_check(&w, MS(300), &ms), WATCHDOG_STALL);
	assert_int_equal(ms, 290);
	watchdog_stage(&w, s, sizeof(s));
	assert_string_equal(s, "start-up");
}

/* A TSC read behind the last one (NMI on a CPU whose TSC lags) is no time. */
static void test_clock_behind(void **state)
{
	struct watchdog w;
	uint64_t ms;

	(void)state;
	watchdog_init(&w, KHZ, 1000, MS(1000));
	assert_int_equal(watchdog_check(&w, MS(10), &ms), WATCHDOG_QUIET);
	assert_int_equal(ms, 0);
	assert_int_equal(w.stalls, 0);
}

/* The beat counter wrapping is still a change. */
static void test_beat_wraps(void **state)
{
	struct watchdog w;
	uint64_t ms;

	(void)state;
	watchdog_init(&w, KHZ, 1000, 0);
	w.beat = ~0ull;
	assert_int_equal(watchdog_check(&w, MS(1), &ms), WATCHDOG_QUIET);
	assert_int_equal(watchdog_check(&w, MS(2000), &ms), WATCHDOG_STALL);
	watchdog_step(&w, "idle", NULL);
	assert_int_equal(w.beat, 0);
	assert_int_equal(watchdog_check(&w, MS(2001), &ms), WATCHDOG_RESUMED);
}

/* Not watching: a long still time is no stall, and watching again starts
 * the bound afresh (not from the last beat before the pause). */
static void test_pause(void **state)
{
	struct watchdog w;
	uint64_t ms;

	(void)state;
	watchdog_init(&w, KHZ, 1000, 0);
	watchdog_watch(&w, false);
	assert_int_equal(watchdog_check(&w, MS(5000), &ms), WATCHDOG_QUIET);
	assert_int_equal(watchdog_check(&w, MS(9000), &ms), WATCHDOG_QUIET);
	watchdog_watch(&w, true);
	assert_int_equal(watchdog_check(&w, MS(9500), &ms), WATCHDOG_QUIET);
	assert_int_equal(watchdog_check(&w, MS(10001), &ms), WATCHDOG_STALL);
	assert_int_equal(ms, 1001);
	/* paused while stalled: no resume line (nothing progressed), a clean
	 * start after */
	watchdog_watch(&w, false);
	assert_int_equal(watchdog_check(&w, MS(10100), &ms), WATCHDOG_QUIET);
	watchdog_watch(&w, true);
	assert_int_equal(watchdog_check(&w, MS(10200), &ms), WATCHDOG_QUIET);
	assert_int_equal(w.stalls, 1);
}

static void test_stage_names(void **state)
{
	struct watchdog w;
	char s[WATCHDOG_STAGE_MAX];
	char tiny[8];

	(void)state;
	watchdog_init(&w, KHZ, 1000, 0);
	watchdog_step(&w, "console of guest", "alpha");
	watchdog_stage(&w, s, sizeof(s));
	assert_string_equal(s, "console of guest alpha");
	watchdog_step(&w, "nic mailbox", NULL);
	watchdog_stage(&w, s, sizeof(s));
	assert_string_equal(s, "nic mailbox");
	/* cut to the buffer, terminated */
	watchdog_step(&w, "console of guest", "a-very-long-guest-name");
	watchdog_stage(&w, tiny, sizeof(tiny));
	assert_string_equal(tiny, "console");
	/* a torn or missing stage still prints */
	w.what = NULL;
	watchdog_stage(&w, s, sizeof(s));
	assert_string_equal(s, "? a-very-long-guest-name");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refuses_bad_setup),
		cmocka_unit_test(test_beating_is_quiet),
		cmocka_unit_test(test_stall_once_then_resume),
		cmocka_unit_test(test_stuck_before_first_beat),
		cmocka_unit_test(test_clock_behind),
		cmocka_unit_test(test_beat_wraps),
		cmocka_unit_test(test_pause),
		cmocka_unit_test(test_stage_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
