// SPDX-License-Identifier: MIT
/* The guest's read-only CMOS RTC. Calendar results are checked against the C
 * library's timegm()/gmtime_r() and against dates worked out with
 * `date -u -d`; the Linux tests replay, port access by port access, what
 * Linux 6.1 does to read the clock and decode the result as Linux does. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include "hv/platform/vrtc.h"

#define HZ	   2999999929ull /* an odd TSC frequency: no accidental round numbers */
#define BASE_TSC   123456789ull
#define T_2026	   1795523696ll /* 2026-11-24 12:34:56 UTC, a Tuesday */
#define T_1999_END 946684799ll	/* 1999-12-31 23:59:59 UTC, a Friday */

/* The TSC at which @secs seconds have passed since BASE_TSC, plus @extra cycles. */
static uint64_t tsc_at(uint64_t secs, int64_t extra)
{
	return BASE_TSC + secs * HZ + (uint64_t)extra;
}

/* A guest register read as software does it: select, then read the data port. */
static uint8_t cmos(struct vrtc *r, uint8_t reg, uint64_t tsc)
{
	vrtc_write(r, VRTC_PORT_INDEX, reg);
	return vrtc_read(r, VRTC_PORT_DATA, tsc);
}

static void dump(struct vrtc *r, uint64_t tsc, uint8_t regs[VRTC_NREGS])
{
	for (unsigned int i = 0; i < VRTC_NREGS; i++)
		regs[i] = cmos(r, (uint8_t)i, tsc);
}

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

	vrtc_from_unix(t, &v.y, &v.mon, &v.d, &v.wday, &v.h, &v.m, &v.s);
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
	assert_int_equal(vrtc_to_unix(2026, 11, 24, 12, 34, 56), 1795523696);
	assert_int_equal(vrtc_to_unix(1970, 1, 1, 0, 0, 0), 0);
	assert_int_equal(vrtc_to_unix(1999, 12, 31, 23, 59, 59), 946684799);
	assert_int_equal(vrtc_to_unix(2000, 2, 29, 0, 0, 0), 951782400);
	assert_int_equal(vrtc_to_unix(2024, 2, 28, 23, 59, 59), 1709164799);
	assert_int_equal(vrtc_to_unix(2038, 1, 19, 3, 14, 8), 2147483648ll);
	assert_int_equal(vrtc_to_unix(2099, 12, 31, 23, 59, 59), 4102444799ll);
	assert_int_equal(vrtc_to_unix(2100, 3, 1, 0, 0, 0), 4107542400ll);
	assert_int_equal(vrtc_to_unix(9999, 12, 31, 23, 59, 59), VRTC_UNIX_MAX);
	assert_int_equal(vrtc_to_unix(0, 1, 1, 0, 0, 0), VRTC_UNIX_MIN);

	assert_ymd(1795523696, 2026, 11, 24, 12, 34, 56);
	assert_int_equal(split(1795523696).wday, 2); /* Tuesday */
	assert_ymd(0, 1970, 1, 1, 0, 0, 0);
	assert_int_equal(split(0).wday, 4); /* Thursday */
	assert_ymd(951782400, 2000, 2, 29, 0, 0, 0);
	assert_ymd(4107542400ll - 1, 2100, 2, 28, 23, 59, 59); /* 2100 is not a leap year */
	assert_ymd(VRTC_UNIX_MAX, 9999, 12, 31, 23, 59, 59);
	assert_ymd(VRTC_UNIX_MIN, 0, 1, 1, 0, 0, 0);
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
				int64_t t = vrtc_to_unix(y, mon, d, h, m, s);
				int64_t midnight = vrtc_to_unix(y, mon, d, 0, 0, 0);
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
		int64_t mar1 = vrtc_to_unix(years[i].y, 3, 1, 0, 0, 0);
		struct ymd v = split(mar1 - 86400);

		assert_int_equal(v.mon, 2);
		assert_int_equal(v.d, years[i].leap ? 29 : 28);
		assert_int_equal(vrtc_to_unix(years[i].y + 1, 1, 1, 0, 0, 0) -
					 vrtc_to_unix(years[i].y, 1, 1, 0, 0, 0),
				 (years[i].leap ? 366 : 365) * 86400ll);
	}
}

static void test_to_unix_carries_over(void **state)
{
	(void)state;
	assert_int_equal(vrtc_to_unix(2025, 13, 1, 0, 0, 0), vrtc_to_unix(2026, 1, 1, 0, 0, 0));
	assert_int_equal(vrtc_to_unix(2026, 0, 1, 0, 0, 0), vrtc_to_unix(2025, 12, 1, 0, 0, 0));
	assert_int_equal(vrtc_to_unix(2026, 25, 1, 0, 0, 0), vrtc_to_unix(2028, 1, 1, 0, 0, 0));
	assert_int_equal(vrtc_to_unix(2026, 3, 0, 0, 0, 0), vrtc_to_unix(2026, 2, 28, 0, 0, 0));
	assert_int_equal(vrtc_to_unix(2026, 2, 29, 0, 0, 0), vrtc_to_unix(2026, 3, 1, 0, 0, 0));
	assert_int_equal(vrtc_to_unix(2026, 1, 1, 24, 0, 0), vrtc_to_unix(2026, 1, 2, 0, 0, 0));
	assert_int_equal(vrtc_to_unix(2026, 1, 1, 0, 0, 60), vrtc_to_unix(2026, 1, 1, 0, 1, 0));
	/* nothing overflows (UBSan would stop the test) */
	(void)vrtc_to_unix(~0u, ~0u, ~0u, ~0u, ~0u, ~0u);
	(void)vrtc_to_unix(0, 0, 0, 0, 0, 0);
}

