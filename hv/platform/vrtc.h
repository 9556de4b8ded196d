/* SPDX-License-Identifier: MIT */
/*
 * A read-only MC146818 CMOS RTC for a guest (I/O ports 0x70 index, 0x71
 * data). Pure register logic: the caller traps the port accesses and passes
 * the current TSC; the clock is base_unix + (now_tsc - base_tsc) / tsc_hz,
 * computed afresh at each read.
 *
 * What the guest sees:
 * - Port 0x70 write: bits 6:0 select the register, bit 7 (NMI disable) is
 *   remembered in @nmi_off and has no effect. Port 0x70 reads 0xff (it is
 *   write-only on real hardware). Any other port reads 0xff.
 * - Port 0x71 read, in BCD, 24-hour: 0x00 seconds, 0x02 minutes, 0x04 hours,
 *   0x06 day of week (1 = Sunday), 0x07 day of month, 0x08 month, 0x09 year
 *   (2 digits), 0x32 century. Alarms 0x01/0x03/0x05 read 0.
 *   A (0x0a) = 0x26: 32.768 kHz time base, 1024 Hz rate, and UIP (bit 7)
 *   always 0. The time is computed at each read, so there never is an update
 *   in progress; software that waits to see UIP set (rather than clear) waits
 *   forever. Linux only waits for it to be clear.
 *   B (0x0b) = 0x02: 24-hour, BCD, no interrupt enabled, no DST.
 *   C (0x0c) = 0: no interrupt flag. D (0x0d) = 0x80: RAM and time valid.
 *   Every other CMOS byte (0x0e-0x7f) reads 0, except 0x32. Bytes 0x10-0x2d
 *   summing to 0, the PC checksum at 0x2e/0x2f (0) is right.
 * - Port 0x71 writes are ignored, whatever the register: the clock is
 *   read-only. It is the host's time; a guest must not change it for the
 *   host or for another guest, and gets no private offset either (a guest
 *   setting the time, e.g. Linux's NTP sync or hwclock -w, sees the write
 *   vanish and keeps reading the host's time). No interrupt is raised.
 * - Times are clamped to 1970-01-01 00:00:00 .. 9999-12-31 23:59:59 UTC.
 *   Linux reads the century register only when the FADT names it (ours does
 *   not): it takes years 70-99 as 19xx and 00-69 as 20xx, right until 2069.
 *
 * Not thread-safe: the caller serialises the accesses of all the guest's
 * vCPUs to one vrtc (the index/data pair is shared state, as on hardware).
 */
#ifndef VF_VRTC_H
#define VF_VRTC_H

#include <stdbool.h>
#include <stdint.h>

#define VRTC_PORT_INDEX 0x70u
#define VRTC_PORT_DATA	0x71u

#define VRTC_INDEX_MASK	 0x7f /* port 0x70 bits 6:0: the register */
#define VRTC_NMI_DISABLE 0x80 /* port 0x70 bit 7 */

/* Registers (CMOS byte offsets). */
#define VRTC_SECONDS	   0x00
#define VRTC_SECONDS_ALARM 0x01
#define VRTC_MINUTES	   0x02
#define VRTC_MINUTES_ALARM 0x03
#define VRTC_HOURS	   0x04
#define VRTC_HOURS_ALARM   0x05
#define VRTC_DAY_OF_WEEK   0x06
#define VRTC_DAY_OF_MONTH  0x07
#define VRTC_MONTH	   0x08
#define VRTC_YEAR	   0x09
#define VRTC_REG_A	   0x0a
#define VRTC_REG_B	   0x0b
#define VRTC_REG_C	   0x0c
#define VRTC_REG_D	   0x0d
#define VRTC_CENTURY	   0x32 /* the usual place; the FADT's century field names it */
#define VRTC_NREGS	   128

#define VRTC_A_UIP	 0x80 /* update in progress */
#define VRTC_A_VALUE	 0x26 /* divider 010 (32.768 kHz), rate 0110 (1024 Hz) */
#define VRTC_B_SET	 0x80 /* updates halted */
#define VRTC_B_BINARY	 0x04 /* data mode: binary, else BCD */
#define VRTC_B_24H	 0x02 /* 24-hour, else 12-hour with PM in hour bit 7 */
#define VRTC_B_VALUE	 VRTC_B_24H
#define VRTC_HOUR_PM	 0x80 /* 12-hour mode */
#define VRTC_D_VRT	 0x80 /* valid RAM and time */
#define VRTC_D_VALUE	 VRTC_D_VRT
#define VRTC_C_VALUE	 0x00
#define VRTC_ALARM_VALUE 0x00

/* The range vrtc_from_unix() covers: 0000-01-01 00:00:00 .. 9999-12-31 23:59:59. */
#define VRTC_UNIX_MIN (-62167219200ll)
#define VRTC_UNIX_MAX 253402300799ll

/* The state of one guest RTC. Embed it; touch it only through the functions. */
struct vrtc {
	uint8_t index;	   /* register selected by the last port 0x70 write */
	bool nmi_off;	   /* bit 7 of that write: remembered, no effect */
	int64_t base_unix; /* the guest's time at @base_tsc, clamped to 1970..9999 */
	uint64_t base_tsc;
	uint64_t tsc_hz; /* 0: the clock stands still at @base_unix */
};

/*
 * @unix_seconds: wall-clock time at @tsc (the host's RTC read at boot, as
 * seconds since 1970 UTC), clamped to 1970-01-01 .. 9999-12-31. Pass 0 when
 * the host's RTC could not be read: the guest then sees 1970-01-01.
 * @tsc_hz: the TSC frequency; 0 stops the clock.
 */
void vrtc_init(struct vrtc *r, int64_t unix_seconds, uint64_t tsc, uint64_t tsc_hz);

/*
 * Guest port access, 1 byte: @port is 0x70 or 0x71; @now_tsc the current
 * TSC. The caller refuses wider accesses. A @now_tsc before the base TSC
 * reads as the base time.
 */
uint8_t vrtc_read(struct vrtc *r, uint16_t port, uint64_t now_tsc);
void vrtc_write(struct vrtc *r, uint16_t port, uint8_t val);

/* The guest's time at @now_tsc, in unix seconds (what the registers show). */
int64_t vrtc_now(const struct vrtc *r, uint64_t now_tsc);

/*
 * Helpers, exported for the host side and tests.
 *
 * vrtc_to_unix: a proleptic Gregorian UTC date and time to unix seconds
 * (negative before 1970). Fields past their range carry over, as mktime
 * does (month 13 is January of the next year, day 0 the last day of the
 * previous month, hour 24 the next day); any value is safe.
 *
 * vrtc_from_unix: the inverse, for @t clamped to VRTC_UNIX_MIN..VRTC_UNIX_MAX.
 * @wday is 0 = Sunday .. 6 = Saturday (the RTC's register 0x06 is wday + 1).
 * Any output pointer may be NULL.
 */
int64_t vrtc_to_unix(unsigned year, unsigned month, unsigned day, unsigned h, unsigned m,
		     unsigned s);
void vrtc_from_unix(int64_t t, unsigned *year, unsigned *month, unsigned *day, unsigned *wday,
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
int64_t vrtc_decode(const uint8_t regs[128]);

#endif
