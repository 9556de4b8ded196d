/* SPDX-License-Identifier: MIT */
/*
 * The VMX control words vfvisor runs its guests with, computed from the
 * CPU's capability MSRs (SDM vol. 3D, appendix A) instead of hard-coded, and
 * the CR0/CR4 values VMX operation allows. Pure logic: the caller reads the
 * MSRs; nothing here touches the hardware.
 */
#ifndef VF_VMX_CTLS_H
#define VF_VMX_CTLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The capability MSRs as read (0 for one the CPU does not have). */
struct vmx_caps {
	uint64_t basic;						 /* 0x480 */
	uint64_t pinbased, procbased, exit, entry;		 /* 0x481-0x484 */
	uint64_t true_pinbased, true_procbased;			 /* 0x48D, 0x48E */
	uint64_t true_exit, true_entry;				 /* 0x48F, 0x490 */
	uint64_t procbased2;					 /* 0x48B */
	uint64_t ept_vpid_cap;					 /* 0x48C */
	uint64_t misc;						 /* 0x485 */
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1; /* 0x486-0x489 */
	/* CPUID 0x80000008 EAX[7:0] and [15:8]; 0 means 52 and 48. Only the
	 * VM-entry checker uses them. */
	uint8_t phys_bits, lin_bits;
};

/* The five control words of a VMCS. */
struct vmx_ctls {
	uint32_t pin, proc, proc2, exit, entry;
};

/*
 * One control word from its capability MSR @cap_msr: bits 31:0 are the
 * allowed-0 settings (a 1 there forces the control on), bits 63:32 the
 * allowed-1 settings (a 0 there forces it off). *@out gets every forced bit
 * plus those of @required and @wanted the CPU allows. Returns 0; -ENOTSUP
 * with the refused bits of @required in *@missing; -EINVAL with the bits in
 * *@missing if the MSR forces a control both on and off.
 */
int vmx_ctl_compute(uint64_t cap_msr, uint32_t required, uint32_t wanted, uint32_t *out,
		    uint32_t *missing);

/*
 * The controls for a vfvisor vCPU entered in 64-bit mode (entry "IA-32e
 * mode guest" set; a vCPU started in real mode clears it). Uses the TRUE_*
 * MSRs when IA32_VMX_BASIC bit 55 says they exist. Returns 0, or -ENOTSUP
 * with @why naming the first control vfvisor needs that the CPU refuses or
 * one vfvisor must keep off that the CPU forces on.
 */
int vmx_ctls_choose(const struct vmx_caps *caps, struct vmx_ctls *out, char *why, size_t why_len);

/*
 * @value with the bits IA32_VMX_CR{0,4}_FIXED0 forces set and the bits
 * FIXED1 forces clear. With @unrestricted (CR0 of an unrestricted guest
 * only) CR0.PE and CR0.PG may stay 0.
 */
uint64_t vmx_cr_fixed(uint64_t fixed0, uint64_t fixed1, uint64_t value, bool unrestricted);

#endif
