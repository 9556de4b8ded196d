/* SPDX-License-Identifier: MIT */
/*
 * What CPUID a guest sees. The guest runs on its own physical CPUs, so most
 * leaves are the host's own (real APIC IDs, caches, topology); this removes
 * what the hypervisor does not give a guest (VMX/SVM, MONITOR/MWAIT, the
 * PMU, thermal and power control, machine checks, SGX, PT, RDT, SME/SEV,
 * CET, features whose MSRs are refused) and adds the hypervisor's own leaves:
 *
 *   0x40000000  EAX = 0x40000010 (the highest hypervisor leaf),
 *               EBX, ECX, EDX = "vfvi" "sorv" "fvis" (CPUID_POLICY_SIGNATURE)
 *   0x40000010  EAX = TSC kHz, EBX = LAPIC timer kHz (0: unknown) — the
 *               timing leaf VMware and ACRN define
 *   every other leaf in 0x40000000-0x4FFFFFFF reads as zero.
 *
 * Pure logic: no CPUID is executed here. The rules and the reason for each
 * are in cpuid_policy.c.
 */
#ifndef VF_CPUID_POLICY_H
#define VF_CPUID_POLICY_H

#include <stdint.h>
#include "lib/x86.h" /* struct cpuid_regs */

#define CPUID_POLICY_SIGNATURE "vfvisorvfvis" /* 12 bytes: EBX, ECX, EDX */
#define CPUID_HV_BASE	       0x40000000u
#define CPUID_HV_TIMING	       0x40000010u /* also the highest leaf reported in 0x40000000 */

struct cpuid_policy {
	uint32_t tsc_khz;  /* advertised in the hypervisor timing leaf */
	uint32_t apic_khz; /* LAPIC timer input clock, 0 if unknown */
};

/*
 * @r holds what the host CPU returned for (@leaf, @subleaf) on the physical
 * CPU running the vCPU (so APIC IDs are real); edit it into what the guest
 * sees. Leaves past the host's highest leaf are edited like any other (the
 * caller passes whatever the CPU returned; nothing is invented beyond the
 * hypervisor range). CPUID.1:ECX.OSXSAVE and CPUID.7.0:ECX.OSPKE mirror the
 * guest's CR4, which only the caller knows: they are left as given.
 */
void cpuid_policy_apply(const struct cpuid_policy *p, uint32_t leaf, uint32_t subleaf,
			struct cpuid_regs *r);

#endif