static void test_from_unix_clamps(void **state)
{
	unsigned int y = 1;

	(void)state;
	assert_ymd(INT64_MIN, 0, 1, 1, 0, 0, 0);
	assert_ymd(VRTC_UNIX_MIN - 1, 0, 1, 1, 0, 0, 0);
	assert_ymd(INT64_MAX, 9999, 12, 31, 23, 59, 59);
	assert_ymd(VRTC_UNIX_MAX + 1, 9999, 12, 31, 23, 59, 59);
	/* NULL outputs are allowed */
	vrtc_from_unix(T_2026, &y, NULL, NULL, NULL, NULL, NULL, NULL);
	assert_int_equal(y, 2026);
	vrtc_from_unix(T_2026, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
}

/* Each register at 2026-11-24 12:34:56 (Tuesday) and 1999-12-31 23:59:59 (Friday). */
static void test_registers(void **state)
{
	struct vrtc r;
	uint8_t regs[VRTC_NREGS];

	(void)state;
	vrtc_init(&r, T_2026, BASE_TSC, HZ);
	dump(&r, BASE_TSC, regs);
	assert_int_equal(regs[0x00], 0x56);
	assert_int_equal(regs[0x01], 0);
	assert_int_equal(regs[0x02], 0x34);
	assert_int_equal(regs[0x03], 0);
	assert_int_equal(regs[0x04], 0x12);
	assert_int_equal(regs[0x05], 0);
	assert_int_equal(regs[0x06], 0x03); /* 1 = Sunday */
	assert_int_equal(regs[0x07], 0x24);
	assert_int_equal(regs[0x08], 0x11);
	assert_int_equal(regs[0x09], 0x26);
	assert_int_equal(regs[0x0a], 0x26);
	assert_int_equal(regs[0x0b], 0x02);
	assert_int_equal(regs[0x0c], 0x00);
	assert_int_equal(regs[0x0d], 0x80);
	assert_int_equal(regs[0x32], 0x20);
	for (unsigned int i = 0x0e; i < VRTC_NREGS; i++)
		if (i != 0x32)
			assert_int_equal(regs[i], 0);

	vrtc_init(&r, T_1999_END, BASE_TSC, HZ);
	dump(&r, BASE_TSC, regs);
	assert_int_equal(regs[0x00], 0x59);
	assert_int_equal(regs[0x02], 0x59);
	assert_int_equal(regs[0x04], 0x23);
	assert_int_equal(regs[0x06], 0x06); /* Friday */
	assert_int_equal(regs[0x07], 0x31);
	assert_int_equal(regs[0x08], 0x12);
	assert_int_equal(regs[0x09], 0x99);
	assert_int_equal(regs[0x32], 0x19);

	/* the epoch, a Thursday */
	vrtc_init(&r, 0, BASE_TSC, HZ);
	dump(&r, BASE_TSC, regs);
	assert_memory_equal(regs, ((const uint8_t[]){0, 0, 0, 0, 0, 0, 0x05, 0x01, 0x01, 0x70}),
			    10);
	assert_int_equal(regs[0x32], 0x19);
}

static void test_ports(void **state)
{
	struct vrtc r;

	(void)state;
	vrtc_init(&r, T_2026, BASE_TSC, HZ);
	vrtc_write(&r, VRTC_PORT_INDEX, VRTC_SECONDS);
	assert_int_equal(vrtc_read(&r, VRTC_PORT_INDEX, BASE_TSC), 0xff); /* write-only */
	assert_int_equal(vrtc_read(&r, 0x72, BASE_TSC), 0xff);
	assert_int_equal(vrtc_read(&r, 0x170, BASE_TSC), 0xff);
	/* the index stays selected across reads */
	assert_int_equal(vrtc_read(&r, VRTC_PORT_DATA, BASE_TSC), 0x56);
	assert_int_equal(vrtc_read(&r, VRTC_PORT_DATA, BASE_TSC), 0x56);
	/* bit 7 is the NMI mask: remembered, the register is bits 6:0 */
	vrtc_write(&r, VRTC_PORT_INDEX, VRTC_NMI_DISABLE | VRTC_REG_A);
	assert_true(r.nmi_off);
	assert_int_equal(r.index, VRTC_REG_A);
	assert_int_equal(vrtc_read(&r, VRTC_PORT_DATA, BASE_TSC), 0x26);
	vrtc_write(&r, VRTC_PORT_INDEX, VRTC_NMI_DISABLE | VRTC_MINUTES);
	assert_int_equal(vrtc_read(&r, VRTC_PORT_DATA, BASE_TSC), 0x34);
	vrtc_write(&r, VRTC_PORT_INDEX, VRTC_REG_D);
	assert_false(r.nmi_off);
	assert_int_equal(vrtc_read(&r, VRTC_PORT_DATA, BASE_TSC), 0x80);
	/* writes to other ports change nothing */
	vrtc_write(&r, 0x72, VRTC_SECONDS);
	assert_int_equal(vrtc_read(&r, VRTC_PORT_DATA, BASE_TSC), 0x80);
}

/* Time follows the TSC: every boundary up to the century, with the register
 * changing exactly at the cycle where the second ends. */
static void test_time_advances(void **state)
{
	static const struct {
		int64_t t;		     /* the last second before the boundary */
		uint8_t before[7], after[7]; /* sec min hour wday mday mon year */
		uint8_t century_before, century_after;
	} cases[] = {
		{1795523699, /* 2026-11-24 12:34:59 Tuesday */
		 {0x59, 0x34, 0x12, 3, 0x24, 0x11, 0x26},
		 {0x00, 0x35, 0x12, 3, 0x24, 0x11, 0x26},
		 0x20,
		 0x20},
		/* 2026-01-31 23:59:59 Saturday -> Sunday Feb 1 */
		{1769903999,
		 {0x59, 0x59, 0x23, 7, 0x31, 0x01, 0x26},
		 {0x00, 0x00, 0x00, 1, 0x01, 0x02, 0x26},
		 0x20,
		 0x20},
		/* 2026-02-28 23:59:59 Saturday -> Mar 1 */
		{1772323199,
		 {0x59, 0x59, 0x23, 7, 0x28, 0x02, 0x26},
		 {0x00, 0x00, 0x00, 1, 0x01, 0x03, 0x26},
		 0x20,
		 0x20},
		/* 2024-02-28 23:59:59 Wednesday -> Feb 29 */
		{1709164799,
		 {0x59, 0x59, 0x23, 4, 0x28, 0x02, 0x24},
		 {0x00, 0x00, 0x00, 5, 0x29, 0x02, 0x24},
		 0x20,
		 0x20},
		/* 1999-12-31 23:59:59 Friday -> 2000-01-01 */
		{T_1999_END,
		 {0x59, 0x59, 0x23, 6, 0x31, 0x12, 0x99},
		 {0x00, 0x00, 0x00, 7, 0x01, 0x01, 0x00},
		 0x19,
		 0x20},
		/* 2099-12-31 23:59:59 Thursday -> 2100-01-01 */
		{4102444799ll,
		 {0x59, 0x59, 0x23, 5, 0x31, 0x12, 0x99},
		 {0x00, 0x00, 0x00, 6, 0x01, 0x01, 0x00},
		 0x20,
		 0x21},
	};
	static const uint8_t fields[7] = {0x00, 0x02, 0x04, 0x06, 0x07, 0x08, 0x09};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vrtc r;
		/* start 1000 s early and run the clock up to the boundary */
		uint64_t boundary = tsc_at(1000, 0);

		vrtc_init(&r, cases[i].t - 999, BASE_TSC, HZ);
		for (unsigned int f = 0; f < 7; f++) {
			assert_int_equal(cmos(&r, fields[f], boundary - 1), cases[i].before[f]);
			assert_int_equal(cmos(&r, fields[f], boundary), cases[i].after[f]);
		}
		assert_int_equal(cmos(&r, VRTC_CENTURY, boundary - 1), cases[i].century_before);
		assert_int_equal(cmos(&r, VRTC_CENTURY, boundary), cases[i].century_after);
		assert_int_equal(vrtc_now(&r, boundary - 1), cases[i].t);
		assert_int_equal(vrtc_now(&r, boundary), cases[i].t + 1);
	}
}

