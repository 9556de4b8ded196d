/* SPDX-License-Identifier: MIT */
/* Little-endian fields at any alignment, as firmware tables and boot
 * structures lay them out (memcpy: no unaligned or aliasing loads). */
#ifndef VF_UNALIGNED_H
#define VF_UNALIGNED_H

#include <stdint.h>
#include "lib/kstring.h"

static inline uint16_t rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

#endif
