// SPDX-License-Identifier: MIT
/* Calendar arithmetic and RTC register decoding (lib/rtc_time.c), checked
 * against the C library's timegm()/gmtime_r() and against dates worked out
 * with `date -u -d`. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include "lib/rtc_time.h"

#define T_2026	   1795523696ll /* 2026-11-24 12:34:56 UTC, a Tuesday */
#define T_1999_END 946684799ll	/* 1999-12-31 23:59:59 UTC, a Friday */

static int64_t libc_timegm(int y, int mon, int d, int h, int m, int s)
{
	struct tm tm = {
		.tm_year = y - 1900,
		.tm_mon = mon - 1,
		.tm_mday = d,
		.tm_hour = h,
		.tm_min = m,
		.tm_sec = s,
	};

	return (int64_t)timegm(&tm);
}

struct ymd {
	unsigned int y, mon, d, wday, h, m, s;
};

static struct ymd split(int64_t t)
{
	struct ymd v;

	rtc_time_from_unix(t, &v.y, &v.mon, &v.d, &v.wday, &v.h, &v.m, &v.s);
	return v;
}

static void assert_ymd(int64_t t, unsigned int y, unsigned int mon, unsigned int d, unsigned int h,
		       unsigned int m, unsigned int s)
{
	struct ymd v = split(t);

	assert_int_equal(v.y, y);
	assert_int_equal(v.mon, mon);
	assert_int_equal(v.d, d);
	assert_int_equal(v.h, h);
	assert_int_equal(v.m, m);
	assert_int_equal(v.s, s);
}

static void test_known_dates(void **state)
{
	(void)state;
	/* all checked with date -u -d */
	assert_int_equal(rtc_time_to_unix(2026, 11, 24, 12, 34, 56), 1795523696);
	assert_int_equal(rtc_time_to_unix(1970, 1, 1, 0, 0, 0), 0);
	assert_int_equal(rtc_time_to_unix(1999, 12, 31, 23, 59, 59), 946684799);
	assert_int_equal(rtc_time_to_unix(2000, 2, 29, 0, 0, 0), 951782400);
	assert_int_equal(rtc_time_to_unix(2024, 2, 28, 23, 59, 59), 1709164799);
	assert_int_equal(rtc_time_to_unix(2038, 1, 19, 3, 14, 8), 2147483648ll);
	assert_int_equal(rtc_time_to_unix(2099, 12, 31, 23, 59, 59), 4102444799ll);
	assert_int_equal(rtc_time_to_unix(2100, 3, 1, 0, 0, 0), 4107542400ll);
	assert_int_equal(rtc_time_to_unix(9999, 12, 31, 23, 59, 59), RTC_UNIX_MAX);
	assert_int_equal(rtc_time_to_unix(0, 1, 1, 0, 0, 0), RTC_UNIX_MIN);

	assert_ymd(1795523696, 2026, 11, 24, 12, 34, 56);
	assert_int_equal(split(1795523696).wday, 2); /* Tuesday */
	assert_ymd(0, 1970, 1, 1, 0, 0, 0);
	assert_int_equal(split(0).wday, 4); /* Thursday */
	assert_ymd(951782400, 2000, 2, 29, 0, 0, 0);
	assert_ymd(4107542400ll - 1, 2100, 2, 28, 23, 59, 59); /* 2100 is not a leap year */
	assert_ymd(RTC_UNIX_MAX, 9999, 12, 31, 23, 59, 59);
	assert_ymd(RTC_UNIX_MIN, 0, 1, 1, 0, 0, 0);
	assert_ymd(-1, 1969, 12, 31, 23, 59, 59);
	assert_int_equal(split(T_1999_END).wday, 5); /* Friday */
}

/* Every day from 1970 to 2199, at a time of day that moves with the day,
 * both ways and against the C library; days are consecutive. */
