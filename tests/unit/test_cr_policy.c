// SPDX-License-Identifier: MIT
/*
 * Guest CR0/CR4/EFER/XCR0 write rules: what Linux writes is allowed; each
 * write the CPU would refuse with #GP is refused, with its reason.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <cmocka.h>
#include "hv/platform/cr_policy.h"

#define EFER_SCE   (1ull << 0)
#define EFER_NXE   (1ull << 11)
#define CR4_PGE	   (1ull << 7)
#define CR4_OSFXSR (1ull << 9)
#define CR4_PKE	   (1ull << 22)

/* Linux's boot CR0 (PE|MP|ET|NE|WP|AM) and its paging value. */
#define LINUX_CR0_NOPG (CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_AM)
#define LINUX_CR0      (LINUX_CR0_NOPG | CR0_PG)

static const uint64_t cr4_all = 0x3FFFFFull; /* a CPU offering bits 21:0 */

static const struct cr_state real_mode = {.cr0 = CR0_ET};
static const struct cr_state prot32 = {
	.cr0 = LINUX_CR0_NOPG, .cr4 = CR4_PAE, .efer = EFER_BIT_LME | EFER_SCE};
static const struct cr_state long64 = {.cr0 = LINUX_CR0,
				       .cr4 = CR4_PAE | CR4_PGE,
				       .efer = EFER_BIT_LME | EFER_BIT_LMA,
				       .cs_l = true};

static void test_cr0_linux_sequence(void **st)
{
	struct cr_state compat = long64;

	(void)st;
	/* real -> protected (the AP trampoline), -> long mode (with LME, PAE). */
	assert_null(cr_policy_cr0(&real_mode, LINUX_CR0_NOPG));
	assert_null(cr_policy_cr0(&prot32, LINUX_CR0));
	/* The decompressor: paging off and on in compatibility mode. */
	compat.cs_l = false;
	assert_null(cr_policy_cr0(&compat, LINUX_CR0_NOPG));
}

static void test_cr0_refused(void **st)
{
	struct cr_state nopae = prot32, pcid = long64;

	(void)st;
	assert_string_equal(cr_policy_cr0(&real_mode, CR0_ET | (1ull << 32)),
			    "CR0 bits 63:32 are reserved");
	assert_string_equal(cr_policy_cr0(&real_mode, CR0_ET | CR0_PG), "CR0.PG without PE");
	assert_string_equal(cr_policy_cr0(&real_mode, CR0_ET | CR0_NW), "CR0.NW without CD");
	nopae.cr4 = 0;
	assert_string_equal(cr_policy_cr0(&nopae, LINUX_CR0),
			    "CR0.PG with EFER.LME but without CR4.PAE");
	assert_string_equal(cr_policy_cr0(&long64, LINUX_CR0_NOPG),
			    "CR0.PG cleared in 64-bit mode");
	pcid.cs_l = false;
	pcid.cr4 |= CR4_PCIDE;
	assert_string_equal(cr_policy_cr0(&pcid, LINUX_CR0_NOPG),
			    "CR0.PG cleared with CR4.PCIDE set");
}

static void test_cr4(void **st)
{
	struct cr_state s = long64;

	(void)st;
	/* Linux's toggles: PGE off/on, OSXSAVE, PCIDE with CR3[11:0] clear. */
	assert_null(cr_policy_cr4(&s, CR4_PAE, cr4_all));
	assert_null(cr_policy_cr4(&s, CR4_PAE | CR4_PGE | CR4_OSXSAVE | CR4_OSFXSR, cr4_all));
	assert_null(cr_policy_cr4(&s, CR4_PAE | CR4_PCIDE, cr4_all));
	assert_null(cr_policy_cr4(&prot32, CR4_PAE | CR4_PGE, cr4_all));
	/* Reserved, hidden from the guest, or what long mode forbids. */
	assert_string_equal(cr_policy_cr4(&s, CR4_PAE | (1ull << 63), cr4_all),
			    "CR4 bit reserved or not offered to the guest");
	assert_string_equal(cr_policy_cr4(&s, CR4_PAE | CR4_VMXE, cr4_all & ~CR4_HIDDEN),
			    "CR4 bit reserved or not offered to the guest");
	assert_string_equal(cr_policy_cr4(&s, CR4_PAE | CR4_PKE, cr4_all),
			    "CR4 bit reserved or not offered to the guest");
	assert_string_equal(cr_policy_cr4(&s, CR4_PGE, cr4_all), "CR4.PAE cleared in long mode");
	assert_string_equal(cr_policy_cr4(&s, CR4_PAE | CR4_LA57, cr4_all),
			    "CR4.LA57 changed in long mode");
	assert_string_equal(cr_policy_cr4(&prot32, CR4_PAE | CR4_PCIDE, cr4_all),
			    "CR4.PCIDE set outside long mode");
	s.cr3 = 0x1000 | 5;
	assert_string_equal(cr_policy_cr4(&s, CR4_PAE | CR4_PCIDE, cr4_all),
			    "CR4.PCIDE set with CR3 bits 11:0 not 0");
}

