/* SPDX-License-Identifier: MIT */
/*
 * Host stand-ins for the privileged instructions of lib/x86.h (built
 * with -DHOST_TEST): a small model-specific register file that rdmsr() reads
 * and wrmsr() writes, with every write logged in order, and a wbinvd()
 * counter.
 */
#ifndef VF_FAKE_X86_H
#define VF_FAKE_X86_H

#include <stdint.h>

#define FAKE_MSR_MAX 32	 /* distinct MSRs the file holds */
#define FAKE_MSR_LOG 256 /* writes logged */

struct fake_msr_write {
	uint32_t msr;
	uint64_t val;
};

/* Every wrmsr() since the last reset: the first FAKE_MSR_LOG of them. */
extern struct fake_msr_write fake_msr_log[FAKE_MSR_LOG];
extern unsigned int fake_msr_writes; /* all of them, also past the log */
extern unsigned int fake_msr_reads;
extern unsigned int fake_wbinvds;

/* Empty the register file (every MSR reads 0) and the counters. */
void fake_x86_reset(void);
/* What rdmsr(@msr) returns from now on. */
void fake_msr_set(uint32_t msr, uint64_t val);
/* How many rdmsr() calls read @msr since the last reset. */
unsigned int fake_msr_reads_of(uint32_t msr);

#endif
