/* SPDX-License-Identifier: MIT */
#ifndef VF_TSC_H
#define VF_TSC_H

#include <stdint.h>

/* Measure the TSC rate (CPUID leaf 0x15 when it gives one, else against the
 * PIT); returns kHz. */
uint64_t tsc_calibrate(void);
uint64_t tsc_khz(void);
void udelay(uint64_t us);

#endif
