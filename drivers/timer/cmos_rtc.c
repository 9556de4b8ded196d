// SPDX-License-Identifier: MIT
/* The host's CMOS RTC, read once at boot to give the guests' clocks a start. */
#include "drivers/timer/cmos_rtc.h"
#include "drivers/timer/tsc.h"
#include "hv/platform/vrtc.h"
#include "lib/x86.h"

static uint8_t cmos_read(uint8_t reg)
{
	outb(VRTC_PORT_INDEX, reg);
	return inb(VRTC_PORT_DATA);
}

int64_t cmos_rtc_read(void)
{
	uint8_t regs[VRTC_NREGS] = {0}, again;

	/* Wait (at most ~1 s: an update takes under 2 ms) for no update in
	 * progress, read, and read again until two passes agree. */
	for (unsigned int tries = 0; tries < 1000; tries++) {
		if (cmos_read(VRTC_REG_A) & VRTC_A_UIP) {
			udelay(1000);
			continue;
		}
		for (unsigned int r = VRTC_SECONDS; r <= VRTC_YEAR; r++)
			regs[r] = cmos_read((uint8_t)r);
		regs[VRTC_REG_B] = cmos_read(VRTC_REG_B);
		regs[VRTC_CENTURY] = cmos_read(VRTC_CENTURY);
		again = cmos_read(VRTC_SECONDS);
		if (again == regs[VRTC_SECONDS] && !(cmos_read(VRTC_REG_A) & VRTC_A_UIP))
			return vrtc_decode(regs);
	}
	return -1;
}