static void test_long_run(void **state)
{
	struct vrtc r;
	uint64_t hz = 3000000000ull;

	(void)state;
	/* ten years of a 3 GHz TSC (about 9.5e17 cycles) */
	vrtc_init(&r, T_2026, 0, hz);
	for (uint64_t days = 0; days <= 3653; days += 7)
		assert_int_equal(vrtc_now(&r, days * 86400 * hz + hz / 2),
				 T_2026 + (int64_t)days * 86400);
	/* to the end of the TSC's range: 6.5e9 s at 2.8 GHz, still within 9999 */
	vrtc_init(&r, T_2026, 0, 2800000000ull);
	assert_int_equal(vrtc_now(&r, UINT64_MAX), T_2026 + (int64_t)(UINT64_MAX / 2800000000ull));
}

static void test_tsc_edges(void **state)
{
	struct vrtc r;
	uint8_t a[VRTC_NREGS], b[VRTC_NREGS];

	(void)state;
	/* tsc_hz 0: the clock stands still */
	vrtc_init(&r, T_2026, BASE_TSC, 0);
	dump(&r, BASE_TSC, a);
	dump(&r, UINT64_MAX, b);
	assert_memory_equal(a, b, sizeof(a));
	assert_int_equal(vrtc_now(&r, UINT64_MAX), T_2026);

	/* a TSC before the base reads as the base time */
	vrtc_init(&r, T_2026, BASE_TSC, HZ);
	assert_int_equal(vrtc_now(&r, 0), T_2026);
	assert_int_equal(vrtc_now(&r, BASE_TSC - 1), T_2026);
	dump(&r, 0, b);
	dump(&r, BASE_TSC, a);
	assert_memory_equal(a, b, sizeof(a));

	/* 1 Hz and the whole TSC range: clamped at 9999-12-31 23:59:59 */
	vrtc_init(&r, T_2026, 0, 1);
	assert_int_equal(vrtc_now(&r, UINT64_MAX), VRTC_UNIX_MAX);
	dump(&r, UINT64_MAX, a);
	assert_memory_equal(
		a, ((const uint8_t[]){0x59, 0, 0x59, 0, 0x23, 0, 0x06, 0x31, 0x12, 0x99}), 10);
	assert_int_equal(a[VRTC_CENTURY], 0x99);
	/* just below the end */
	assert_int_equal(vrtc_now(&r, (uint64_t)(VRTC_UNIX_MAX - T_2026 - 1)), VRTC_UNIX_MAX - 1);

	/* base times out of range are clamped: the guest never sees before 1970 */
	vrtc_init(&r, INT64_MIN, BASE_TSC, HZ);
	assert_int_equal(vrtc_now(&r, BASE_TSC), 0);
	vrtc_init(&r, -1, BASE_TSC, HZ);
	assert_int_equal(vrtc_now(&r, tsc_at(5, 0)), 5);
	vrtc_init(&r, INT64_MAX, BASE_TSC, 1);
	assert_int_equal(vrtc_now(&r, UINT64_MAX), VRTC_UNIX_MAX);
	/* a struct written behind our back does not overflow either */
	r.base_unix = INT64_MAX;
	assert_int_equal(vrtc_now(&r, UINT64_MAX), VRTC_UNIX_MAX);
	r.base_unix = INT64_MIN;
	assert_int_equal(vrtc_now(&r, BASE_TSC), 0);
}

