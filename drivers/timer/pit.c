// SPDX-License-Identifier: MIT
/* The 8254 PIT's channel 0 (channel 2 is the TSC calibration's: tsc.c). */
#include "drivers/timer/pit.h"
#include "lib/x86.h"

#define PIT_CH0 0x40
#define PIT_CMD 0x43

unsigned int pit_periodic(unsigned int hz)
{
	uint32_t div = hz ? PIT_HZ / hz : 0x10000;

	if (div < 2)
		div = 2; /* mode 2 takes no divisor of 1 */
	if (div > 0x10000)
		div = 0x10000; /* written as 0 */
	outb(PIT_CMD, 0x34);   /* channel 0, low then high byte, mode 2, binary */
	outb(PIT_CH0, (uint8_t)div);
	outb(PIT_CH0, (uint8_t)(div >> 8));
	return PIT_HZ / div;
}

void pit_stop(void)
{
	outb(PIT_CMD, 0x30); /* channel 0, mode 0: waits for a count, none comes */
}
