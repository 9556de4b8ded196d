// SPDX-License-Identifier: MIT
/*
 * The guest's CPUID. Inputs are register values captured on real CPUs (the
 * AIDA64 CPUID dumps in github.com/InstLatx64/InstLatx64, logical CPU #0):
 *   AMD EPYC 7742 (Rome, family 17h, 00830F10)
 *   AMD EPYC 9654 (Genoa, family 19h, 00A10F11)
 *   Intel Core i5-12400 (Alder Lake-S, 00090672)
 *   Intel Xeon w7-2475X (Sapphire Rapids, 000806F8)
 * The expected result comes from this file's own list of bit numbers (the
 * policy as specified), not from the code under test, and whole registers
 * are compared, so a bit that should pass unchanged is checked too.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "hv/platform/cpuid_policy.h"

#define B(n) (1u << (n))
#define ANY  0xFFFFFFFFu

struct dump {
	const char *cpu;
	uint32_t leaf, subleaf;
	struct cpuid_regs in;
};

#define ROME  "AMD EPYC 7742"
#define GENOA "AMD EPYC 9654"
#define ADL   "Intel Core i5-12400"
#define SPR   "Intel Xeon w7-2475X"
#define R(a, b, c, d)      \
	{                  \
		a, b, c, d \
	}

static const struct dump dumps[] = {
	{ROME, 0x0, 0, R(0x00000010, 0x68747541, 0x444D4163, 0x69746E65)},
	{ROME, 0x1, 0, R(0x00830F10, 0x00800800, 0x7EF8320B, 0x178BFBFF)},
	{ROME, 0x5, 0, R(0x00000040, 0x00000040, 0x00000003, 0x00000011)},
	{ROME, 0x6, 0, R(0x00000004, 0x00000000, 0x00000001, 0x00000000)},
	{ROME, 0x7, 0, R(0x00000000, 0x219C91A9, 0x00400004, 0x00000000)},
	{ROME, 0xB, 1, R(0x00000007, 0x00000080, 0x00000201, 0x00000000)},
	{ROME, 0xD, 1, R(0x0000000F, 0x00000340, 0x00000000, 0x00000000)},
	{ROME, 0xF, 0, R(0x00000000, 0x000000FF, 0x00000000, 0x00000002)},
	{ROME, 0x10, 1, R(0x0000000F, 0x00000000, 0x00000004, 0x0000000F)},
	{ROME, 0x80000001, 0, R(0x00830F10, 0x40000000, 0x75C237FF, 0x2FD3FBFF)},
	{ROME, 0x80000002, 0, R(0x20444D41, 0x43595045, 0x34373720, 0x34362032)},
	{ROME, 0x80000007, 0, R(0x00000000, 0x0000001B, 0x00000000, 0x00006799)},
	{ROME, 0x80000008, 0, R(0x00003030, 0x018EF757, 0x0000707F, 0x00010000)},
	{ROME, 0x8000000A, 0, R(0x00000001, 0x00008000, 0x00000000, 0x0013BCFF)},
	{ROME, 0x8000001B, 0, R(0x000003FF, 0x00000000, 0x00000000, 0x00000000)},
	{ROME, 0x8000001E, 0, R(0x00000000, 0x00000100, 0x00000000, 0x00000000)},
	{ROME, 0x8000001F, 0, R(0x0001000F, 0x0000016F, 0x000001FD, 0x00000001)},
	{GENOA, 0x1, 0, R(0x00A10F11, 0x00C00800, 0x7EFA320B, 0x178BFBFF)},
	{GENOA, 0x7, 0, R(0x00000001, 0xF1BF97A9, 0x00415FCE, 0x10000010)},
	{GENOA, 0x7, 1, R(0x00000020, 0x00000000, 0x00000000, 0x00000000)},
	{GENOA, 0xD, 0, R(0x000002E7, 0x00000980, 0x00000988, 0x00000000)},
	{GENOA, 0xD, 1, R(0x0000000F, 0x00000990, 0x00001800, 0x00000000)},
	{GENOA, 0x80000001, 0, R(0x00A10F11, 0x40000000, 0x75C237FF, 0x2FD3FBFF)},
	{GENOA, 0x80000007, 0, R(0x00000000, 0x0000003B, 0x00000000, 0x00006799)},
	{GENOA, 0x80000008, 0, R(0x00003934, 0x79BEF25F, 0x000080BF, 0x00010007)},
	{GENOA, 0x8000001F, 0, R(0x030FFFEB, 0x000041B3, 0x000003EE, 0x00000001)},
	{GENOA, 0x80000020, 1, R(0x0000000B, 0x00000000, 0x00000000, 0x0000000F)},
	{GENOA, 0x80000021, 0, R(0x00062FCF, 0x0000015C, 0x00000000, 0x00000000)},
	{GENOA, 0x80000022, 0, R(0x00000007, 0x00304106, 0x00000FFF, 0x00000000)},
	{ADL, 0x0, 0, R(0x00000020, 0x756E6547, 0x6C65746E, 0x49656E69)},
	{ADL, 0x1, 0, R(0x00090672, 0x00200800, 0x7FFAFBBF, 0xBFEBFBFF)},
	{ADL, 0x4, 3, R(0x3C07C163, 0x0200003F, 0x00007FFF, 0x00000004)},
	{ADL, 0x5, 0, R(0x00000040, 0x00000040, 0x00000003, 0x10101020)},
	{ADL, 0x6, 0, R(0x00DF8FF7, 0x00000002, 0x00000401, 0x00000003)},
	{ADL, 0x7, 0, R(0x00000001, 0xF3BFA7EB, 0x98C05FEE, 0xFC984510)},
	{ADL, 0x7, 1, R(0x00401C30, 0x00000000, 0x00000000, 0x00000000)},
	{ADL, 0xA, 0, R(0x08300805, 0x00000000, 0x0000000F, 0x00008604)},
	{ADL, 0xD, 1, R(0x0000000F, 0x00000A10, 0x00019900, 0x00000000)},
	{ADL, 0x14, 0, R(0x00000001, 0x0000005F, 0x00000007, 0x00000000)},
	{ADL, 0x15, 0, R(0x00000002, 0x00000082, 0x0249F000, 0x00000000)},
	{ADL, 0x16, 0, R(0x000009C4, 0x00001130, 0x00000064, 0x00000000)},
	{ADL, 0x1C, 0, R(0x4000000B, 0x00000007, 0x00000007, 0x00000000)},
	{ADL, 0x1F, 1, R(0x00000005, 0x0000000C, 0x00000201, 0x00000000)},
	{ADL, 0x80000001, 0, R(0x00000000, 0x00000000, 0x00000121, 0x2C100000)},
	{ADL, 0x80000007, 0, R(0x00000000, 0x00000000, 0x00000000, 0x00000100)},
	{ADL, 0x80000008, 0, R(0x00003027, 0x00000000, 0x00000000, 0x00000000)},
	{SPR, 0x1, 0, R(0x000806F8, 0x00800800, 0x7FFEFBFF, 0xBFEBFBFF)},
	{SPR, 0x7, 0, R(0x00000002, 0xF3BFBFFB, 0xBB417FEE, 0xFFDD4430)},
	{SPR, 0x7, 2, R(0x00000000, 0x00000000, 0x00000000, 0x00000017)},
	{SPR, 0xD, 1, R(0x0000001F, 0x00002A80, 0x0000DD00, 0x00000000)},
};

/* The policy, written down independently: per (leaf, subleaf) the bits each
 * register loses, or the only bits it keeps. */
