// SPDX-License-Identifier: MIT
/* The guest's read-only CMOS RTC, after the Motorola MC146818A datasheet and
 * what Linux 6.1 reads (drivers/rtc/rtc-mc146818-lib.c: mc146818_avoid_UIP,
 * mc146818_get_time; arch/x86/kernel/rtc.c: mach_get_cmos_time). Calendar
 * arithmetic is in 64-bit integers with floor division, so no input, however
 * large or negative, overflows. */
#include "hv/platform/vrtc.h"

#define SECS_PER_DAY   86400
#define DAYS_PER_400Y  146097 /* 400 * 365 + 97 leap days */
#define EPOCH_YEAR     1970
#define EPOCH_WDAY     4 /* 1970-01-01 was a Thursday */
#define GUEST_UNIX_MIN 0 /* the guest's clock never shows a time before 1970 */

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

int64_t vrtc_to_unix(unsigned year, unsigned month, unsigned day, unsigned h, unsigned m,
		     unsigned s)
{
	/* Carry months over into years first, so that month is 1-12. */
	int64_t m0 = (int64_t)month - 1;
	int64_t y = (int64_t)year + floor_div(m0, 12);
	int64_t days = days_to_month(y, (unsigned int)floor_mod(m0, 12) + 1) + (int64_t)day - 1;

	/* |days| < 2^41 and h * 3600 < 2^44: the sum stays far from 2^63. */
	return days * SECS_PER_DAY + (int64_t)h * 3600 + (int64_t)m * 60 + (int64_t)s;
}

void vrtc_from_unix(int64_t t, unsigned *year, unsigned *month, unsigned *day, unsigned *wday,
		    unsigned *h, unsigned *m, unsigned *s)
{
	int64_t days, secs, y;
	unsigned int mon;

	if (t < VRTC_UNIX_MIN)
		t = VRTC_UNIX_MIN;
	if (t > VRTC_UNIX_MAX)
		t = VRTC_UNIX_MAX;
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

static int64_t clamp_guest(int64_t t)
{
	if (t < GUEST_UNIX_MIN)
		return GUEST_UNIX_MIN;
	if (t > VRTC_UNIX_MAX)
		return VRTC_UNIX_MAX;
	return t;
}

void vrtc_init(struct vrtc *r, int64_t unix_seconds, uint64_t tsc, uint64_t tsc_hz)
{
	r->index = 0;
	r->nmi_off = false;
	r->base_unix = clamp_guest(unix_seconds);
	r->base_tsc = tsc;
	r->tsc_hz = tsc_hz;
}

int64_t vrtc_now(const struct vrtc *r, uint64_t now_tsc)
{
	/* base_unix is within 0..VRTC_UNIX_MAX, even if the struct was written
	 * behind our back; so is the room left, and the sum cannot overflow. */
	int64_t t = clamp_guest(r->base_unix);
	uint64_t secs, room = (uint64_t)(VRTC_UNIX_MAX - t);

	if (r->tsc_hz == 0 || now_tsc <= r->base_tsc)
		return t;
	secs = (now_tsc - r->base_tsc) / r->tsc_hz;
	return secs >= room ? VRTC_UNIX_MAX : t + (int64_t)secs;
}

static uint8_t bin2bcd(unsigned int v)
{
	return (uint8_t)(((v / 10 % 10) << 4) | (v % 10));
}

/* The byte register @reg holds at guest time @t. */
static uint8_t reg_value(unsigned int reg, int64_t t)
{
	unsigned int year, month, day, wday, h, m, s;

	switch (reg) {
	case VRTC_REG_A:
		return VRTC_A_VALUE; /* UIP clear */
	case VRTC_REG_B:
		return VRTC_B_VALUE;
	case VRTC_REG_C:
		return VRTC_C_VALUE;
	case VRTC_REG_D:
		return VRTC_D_VALUE;
	case VRTC_SECONDS:
	case VRTC_MINUTES:
	case VRTC_HOURS:
	case VRTC_DAY_OF_WEEK:
	case VRTC_DAY_OF_MONTH:
	case VRTC_MONTH:
	case VRTC_YEAR:
	case VRTC_CENTURY:
		break;
	default: /* the alarms and the CMOS RAM */
		return 0;
	}

	vrtc_from_unix(t, &year, &month, &day, &wday, &h, &m, &s);
	switch (reg) {
	case VRTC_SECONDS:
		return bin2bcd(s);
	case VRTC_MINUTES:
		return bin2bcd(m);
	case VRTC_HOURS:
		return bin2bcd(h);
	case VRTC_DAY_OF_WEEK:
		return bin2bcd(wday + 1);
	case VRTC_DAY_OF_MONTH:
		return bin2bcd(day);
	case VRTC_MONTH:
		return bin2bcd(month);
	case VRTC_YEAR:
		return bin2bcd(year % 100);
	default: /* VRTC_CENTURY */
		return bin2bcd(year / 100);
	}
}

uint8_t vrtc_read(struct vrtc *r, uint16_t port, uint64_t now_tsc)
{
	if (port != VRTC_PORT_DATA)
		return 0xff; /* the index port is write-only */
	return reg_value(r->index & VRTC_INDEX_MASK, vrtc_now(r, now_tsc));
}

void vrtc_write(struct vrtc *r, uint16_t port, uint8_t val)
{
	if (port == VRTC_PORT_INDEX) {
		r->index = val & VRTC_INDEX_MASK;
		r->nmi_off = val & VRTC_NMI_DISABLE;
	}
	/* Data writes are dropped: the guest may not set the host's clock. */
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
	bool binary = b & VRTC_B_BINARY;
	bool pm;
	int h;

	if (b & VRTC_B_24H) {
		h = field(raw, binary);
		return h >= 0 && h <= 23 ? h : -1;
	}
	pm = raw & VRTC_HOUR_PM;
	h = field(raw & ~VRTC_HOUR_PM, binary);
	if (h < 1 || h > 12)
		return -1;
	return h % 12 + (pm ? 12 : 0); /* 12 AM is 0, 12 PM is 12 */
}

int64_t vrtc_decode(const uint8_t regs[128])
{
	uint8_t b = regs[VRTC_REG_B];
	bool binary = b & VRTC_B_BINARY;
	int s = field(regs[VRTC_SECONDS], binary);
	int m = field(regs[VRTC_MINUTES], binary);
	int h = decode_hour(regs[VRTC_HOURS], b);
	int day = field(regs[VRTC_DAY_OF_MONTH], binary);
	int month = field(regs[VRTC_MONTH], binary);
	int yy = field(regs[VRTC_YEAR], binary);
	int century = field(regs[VRTC_CENTURY], binary);
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

	t = vrtc_to_unix((unsigned int)year, (unsigned int)month, (unsigned int)day,
			 (unsigned int)h, (unsigned int)m, (unsigned int)s);
	return t < 0 ? -1 : t;
}