/* ---- vrtc_decode ---------------------------------------------------------- */

static void set_time(uint8_t regs[VRTC_NREGS], uint8_t b, uint8_t s, uint8_t m, uint8_t h,
		     uint8_t d, uint8_t mon, uint8_t yy, uint8_t century)
{
	memset(regs, 0, VRTC_NREGS);
	regs[VRTC_REG_A] = 0x26;
	regs[VRTC_REG_B] = b;
	regs[VRTC_REG_D] = 0x80;
	regs[VRTC_SECONDS] = s;
	regs[VRTC_MINUTES] = m;
	regs[VRTC_HOURS] = h;
	regs[VRTC_DAY_OF_MONTH] = d;
	regs[VRTC_MONTH] = mon;
	regs[VRTC_YEAR] = yy;
	regs[VRTC_CENTURY] = century;
}

#define BCD24 0x02
#define BIN24 0x06
#define BCD12 0x00
#define BIN12 0x04

static void test_decode_bcd_and_binary(void **state)
{
	uint8_t regs[VRTC_NREGS];

	(void)state;
	set_time(regs, BCD24, 0x56, 0x34, 0x12, 0x24, 0x11, 0x26, 0x20);
	assert_int_equal(vrtc_decode(regs), T_2026);
	set_time(regs, BIN24, 56, 34, 12, 24, 11, 26, 20);
	assert_int_equal(vrtc_decode(regs), T_2026);
	set_time(regs, BCD24, 0x59, 0x59, 0x23, 0x31, 0x12, 0x99, 0x19);
	assert_int_equal(vrtc_decode(regs), T_1999_END);
	set_time(regs, BIN24, 59, 59, 23, 31, 12, 99, 19);
	assert_int_equal(vrtc_decode(regs), T_1999_END);
	set_time(regs, BCD24, 0x00, 0x00, 0x00, 0x29, 0x02, 0x00, 0x20);
	assert_int_equal(vrtc_decode(regs), 951782400); /* 2000-02-29 */
	set_time(regs, BCD24, 0, 0, 0, 0x01, 0x01, 0x70, 0x19);
	assert_int_equal(vrtc_decode(regs), 0);
	/* the other registers do not matter: day of week, A, C, D, alarms */
	set_time(regs, BCD24, 0x56, 0x34, 0x12, 0x24, 0x11, 0x26, 0x20);
	regs[VRTC_DAY_OF_WEEK] = 0xff;
	regs[VRTC_REG_A] = 0xa6;
	regs[VRTC_REG_C] = 0xf0;
	regs[VRTC_REG_D] = 0x00;
	regs[VRTC_SECONDS_ALARM] = 0xff;
	assert_int_equal(vrtc_decode(regs), T_2026);
}

