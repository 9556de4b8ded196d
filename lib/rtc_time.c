// SPDX-License-Identifier: MIT
/* Calendar arithmetic and the MC146818 RTC's time registers, for the host's
 * RTC driver (drivers/timer/cmos_rtc.c) and the guests' vRTC
 * (hv/platform/vrtc.c). All in 64-bit integers with floor division, so no
 * input, however large or negative, overflows. */
#include "lib/rtc_time.h"

#define SECS_PER_DAY  86400
#define DAYS_PER_400Y 146097 /* 400 * 365 + 97 leap days */
#define EPOCH_YEAR    1970
#define EPOCH_WDAY    4 /* 1970-01-01 was a Thursday */

static const uint16_t days_before_month[12] = {0,   31,	 59,  90,  120, 151,
					       181, 212, 243, 273, 304, 334};

/* Division rounding towards minus infinity (C rounds towards zero); @d > 0. */
static int64_t floor_div(int64_t n, int64_t d)
{
	int64_t q = n / d;

	return (n % d < 0) ? q - 1 : q;
}

static int64_t floor_mod(int64_t n, int64_t d)
{
	return n - floor_div(n, d) * d;
}

static bool is_leap(int64_t y)
{
	return (floor_mod(y, 4) == 0 && floor_mod(y, 100) != 0) || floor_mod(y, 400) == 0;
}

/* Leap years among 1..@n (negative @n counts year 0 and before, negatively). */
static int64_t leaps_through(int64_t n)
{
	return floor_div(n, 4) - floor_div(n, 100) + floor_div(n, 400);
}

/* Days from 1970-01-01 to @y-01-01. */
static int64_t days_to_year(int64_t y)
{
	return 365 * (y - EPOCH_YEAR) + leaps_through(y - 1) - leaps_through(EPOCH_YEAR - 1);
}

static unsigned int days_in_month(int64_t y, unsigned int month)
{
	static const uint8_t len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return len[month - 1] + (month == 2 && is_leap(y));
}

/* Days from 1970-01-01 to @y-@month-01, @month 1-12. */
static int64_t days_to_month(int64_t y, unsigned int month)
{
	return days_to_year(y) + days_before_month[month - 1] + (month > 2 && is_leap(y));
}

int64_t rtc_time_to_unix(unsigned year, unsigned month, unsigned day, unsigned h, unsigned m,
			 unsigned s)
{
	/* Carry months over into years first, so that month is 1-12. */
	int64_t m0 = (int64_t)month - 1;
	int64_t y = (int64_t)year + floor_div(m0, 12);
	int64_t days = days_to_month(y, (unsigned int)floor_mod(m0, 12) + 1) + (int64_t)day - 1;

	/* |days| < 2^41 and h * 3600 < 2^44: the sum stays far from 2^63. */
	return days * SECS_PER_DAY + (int64_t)h * 3600 + (int64_t)m * 60 + (int64_t)s;
}

void rtc_time_from_unix(int64_t t, unsigned *year, unsigned *month, unsigned *day, unsigned *wday,
			unsigned *h, unsigned *m, unsigned *s)
{
	int64_t days, secs, y;
	unsigned int mon;

	if (t < RTC_UNIX_MIN)
		t = RTC_UNIX_MIN;
	if (t > RTC_UNIX_MAX)
		t = RTC_UNIX_MAX;
	days = floor_div(t, SECS_PER_DAY);
	secs = t - days * SECS_PER_DAY;

	/* An estimate within a year of the answer (|days| < 2^22 here), then exact. */
	y = EPOCH_YEAR + floor_div(days * 400, DAYS_PER_400Y);
	while (days_to_year(y) > days)
		y--;
	while (days_to_year(y + 1) <= days)
		y++;
	for (mon = 12; days_to_month(y, mon) > days; mon--)
		;

	if (year)
		*year = (unsigned int)y;
	if (month)
		*month = mon;
	if (day)
		*day = (unsigned int)(days - days_to_month(y, mon)) + 1;
	if (wday)
		*wday = (unsigned int)floor_mod(days + EPOCH_WDAY, 7);
	if (h)
		*h = (unsigned int)(secs / 3600);
	if (m)
		*m = (unsigned int)(secs / 60 % 60);
	if (s)
		*s = (unsigned int)(secs % 60);
}

/* One time field as the RTC holds it: BCD (both digits 0-9) or binary.
 * Returns the value, or -1 if it is not BCD. */
static int field(uint8_t raw, bool binary)
{
	if (binary)
		return raw;
	if ((raw & 0x0f) > 9 || (raw >> 4) > 9)
		return -1;
	return (raw >> 4) * 10 + (raw & 0x0f);
}

/* The hour in 0-23, or -1. */
static int decode_hour(uint8_t raw, uint8_t b)
{
	bool binary = b & RTC_B_BINARY;
	bool pm;
	int h;

	if (b & RTC_B_24H) {
		h = field(raw, binary);
		return h >= 0 && h <= 23 ? h : -1;
	}
	pm = raw & RTC_HOUR_PM;
	h = field(raw & ~RTC_HOUR_PM, binary);
	if (h < 1 || h > 12)
		return -1;
	return h % 12 + (pm ? 12 : 0); /* 12 AM is 0, 12 PM is 12 */
}

int64_t rtc_time_decode(const uint8_t regs[128])
{
	uint8_t b = regs[RTC_REG_B];
	bool binary = b & RTC_B_BINARY;
	int s = field(regs[RTC_SECONDS], binary);
	int m = field(regs[RTC_MINUTES], binary);
	int h = decode_hour(regs[RTC_HOURS], b);
	int day = field(regs[RTC_DAY_OF_MONTH], binary);
	int month = field(regs[RTC_MONTH], binary);
	int yy = field(regs[RTC_YEAR], binary);
	int century = field(regs[RTC_CENTURY], binary);
	int year;
	int64_t t;

	if (s < 0 || s > 59 || m < 0 || m > 59 || h < 0)
		return -1;
	if (month < 1 || month > 12 || yy < 0 || yy > 99)
		return -1;
	if (century >= 19 && century <= 99)
		year = century * 100 + yy;
	else
		year = yy < 70 ? 2000 + yy : 1900 + yy;
	if (day < 1 || (unsigned int)day > days_in_month(year, (unsigned int)month))
		return -1;

	t = rtc_time_to_unix((unsigned int)year, (unsigned int)month, (unsigned int)day,
			     (unsigned int)h, (unsigned int)m, (unsigned int)s);
	return t < 0 ? -1 : t;
}
