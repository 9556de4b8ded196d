// SPDX-License-Identifier: MIT
/* The median of a few measurements (median.h). */
#include "lib/median.h"

uint64_t median_u64(uint64_t *v, unsigned int n)
{
	if (!n)
		return 0;
	for (unsigned int i = 1; i < n; i++) { /* insertion sort: n is small */
		uint64_t x = v[i];
		unsigned int j = i;

		for (; j && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	return v[(n - 1) / 2];
}
