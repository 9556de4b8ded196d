/* SPDX-License-Identifier: MIT */
/*
 * Which MSRs a guest may touch, and how. One table of rules, sorted by MSR,
 * each for a range of MSRs [msr, last]; an MSR no rule covers is refused
 * both ways. The same table fills the AMD-V MSR permission map and the
 * Intel VMX MSR bitmap: every access that is not MSR_PASS is intercepted.
 *
 * An MSR outside the bitmaps' ranges always exits (AMD APM vol. 2 15.11,
 * Intel SDM vol. 3C 25.6.9). If its rule says MSR_PASS, the exit handler
 * performs the access for the guest.
 */
#ifndef VF_MSR_POLICY_H
#define VF_MSR_POLICY_H

#include <stddef.h>
#include <stdint.h>

enum msr_action {
	MSR_PASS,    /* not intercepted: the guest reads/writes the real MSR or VMCB-held state */
	MSR_EMULATE, /* intercepted; the VM core emulates it (a constant or vcpu state) */
	MSR_REFUSE,  /* intercepted; the access gets #GP and is counted */
};

struct msr_rule {
	uint32_t msr;  /* the first MSR of the range */
	uint32_t last; /* the last MSR of the range (== msr for a single MSR) */
	enum msr_action rd, wr;
	const char *name; /* for the refusal counters and the log */
};

#define MSR_POLICY_MSRPM_SIZE 8192 /* AMD-V: 2 pages */
#define MSR_POLICY_VMX_SIZE   4096 /* Intel VMX: 1 page */

/*
 * The rule for @msr. Never NULL: an MSR no rule covers gets a static rule
 * named "unknown" (REFUSE both ways, msr = 0, last = 0xFFFFFFFF).
 */
const struct msr_rule *msr_policy_lookup(uint32_t msr);

/* The whole table, sorted by msr, ranges disjoint; *@count gets its length. */
const struct msr_rule *msr_policy_rules(size_t *count);

/*
 * Fill an AMD-V MSR permission map (AMD APM vol. 2 15.11): 2 bits per MSR,
 * read (even bit) then write (odd bit), 1 = intercept; bytes 0x000-0x7FF
 * for MSRs 0-0x1FFF, 0x800-0xFFF for 0xC0000000-0xC0001FFF, 0x1000-0x17FF
 * for 0xC0010000-0xC0011FFF. The reserved rest (0x1800-0x1FFF) is all ones.
 */
void msr_policy_build_msrpm(uint8_t msrpm[MSR_POLICY_MSRPM_SIZE]);

/*
 * Fill an Intel VMX MSR bitmap (SDM vol. 3C 25.6.9): 1 bit per MSR,
 * 1 = exit; bytes 0-1023 read of 0-0x1FFF, 1024-2047 read of
 * 0xC0000000-0xC0001FFF, 2048-3071 write low, 3072-4095 write high.
 */
void msr_policy_build_vmx_bitmap(uint8_t bitmap[MSR_POLICY_VMX_SIZE]);

#endif