static void test_decode_century(void **state)
{
	uint8_t regs[VRTC_NREGS];

	(void)state;
	/* no century (0, out of range, not BCD): 70-99 are 19xx, 00-69 20xx */
	static const uint8_t none[] = {0x00, 0x18, 0xff, 0x1a, 0xa0};
	for (size_t i = 0; i < sizeof(none); i++) {
		set_time(regs, BCD24, 0x56, 0x34, 0x12, 0x24, 0x11, 0x26, none[i]);
		assert_int_equal(vrtc_decode(regs), T_2026);
		set_time(regs, BCD24, 0x59, 0x59, 0x23, 0x31, 0x12, 0x99, none[i]);
		assert_int_equal(vrtc_decode(regs), T_1999_END);
		set_time(regs, BCD24, 0, 0, 0, 0x01, 0x01, 0x69, none[i]);
		assert_int_equal(vrtc_decode(regs), vrtc_to_unix(2069, 1, 1, 0, 0, 0));
		set_time(regs, BCD24, 0, 0, 0, 0x01, 0x01, 0x70, none[i]);
		assert_int_equal(vrtc_decode(regs), 0);
	}
	/* a century byte that is there is used */
	set_time(regs, BCD24, 0, 0, 0, 0x01, 0x03, 0x00, 0x21);
	assert_int_equal(vrtc_decode(regs), 4107542400ll); /* 2100-03-01 */
	set_time(regs, BIN24, 0, 0, 0, 1, 3, 0, 21);
	assert_int_equal(vrtc_decode(regs), 4107542400ll);
	set_time(regs, BCD24, 0x59, 0x59, 0x23, 0x31, 0x12, 0x99, 0x99);
	assert_int_equal(vrtc_decode(regs), VRTC_UNIX_MAX);
	/* 1926 is before 1970: refused */
	set_time(regs, BCD24, 0x56, 0x34, 0x12, 0x24, 0x11, 0x26, 0x19);
	assert_int_equal(vrtc_decode(regs), -1);
	set_time(regs, BCD24, 0x59, 0x59, 0x23, 0x31, 0x12, 0x69, 0x19);
	assert_int_equal(vrtc_decode(regs), -1);
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
	uint8_t regs[VRTC_NREGS];

	(void)state;
	for (size_t i = 0; i < sizeof(hours) / sizeof(hours[0]); i++) {
		int64_t want = vrtc_to_unix(2026, 11, 24, hours[i].h24, 34, 56);

		set_time(regs, BCD12, 0x56, 0x34, hours[i].bcd, 0x24, 0x11, 0x26, 0x20);
		assert_int_equal(vrtc_decode(regs), want);
		set_time(regs, BIN12, 56, 34, hours[i].bin, 24, 11, 26, 20);
		assert_int_equal(vrtc_decode(regs), want);
	}
	/* 12-hour values that do not exist */
	static const uint8_t bad12[] = {0x00, 0x80, 0x13, 0x93, 0x1a, 0xff};
	for (size_t i = 0; i < sizeof(bad12); i++) {
		set_time(regs, BCD12, 0x56, 0x34, bad12[i], 0x24, 0x11, 0x26, 0x20);
		assert_int_equal(vrtc_decode(regs), -1);
	}
	set_time(regs, BIN12, 56, 34, 13, 24, 11, 26, 20);
	assert_int_equal(vrtc_decode(regs), -1);
	set_time(regs, BIN12, 56, 34, 0x80, 24, 11, 26, 20);
	assert_int_equal(vrtc_decode(regs), -1);
	/* the PM bit means nothing in 24-hour mode: out of range */
	set_time(regs, BCD24, 0x56, 0x34, 0x81, 0x24, 0x11, 0x26, 0x20);
	assert_int_equal(vrtc_decode(regs), -1);
	set_time(regs, BIN24, 56, 34, 0x81, 24, 11, 26, 20);
	assert_int_equal(vrtc_decode(regs), -1);
}

static void test_decode_garbage(void **state)
{
	uint8_t regs[VRTC_NREGS];

	(void)state;
	/* an absent RTC reads all ones; an erased one all zeros */
	memset(regs, 0xff, sizeof(regs));
	assert_int_equal(vrtc_decode(regs), -1);
	regs[VRTC_REG_B] = BCD24;
	assert_int_equal(vrtc_decode(regs), -1);
	memset(regs, 0x00, sizeof(regs));
	assert_int_equal(vrtc_decode(regs), -1); /* month 0, day 0 */

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
		if (vrtc_decode(regs) != -1)
			print_message("bad case %zu decoded\n", i);
		assert_int_equal(vrtc_decode(regs), -1);
	}
	/* Feb 29 of 2100 does not exist, of 2000 does */
	set_time(regs, BCD24, 0, 0, 0, 0x29, 0x02, 0x00, 0x21);
	assert_int_equal(vrtc_decode(regs), -1);
	set_time(regs, BCD24, 0, 0, 0, 0x29, 0x02, 0x00, 0x20);
	assert_int_equal(vrtc_decode(regs), 951782400);
}

/* Every byte in every time register, BCD: valid exactly when both digits are
 * 0-9 and the value is in range; the rest of the time stays valid. */
static void test_decode_every_byte(void **state)
{
	static const struct {
		uint8_t reg;
		unsigned int lo, hi;
	} ranges[] = {
		{VRTC_SECONDS, 0, 59}, {VRTC_MINUTES, 0, 59},
		{VRTC_HOURS, 0, 23},   {VRTC_DAY_OF_MONTH, 1, 30}, /* November 2026 */
		{VRTC_MONTH, 1, 12},   {VRTC_YEAR, 0, 99},
	};
	uint8_t regs[VRTC_NREGS];

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
			got = vrtc_decode(regs);
			if (!ok) {
				assert_int_equal(got, -1);
				continue;
			}
			assert_true(got >= 0);
			switch (ranges[i].reg) {
			case VRTC_SECONDS:
				assert_int_equal(split(got).s, n);
				break;
			case VRTC_MINUTES:
				assert_int_equal(split(got).m, n);
				break;
			case VRTC_HOURS:
				assert_int_equal(split(got).h, n);
				break;
			case VRTC_DAY_OF_MONTH:
				assert_int_equal(split(got).d, n);
				break;
			case VRTC_MONTH:
				assert_int_equal(split(got).mon, n);
				break;
			default:
				assert_int_equal(split(got).y, 2000 + n);
			}
		}
	}
}

