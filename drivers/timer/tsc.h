/* SPDX-License-Identifier: MIT */
/* The TSC: its rate, and the busy-wait delays the drivers use. */
#ifndef VF_TSC_H
#define VF_TSC_H

#include <stdint.h>

/* Measure the TSC rate (CPUID leaf 0x15 when it gives one, else against the
 * PIT); returns kHz. */
uint64_t tsc_calibrate(void);
uint64_t tsc_khz(void);
/* Busy-wait; host unit tests provide their own (fakes that count). */
void udelay(uint64_t us);
void mdelay(uint64_t ms);

#endif
