/* SPDX-License-Identifier: MIT */
/* The 8254 PIT's channel 0: a periodic tick on ISA IRQ 0 (the watchdog's). */
#ifndef VF_PIT_H
#define VF_PIT_H

#define PIT_HZ 1193182u /* the PIT's input clock */

/* Channel 0 as a rate generator (mode 2): an IRQ 0 edge @hz times a second
 * (19..PIT_HZ). Returns the rate it gives (the divisor is whole). */
unsigned int pit_periodic(unsigned int hz);
/* Channel 0 stopped: mode 0 with no count written does not count. */
void pit_stop(void);

#endif
