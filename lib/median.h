/* SPDX-License-Identifier: MIT */
/* The median of a few measurements: robust against a minority of them being
 * thrown off (a calibration window stretched by a host that paused us). */
#ifndef VF_MEDIAN_H
#define VF_MEDIAN_H

#include <stdint.h>

/* Sort @v[0..n) in place and return its median (for even @n the lower of
 * the two middle values); 0 when @n is 0. */
uint64_t median_u64(uint64_t *v, unsigned int n);

#endif