static void test_round_trip_every_day(void **state)
{
	int64_t prev_midnight = -86400;
	unsigned int days = 0, leap_days = 0;

	(void)state;
	for (unsigned int y = 1970; y <= 2199; y++) {
		for (unsigned int mon = 1; mon <= 12; mon++) {
			for (unsigned int d = 1; d <= 31; d++) {
				unsigned int h = days % 24, m = days * 7 % 60, s = days * 13 % 60;
				int64_t t = rtc_time_to_unix(y, mon, d, h, m, s);
				int64_t midnight = rtc_time_to_unix(y, mon, d, 0, 0, 0);
				struct tm tm;
				time_t tt;

				tt = (time_t)libc_timegm((int)y, (int)mon, (int)d, 0, 0, 0);
				if (gmtime_r(&tt, &tm)->tm_mday != (int)d)
					continue; /* no such day: timegm carried it over */

				assert_int_equal(midnight, (int64_t)tt);
				assert_int_equal(t, libc_timegm((int)y, (int)mon, (int)d, (int)h,
								(int)m, (int)s));
				assert_int_equal(midnight, prev_midnight + 86400);
				prev_midnight = midnight;

				assert_ymd(t, y, mon, d, h, m, s);
				assert_ymd(midnight + 86399, y, mon, d, 23, 59, 59);
				assert_int_equal(split(t).wday, (unsigned int)tm.tm_wday);
				days++;
				if (mon == 2 && d == 29)
					leap_days++;
			}
		}
	}
	/* 230 years, 56 leap days: 1972..2196 by fours (57) less 2100 */
	assert_int_equal(leap_days, 56);
	assert_int_equal(days, 230 * 365 + 56);
}

static void test_leap_years(void **state)
{
	static const struct {
		unsigned int y;
		bool leap;
	} years[] = {{1970, false}, {1972, true},  {1900, false}, {2000, true},	 {2023, false},
		     {2024, true},  {2100, false}, {2200, false}, {2300, false}, {2400, true}};

	(void)state;
	for (size_t i = 0; i < sizeof(years) / sizeof(years[0]); i++) {
		int64_t mar1 = rtc_time_to_unix(years[i].y, 3, 1, 0, 0, 0);
		struct ymd v = split(mar1 - 86400);

		assert_int_equal(v.mon, 2);
		assert_int_equal(v.d, years[i].leap ? 29 : 28);
		assert_int_equal(rtc_time_to_unix(years[i].y + 1, 1, 1, 0, 0, 0) -
					 rtc_time_to_unix(years[i].y, 1, 1, 0, 0, 0),
				 (years[i].leap ? 366 : 365) * 86400ll);
	}
}

static void test_to_unix_carries_over(void **state)
{
	(void)state;
	assert_int_equal(rtc_time_to_unix(2025, 13, 1, 0, 0, 0),
			 rtc_time_to_unix(2026, 1, 1, 0, 0, 0));
	assert_int_equal(rtc_time_to_unix(2026, 0, 1, 0, 0, 0),
			 rtc_time_to_unix(2025, 12, 1, 0, 0, 0));
	assert_int_equal(rtc_time_to_unix(2026, 25, 1, 0, 0, 0),
			 rtc_time_to_unix(2028, 1, 1, 0, 0, 0));
	assert_int_equal(rtc_time_to_unix(2026, 3, 0, 0, 0, 0),
			 rtc_time_to_unix(2026, 2, 28, 0, 0, 0));
	assert_int_equal(rtc_time_to_unix(2026, 2, 29, 0, 0, 0),
			 rtc_time_to_unix(2026, 3, 1, 0, 0, 0));
	assert_int_equal(rtc_time_to_unix(2026, 1, 1, 24, 0, 0),
			 rtc_time_to_unix(2026, 1, 2, 0, 0, 0));
	assert_int_equal(rtc_time_to_unix(2026, 1, 1, 0, 0, 60),
			 rtc_time_to_unix(2026, 1, 1, 0, 1, 0));
	/* nothing overflows (UBSan would stop the test) */
	(void)rtc_time_to_unix(~0u, ~0u, ~0u, ~0u, ~0u, ~0u);
	(void)rtc_time_to_unix(0, 0, 0, 0, 0, 0);
}

