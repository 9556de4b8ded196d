// SPDX-License-Identifier: MIT
/* Guest page-table walk (Intel SDM vol. 3A 4.5, AMD APM vol. 2 5.3). */
#include "hv/platform/gwalk.h"
#include "lib/err.h"

#define PTE_P	 (1ull << 0)
#define PTE_PS	 (1ull << 7)
#define ADDR_MAX 0x000FFFFFFFFFF000ull /* bits 51:12 */

int gwalk(const struct gwalk_mode *m, uint64_t gva, gwalk_read64 read64, void *ctx, uint64_t *gpa)
{
	unsigned int levels, shift;
	uint64_t table;

	if (!(m->cr0 & GW_CR0_PG)) {
		*gpa = gva;
		return 0;
	}
	if (!(m->efer & GW_EFER_LMA) || !(m->cr4 & GW_CR4_PAE))
		return -EINVAL;
	levels = m->cr4 & GW_CR4_LA57 ? 5 : 4;
	shift = 12 + 9 * levels; /* bits above the top index must copy its top bit */
	if ((uint64_t)((int64_t)(gva << (64 - shift)) >> (64 - shift)) != gva)
		return -EINVAL;
	table = m->cr3 & ADDR_MAX;
	for (unsigned int l = levels; l >= 1; l--) {
		unsigned int s = 12 + 9 * (l - 1);
		uint64_t e;
		int err = read64(ctx, table + ((gva >> s) & 511) * 8, &e);

		if (err)
			return err;
		if (!(e & PTE_P))
			return -EFAULT;
		/* A large page: 1 GiB at level 3, 2 MiB at level 2; at level
		 * 4 and 5 the bit is reserved. */
		if (l > 1 && (e & PTE_PS)) {
			uint64_t mask = (1ull << s) - 1;

			if (l > 3)
				return -EINVAL;
			/* Bits s-1:13 of a large-page entry are reserved (bit 12 is PAT). */
			if ((e & ADDR_MAX & mask) & ~0x1000ull)
				return -EINVAL;
			*gpa = ((e & ADDR_MAX) & ~mask) | (gva & mask);
			return 0;
		}
		table = e & ADDR_MAX;
	}
	*gpa = table | (gva & 0xFFF);
	return 0;
}
