/* SPDX-License-Identifier: MIT */
/*
 * The MC146818 CMOS RTC's register layout and the calendar arithmetic both
 * its host driver (drivers/timer/cmos_rtc.c) and the guests' model
 * (hv/platform/vrtc.c) need: proleptic Gregorian UTC <-> unix seconds, and
 * the decoding of what a real RTC's registers hold.
 */
#ifndef VF_RTC_TIME_H
#define VF_RTC_TIME_H

#include <stdbool.h>
#include <stdint.h>

#define RTC_PORT_INDEX 0x70u
#define RTC_PORT_DATA  0x71u

#define RTC_INDEX_MASK	0x7f /* port 0x70 bits 6:0: the register */
#define RTC_NMI_DISABLE 0x80 /* port 0x70 bit 7 */

/* Registers (CMOS byte offsets). */
#define RTC_SECONDS	  0x00
#define RTC_SECONDS_ALARM 0x01
#define RTC_MINUTES	  0x02
#define RTC_MINUTES_ALARM 0x03
#define RTC_HOURS	  0x04
#define RTC_HOURS_ALARM	  0x05
#define RTC_DAY_OF_WEEK	  0x06
#define RTC_DAY_OF_MONTH  0x07
#define RTC_MONTH	  0x08
#define RTC_YEAR	  0x09
#define RTC_REG_A	  0x0a
#define RTC_REG_B	  0x0b
#define RTC_REG_C	  0x0c
#define RTC_REG_D	  0x0d
#define RTC_CENTURY	  0x32 /* the usual place; the FADT's century field names it */
#define RTC_NREGS	  128

#define RTC_A_UIP    0x80 /* update in progress */
#define RTC_B_SET    0x80 /* updates halted */
#define RTC_B_BINARY 0x04 /* data mode: binary, else BCD */
#define RTC_B_24H    0x02 /* 24-hour, else 12-hour with PM in hour bit 7 */
#define RTC_HOUR_PM  0x80 /* 12-hour mode */
#define RTC_D_VRT    0x80 /* valid RAM and time */

/* The range rtc_time_from_unix() covers: 0000-01-01 00:00:00 .. 9999-12-31 23:59:59. */
#define RTC_UNIX_MIN (-62167219200ll)
#define RTC_UNIX_MAX 253402300799ll

/*
 * rtc_time_to_unix: a proleptic Gregorian UTC date and time to unix seconds
 * (negative before 1970). Fields past their range carry over, as mktime
 * does (month 13 is January of the next year, day 0 the last day of the
 * previous month, hour 24 the next day); any value is safe.
 *
 * rtc_time_from_unix: the inverse, for @t clamped to RTC_UNIX_MIN..RTC_UNIX_MAX.
 * @wday is 0 = Sunday .. 6 = Saturday (the RTC's register 0x06 is wday + 1).
 * Any output pointer may be NULL.
 */
int64_t rtc_time_to_unix(unsigned year, unsigned month, unsigned day, unsigned h, unsigned m,
			 unsigned s);
void rtc_time_from_unix(int64_t t, unsigned *year, unsigned *month, unsigned *day, unsigned *wday,
			unsigned *h, unsigned *m, unsigned *s);

/*
 * Decode what a real RTC's registers 0x00-0x09, 0x0B and 0x32 (century)
 * held into unix seconds. BCD or binary as register B bit 2 says, 24-hour or
 * 12-hour (PM = hour bit 7) as register B bit 1 says. Returns -1 for a value
 * out of range or not BCD (a garbage or absent RTC: all 0xff is refused),
 * for a date that does not exist (Feb 29 of a common year, Apr 31) and for a
 * time before 1970. The day of week (0x06) is not checked: RTCs only count it
 * (Linux ignores it too). The century byte is used when it holds 19-99; any
 * other value (0, garbage, or a machine that keeps the century elsewhere:
 * pass 0 there) means years 70-99 are 19xx and 00-69 are 20xx.
 */
int64_t rtc_time_decode(const uint8_t regs[128]);

#endif