struct rule {
	uint32_t leaf, subleaf;
	bool keep_only; /* @bits are the bits kept; else the bits cleared */
	uint32_t bits[4];
};

static const struct rule spec[] = {
	{0x1,
	 ANY,
	 false,
	 {0, 0, B(2) | B(3) | B(4) | B(5) | B(6) | B(7) | B(8) | B(11) | B(15),
	  B(7) | B(14) | B(21) | B(22) | B(29) | B(31)}},
	{0x5, ANY, true, {0, 0, 0, 0}},
	{0x6, ANY, true, {B(2), 0, 0, 0}},
	{0x7,
	 0,
	 false,
	 {0, B(1) | B(2) | B(12) | B(15) | B(25),
	  B(5) | B(7) | B(13) | B(16) | B(23) | B(24) | B(29) | B(30) | B(31),
	  B(5) | B(9) | B(13) | B(18) | B(19) | B(20) | B(29) | B(30)}},
	{0xA, ANY, true, {0, 0, 0, 0}},
	{0xD, 1, false, {B(3) | B(4), 0, ~0u, ~0u}},
	{0xF, ANY, true, {0, 0, 0, 0}},
	{0x10, ANY, true, {0, 0, 0, 0}},
	{0x12, ANY, true, {0, 0, 0, 0}},
	{0x14, ANY, true, {0, 0, 0, 0}},
	{0x1B, ANY, true, {0, 0, 0, 0}},
	{0x1C, ANY, true, {0, 0, 0, 0}},
	{0x23, ANY, true, {0, 0, 0, 0}},
	{0x80000001,
	 ANY,
	 false,
	 {0, 0,
	  B(2) | B(9) | B(10) | B(12) | B(13) | B(15) | B(19) | B(23) | B(24) | B(26) | B(28) |
		  B(29),
	  B(7) | B(14)}},
	{0x80000007, ANY, true, {0, 0, 0, B(8)}},
	{0x80000008, ANY, false, {0, B(1) | B(3), 0, 0}},
	{0x8000000A, ANY, true, {0, 0, 0, 0}},
	{0x8000001B, ANY, true, {0, 0, 0, 0}},
	{0x8000001F, ANY, true, {0, 0, 0, 0}},
	{0x80000020, ANY, true, {0, 0, 0, 0}},
	{0x80000021, ANY, false, {B(8), 0, 0, 0}},
	{0x80000022, ANY, true, {0, 0, 0, 0}},
};

