/* SPDX-License-Identifier: MIT */
/*
 * A guest-virtual to guest-physical walk through the guest's own page tables,
 * for the instruction fetch behind an emulated MMIO access (without decode
 * assists the hypervisor reads the bytes at the guest's RIP itself). Pure:
 * table entries come through @read64, so it is unit-tested on the host.
 */
#ifndef VF_GWALK_H
#define VF_GWALK_H

#include <stdint.h>

#define GW_CR0_PG   (1ull << 31)
#define GW_CR4_PAE  (1ull << 5)
#define GW_CR4_LA57 (1ull << 12)
#define GW_EFER_LMA (1ull << 10)

struct gwalk_mode {
	uint64_t cr0, cr3, cr4, efer;
};

/* Read the 8-byte table entry at guest-physical @gpa; 0 or -EFAULT if that
 * is not guest RAM. */
typedef int (*gwalk_read64)(void *ctx, uint64_t gpa, uint64_t *val);

/*
 * Translate @gva. Paging off: the address itself. Long mode with 4- or
 * 5-level tables (1 GiB, 2 MiB and 4 KiB pages): the walk. Returns 0 with
 * *@gpa, -EFAULT if an entry is not present (or not readable), -EINVAL for
 * a non-canonical address, a reserved bit set in an entry, or a paging mode
 * Linux never runs in (32-bit and PAE paging).
 */
int gwalk(const struct gwalk_mode *m, uint64_t gva, gwalk_read64 read64, void *ctx, uint64_t *gpa);

#endif