/* What the model shows decodes to the model's time, every day 1970-2199. */
static void test_decode_of_model(void **state)
{
	uint8_t regs[VRTC_NREGS];

	(void)state;
	for (int64_t t = 0; t < vrtc_to_unix(2200, 1, 1, 0, 0, 0); t += 86400 + 3607) {
		struct vrtc r;

		vrtc_init(&r, t, BASE_TSC, HZ);
		dump(&r, tsc_at(1, 0), regs);
		assert_int_equal(vrtc_decode(regs), t + 1);
	}
}

/* Hostile guest: every index with every data value, and every index port
 * value; reads stay what a fresh RTC shows. */
static void test_hostile_writes(void **state)
{
	struct vrtc r, fresh;
	uint8_t want[VRTC_NREGS], got[VRTC_NREGS];
	uint64_t tsc = tsc_at(77, 0);

	(void)state;
	vrtc_init(&fresh, T_2026, BASE_TSC, HZ);
	dump(&fresh, tsc, want);
	vrtc_init(&r, T_2026, BASE_TSC, HZ);
	for (unsigned int idx = 0; idx <= 0xff; idx++) {
		vrtc_write(&r, VRTC_PORT_INDEX, (uint8_t)idx);
		assert_int_equal(r.index, idx & 0x7f);
		assert_int_equal(r.nmi_off, idx >= 0x80);
		for (unsigned int v = 0; v <= 0xff; v++) {
			vrtc_write(&r, VRTC_PORT_DATA, (uint8_t)v);
			assert_int_equal(vrtc_read(&r, VRTC_PORT_DATA, tsc), want[idx & 0x7f]);
		}
	}
	dump(&r, tsc, got);
	assert_memory_equal(got, want, sizeof(want));
	assert_int_equal(r.base_unix, fresh.base_unix);
	assert_int_equal(r.base_tsc, fresh.base_tsc);
	assert_int_equal(r.tsc_hz, fresh.tsc_hz);
	/* the index port read and other ports never change anything */
	for (unsigned int port = 0; port <= 0xffff; port++) {
		if (port != VRTC_PORT_INDEX && port != VRTC_PORT_DATA)
			vrtc_write(&r, (uint16_t)port, 0xff);
		(void)vrtc_read(&r, (uint16_t)port, tsc);
	}
	dump(&r, tsc, got);
	assert_memory_equal(got, want, sizeof(want));
}

/* A long stretch of reads at random TSCs: UIP is never set, A never changes. */
static void test_uip_never_set(void **state)
{
	struct vrtc r;
	uint64_t x = 0x9e3779b97f4a7c15ull;

	(void)state;
	vrtc_init(&r, T_2026, BASE_TSC, HZ);
	for (unsigned int i = 0; i < 200000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		assert_int_equal(cmos(&r, VRTC_REG_A, BASE_TSC + x % (HZ * 100000)), 0x26);
	}
	/* and right at the second boundaries, where a real RTC sets it */
	for (uint64_t s = 1; s < 100; s++)
		for (int d = -2; d <= 2; d++)
			assert_false(cmos(&r, VRTC_REG_A, tsc_at(s, d)) & VRTC_A_UIP);
}

/* ---- Linux 6.1 replay ------------------------------------------------------ */

/*
 * The guest side of the replay: a CMOS_READ() is outb(reg, 0x70) then
 * inb(0x71), as in arch/x86/kernel/rtc.c rtc_cmos_read(); each port access
 * costs the guest some cycles (an exit), so the TSC moves on between them.
 */
struct guest {
	struct vrtc *r;
	uint64_t tsc;
	uint64_t access_cycles;
	unsigned int reads[VRTC_NREGS]; /* how often each register was read */
	uint8_t order[256];		/* the registers read, in order */
	unsigned int n;
};

static uint8_t g_read(struct guest *g, uint8_t reg)
{
	uint8_t v;

	vrtc_write(g->r, VRTC_PORT_INDEX, reg);
	g->tsc += g->access_cycles;
	v = vrtc_read(g->r, VRTC_PORT_DATA, g->tsc);
	g->tsc += g->access_cycles;
	g->reads[reg & 0x7f]++;
	if (g->n < sizeof(g->order))
		g->order[g->n++] = reg;
	return v;
}

static void g_write(struct guest *g, uint8_t reg, uint8_t val)
{
	vrtc_write(g->r, VRTC_PORT_INDEX, reg);
	g->tsc += g->access_cycles;
	vrtc_write(g->r, VRTC_PORT_DATA, val);
	g->tsc += g->access_cycles;
}

struct linux_time {
	uint8_t sec, min, hour, mday, mon, year, ctrl;
};