static const struct cpuid_policy policy = {.tsc_khz = 2250000, .apic_khz = 100000};

static uint32_t *reg(struct cpuid_regs *r, int i)
{
	return i == 0 ? &r->eax : i == 1 ? &r->ebx : i == 2 ? &r->ecx : &r->edx;
}

static struct cpuid_regs expected(uint32_t leaf, uint32_t subleaf, struct cpuid_regs in)
{
	for (size_t i = 0; i < sizeof(spec) / sizeof(spec[0]); i++) {
		const struct rule *s = &spec[i];

		if (s->leaf != leaf || (s->subleaf != ANY && s->subleaf != subleaf))
			continue;
		for (int k = 0; k < 4; k++)
			*reg(&in, k) &= s->keep_only ? s->bits[k] : ~s->bits[k];
	}
	if (leaf == 1)
		in.ecx |= B(31);
	return in;
}

static struct cpuid_regs apply(uint32_t leaf, uint32_t subleaf, struct cpuid_regs in)
{
	cpuid_policy_apply(&policy, leaf, subleaf, &in);
	return in;
}

static void assert_regs(const char *what, uint32_t leaf, uint32_t subleaf, struct cpuid_regs got,
			struct cpuid_regs want)
{
	for (int k = 0; k < 4; k++) {
		if (*reg(&got, k) != *reg(&want, k))
			print_error("%s leaf %#x.%u reg %c: got %08x, want %08x\n", what, leaf,
				    subleaf, "abcd"[k], *reg(&got, k), *reg(&want, k));
		assert_int_equal(*reg(&got, k), *reg(&want, k));
	}
}

static const struct cpuid_regs *find(const char *cpu, uint32_t leaf, uint32_t subleaf)
{
	for (size_t i = 0; i < sizeof(dumps) / sizeof(dumps[0]); i++)
		if (!strcmp(dumps[i].cpu, cpu) && dumps[i].leaf == leaf &&
		    dumps[i].subleaf == subleaf)
			return &dumps[i].in;
	fail_msg("no dump for %s leaf %#x.%u", cpu, leaf, subleaf);
	return NULL;
}

/* Every captured leaf: the whole registers as the policy says. */
static void test_real_dumps(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(dumps) / sizeof(dumps[0]); i++) {
		const struct dump *d = &dumps[i];

		assert_regs(d->cpu, d->leaf, d->subleaf, apply(d->leaf, d->subleaf, d->in),
			    expected(d->leaf, d->subleaf, d->in));
	}
}

/* Leaf 1 bit by bit on real values: the input must have the bit for the
 * check to mean something, so that is asserted first. */
