// SPDX-License-Identifier: MIT
/*
 * The MSR policy: the table's shape, the rule for each MSR the platform
 * names, and both bitmaps bit for bit. Bit positions are computed here from
 * the manuals' layouts (AMD APM vol. 2 15.11, Intel SDM vol. 3C 25.6.9),
 * independently of the code under test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "hv/platform/msr_policy.h"

#define P MSR_PASS
#define E MSR_EMULATE
#define R MSR_REFUSE

/* What the platform (DESIGN.md and the policy's brief) says, MSR by MSR. */
static const struct {
	uint32_t msr;
	enum msr_action rd, wr;
} want[] = {
	{0x10, P, R},	    /* TSC: read, never write */
	{0x1B, E, E},	    /* APIC_BASE */
	{0x3A, R, R},	    /* FEATURE_CONTROL */
	{0x3B, R, R},	    /* TSC_ADJUST */
	{0x48, P, P},	    /* SPEC_CTRL */
	{0x49, R, P},	    /* PRED_CMD */
	{0x8B, E, E},	    /* patch level */
	{0xCE, R, R},	    /* PLATFORM_INFO */
	{0xFE, E, R},	    /* MTRRcap */
	{0x10A, R, R},	    /* ARCH_CAPABILITIES */
	{0x10B, R, P},	    /* FLUSH_CMD */
	{0x174, P, P},	    /* SYSENTER_CS */
	{0x175, P, P},	    /* SYSENTER_ESP */
	{0x176, P, P},	    /* SYSENTER_EIP */
	{0x179, R, R},	    /* MCG_CAP */
	{0x17A, R, R},	    /* MCG_STATUS */
	{0x17B, R, R},	    /* MCG_CTL */
	{0x1A0, E, E},	    /* MISC_ENABLE */
	{0x1D9, R, R},	    /* DEBUGCTL */
	{0x200, E, E},	    /* MTRRphysBase0 */
	{0x213, E, E},	    /* MTRRphysMask9 */
	{0x250, E, E},	    /* MTRRfix64K_00000 */
	{0x258, E, E},	    /* MTRRfix16K_80000 */
	{0x26F, E, E},	    /* MTRRfix4K_F8000 */
	{0x277, P, P},	    /* PAT */
	{0x2FF, E, E},	    /* MTRRdefType */
	{0x401, R, R},	    /* MC0_STATUS */
	{0x480, R, R},	    /* VMX_BASIC */
	{0x6E0, P, P},	    /* TSC_DEADLINE */
	{0x800, P, P},	    /* x2APIC: first */
	{0x802, P, P},	    /* ID */
	{0x808, P, P},	    /* TPR */
	{0x80B, P, P},	    /* EOI */
	{0x80F, P, P},	    /* SVR */
	{0x82F, P, P},	    /* LVT CMCI */
	{0x830, P, E},	    /* ICR: only the write is trapped */
	{0x831, P, P},	    /* (reserved in x2APIC: the CPU #GPs) */
	{0x832, P, P},	    /* LVT timer */
	{0x835, P, E},	    /* LVT LINT0: the write is trapped, kept masked */
	{0x836, P, P},	    /* LVT LINT1 */
	{0x838, P, P},	    /* initial count */
	{0x83F, P, P},	    /* SELF IPI */
	{0x8FF, P, P},	    /* x2APIC: last */
	{0xDA0, R, R},	    /* XSS */
	{0xC0000080, E, E}, /* EFER */
	{0xC0000081, P, P}, /* STAR */
	{0xC0000082, P, P}, /* LSTAR */
	{0xC0000083, P, P}, /* CSTAR */
	{0xC0000084, P, P}, /* SFMASK */
	{0xC0000100, P, P}, /* FS_BASE */
	{0xC0000101, P, P}, /* GS_BASE */
	{0xC0000102, P, P}, /* KERNEL_GS_BASE */
	{0xC0000103, P, P}, /* TSC_AUX */
	{0xC0010000, R, R}, /* PERF_CTL0 */
	{0xC0010015, E, E}, /* HWCR */
	{0xC0010114, R, R}, /* VM_CR */
	{0xC0010117, R, R}, /* VM_HSAVE_PA */
};