/*
 * mc146818_avoid_UIP() of 6.1.76+ (1000 ms for mach_get_cmos_time, polling
 * every 100 us; 6.1.0-6.1.75 tries 10 times, 1 ms apart; the sequence of
 * reads is the same). @t NULL: mc146818_does_rtc_work(), no callback. With
 * @t: mc146818_get_time()'s callback reads minutes, hours, day, month, year,
 * the century only if the FADT names one (ours does not) and register B.
 * Returns the number of passes it took, 0 if it gave up.
 */
static unsigned int linux_avoid_uip(struct guest *g, struct linux_time *t, unsigned int passes)
{
	for (unsigned int i = 0; i < passes; i++) {
		uint8_t sec = g_read(g, VRTC_SECONDS);

		if (g_read(g, VRTC_REG_A) & VRTC_A_UIP) {
			g->tsc += 100 * (HZ / 1000000); /* udelay(100) */
			continue;
		}
		if (g_read(g, VRTC_SECONDS) != sec)
			continue;
		if (t) {
			t->sec = sec;
			t->min = g_read(g, VRTC_MINUTES);
			t->hour = g_read(g, VRTC_HOURS);
			t->mday = g_read(g, VRTC_DAY_OF_MONTH);
			t->mon = g_read(g, VRTC_MONTH);
			t->year = g_read(g, VRTC_YEAR);
			t->ctrl = g_read(g, VRTC_REG_B);
		}
		if (g_read(g, VRTC_REG_A) & VRTC_A_UIP) {
			g->tsc += 100 * (HZ / 1000000);
			continue;
		}
		if (g_read(g, VRTC_SECONDS) != sec)
			continue;
		return i + 1;
	}
	return 0;
}

static unsigned int linux_bcd2bin(uint8_t v)
{
	return (v & 0x0f) + (v >> 4) * 10; /* no digit check, as in Linux */
}

/* mach_get_cmos_time(): mc146818_get_time() then rtc_tm_to_time64(). Returns
 * the unix time Linux would set, 0 if "Unable to read current time from RTC". */
static int64_t linux_mach_get_cmos_time(struct guest *g, unsigned int *passes, struct tm *out)
{
	struct linux_time lt;
	struct tm tm = {0};
	unsigned int p = linux_avoid_uip(g, &lt, 10000);

	if (passes)
		*passes = p;
	if (!p)
		return 0;
	tm.tm_sec = lt.sec;
	tm.tm_min = lt.min;
	tm.tm_hour = lt.hour;
	tm.tm_mday = lt.mday;
	tm.tm_mon = lt.mon;
	tm.tm_year = lt.year;
	if (!(lt.ctrl & VRTC_B_BINARY)) {
		tm.tm_sec = (int)linux_bcd2bin(lt.sec);
		tm.tm_min = (int)linux_bcd2bin(lt.min);
		tm.tm_hour = (int)linux_bcd2bin(lt.hour);
		tm.tm_mday = (int)linux_bcd2bin(lt.mday);
		tm.tm_mon = (int)linux_bcd2bin(lt.mon);
		tm.tm_year = (int)linux_bcd2bin(lt.year);
	}
	/* no century register: tm_year counts from 1900, two digits <= 69 are 20xx */
	if (tm.tm_year <= 69)
		tm.tm_year += 100;
	tm.tm_mon--;
	if (out)
		*out = tm;
	return (int64_t)timegm(&tm);
}

static void test_linux_boot_read(void **state)
{
	struct vrtc r;
	struct guest g = {.r = &r, .access_cycles = 3000};
	struct tm tm;
	unsigned int passes;
	static const uint8_t seq[] = {
		VRTC_SECONDS, VRTC_REG_A,	 VRTC_SECONDS, VRTC_MINUTES,
		VRTC_HOURS,   VRTC_DAY_OF_MONTH, VRTC_MONTH,   VRTC_YEAR,
		VRTC_REG_B,   VRTC_REG_A,	 VRTC_SECONDS,
	};

	(void)state;
	vrtc_init(&r, T_2026, BASE_TSC, HZ);
	g.tsc = tsc_at(0, 1000);
	assert_int_equal(linux_mach_get_cmos_time(&g, &passes, &tm), T_2026);
	assert_int_equal(passes, 1);
	/* the fields as Linux holds them: 2026-11-24 12:34:56 */
	assert_int_equal(tm.tm_year, 126);
	assert_int_equal(tm.tm_mon, 10);
	assert_int_equal(tm.tm_mday, 24);
	assert_int_equal(tm.tm_hour, 12);
	assert_int_equal(tm.tm_min, 34);
	assert_int_equal(tm.tm_sec, 56);
	/* exactly this sequence, once: no register D, day of week or century */
	assert_int_equal(g.n, sizeof(seq));
	assert_memory_equal(g.order, seq, sizeof(seq));
	assert_int_equal(g.reads[VRTC_REG_D], 0);
	assert_int_equal(g.reads[VRTC_DAY_OF_WEEK], 0);
	assert_int_equal(g.reads[VRTC_CENTURY], 0);

	/* later: the clock has moved with the TSC */
	g.tsc = tsc_at(86400 * 40 + 5, 0);
	assert_int_equal(linux_mach_get_cmos_time(&g, &passes, NULL), T_2026 + 86400 * 40 + 5);
	assert_int_equal(passes, 1);

	/* 1999 and 2000 come out right without the century register */
	vrtc_init(&r, T_1999_END, BASE_TSC, HZ);
	g.tsc = tsc_at(0, 0);
	assert_int_equal(linux_mach_get_cmos_time(&g, NULL, NULL), T_1999_END);
	g.tsc = tsc_at(1, 0);
	assert_int_equal(linux_mach_get_cmos_time(&g, NULL, NULL), T_1999_END + 1);
}