static void test_leaf1(void **state)
{
	struct cpuid_regs in, out;

	(void)state;
	in = *find(ADL, 1, 0);
	out = apply(1, 0, in);
	assert_true(in.ecx & B(5));
	assert_false(out.ecx & B(5)); /* VMX */
	assert_true(in.ecx & B(3));
	assert_false(out.ecx & B(3)); /* MONITOR */
	assert_true(in.ecx & B(7));
	assert_false(out.ecx & B(7)); /* EST */
	assert_true(in.ecx & B(8));
	assert_false(out.ecx & B(8)); /* TM2 */
	assert_true(in.ecx & B(15));
	assert_false(out.ecx & B(15));			/* PDCM */
	assert_true(in.ecx & B(21) && out.ecx & B(21)); /* x2APIC kept */
	assert_true(in.ecx & B(24) && out.ecx & B(24)); /* TSC-deadline kept */
	assert_false(in.ecx & B(31));
	assert_true(out.ecx & B(31)); /* HYPERVISOR */
	for (int b = 0; b < 32; b++) {
		bool gone = b == 7 || b == 14 || b == 21 || b == 22 || b == 29 || b == 31;

		/* EDX: MCE, MCA, DS, ACPI, TM, PBE go; FPU, TSC, MSR, APIC,
		 * SEP, MTRR, PAT, SSE... stay */
		if (in.edx & B(b))
			assert_int_equal(!!(out.edx & B(b)), !gone);
	}
	assert_int_equal(out.ebx, in.ebx); /* real APIC ID and counts */
	assert_int_equal(out.eax, in.eax);

	in = *find(ROME, 1, 0);
	out = apply(1, 0, in);
	assert_true(in.ecx & B(3));
	assert_false(out.ecx & B(3));
	assert_true(out.ecx & B(21));
	assert_false(out.ecx & B(24)); /* AMD has no TSC-deadline: not invented */
	assert_true(in.edx & B(7) && in.edx & B(14));
	assert_false(out.edx & (B(7) | B(14)));
}

static void test_leaf7(void **state)
{
	struct cpuid_regs in, out;

	(void)state;
	in = *find(GENOA, 7, 0);
	out = apply(7, 0, in);
	assert_true(in.ecx & B(16));
	assert_false(out.ecx & B(16));			/* LA57 */
	assert_true(out.ebx & B(0) && out.ebx & B(16)); /* FSGSBASE, AVX512F stay */

	in = *find(SPR, 7, 0);
	out = apply(7, 0, in);
	assert_true(in.ecx & B(16));
	assert_false(out.ecx & B(16)); /* LA57 */
	assert_true(in.edx & B(29));
	assert_false(out.edx & B(29)); /* ARCH_CAPABILITIES */
	assert_true(in.edx & B(20));
	assert_false(out.edx & B(20)); /* IBT */
	assert_true(in.edx & B(5));
	assert_false(out.edx & B(5)); /* UINTR */
	assert_true(in.ebx & B(1));
	assert_false(out.ebx & B(1)); /* TSC_ADJUST */
	assert_true(in.ebx & B(25));
	assert_false(out.ebx & B(25)); /* PT */
	assert_true(in.ecx & B(5));
	assert_false(out.ecx & B(5)); /* WAITPKG */
	/* speculation controls stay: SPEC_CTRL and PRED_CMD pass through */
	assert_true((out.edx & (B(26) | B(27) | B(31))) == (B(26) | B(27) | B(31)));
	assert_int_equal(out.eax, in.eax); /* the highest subleaf */

	in = *find(ADL, 7, 0);
	out = apply(7, 0, in);
	assert_true(in.edx & B(30));
	assert_false(out.edx & B(30)); /* CORE_CAPABILITIES */
	assert_true(in.ecx & B(7));
	assert_false(out.ecx & B(7));			/* CET shadow stacks */
	assert_true(in.edx & B(14) && out.edx & B(14)); /* SERIALIZE: kept */

	/* Other subleaves of 7 are not leaf 7.0. */
	in = *find(ADL, 7, 1);
	assert_regs("7.1", 7, 1, apply(7, 1, in), in);
	in = *find(SPR, 7, 2);
	assert_regs("7.2", 7, 2, apply(7, 2, in), in);
}

