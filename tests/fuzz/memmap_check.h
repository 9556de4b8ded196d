/* SPDX-License-Identifier: MIT */
/* The memory map invariant two harnesses check: sorted, disjoint, no empty
 * or wrapping range, known types, neighbours of one type merged. */
#ifndef VF_FUZZ_MEMMAP_CHECK_H
#define VF_FUZZ_MEMMAP_CHECK_H

#include "hv/core/memmap.h"
#include "fuzz.h"

static inline void memmap_check(const struct memmap *m)
{
	FUZZ_CHECK(m->n <= MEMMAP_MAX);
	for (unsigned int i = 0; i < m->n; i++) {
		const struct mem_range *r = &m->r[i];

		FUZZ_CHECK(r->base < r->end);
		FUZZ_CHECK(r->type >= MEM_USABLE && r->type <= MEM_BAD);
		if (i)
			FUZZ_CHECK(m->r[i - 1].end < r->base ||
				   (m->r[i - 1].end == r->base && m->r[i - 1].type != r->type));
	}
}

#endif