/* MSRs no rule covers: refused, and the default rule says so. */
static const uint32_t unknown_msrs[] = {
	0x0,	    0x11,	0x1A,	    0x47,	0x7FF,
	0x900,	    0x1FFF,	0x2000,	    0x4B564D00, /* KVM's kvmclock: an outer hypervisor's */
	0x40000000,					/* Hyper-V's guest OS ID */
	0xBFFFFFFF, 0xC0000000, 0xC0000085, 0xC0000104, 0xC0001FFF,
	0xC0002000, 0xC0010016, 0xC0011FFF, 0xC0012000, 0xFFFFFFFF,
};

static void test_table_shape(void **state)
{
	size_t n;
	const struct msr_rule *t = msr_policy_rules(&n);

	(void)state;
	assert_true(n > 0);
	for (size_t i = 0; i < n; i++) {
		assert_true(t[i].msr <= t[i].last);
		assert_non_null(t[i].name);
		assert_true(strlen(t[i].name) > 0);
		assert_true(t[i].rd == P || t[i].rd == E || t[i].rd == R);
		assert_true(t[i].wr == P || t[i].wr == E || t[i].wr == R);
		/* sorted, no duplicates, no overlap */
		if (i)
			assert_true(t[i - 1].last < t[i].msr);
	}
}

static void test_lookup_every_rule(void **state)
{
	size_t n;
	const struct msr_rule *t = msr_policy_rules(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		uint32_t mid = t[i].msr + (t[i].last - t[i].msr) / 2;

		assert_ptr_equal(msr_policy_lookup(t[i].msr), &t[i]);
		assert_ptr_equal(msr_policy_lookup(t[i].last), &t[i]);
		assert_ptr_equal(msr_policy_lookup(mid), &t[i]);
		/* just outside: the neighbour's rule or the default */
		if (t[i].msr > 0)
			assert_ptr_not_equal(msr_policy_lookup(t[i].msr - 1), &t[i]);
		if (t[i].last < 0xFFFFFFFFu)
			assert_ptr_not_equal(msr_policy_lookup(t[i].last + 1), &t[i]);
	}
}

static void test_platform_rules(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct msr_rule *r = msr_policy_lookup(want[i].msr);

		assert_non_null(r);
		if (r->rd != want[i].rd || r->wr != want[i].wr)
			print_error("MSR %#x (%s): rd %d wr %d, want %d %d\n", want[i].msr, r->name,
				    r->rd, r->wr, want[i].rd, want[i].wr);
		assert_int_equal(r->rd, want[i].rd);
		assert_int_equal(r->wr, want[i].wr);
		assert_string_not_equal(r->name, "unknown");
	}
	assert_string_equal(msr_policy_lookup(0x830)->name, "x2APIC ICR");
	assert_string_equal(msr_policy_lookup(0xC0000080)->name, "EFER");
	assert_string_equal(msr_policy_lookup(0x179)->name, "MCG_CAP/STATUS/CTL");
}

static void test_unknown(void **state)
{
	const struct msr_rule *def = msr_policy_lookup(0x11);

	(void)state;
	for (size_t i = 0; i < sizeof(unknown_msrs) / sizeof(unknown_msrs[0]); i++) {
		const struct msr_rule *r = msr_policy_lookup(unknown_msrs[i]);

		assert_non_null(r);
		assert_ptr_equal(r, def);
		assert_int_equal(r->rd, R);
		assert_int_equal(r->wr, R);
	}
	assert_string_equal(def->name, "unknown");
}

/* ---- bitmaps ------------------------------------------------------------ */

static uint8_t msrpm[MSR_POLICY_MSRPM_SIZE], vmx[MSR_POLICY_VMX_SIZE];

static int setup(void **state)
{
	(void)state;
	memset(msrpm, 0x5A, sizeof(msrpm)); /* the builders must write every byte */
	memset(vmx, 0x5A, sizeof(vmx));
	msr_policy_build_msrpm(msrpm);
	msr_policy_build_vmx_bitmap(vmx);
	return 0;
}

/* AMD APM: three 2 KiB blocks of 2 bits per MSR (read, then write). MSRs
 * outside them always exit. */