static void test_from_unix_clamps(void **state)
{
	unsigned int y = 1;

	(void)state;
	assert_ymd(INT64_MIN, 0, 1, 1, 0, 0, 0);
	assert_ymd(RTC_UNIX_MIN - 1, 0, 1, 1, 0, 0, 0);
	assert_ymd(INT64_MAX, 9999, 12, 31, 23, 59, 59);
	assert_ymd(RTC_UNIX_MAX + 1, 9999, 12, 31, 23, 59, 59);
	/* NULL outputs are allowed */
	rtc_time_from_unix(T_2026, &y, NULL, NULL, NULL, NULL, NULL, NULL);
	assert_int_equal(y, 2026);
	rtc_time_from_unix(T_2026, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
}

/* Each register at 2026-11-24 12:34:56 (Tuesday) and 1999-12-31 23:59:59 (Friday). */
/* ---- rtc_time_decode ---------------------------------------------------------- */

static void set_time(uint8_t regs[RTC_NREGS], uint8_t b, uint8_t s, uint8_t m, uint8_t h, uint8_t d,
		     uint8_t mon, uint8_t yy, uint8_t century)
{
	memset(regs, 0, RTC_NREGS);
	regs[RTC_REG_A] = 0x26;
	regs[RTC_REG_B] = b;
	regs[RTC_REG_D] = 0x80;
	regs[RTC_SECONDS] = s;
	regs[RTC_MINUTES] = m;
	regs[RTC_HOURS] = h;
	regs[RTC_DAY_OF_MONTH] = d;
	regs[RTC_MONTH] = mon;
	regs[RTC_YEAR] = yy;
	regs[RTC_CENTURY] = century;
}

#define BCD24 0x02
#define BIN24 0x06
#define BCD12 0x00
#define BIN12 0x04

static void test_decode_bcd_and_binary(void **state)
{
	uint8_t regs[RTC_NREGS];

	(void)state;
	set_time(regs, BCD24, 0x56, 0x34, 0x12, 0x24, 0x11, 0x26, 0x20);
	assert_int_equal(rtc_time_decode(regs), T_2026);
	set_time(regs, BIN24, 56, 34, 12, 24, 11, 26, 20);
	assert_int_equal(rtc_time_decode(regs), T_2026);
	set_time(regs, BCD24, 0x59, 0x59, 0x23, 0x31, 0x12, 0x99, 0x19);
	assert_int_equal(rtc_time_decode(regs), T_1999_END);
	set_time(regs, BIN24, 59, 59, 23, 31, 12, 99, 19);
	assert_int_equal(rtc_time_decode(regs), T_1999_END);
	set_time(regs, BCD24, 0x00, 0x00, 0x00, 0x29, 0x02, 0x00, 0x20);
	assert_int_equal(rtc_time_decode(regs), 951782400); /* 2000-02-29 */
	set_time(regs, BCD24, 0, 0, 0, 0x01, 0x01, 0x70, 0x19);
	assert_int_equal(rtc_time_decode(regs), 0);
	/* the other registers do not matter: day of week, A, C, D, alarms */
	set_time(regs, BCD24, 0x56, 0x34, 0x12, 0x24, 0x11, 0x26, 0x20);
	regs[RTC_DAY_OF_WEEK] = 0xff;
	regs[RTC_REG_A] = 0xa6;
	regs[RTC_REG_C] = 0xf0;
	regs[RTC_REG_D] = 0x00;
	regs[RTC_SECONDS_ALARM] = 0xff;
	assert_int_equal(rtc_time_decode(regs), T_2026);
}

static void test_decode_century(void **state)
{
	uint8_t regs[RTC_NREGS];

	(void)state;
	/* no century (0, out of range, not BCD): 70-99 are 19xx, 00-69 20xx */
	static const uint8_t none[] = {0x00, 0x18, 0xff, 0x1a, 0xa0};
	for (size_t i = 0; i < sizeof(none); i++) {
		set_time(regs, BCD24, 0x56, 0x34, 0x12, 0x24, 0x11, 0x26, none[i]);
		assert_int_equal(rtc_time_decode(regs), T_2026);
		set_time(regs, BCD24, 0x59, 0x59, 0x23, 0x31, 0x12, 0x99, none[i]);
		assert_int_equal(rtc_time_decode(regs), T_1999_END);
		set_time(regs, BCD24, 0, 0, 0, 0x01, 0x01, 0x69, none[i]);
		assert_int_equal(rtc_time_decode(regs), rtc_time_to_unix(2069, 1, 1, 0, 0, 0));
		set_time(regs, BCD24, 0, 0, 0, 0x01, 0x01, 0x70, none[i]);
		assert_int_equal(rtc_time_decode(regs), 0);
	}
	/* a century byte that is there is used */
	set_time(regs, BCD24, 0, 0, 0, 0x01, 0x03, 0x00, 0x21);
	assert_int_equal(rtc_time_decode(regs), 4107542400ll); /* 2100-03-01 */
	set_time(regs, BIN24, 0, 0, 0, 1, 3, 0, 21);
	assert_int_equal(rtc_time_decode(regs), 4107542400ll);
	set_time(regs, BCD24, 0x59, 0x59, 0x23, 0x31, 0x12, 0x99, 0x99);
	assert_int_equal(rtc_time_decode(regs), RTC_UNIX_MAX);
	/* 1926 is before 1970: refused */
	set_time(regs, BCD24, 0x56, 0x34, 0x12, 0x24, 0x11, 0x26, 0x19);
	assert_int_equal(rtc_time_decode(regs), -1);
	set_time(regs, BCD24, 0x59, 0x59, 0x23, 0x31, 0x12, 0x69, 0x19);
	assert_int_equal(rtc_time_decode(regs), -1);
}

static void test_decode_12h(void **state)
{
	static const struct {
		uint8_t bcd, bin;
		unsigned int h24;
	} hours[] = {
		{0x12, 12, 0}, /* 12 AM */
		{0x01, 1, 1},
		{0x11, 11, 11},
		{0x80 | 0x12, 0x80 | 12, 12}, /* 12 PM */
		{0x80 | 0x01, 0x80 | 1, 13},
		{0x80 | 0x11, 0x80 | 11, 23},
	};
	uint8_t regs[RTC_NREGS];

	(void)state;
	for (size_t i = 0; i < sizeof(hours) / sizeof(hours[0]); i++) {
		int64_t want = rtc_time_to_unix(2026, 11, 24, hours[i].h24, 34, 56);

		set_time(regs, BCD12, 0x56, 0x34, hours[i].bcd, 0x24, 0x11, 0x26, 0x20);
		assert_int_equal(rtc_time_decode(regs), want);
		set_time(regs, BIN12, 56, 34, hours[i].bin, 24, 11, 26, 20);
		assert_int_equal(rtc_time_decode(regs), want);
	}
	/* 12-hour values that do not exist */
	static const uint8_t bad12[] = {0x00, 0x80, 0x13, 0x93, 0x1a, 0xff};
	for (size_t i = 0; i < sizeof(bad12); i++) {
		set_time(regs, BCD12, 0x56, 0x34, bad12[i], 0x24, 0x11, 0x26, 0x20);
		assert_int_equal(rtc_time_decode(regs), -1);
	}
	set_time(regs, BIN12, 56, 34, 13, 24, 11, 26, 20);
	assert_int_equal(rtc_time_decode(regs), -1);
	set_time(regs, BIN12, 56, 34, 0x80, 24, 11, 26, 20);
	assert_int_equal(rtc_time_decode(regs), -1);
	/* the PM bit means nothing in 24-hour mode: out of range */
	set_time(regs, BCD24, 0x56, 0x34, 0x81, 0x24, 0x11, 0x26, 0x20);
	assert_int_equal(rtc_time_decode(regs), -1);
	set_time(regs, BIN24, 56, 34, 0x81, 24, 11, 26, 20);
	assert_int_equal(rtc_time_decode(regs), -1);
}

static void test_decode_garbage(void **state)
{
	uint8_t regs[RTC_NREGS];

	(void)state;
	/* an absent RTC reads all ones; an erased one all zeros */
	memset(regs, 0xff, sizeof(regs));
	assert_int_equal(rtc_time_decode(regs), -1);
	regs[RTC_REG_B] = BCD24;
	assert_int_equal(rtc_time_decode(regs), -1);
	memset(regs, 0x00, sizeof(regs));
	assert_int_equal(rtc_time_decode(regs), -1); /* month 0, day 0 */

	static const struct {
		uint8_t b, s, m, h, d, mon, yy;
	} bad[] = {
		{BCD24, 0x56, 0x34, 0x12, 0x24, 0x13, 0x26}, /* month 13 */
		{BCD24, 0x56, 0x34, 0x12, 0x24, 0x00, 0x26}, /* month 0 */
		{BCD24, 0x56, 0x34, 0x12, 0x24, 0x0a, 0x26}, /* month nibble a */
		{BCD24, 0x5a, 0x34, 0x12, 0x24, 0x11, 0x26}, /* seconds nibble a */
		{BCD24, 0x60, 0x34, 0x12, 0x24, 0x11, 0x26}, /* seconds 60 */
		{BCD24, 0x56, 0x60, 0x12, 0x24, 0x11, 0x26}, /* minutes 60 */
		{BCD24, 0x56, 0x3f, 0x12, 0x24, 0x11, 0x26}, /* minutes nibble f */
		{BCD24, 0x56, 0x34, 0x24, 0x24, 0x11, 0x26}, /* hour 24 */
		{BCD24, 0x56, 0x34, 0x1c, 0x24, 0x11, 0x26}, /* hour nibble c */
		{BCD24, 0x56, 0x34, 0x12, 0x00, 0x11, 0x26}, /* day 0 */
		{BCD24, 0x56, 0x34, 0x12, 0x32, 0x01, 0x26}, /* Jan 32 */
		{BCD24, 0x56, 0x34, 0x12, 0x31, 0x04, 0x26}, /* Apr 31 */
		{BCD24, 0x56, 0x34, 0x12, 0x31, 0x11, 0x26}, /* Nov 31 */
		{BCD24, 0x56, 0x34, 0x12, 0x29, 0x02, 0x26}, /* Feb 29 2026 */
		{BCD24, 0x56, 0x34, 0x12, 0x30, 0x02, 0x24}, /* Feb 30 2024 */
		{BCD24, 0x56, 0x34, 0x12, 0x1b, 0x11, 0x26}, /* day nibble b */
		{BCD24, 0x56, 0x34, 0x12, 0x24, 0x11, 0xa0}, /* year nibble a */
		{BCD24, 0x56, 0x34, 0x12, 0x24, 0x11, 0x2f}, /* year nibble f */
		{BIN24, 60, 34, 12, 24, 11, 26},	     /* binary: seconds 60 */
		{BIN24, 56, 60, 12, 24, 11, 26},	     /* minutes 60 */
		{BIN24, 56, 34, 24, 24, 11, 26},	     /* hour 24 */
		{BIN24, 56, 34, 12, 24, 13, 26},	     /* month 13 */
		{BIN24, 56, 34, 12, 0, 11, 26},		     /* day 0 */
		{BIN24, 56, 34, 12, 31, 11, 26},	     /* Nov 31 */
		{BIN24, 56, 34, 12, 24, 11, 100},	     /* year 100 */
		{BIN24, 0x56, 0x34, 0x12, 0x24, 0x11, 0x26}, /* BCD bytes, binary flag */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		set_time(regs, bad[i].b, bad[i].s, bad[i].m, bad[i].h, bad[i].d, bad[i].mon,
			 bad[i].yy, 0x20);
		if (rtc_time_decode(regs) != -1)
			print_message("bad case %zu decoded\n", i);
		assert_int_equal(rtc_time_decode(regs), -1);
	}
	/* Feb 29 of 2100 does not exist, of 2000 does */
	set_time(regs, BCD24, 0, 0, 0, 0x29, 0x02, 0x00, 0x21);
	assert_int_equal(rtc_time_decode(regs), -1);
	set_time(regs, BCD24, 0, 0, 0, 0x29, 0x02, 0x00, 0x20);
	assert_int_equal(rtc_time_decode(regs), 951782400);
}

/* Every byte in every time register, BCD: valid exactly when both digits are
 * 0-9 and the value is in range; the rest of the time stays valid. */
static void test_decode_every_byte(void **state)
{
	static const struct {
		uint8_t reg;
		unsigned int lo, hi;
	} ranges[] = {
		{RTC_SECONDS, 0, 59}, {RTC_MINUTES, 0, 59},
		{RTC_HOURS, 0, 23},   {RTC_DAY_OF_MONTH, 1, 30}, /* November 2026 */
		{RTC_MONTH, 1, 12},   {RTC_YEAR, 0, 99},
	};
	uint8_t regs[RTC_NREGS];

	(void)state;
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		for (unsigned int v = 0; v <= 0xff; v++) {
			bool bcd = (v & 0x0f) <= 9 && (v >> 4) <= 9;
			unsigned int n = (v >> 4) * 10 + (v & 0x0f);
			bool ok = bcd && n >= ranges[i].lo && n <= ranges[i].hi;
			int64_t got;

			/* 1st of November, 2026, 12:34:56 */
			set_time(regs, BCD24, 0x56, 0x34, 0x12, 0x01, 0x11, 0x26, 0x20);
			regs[ranges[i].reg] = (uint8_t)v;
			got = rtc_time_decode(regs);
			if (!ok) {
				assert_int_equal(got, -1);
				continue;
			}
			assert_true(got >= 0);
			switch (ranges[i].reg) {
			case RTC_SECONDS:
				assert_int_equal(split(got).s, n);
				break;
			case RTC_MINUTES:
				assert_int_equal(split(got).m, n);
				break;
			case RTC_HOURS:
				assert_int_equal(split(got).h, n);
				break;
			case RTC_DAY_OF_MONTH:
				assert_int_equal(split(got).d, n);
				break;
			case RTC_MONTH:
				assert_int_equal(split(got).mon, n);
				break;
			default:
				assert_int_equal(split(got).y, 2000 + n);
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_dates),
		cmocka_unit_test(test_round_trip_every_day),
		cmocka_unit_test(test_leap_years),
		cmocka_unit_test(test_to_unix_carries_over),
		cmocka_unit_test(test_from_unix_clamps),
		cmocka_unit_test(test_decode_bcd_and_binary),
		cmocka_unit_test(test_decode_century),
		cmocka_unit_test(test_decode_12h),
		cmocka_unit_test(test_decode_garbage),
		cmocka_unit_test(test_decode_every_byte),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
