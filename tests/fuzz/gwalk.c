// SPDX-License-Identifier: MIT
/*
 * Harness for hv/platform/gwalk.c. Feeds: CR0, CR3, CR4, EFER and a GVA (the
 * first 40 bytes), then guest memory (the rest, GPA 0 up) that holds the
 * guest's page tables; entries are read through a read64 that refuses
 * anything outside that memory or unaligned. Checks: the walk reads at most
 * one aligned entry per level (5 at most) and only inside guest memory; with
 * paging off the GPA is the GVA; with paging on a translation keeps the
 * page offset and stays below 2^52; errors are only -EFAULT and -EINVAL.
 */
#include <string.h>
#include "lib/err.h"
#include "hv/platform/gwalk.h"
#include "fuzz.h"

struct mem {
	const uint8_t *p;
	size_t size;
	unsigned int reads;
};

static int mem_read64(void *ctx, uint64_t gpa, uint64_t *val)
{
	struct mem *m = ctx;

	m->reads++;
	FUZZ_CHECK((gpa & 7) == 0);
	if (gpa >= m->size || m->size - gpa < 8)
		return -EFAULT;
	memcpy(val, m->p + gpa, 8);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	struct gwalk_mode mode;
	struct mem m;
	uint64_t gva, gpa = 0;
	int err;

	mode.cr0 = fuzz_u64(&in);
	mode.cr3 = fuzz_u64(&in);
	mode.cr4 = fuzz_u64(&in);
	mode.efer = fuzz_u64(&in);
	gva = fuzz_u64(&in);
	m = (struct mem){in.p, in.n, 0};
	err = gwalk(&mode, gva, mem_read64, &m, &gpa);
	FUZZ_CHECK(err == 0 || err == -EFAULT || err == -EINVAL);
	FUZZ_CHECK(m.reads <= 5);
	if (err)
		return 0;
	if (!(mode.cr0 & GW_CR0_PG)) {
		FUZZ_CHECK(gpa == gva && m.reads == 0);
		return 0;
	}
	FUZZ_CHECK(m.reads >= 2); /* a leaf is at least a PDPTE's 1 GiB page */
	FUZZ_CHECK((gpa & 0xFFF) == (gva & 0xFFF));
	FUZZ_CHECK(gpa < (1ull << 52));
	return 0;
}