static bool amd_intercepts(uint32_t msr, bool write)
{
	static const uint32_t base[3] = {0x00000000, 0xC0000000, 0xC0010000};

	for (unsigned int k = 0; k < 3; k++) {
		if (msr >= base[k] && msr - base[k] < 0x2000) {
			uint32_t bit = 2 * (msr - base[k]) + (write ? 1 : 0);

			return msrpm[0x800 * k + bit / 8] >> (bit % 8) & 1;
		}
	}
	return true;
}

/* Intel SDM: read-low, read-high, write-low, write-high, 1 KiB each. */
static bool vmx_exits(uint32_t msr, bool write)
{
	uint32_t off;

	if (msr <= 0x1FFF)
		off = write ? 2048 : 0;
	else if (msr >= 0xC0000000 && msr <= 0xC0001FFF)
		off = write ? 3072 : 1024;
	else
		return true;
	msr &= 0x1FFF;
	return vmx[off + msr / 8] >> (msr % 8) & 1;
}

static bool in_amd_ranges(uint32_t msr)
{
	return msr <= 0x1FFF || (msr >= 0xC0000000 && msr <= 0xC0001FFF) ||
	       (msr >= 0xC0010000 && msr <= 0xC0011FFF);
}

static bool in_vmx_ranges(uint32_t msr)
{
	return msr <= 0x1FFF || (msr >= 0xC0000000 && msr <= 0xC0001FFF);
}

/* Hand-computed bytes for samples: pass vs intercept, read vs write, each
 * range of each map. */
static void test_bitmap_samples(void **state)
{
	(void)state;
	/* AMD, range 0. TSC 0x10: bits 0x20/0x21 -> byte 4 bits 0 (read,
	 * pass) and 1 (write, intercept); 0x11-0x13 are unknown. */
	assert_int_equal(msrpm[4], 0xFE);
	/* 0x830 (ICR): byte 0x20C bit 0 read pass, bit 1 write intercept;
	 * 0x831-0x833 pass both ways; 0x835 (LINT0): byte 0x20D bit 3, its
	 * write, intercepted. */
	assert_int_equal(msrpm[0x20C], 0x02);
	assert_int_equal(msrpm[0x20D], 0x08);
	assert_int_equal(msrpm[0x200], 0x00); /* 0x800-0x803 */
	assert_int_equal(msrpm[0x23F], 0x00); /* 0x8FC-0x8FF */
	assert_int_equal(msrpm[0x1FF], 0xFF); /* 0x7FC-0x7FF */
	assert_int_equal(msrpm[0x240], 0xFF); /* 0x900-0x903 */
	/* 0x174-0x177: SYSENTER pass, 0x177 unknown */
	assert_int_equal(msrpm[0x174 / 4], 0xC0);
	/* 0x48 SPEC_CTRL pass, 0x49 PRED_CMD write only, 0x4A/0x4B unknown */
	assert_int_equal(msrpm[0x48 / 4], 0xF4);
	/* 0x277 PAT: byte 0x9D bits 6, 7 */
	assert_int_equal(msrpm[0x9D], 0x3F);
	/* EFER 0xC0000080 emulated, STAR..SFMASK 0x81-0x84 pass: range 1
	 * byte 0x800 + 0x20 holds 0x80-0x83, the next one 0x84-0x87. */
	assert_int_equal(msrpm[0x820], 0x03);
	assert_int_equal(msrpm[0x821], 0xFC);
	/* FS_BASE..TSC_AUX 0xC0000100-0xC0000103: all pass */
	assert_int_equal(msrpm[0x840], 0x00);
	/* range 2 (0xC001xxxx) passes nothing, and the reserved tail is 1s */
	for (size_t i = 0x1000; i < sizeof(msrpm); i++)
		assert_int_equal(msrpm[i], 0xFF);

	/* VMX: TSC read pass (read-low byte 2 bit 0), write exits. */
	assert_int_equal(vmx[2] & 1, 0);
	assert_int_equal(vmx[2048 + 2] & 1, 1);
	/* 0x830-0x837: read all pass; write only ICR and LINT0 exit */
	assert_int_equal(vmx[0x830 / 8], 0x00);
	assert_int_equal(vmx[2048 + 0x830 / 8], 0x21);
	/* EFER exits, STAR..SFMASK pass: bits 0-4 of read-high byte 0x10 */
	assert_int_equal(vmx[1024 + 0x10], 0xE1);
	assert_int_equal(vmx[3072 + 0x10], 0xE1);
	/* FS_BASE..TSC_AUX: read-high/write-high byte 0x20, low nibble */
	assert_int_equal(vmx[1024 + 0x20], 0xF0);
	assert_int_equal(vmx[3072 + 0x20], 0xF0);
	/* PRED_CMD: write passes, read exits (bit 1 of byte 9) */
	assert_int_equal(vmx[9] >> 1 & 1, 1);
	assert_int_equal(vmx[2048 + 9] >> 1 & 1, 0);
}