static void test_cr4_allowed(void **st)
{
	(void)st;
	/* Nothing offered: the bits every 64-bit CPU has. */
	assert_int_equal(cr_policy_cr4_allowed(0, 0, 0), 0x7FF);
	/* XSAVE and PCID (1.ECX 26, 17), SMEP/SMAP/FSGSBASE (7.EBX 7, 20, 0),
	 * UMIP/PKU (7.ECX 2, 3). */
	assert_int_equal(cr_policy_cr4_allowed(1u << 26 | 1u << 17, 1u << 7 | 1u << 20 | 1u,
					       1u << 2 | 1u << 3),
			 0x7FF | CR4_OSXSAVE | CR4_PCIDE | 1ull << 20 | 1ull << 21 | 1ull << 16 |
				 1ull << 11 | 1ull << 22);
	/* Whatever CPUID says, the hidden ones never (VMX is 1.ECX bit 5, LA57
	 * 7.ECX bit 16, CET 7.ECX bit 7, PKS 7.ECX bit 31). */
	assert_int_equal(cr_policy_cr4_allowed(~0u, 0, ~0u) & CR4_HIDDEN, 0);
}

static void test_efer(void **st)
{
	const uint64_t ok = EFER_SCE | EFER_BIT_LME | EFER_NXE;

	(void)st;
	assert_null(cr_policy_efer(&prot32, EFER_SCE | EFER_BIT_LME | EFER_NXE, ok));
	/* Linux writes back what it read, LMA included: ignored, not refused. */
	assert_null(cr_policy_efer(&long64, long64.efer | EFER_SCE, ok));
	assert_string_equal(cr_policy_efer(&long64, long64.efer | (1ull << 63), ok),
			    "EFER bit reserved or not offered to the guest");
	assert_string_equal(cr_policy_efer(&long64, EFER_BIT_LMA, ok),
			    "EFER.LME changed with paging on");
}

static void test_xcr0(void **st)
{
	const uint64_t avx = XCR0_X87 | XCR0_SSE | XCR0_AVX;
	const uint64_t skx = avx | XCR0_BNDREGS | XCR0_BNDCSR | XCR0_AVX512 | (1ull << 9);
	const uint64_t spr = skx | XCR0_TILECFG | XCR0_TILEDATA;

	(void)st;
	assert_null(cr_policy_xcr0(0, XCR0_X87, avx));
	assert_null(cr_policy_xcr0(0, XCR0_X87 | XCR0_SSE, avx));
	assert_null(cr_policy_xcr0(0, avx, avx));
	assert_null(cr_policy_xcr0(0, skx, skx));
	assert_null(cr_policy_xcr0(0, spr, spr));
	assert_string_equal(cr_policy_xcr0(1, XCR0_X87, avx), "XCR other than XCR0");
	assert_string_equal(cr_policy_xcr0(0, XCR0_SSE, avx), "XCR0.x87 clear");
	assert_string_equal(cr_policy_xcr0(0, avx | (1ull << 62), avx),
			    "XCR0 component the CPU does not support");
	assert_string_equal(cr_policy_xcr0(0, avx | XCR0_AVX512, avx),
			    "XCR0 component the CPU does not support");
	assert_string_equal(cr_policy_xcr0(0, XCR0_X87 | XCR0_AVX, avx), "XCR0.AVX without SSE");
	assert_string_equal(cr_policy_xcr0(0, avx | XCR0_BNDREGS, skx),
			    "XCR0 MPX components not both set or both clear");
	assert_string_equal(cr_policy_xcr0(0, avx | (1ull << 5), skx),
			    "XCR0 AVX-512 components not all set (with AVX) or all clear");
	assert_string_equal(cr_policy_xcr0(0, XCR0_X87 | XCR0_SSE | XCR0_AVX512, skx),
			    "XCR0 AVX-512 components not all set (with AVX) or all clear");
	assert_string_equal(cr_policy_xcr0(0, avx | XCR0_TILEDATA, spr),
			    "XCR0 AMX components not both set or both clear");
}

static void test_lma_and_pdptes(void **st)
{
	(void)st;
	assert_int_equal(cr_policy_efer_after(EFER_BIT_LME, LINUX_CR0),
			 EFER_BIT_LME | EFER_BIT_LMA);
	assert_int_equal(cr_policy_efer_after(EFER_BIT_LME | EFER_BIT_LMA, LINUX_CR0_NOPG),
			 EFER_BIT_LME);
	assert_int_equal(cr_policy_efer_after(0, LINUX_CR0), 0);
	assert_true(cr_policy_pae_pdptes(LINUX_CR0, CR4_PAE, 0));
	assert_false(cr_policy_pae_pdptes(LINUX_CR0, CR4_PAE, EFER_BIT_LME | EFER_BIT_LMA));
	assert_false(cr_policy_pae_pdptes(LINUX_CR0_NOPG, CR4_PAE, 0));
	assert_false(cr_policy_pae_pdptes(LINUX_CR0, 0, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cr0_linux_sequence),
		cmocka_unit_test(test_cr0_refused),
		cmocka_unit_test(test_cr4),
		cmocka_unit_test(test_cr4_allowed),
		cmocka_unit_test(test_efer),
		cmocka_unit_test(test_xcr0),
		cmocka_unit_test(test_lma_and_pdptes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
