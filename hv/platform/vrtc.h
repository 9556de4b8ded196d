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
#include "lib/rtc_time.h"

/* The guest's ports; the registers are the MC146818's (lib/rtc_time.h). */
#define VRTC_PORT_INDEX RTC_PORT_INDEX
#define VRTC_PORT_DATA	RTC_PORT_DATA

/* What the model's control registers and alarms hold. */
#define VRTC_A_VALUE	 0x26 /* divider 010 (32.768 kHz), rate 0110 (1024 Hz) */
#define VRTC_B_VALUE	 RTC_B_24H
#define VRTC_D_VALUE	 RTC_D_VRT
#define VRTC_C_VALUE	 0x00
#define VRTC_ALARM_VALUE 0x00

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

#endif
