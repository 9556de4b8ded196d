// SPDX-License-Identifier: MIT
/* The host's CMOS RTC, read once at boot to give the guests' clocks a start. */
#include "drivers/timer/cmos_rtc.h"
#include "drivers/timer/tsc.h"
#include "lib/rtc_time.h"
#include "lib/x86.h"

static uint8_t cmos_read(uint8_t reg)
{
	outb(RTC_PORT_INDEX, reg);
	return inb(RTC_PORT_DATA);
}

int64_t cmos_rtc_read(void)
{
	uint8_t regs[RTC_NREGS] = {0}, again;

	/* Wait (at most ~1 s: an update takes under 2 ms) for no update in
	 * progress, read, and read again until two passes agree. */
	for (unsigned int tries = 0; tries < 1000; tries++) {
		if (cmos_read(RTC_REG_A) & RTC_A_UIP) {
			udelay(1000);
			continue;
		}
		for (unsigned int r = RTC_SECONDS; r <= RTC_YEAR; r++)
			regs[r] = cmos_read((uint8_t)r);
		regs[RTC_REG_B] = cmos_read(RTC_REG_B);
		regs[RTC_CENTURY] = cmos_read(RTC_CENTURY);
		again = cmos_read(RTC_SECONDS);
		if (again == regs[RTC_SECONDS] && !(cmos_read(RTC_REG_A) & RTC_A_UIP))
			return rtc_time_decode(regs);
	}
	return -1;
}
