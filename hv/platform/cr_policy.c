// SPDX-License-Identifier: MIT
/* Guest control-register, EFER and XCR0 write rules (see cr_policy.h). */
#include "hv/platform/cr_policy.h"

uint64_t cr_policy_cr4_allowed(uint32_t l1_ecx, uint32_t l7_ebx, uint32_t l7_ecx)
{
	static const struct {
		uint8_t cr4_bit, leaf; /* leaf: 1 = 1.ECX, 7 = 7.EBX, 8 = 7.ECX */
		uint8_t cpuid_bit;
	} feat[] = {
		{11, 8, 2},  /* UMIP */
		{16, 7, 0},  /* FSGSBASE */
		{17, 1, 17}, /* PCIDE: PCID */
		{18, 1, 26}, /* OSXSAVE: XSAVE */
		{20, 7, 7},  /* SMEP */
		{21, 7, 20}, /* SMAP */
		{22, 8, 3},  /* PKE: PKU */
	};
	uint64_t ok = 0x7FF; /* VME .. OSXMMEXCPT */

	for (unsigned int i = 0; i < sizeof(feat) / sizeof(feat[0]); i++) {
		uint32_t reg = feat[i].leaf == 1 ? l1_ecx : feat[i].leaf == 7 ? l7_ebx : l7_ecx;

		if (reg & (1u << feat[i].cpuid_bit))
			ok |= 1ull << feat[i].cr4_bit;
	}
	return ok & ~CR4_HIDDEN;
}

const char *cr_policy_cr0(const struct cr_state *s, uint64_t val)
{
	bool lme = s->efer & EFER_BIT_LME;

	if (val >> 32)
		return "CR0 bits 63:32 are reserved";
	if ((val & CR0_PG) && !(val & CR0_PE))
		return "CR0.PG without PE";
	if ((val & CR0_NW) && !(val & CR0_CD))
		return "CR0.NW without CD";
	if ((val & CR0_PG) && !(s->cr0 & CR0_PG) && lme && !(s->cr4 & CR4_PAE))
		return "CR0.PG with EFER.LME but without CR4.PAE";
	if (!(val & CR0_PG) && (s->cr0 & CR0_PG) && s->cs_l)
		return "CR0.PG cleared in 64-bit mode";
	if (!(val & CR0_PG) && (s->cr4 & CR4_PCIDE))
		return "CR0.PG cleared with CR4.PCIDE set";
	return 0;
}

const char *cr_policy_cr4(const struct cr_state *s, uint64_t val, uint64_t allowed)
{
	bool lma = s->efer & EFER_BIT_LMA;

	if (val & ~allowed)
		return "CR4 bit reserved or not offered to the guest";
	if (lma && !(val & CR4_PAE))
		return "CR4.PAE cleared in long mode";
	if (lma && ((val ^ s->cr4) & CR4_LA57))
		return "CR4.LA57 changed in long mode";
	if ((val & CR4_PCIDE) && !(s->cr4 & CR4_PCIDE)) {
		if (!lma)
			return "CR4.PCIDE set outside long mode";
		if (s->cr3 & 0xFFF)
			return "CR4.PCIDE set with CR3 bits 11:0 not 0";
	}
	return 0;
}

const char *cr_policy_efer(const struct cr_state *s, uint64_t val, uint64_t allowed)
{
	if (val & ~(allowed | EFER_BIT_LMA))
		return "EFER bit reserved or not offered to the guest";
	if (((val ^ s->efer) & EFER_BIT_LME) && (s->cr0 & CR0_PG))
		return "EFER.LME changed with paging on";
	return 0;
}

const char *cr_policy_xcr0(uint32_t index, uint64_t val, uint64_t supported)
{
	uint64_t avx512 = val & XCR0_AVX512;

	if (index != 0)
		return "XCR other than XCR0";
	if (!(val & XCR0_X87))
		return "XCR0.x87 clear";
	if (val & ~supported)
		return "XCR0 component the CPU does not support";
	if ((val & XCR0_AVX) && !(val & XCR0_SSE))
		return "XCR0.AVX without SSE";
	if (!(val & XCR0_BNDREGS) != !(val & XCR0_BNDCSR))
		return "XCR0 MPX components not both set or both clear";
	if (avx512 && (avx512 != XCR0_AVX512 || !(val & XCR0_AVX)))
		return "XCR0 AVX-512 components not all set (with AVX) or all clear";
	if (!(val & XCR0_TILECFG) != !(val & XCR0_TILEDATA))
		return "XCR0 AMX components not both set or both clear";
	return 0;
}

uint64_t cr_policy_efer_after(uint64_t efer, uint64_t cr0)
{
	if ((cr0 & CR0_PG) && (efer & EFER_BIT_LME))
		return efer | EFER_BIT_LMA;
	return efer & ~EFER_BIT_LMA;
}

bool cr_policy_pae_pdptes(uint64_t cr0, uint64_t cr4, uint64_t efer)
{
	return (cr0 & CR0_PG) && (cr4 & CR4_PAE) && !(efer & EFER_BIT_LMA);
}
