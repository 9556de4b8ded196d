/* SPDX-License-Identifier: MIT */
/*
 * What a guest's write of CR0, CR4, EFER or XCR0 must satisfy, where the
 * hypervisor performs the write for it (VT-x: MOV CR exits, XSETBV; both
 * backends: WRMSR EFER). Intel SDM vol. 3A 2.5, 2.6 and MOV CR / WRMSR /
 * XSETBV; AMD APM vol. 2 3.1. A write these refuse gets #GP, as on the CPU:
 * one that slipped through would fail the next VM entry or fault the host.
 * Pure: host unit tests judge every rule.
 */
#ifndef VF_CR_POLICY_H
#define VF_CR_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#define CR0_PE (1ull << 0)
#define CR0_MP (1ull << 1)
#define CR0_ET (1ull << 4)
#define CR0_NE (1ull << 5)
#define CR0_WP (1ull << 16)
#define CR0_AM (1ull << 18)
#define CR0_NW (1ull << 29)
#define CR0_CD (1ull << 30)
#define CR0_PG (1ull << 31)

#define CR4_PAE	    (1ull << 5)
#define CR4_LA57    (1ull << 12)
#define CR4_VMXE    (1ull << 13)
#define CR4_SMXE    (1ull << 14)
#define CR4_PCIDE   (1ull << 17)
#define CR4_OSXSAVE (1ull << 18)
#define CR4_KL	    (1ull << 19)
#define CR4_CET	    (1ull << 23)
#define CR4_PKS	    (1ull << 24)
#define CR4_UINTR   (1ull << 25)
/* Features the CPUID policy always hides (cpuid_policy.c): a guest setting
 * their CR4 bit gets #GP, as on a CPU without them. */
#define CR4_HIDDEN (CR4_LA57 | CR4_VMXE | CR4_SMXE | CR4_KL | CR4_CET | CR4_PKS | CR4_UINTR)

#define EFER_BIT_LME (1ull << 8)
#define EFER_BIT_LMA (1ull << 10)

/* XCR0 state components (SDM vol. 1 13.1). */
#define XCR0_X87      (1ull << 0)
#define XCR0_SSE      (1ull << 1)
#define XCR0_AVX      (1ull << 2)
#define XCR0_BNDREGS  (1ull << 3)
#define XCR0_BNDCSR   (1ull << 4)
#define XCR0_AVX512   (7ull << 5) /* opmask, ZMM_Hi256, Hi16_ZMM */
#define XCR0_TILECFG  (1ull << 17)
#define XCR0_TILEDATA (1ull << 18)

/* The guest's mode when it writes. */
struct cr_state {
	uint64_t cr0, cr3, cr4, efer;
	bool cs_l; /* running 64-bit code (CS.L with EFER.LMA) */
};

/* The CR4 bits a guest may set, from the CPUID it sees: leaf 1 ECX, leaf 7.0
 * EBX and ECX. Bits 10:0 exist on every 64-bit CPU; CR4_HIDDEN never. */
uint64_t cr_policy_cr4_allowed(uint32_t l1_ecx, uint32_t l7_ebx, uint32_t l7_ecx);

/* Each returns NULL if the write is allowed, else why it gets #GP. */
const char *cr_policy_cr0(const struct cr_state *s, uint64_t val);
/* @allowed: the CR4 bits the CPU can hold for a guest. */
const char *cr_policy_cr4(const struct cr_state *s, uint64_t val, uint64_t allowed);
/* @allowed: the EFER bits a guest may set (LMA is the CPU's: ignored). */
const char *cr_policy_efer(const struct cr_state *s, uint64_t val, uint64_t allowed);
/* XSETBV of @val to XCR @index; @supported: CPUID.(EAX=0DH,ECX=0):EDX:EAX. */
const char *cr_policy_xcr0(uint32_t index, uint64_t val, uint64_t supported);

/* EFER.LMA after CR0 becomes @cr0 (long mode is active while paging is on
 * with LME); the entry control "IA-32e mode guest" must follow it. */
uint64_t cr_policy_efer_after(uint64_t efer, uint64_t cr0);
/* PAE paging outside long mode: the four PDPTEs come from CR3 (a CPU with
 * EPT takes them from the VMCS, so whoever writes CR0/CR3/CR4 loads them). */
bool cr_policy_pae_pdptes(uint64_t cr0, uint64_t cr4, uint64_t efer);

#endif