/* Every MSR of every range: the map says exactly what the rule says. */
static void test_bitmaps_match_rules(void **state)
{
	static const uint32_t bases[3] = {0x00000000, 0xC0000000, 0xC0010000};
	unsigned int amd_pass = 0, vmx_pass = 0;

	(void)state;
	for (unsigned int k = 0; k < 3; k++) {
		for (uint32_t m = bases[k]; m < bases[k] + 0x2000; m++) {
			const struct msr_rule *r = msr_policy_lookup(m);

			assert_int_equal(amd_intercepts(m, false), r->rd != P);
			assert_int_equal(amd_intercepts(m, true), r->wr != P);
			assert_int_equal(vmx_exits(m, false), !in_vmx_ranges(m) || r->rd != P);
			assert_int_equal(vmx_exits(m, true), !in_vmx_ranges(m) || r->wr != P);
			amd_pass += !amd_intercepts(m, false) + !amd_intercepts(m, true);
			vmx_pass += !vmx_exits(m, false) + !vmx_exits(m, true);
		}
	}
	/* The zero bits counted another way: no stray bit cleared anywhere
	 * (the reserved tail of the AMD map included). */
	{
		unsigned int zero_amd = 0, zero_vmx = 0;

		for (size_t i = 0; i < sizeof(msrpm); i++)
			zero_amd += 8 - (unsigned int)__builtin_popcount(msrpm[i]);
		for (size_t i = 0; i < sizeof(vmx); i++)
			zero_vmx += 8 - (unsigned int)__builtin_popcount(vmx[i]);
		assert_int_equal(zero_amd, amd_pass);
		assert_int_equal(zero_vmx, vmx_pass);
		/* x2APIC alone: 256 reads + 254 writes */
		assert_true(amd_pass > 510 && vmx_pass == amd_pass);
	}
}

/* An MSR outside a map always exits, so a pass-through rule there would
 * silently cost an exit each time: every passed MSR lies inside both maps'
 * ranges, and MSRs outside are intercepted. */
static void test_outside_ranges(void **state)
{
	static const uint32_t outside[] = {0x2000,     0x3FFF,	   0xBFFFFFFF, 0xC0002000,
					   0xC000FFFF, 0xC0012000, 0xFFFFFFFF};
	size_t n;
	const struct msr_rule *t = msr_policy_rules(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		if (t[i].rd != P && t[i].wr != P)
			continue;
		for (uint64_t m = t[i].msr; m <= t[i].last; m++) {
			assert_true(in_amd_ranges((uint32_t)m));
			assert_true(in_vmx_ranges((uint32_t)m));
		}
	}
	for (size_t i = 0; i < sizeof(outside) / sizeof(outside[0]); i++) {
		assert_true(amd_intercepts(outside[i], false) && amd_intercepts(outside[i], true));
		assert_true(vmx_exits(outside[i], false) && vmx_exits(outside[i], true));
		assert_int_equal(msr_policy_lookup(outside[i])->rd, R);
	}
	/* The VMX map has no 0xC001xxxx range: HWCR always exits there. */
	assert_true(vmx_exits(0xC0010015, false));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_shape),
		cmocka_unit_test(test_lookup_every_rule),
		cmocka_unit_test(test_platform_rules),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test_setup(test_bitmap_samples, setup),
		cmocka_unit_test_setup(test_bitmaps_match_rules, setup),
		cmocka_unit_test_setup(test_outside_ranges, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