static void test_zeroed_leaves(void **state)
{
	static const struct {
		const char *cpu;
		uint32_t leaf, subleaf;
	} z[] = {
		{ROME, 0x5, 0},		{ADL, 0x5, 0},		{ADL, 0xA, 0},
		{ADL, 0x14, 0},		{ADL, 0x1C, 0},		{ROME, 0xF, 0},
		{ROME, 0x10, 1},	{ROME, 0x8000000A, 0},	{ROME, 0x8000001B, 0},
		{ROME, 0x8000001F, 0},	{GENOA, 0x8000001F, 0}, {GENOA, 0x80000020, 1},
		{GENOA, 0x80000022, 0},
	};
	const struct cpuid_regs zero = {0, 0, 0, 0};

	(void)state;
	for (size_t i = 0; i < sizeof(z) / sizeof(z[0]); i++) {
		const struct cpuid_regs *in = find(z[i].cpu, z[i].leaf, z[i].subleaf);

		assert_true(in->eax | in->ebx | in->ecx | in->edx); /* not zero already */
		assert_regs(z[i].cpu, z[i].leaf, z[i].subleaf, apply(z[i].leaf, z[i].subleaf, *in),
			    zero);
	}
}

static void test_leaf6_arat(void **state)
{
	struct cpuid_regs out;

	(void)state;
	out = apply(6, 0, *find(ADL, 6, 0)); /* 00DF8FF7: HWP, turbo, ... */
	assert_int_equal(out.eax, B(2));
	assert_int_equal(out.ebx | out.ecx | out.edx, 0);
	out = apply(6, 0, (struct cpuid_regs){0xFFFFFFFB, ~0u, ~0u, ~0u});
	assert_int_equal(out.eax, 0); /* no ARAT on the host: none for the guest */
}

static void test_extended(void **state)
{
	struct cpuid_regs in, out;

	(void)state;
	in = *find(ROME, 0x80000001, 0);
	out = apply(0x80000001, 0, in);
	assert_true(in.ecx & B(2));
	assert_false(out.ecx & B(2)); /* SVM */
	assert_true(in.ecx & B(10));
	assert_false(out.ecx & B(10)); /* IBS */
	assert_true(in.ecx & B(12));
	assert_false(out.ecx & B(12)); /* SKINIT */
	assert_true(in.ecx & B(13));
	assert_false(out.ecx & B(13)); /* WDT */
	assert_true(in.ecx & B(23) && in.ecx & B(24));
	assert_false(out.ecx & (B(23) | B(24))); /* PERFCTR_CORE, PERFCTR_NB */
	assert_true(in.ecx & B(29));
	assert_false(out.ecx & B(29));					    /* MWAITX */
	assert_true(out.ecx & B(0) && out.ecx & B(22));			    /* LAHF, TOPOEXT stay */
	assert_true(out.edx & B(29) && out.edx & B(20) && out.edx & B(27)); /* LM, NX, RDTSCP */

	in = *find(ROME, 0x80000007, 0);
	out = apply(0x80000007, 0, in);
	assert_true(in.edx & B(8));
	assert_int_equal(out.edx, B(8)); /* only the invariant TSC */
	assert_int_equal(out.eax | out.ebx | out.ecx, 0);
	in = *find(ADL, 0x80000007, 0);
	assert_regs(ADL, 0x80000007, 0, apply(0x80000007, 0, in), in);

	in = *find(GENOA, 0x80000021, 0);
	out = apply(0x80000021, 0, in);
	assert_true(in.eax & B(8));
	assert_int_equal(out.eax, in.eax & ~B(8)); /* automatic IBRS */

	in = *find(GENOA, 0xD, 1);
	out = apply(0xD, 1, in);
	assert_true(in.eax & B(3));
	assert_int_equal(out.eax, in.eax & ~B(3)); /* XSAVES */
	assert_int_equal(out.ecx, 0);		   /* no XSS bits */
	in = *find(SPR, 0xD, 1);
	out = apply(0xD, 1, in);
	assert_true(in.eax & B(4));
	assert_false(out.eax & B(4)); /* XFD */
	in = *find(GENOA, 0xD, 0);
	assert_regs("0xD.0", 0xD, 0, apply(0xD, 0, in), in);
}

