// SPDX-License-Identifier: MIT
/* The guest's read-only CMOS RTC, after the Motorola MC146818A datasheet and
 * what Linux 6.1 reads (drivers/rtc/rtc-mc146818-lib.c: mc146818_avoid_UIP,
 * mc146818_get_time; arch/x86/kernel/rtc.c: mach_get_cmos_time). The
 * calendar arithmetic is lib/rtc_time.c's. */
#include "hv/platform/vrtc.h"

#define GUEST_UNIX_MIN 0 /* the guest's clock never shows a time before 1970 */

static int64_t clamp_guest(int64_t t)
{
	if (t < GUEST_UNIX_MIN)
		return GUEST_UNIX_MIN;
	if (t > RTC_UNIX_MAX)
		return RTC_UNIX_MAX;
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
	/* base_unix is within 0..RTC_UNIX_MAX, even if the struct was written
	 * behind our back; so is the room left, and the sum cannot overflow. */
	int64_t t = clamp_guest(r->base_unix);
	uint64_t secs, room = (uint64_t)(RTC_UNIX_MAX - t);

	if (r->tsc_hz == 0 || now_tsc <= r->base_tsc)
		return t;
	secs = (now_tsc - r->base_tsc) / r->tsc_hz;
	return secs >= room ? RTC_UNIX_MAX : t + (int64_t)secs;
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
	case RTC_REG_A:
		return VRTC_A_VALUE; /* UIP clear */
	case RTC_REG_B:
		return VRTC_B_VALUE;
	case RTC_REG_C:
		return VRTC_C_VALUE;
	case RTC_REG_D:
		return VRTC_D_VALUE;
	case RTC_SECONDS:
	case RTC_MINUTES:
	case RTC_HOURS:
	case RTC_DAY_OF_WEEK:
	case RTC_DAY_OF_MONTH:
	case RTC_MONTH:
	case RTC_YEAR:
	case RTC_CENTURY:
		break;
	default: /* the alarms and the CMOS RAM */
		return 0;
	}

	rtc_time_from_unix(t, &year, &month, &day, &wday, &h, &m, &s);
	switch (reg) {
	case RTC_SECONDS:
		return bin2bcd(s);
	case RTC_MINUTES:
		return bin2bcd(m);
	case RTC_HOURS:
		return bin2bcd(h);
	case RTC_DAY_OF_WEEK:
		return bin2bcd(wday + 1);
	case RTC_DAY_OF_MONTH:
		return bin2bcd(day);
	case RTC_MONTH:
		return bin2bcd(month);
	case RTC_YEAR:
		return bin2bcd(year % 100);
	default: /* RTC_CENTURY */
		return bin2bcd(year / 100);
	}
}

uint8_t vrtc_read(struct vrtc *r, uint16_t port, uint64_t now_tsc)
{
	if (port != VRTC_PORT_DATA)
		return 0xff; /* the index port is write-only */
	return reg_value(r->index & RTC_INDEX_MASK, vrtc_now(r, now_tsc));
}

void vrtc_write(struct vrtc *r, uint16_t port, uint8_t val)
{
	if (port == VRTC_PORT_INDEX) {
		r->index = val & RTC_INDEX_MASK;
		r->nmi_off = val & RTC_NMI_DISABLE;
	}
	/* Data writes are dropped: the guest may not set the host's clock. */
}