/* A second ends in the middle of the read: Linux sees the seconds change,
 * reads again, and gets the new second whole. At every offset around it. */
static void test_linux_read_across_second(void **state)
{
	unsigned int retried = 0;

	(void)state;
	for (int64_t off = -40000; off <= 40000; off += 1000) {
		struct vrtc r;
		struct guest g = {.r = &r, .access_cycles = 3000};
		unsigned int passes;
		int64_t got;

		vrtc_init(&r, T_1999_END, BASE_TSC, HZ);
		g.tsc = (uint64_t)((int64_t)tsc_at(1, 0) + off);
		got = linux_mach_get_cmos_time(&g, &passes, NULL);
		/* whichever second it settles on, it is the one of its last read */
		assert_true(passes >= 1 && passes <= 2);
		assert_int_equal(got, vrtc_now(&r, g.tsc - g.access_cycles));
		assert_true(got == T_1999_END || got == T_1999_END + 1);
		retried += passes == 2;
	}
	assert_true(retried > 0); /* the retry path was taken */
}

/* rtc-cmos probe (when the DSDT has a PNP0B00 device or the platform device
 * is registered), then what the driver and hwclock do with it. */
static void test_linux_rtc_cmos(void **state)
{
	struct vrtc r;
	struct guest g = {.r = &r, .access_cycles = 3000};
	uint8_t ctrl;

	(void)state;
	vrtc_init(&r, T_2026, BASE_TSC, HZ);
	g.tsc = tsc_at(0, 0);
	/* mc146818_does_rtc_work(): the same pass, no callback */
	assert_int_equal(linux_avoid_uip(&g, NULL, 10000), 1);
	/* force the 1024 Hz periodic rate; it already is */
	g_write(&g, VRTC_REG_A, 0x26);
	assert_int_equal(g_read(&g, VRTC_REG_A), 0x26);
	/* cmos_irq_disable(): read B, clear PIE/AIE/UIE, read C */
	ctrl = g_read(&g, VRTC_REG_B);
	g_write(&g, VRTC_REG_B, ctrl & ~0x70);
	assert_int_equal(g_read(&g, VRTC_REG_C), 0);
	/* "only 24-hr supported" */
	assert_true(g_read(&g, VRTC_REG_B) & VRTC_B_24H);

	/* cmos_read_alarm(): within the UIP-free window, alarms and B */
	assert_int_equal(g_read(&g, VRTC_SECONDS_ALARM), 0);
	assert_int_equal(g_read(&g, VRTC_MINUTES_ALARM), 0);
	assert_int_equal(g_read(&g, VRTC_HOURS_ALARM), 0);

	/* mc146818_set_time() (NTP's 11-minute sync, hwclock -w): SET in B,
	 * divider reset in A, the time, then A and B back. All dropped. */
	ctrl = g_read(&g, VRTC_REG_B);
	g_write(&g, VRTC_REG_B, ctrl | VRTC_B_SET);
	g_write(&g, VRTC_REG_A, g_read(&g, VRTC_REG_A) | 0x70);
	g_write(&g, VRTC_YEAR, 0x01);
	g_write(&g, VRTC_MONTH, 0x02);
	g_write(&g, VRTC_DAY_OF_MONTH, 0x03);
	g_write(&g, VRTC_HOURS, 0x04);
	g_write(&g, VRTC_MINUTES, 0x05);
	g_write(&g, VRTC_SECONDS, 0x06);
	g_write(&g, VRTC_REG_B, ctrl);
	g_write(&g, VRTC_REG_A, 0x26);
	g.tsc = tsc_at(60, 0);
	assert_int_equal(linux_mach_get_cmos_time(&g, NULL, NULL), T_2026 + 60);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_dates),
		cmocka_unit_test(test_round_trip_every_day),
		cmocka_unit_test(test_leap_years),
		cmocka_unit_test(test_to_unix_carries_over),
		cmocka_unit_test(test_from_unix_clamps),
		cmocka_unit_test(test_registers),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_time_advances),
		cmocka_unit_test(test_long_run),
		cmocka_unit_test(test_tsc_edges),
		cmocka_unit_test(test_decode_bcd_and_binary),
		cmocka_unit_test(test_decode_century),
		cmocka_unit_test(test_decode_12h),
		cmocka_unit_test(test_decode_garbage),
		cmocka_unit_test(test_decode_every_byte),
		cmocka_unit_test(test_decode_of_model),
		cmocka_unit_test(test_hostile_writes),
		cmocka_unit_test(test_uip_never_set),
		cmocka_unit_test(test_linux_boot_read),
		cmocka_unit_test(test_linux_read_across_second),
		cmocka_unit_test(test_linux_rtc_cmos),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