/* Leaves the policy has nothing to say about come back as they went in. */
static void test_passthrough(void **state)
{
	static const struct {
		const char *cpu;
		uint32_t leaf, subleaf;
	} p[] = {
		{ROME, 0x0, 0},	       {ADL, 0x0, 0},	     {ADL, 0x4, 3},  {ROME, 0xB, 1},
		{ADL, 0x15, 0},	       {ADL, 0x16, 0},	     {ADL, 0x1F, 1}, {ROME, 0x80000002, 0},
		{ROME, 0x8000001E, 0}, {ADL, 0x80000008, 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
		const struct cpuid_regs *in = find(p[i].cpu, p[i].leaf, p[i].subleaf);

		assert_regs(p[i].cpu, p[i].leaf, p[i].subleaf, apply(p[i].leaf, p[i].subleaf, *in),
			    *in);
	}
	/* an unknown leaf, whatever it holds */
	assert_regs("0x3FFFFFFF", 0x3FFFFFFF, 0,
		    apply(0x3FFFFFFF, 0, (struct cpuid_regs){1, 2, 3, 4}),
		    (struct cpuid_regs){1, 2, 3, 4});
	assert_regs("0x50000000", 0x50000000, 0,
		    apply(0x50000000, 0, (struct cpuid_regs){1, 2, 3, 4}),
		    (struct cpuid_regs){1, 2, 3, 4});
}

/* All ones in, and all zeros in, for every leaf the policy names: the keep
 * masks exactly, and nothing invented (only HYPERVISOR is ever set). */
static void test_all_ones_and_zeros(void **state)
{
	const struct cpuid_regs ones = {~0u, ~0u, ~0u, ~0u}, zero = {0, 0, 0, 0};

	(void)state;
	for (size_t i = 0; i < sizeof(spec) / sizeof(spec[0]); i++) {
		uint32_t leaf = spec[i].leaf;

		for (uint32_t sub = 0; sub < 4; sub++) {
			struct cpuid_regs z = expected(leaf, sub, zero);

			assert_regs("ones", leaf, sub, apply(leaf, sub, ones),
				    expected(leaf, sub, ones));
			assert_regs("zeros", leaf, sub, apply(leaf, sub, zero), z);
			assert_int_equal(z.eax | z.ebx | z.edx, 0);
			assert_int_equal(z.ecx, leaf == 1 ? B(31) : 0);
		}
	}
}

static void test_hypervisor_leaves(void **state)
{
	const struct cpuid_regs junk = {0x12345678, 0x9ABCDEF0, 0x0F1E2D3C, 0x4B5A6978};
	struct cpuid_regs r;
	char sig[13];

	(void)state;
	r = apply(0x40000000, 0, junk);
	assert_int_equal(r.eax, 0x40000010);
	memcpy(sig, &r.ebx, 4);
	memcpy(sig + 4, &r.ecx, 4);
	memcpy(sig + 8, &r.edx, 4);
	sig[12] = 0;
	assert_string_equal(sig, "vfvisorvfvis");
	assert_int_equal(r.ebx, 0x69766676); /* "vfvi", little-endian */
	assert_int_equal(r.ecx, 0x76726F73); /* "sorv" */
	assert_int_equal(r.edx, 0x73697666); /* "fvis" */

	r = apply(0x40000010, 0, junk);
	assert_int_equal(r.eax, 2250000);
	assert_int_equal(r.ebx, 100000);
	assert_int_equal(r.ecx | r.edx, 0);

	/* apic_khz unknown */
	r = junk;
	cpuid_policy_apply(&(struct cpuid_policy){.tsc_khz = 3000000}, 0x40000010, 0, &r);
	assert_int_equal(r.eax, 3000000);
	assert_int_equal(r.ebx, 0);

	/* The rest of the range is empty, including where an outer KVM would
	 * put itself (0x40000100) and the far end. */
	for (uint32_t leaf = 0x40000001; leaf <= 0x400000FF; leaf++) {
		if (leaf == 0x40000010)
			continue;
		r = apply(leaf, 0, junk);
		assert_int_equal(r.eax | r.ebx | r.ecx | r.edx, 0);
	}
	r = apply(0x40000100, 0, (struct cpuid_regs){0x40000001, 0x4B4D564B, 0x564B4D56, 0x4D});
	assert_int_equal(r.eax | r.ebx | r.ecx | r.edx, 0);
	r = apply(0x4FFFFFFF, 7, junk);
	assert_int_equal(r.eax | r.ebx | r.ecx | r.edx, 0);
	/* subleaves do not matter there */
	r = apply(0x40000000, 5, junk);
	assert_int_equal(r.eax, 0x40000010);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_dumps),
		cmocka_unit_test(test_leaf1),
		cmocka_unit_test(test_leaf7),
		cmocka_unit_test(test_zeroed_leaves),
		cmocka_unit_test(test_leaf6_arat),
		cmocka_unit_test(test_extended),
		cmocka_unit_test(test_passthrough),
		cmocka_unit_test(test_all_ones_and_zeros),
		cmocka_unit_test(test_hypervisor_leaves),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
