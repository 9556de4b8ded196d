// SPDX-License-Identifier: MIT
/*
 * Checks of the CPU state Linux sets up and changes: XCR0 (XSETBV), the
 * vector registers across exits, CR4, EFER, PAT and the MTRRs, RDTSCP, and
 * the paging toggle in compatibility mode of Linux's decompressor. What
 * must hold is what the SDM and APM promise on bare metal, with the
 * guest's CPUID as the list of features.
 */
#include "testguest.h"

#define CR0_MP	       (1ul << 1)
#define CR0_EM	       (1ul << 2)
#define CR0_TS	       (1ul << 3)
#define CR0_PG	       (1ul << 31)
#define CR4_PGE	       (1ul << 7)
#define CR4_OSFXSR     (1ul << 9)
#define CR4_OSXMMEXCPT (1ul << 10)
#define CR4_UMIP       (1ul << 11)
#define CR4_VMXE       (1ul << 13)
#define CR4_SMXE       (1ul << 14)
#define CR4_PCIDE      (1ul << 17)
#define CR4_OSXSAVE    (1ul << 18)
#define CR4_SMEP       (1ul << 20)
#define CR4_SMAP       (1ul << 21)
#define CR3_NOFLUSH    (1ul << 63)
#define CR3_LOW_BITS   0xFFFul

#define XF_X87	   (1ul << 0)
#define XF_SSE	   (1ul << 1)
#define XF_AVX	   (1ul << 2)
#define XF_BNDREGS (1ul << 3)
#define XF_BNDCSR  (1ul << 4)
#define XF_OPMASK  (1ul << 5)
#define XF_AVX512  (7ul << 5) /* opmask, ZMM_Hi256, Hi16_ZMM: all or none */

#define MSR_MTRRCAP	   0xFE
#define MSR_MTRR_PHYSBASE0 0x200
#define MSR_MTRR_PHYSMASK0 0x201
#define MSR_MTRR_FIX64K	   0x250
#define MSR_PAT		   0x277
#define MSR_MTRR_DEF_TYPE  0x2FF
#define MSR_EFER	   0xC0000080
#define MSR_TSC_AUX	   0xC0000103

#define MTRR_DEF_E_FE_WB 0xC06ul /* enabled, fixed ranges enabled, WB */
#define MTRR_MASK_VALID	 (1ul << 11)
#define MT_UC		 0
#define MT_RESERVED	 2
#define MT_WB		 6

#define PAT_LINUX 0x0407050600070106ul /* WB WC UC- UC WB WP UC- WT */
#define PAT_RESET 0x0007040600070406ul

#define EFER_SCE  (1ul << 0)
#define EFER_LME  (1ul << 8)
#define EFER_LMA  (1ul << 10)
#define EFER_NXE  (1ul << 11)
#define EFER_SVME (1ul << 12)

#define VEC_UD 6
#define VEC_GP 13

/* CPUID feature bits: leaf, subleaf, register, bit. */
#define F_XSAVE	  0x1, 0, CPUID_ECX, 26
#define F_AVX	  0x1, 0, CPUID_ECX, 28
#define F_OSXSAVE 0x1, 0, CPUID_ECX, 27
#define F_PCID	  0x1, 0, CPUID_ECX, 17
#define F_VMX	  0x1, 0, CPUID_ECX, 5
#define F_SMX	  0x1, 0, CPUID_ECX, 6
#define F_PGE	  0x1, 0, CPUID_EDX, 13
#define F_MTRR	  0x1, 0, CPUID_EDX, 12
#define F_SMEP	  0x7, 0, CPUID_EBX, 7
#define F_INVPCID 0x7, 0, CPUID_EBX, 10
#define F_SMAP	  0x7, 0, CPUID_EBX, 20
#define F_UMIP	  0x7, 0, CPUID_ECX, 2
#define F_RDPID	  0x7, 0, CPUID_ECX, 22
#define F_SVM	  0x80000001, 0, CPUID_ECX, 2
#define F_SYSCALL 0x80000001, 0, CPUID_EDX, 11
#define F_NX	  0x80000001, 0, CPUID_EDX, 20
#define F_RDTSCP  0x80000001, 0, CPUID_EDX, 27

/* compat.asm */
struct compat_result {
	uint32_t efer_lo, efer_hi; /* RDMSR EFER with paging off */
	uint32_t cr0;		   /* CR0 with paging off */
	uint32_t stage;		   /* 1 compatibility mode, 2 paging off, 3 back on, 4 64-bit */
	uint32_t vector, error;	   /* an exception with paging off (vector + 1; 0 if none) */
	uint32_t eip;
};

extern volatile struct compat_result compat_result;
int compat_pg_run(void);

/* avx.asm: load the 16 registers from @in, exit (@op: 0 CPUID, 1 RDMSR of
 * MTRRcap, 2 OUT to the COM1 scratch register), store them to @out. */
void ymm_roundtrip(const void *in, void *out, unsigned int op);
void xmm_roundtrip(const void *in, void *out, unsigned int op);

static uint64_t xcr0_supported(void)
{
	uint32_t r[4];

	cpuid(0, 0, r);
	if (r[0] < 0xD)
		return 0;
	cpuid(0xD, 0, r);
	return (uint64_t)r[3] << 32 | r[0];
}

static int rdmsr_check(uint32_t msr, uint64_t *val)
{
	*val = 0;
	return rdmsr_safe(msr, val);
}

/* ---- xsetbv, xsetbv-invalid ------------------------------------------------ */

/* SSE and XSAVE as Linux enables them (fpu__init_cpu): CR0.MP on, EM and
 * TS off, CR4.OSFXSR|OSXMMEXCPT|OSXSAVE, XCR0 = x87|SSE(|AVX). */
bool check_xsetbv(void)
{
	static const char name[] = "xsetbv";
	uint64_t cr4, xcr0, want, supported;
	int v;

	write_cr0((read_cr0() | CR0_MP) & ~(CR0_EM | CR0_TS));
	cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;
	if ((v = write_cr4_safe(cr4)))
		return fail(name, "MOV to CR4 0x%lx (OSFXSR|OSXMMEXCPT): vector %d", cr4, v);
	if (!cpu_has(F_XSAVE)) {
		v = write_cr4_safe(cr4 | CR4_OSXSAVE);
		if (read_cr4() != cr4) {
			write_cr4_safe(cr4);
			return fail(name, "CPUID.1:ECX.XSAVE clear, yet CR4.OSXSAVE could be set");
		}
		if (v != VEC_GP)
			return fail(
				name,
				"CPUID.1:ECX.XSAVE clear: setting CR4.OSXSAVE gave %s, want #GP",
				fault_name(v));
		note("xsetbv: CPUID.1:ECX.XSAVE clear: checked only that CR4.OSXSAVE cannot be "
		     "set");
		return pass(name);
	}
	if ((v = write_cr4_safe(cr4 | CR4_OSXSAVE)))
		return fail(name, "MOV to CR4 0x%lx (OSXSAVE): vector %d", cr4 | CR4_OSXSAVE, v);
	if (read_cr4() != (cr4 | CR4_OSXSAVE))
		return fail(name, "CR4 reads 0x%lx after writing 0x%lx", read_cr4(),
			    cr4 | CR4_OSXSAVE);
	supported = xcr0_supported();
	want = XF_X87 | XF_SSE;
	if (cpu_has(F_AVX) && (supported & XF_AVX))
		want |= XF_AVX;
	if ((v = xsetbv_safe(0, want)))
		return fail(name, "xsetbv XCR0 0x%lx: vector %d (CPUID.0xD.0 lists 0x%lx)", want, v,
			    supported);
	if ((v = xgetbv_safe(0, &xcr0)))
		return fail(name, "xgetbv 0: vector %d", v);
	if (xcr0 != want)
		return fail(name, "XCR0 reads 0x%lx after xsetbv 0x%lx", xcr0, want);
	if (!cpu_has(F_OSXSAVE))
		return fail(name, "CPUID.1:ECX.OSXSAVE (bit 27) reads 0 with CR4.OSXSAVE set");
	return pass(name);
}

struct bad_xcr {
	uint32_t xcr;
	uint64_t val;
	const char *what;
};

/* One XSETBV that must #GP(0) and leave XCR0 as @cur; false after fail(). */
static bool xsetbv_refused(const char *name, const struct bad_xcr *b, uint64_t cur)
{
	uint64_t now = 0;
	int v = xsetbv_safe(b->xcr, b->val);
	uint64_t err = tg_fault.error;

	xgetbv_safe(0, &now);
	if (now != cur)
		xsetbv_safe(0, cur);
	if (v != VEC_GP)
		return fail(name, "xsetbv ecx %u value 0x%lx (%s): %s, want #GP", b->xcr, b->val,
			    b->what, fault_name(v));
	if (err)
		return fail(name, "xsetbv ecx %u value 0x%lx (%s): #GP error code 0x%lx, want 0",
			    b->xcr, b->val, b->what, err);
	if (now != cur)
		return fail(name,
			    "xsetbv ecx %u value 0x%lx (%s): XCR0 reads 0x%lx after it, was 0x%lx",
			    b->xcr, b->val, b->what, now, cur);
	return true;
}

bool check_xsetbv_invalid(void)
{
	static const char name[] = "xsetbv-invalid";
	struct bad_xcr bad[8];
	uint64_t cur = 0, supported = xcr0_supported();
	unsigned int n = 0, low = 0;
	int v;

	if (!(read_cr4() & CR4_OSXSAVE)) {
		/* No XSAVE (see xsetbv): the instruction itself is undefined. */
		v = xsetbv_safe(0, XF_X87);
		if (v != VEC_UD)
			return fail(name, "CR4.OSXSAVE clear: xsetbv gave %s, want #UD",
				    fault_name(v));
		note("xsetbv-invalid: CR4.OSXSAVE clear (no XSAVE): checked only that XSETBV "
		     "raises #UD");
		return pass(name);
	}
	if ((v = xgetbv_safe(0, &cur)))
		return fail(name, "xgetbv 0: vector %d", v);
	while (low < 63 && (supported >> low & 1))
		low++;
	bad[n++] = (struct bad_xcr){0, cur & ~XF_X87, "x87 (bit 0) clear"};
	bad[n++] = (struct bad_xcr){0, (cur & ~XF_SSE) | XF_X87 | XF_AVX, "AVX without SSE"};
	bad[n++] = (struct bad_xcr){0, cur | 1ul << low, "its lowest bit CPUID.0xD.0 lacks"};
	if (low != 62 && !(supported >> 62 & 1))
		bad[n++] = (struct bad_xcr){0, cur | 1ul << 62, "bit 62, not in CPUID.0xD.0"};
	bad[n++] = (struct bad_xcr){0, cur | 1ul << 63, "bit 63, reserved"};
	bad[n++] = (struct bad_xcr){1, XF_X87, "an XCR other than XCR0"};
	if ((supported & XF_AVX512) == XF_AVX512)
		bad[n++] = (struct bad_xcr){0, cur | XF_AVX | XF_OPMASK,
					    "AVX-512 opmask without ZMM_Hi256 and Hi16_ZMM"};
	if ((supported & (XF_BNDREGS | XF_BNDCSR)) == (XF_BNDREGS | XF_BNDCSR))
		bad[n++] = (struct bad_xcr){0, cur | XF_BNDREGS, "MPX BNDREGS without BNDCSR"};
	for (unsigned int i = 0; i < n; i++)
		if (!xsetbv_refused(name, &bad[i], cur))
			return false;
	if ((supported & XF_AVX512) != XF_AVX512 ||
	    (supported & (XF_BNDREGS | XF_BNDCSR)) != (XF_BNDREGS | XF_BNDCSR))
		note("xsetbv-invalid: CPUID.0xD.0 lists 0x%lx: %s%s%s not checked", supported,
		     (supported & XF_AVX512) != XF_AVX512 ? "AVX-512 half-enabled" : "",
		     (supported & XF_AVX512) != XF_AVX512 &&
				     (supported & (XF_BNDREGS | XF_BNDCSR)) !=
					     (XF_BNDREGS | XF_BNDCSR)
			     ? ", "
			     : "",
		     (supported & (XF_BNDREGS | XF_BNDCSR)) != (XF_BNDREGS | XF_BNDCSR)
			     ? "MPX half-enabled"
			     : "");
	return pass(name);
}

/* ---- ymm-cpuid -------------------------------------------------------------- */

static uint8_t vec_in[16][32] __attribute__((aligned(32)));
static uint8_t vec_out[16][32] __attribute__((aligned(32)));

static uint64_t half_word(const uint8_t *p, unsigned int w)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < 8; i++)
		v |= (uint64_t)p[8 * w + i] << (8 * i);
	return v;
}

/* Compare the @width bytes of each register; false after fail(). */
static bool vec_compare(const char *name, const char *insn, unsigned int width)
{
	for (unsigned int r = 0; r < 16; r++) {
		for (unsigned int h = 0; h < width / 16; h++) {
			const uint8_t *got = &vec_out[r][16 * h], *want = &vec_in[r][16 * h];

			if (!memcmp(got, want, 16))
				continue;
			return fail(name,
				    "%smm%u %s half changed across %s: 0x%016lx%016lx, want "
				    "0x%016lx%016lx",
				    width == 32 ? "y" : "x", r, h ? "upper" : "lower", insn,
				    half_word(got, 1), half_word(got, 0), half_word(want, 1),
				    half_word(want, 0));
		}
	}
	return true;
}

bool check_ymm_cpuid(void)
{
	static const char name[] = "ymm-cpuid";
	static const char *const insns[] = {"cpuid", "rdmsr 0xfe", "out 0x3ff"};
	uint64_t xcr0 = 0;
	bool avx;

	if (!(read_cr4() & CR4_OSFXSR))
		return fail(name, "CR4.OSFXSR clear (see xsetbv): SSE unusable");
	avx = (read_cr4() & CR4_OSXSAVE) && !xgetbv_safe(0, &xcr0) &&
	      (xcr0 & (XF_SSE | XF_AVX)) == (XF_SSE | XF_AVX);
	/* Every byte differs between registers, and each half from the other. */
	for (unsigned int r = 0; r < 16; r++)
		for (unsigned int b = 0; b < 32; b++)
			vec_in[r][b] = (uint8_t)(0x11 * r + b + (b >= 16 ? 0x80 : 0) + 1);
	for (unsigned int op = 0; op < 3; op++) {
		memset(vec_out, 0, sizeof(vec_out));
		if (avx)
			ymm_roundtrip(vec_in, vec_out, op);
		else
			xmm_roundtrip(vec_in, vec_out, op);
		if (!vec_compare(name, insns[op], avx ? 32 : 16))
			return false;
	}
	if (!avx)
		note("ymm-cpuid: no AVX in XCR0 (0x%lx): checked xmm0-15 only", xcr0);
	return pass(name);
}

/* ---- cr4-reserved, cr4-toggles ---------------------------------------------- */

bool check_cr4_reserved(void)
{
	static const char name[] = "cr4-reserved";
	static const struct {
		uint64_t bit;
		const char *what;
	} bad[] = {
		{CR4_VMXE, "VMXE (bit 13), CPUID.1:ECX.VMX clear"},
		{CR4_SMXE, "SMXE (bit 14), CPUID.1:ECX.SMX clear"},
		{1ul << 63, "bit 63, reserved"},
	};
	uint64_t cr4 = read_cr4();

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t now, err;
		int v;

		if ((bad[i].bit == CR4_VMXE && cpu_has(F_VMX)) ||
		    (bad[i].bit == CR4_SMXE && cpu_has(F_SMX))) {
			note("cr4-reserved: %s: CPUID lists the feature, not checked", bad[i].what);
			continue;
		}
		v = write_cr4_safe(cr4 | bad[i].bit);
		err = tg_fault.error;
		now = read_cr4();
		if (now != cr4)
			write_cr4_safe(cr4);
		if (v != VEC_GP)
			return fail(name, "MOV to CR4 0x%lx (%s): %s, want #GP", cr4 | bad[i].bit,
				    bad[i].what, fault_name(v));
		if (err)
			return fail(name, "MOV to CR4 0x%lx (%s): #GP error code 0x%lx, want 0",
				    cr4 | bad[i].bit, bad[i].what, err);
		if (now != cr4)
			return fail(name, "CR4 reads 0x%lx after the refused write (%s), was 0x%lx",
				    now, bad[i].what, cr4);
	}
	return pass(name);
}

/* MOV to CR4 @val, which must not fault and must read back, also after an
 * exit (CPUID); false after fail(). */
static bool cr4_to(const char *name, uint64_t val, const char *what)
{
	uint32_t r[4];
	uint64_t now;
	int v = write_cr4_safe(val);

	if (v)
		return fail(name, "%s: MOV to CR4 0x%lx: vector %d", what, val, v);
	if ((now = read_cr4()) != val)
		return fail(name, "%s: CR4 reads 0x%lx after writing 0x%lx", what, now, val);
	cpuid(0, 0, r);
	if ((now = read_cr4()) != val)
		return fail(name, "%s: CR4 reads 0x%lx after a CPUID, was 0x%lx", what, now, val);
	return true;
}

/* Linux's __flush_tlb_all: PGE off and on again (and leaves it on). */
static bool toggle_pge(const char *name, uint64_t cr4)
{
	return cr4_to(name, cr4 | CR4_PGE, "PGE on") && cr4_to(name, cr4 & ~CR4_PGE, "PGE off") &&
	       cr4_to(name, cr4 | CR4_PGE, "PGE on again");
}

/* OSXSAVE off: XGETBV is #UD and CPUID.1:ECX.OSXSAVE reads 0; on again:
 * XCR0 is what it was. */
static bool toggle_osxsave(const char *name, uint64_t cr4)
{
	uint64_t xcr0 = 0, now = 0;
	int v;

	xgetbv_safe(0, &xcr0);
	if (!cr4_to(name, cr4 & ~CR4_OSXSAVE, "OSXSAVE off"))
		return false;
	v = xgetbv_safe(0, &now);
	if (v != VEC_UD) {
		write_cr4_safe(cr4);
		return fail(name, "OSXSAVE off: xgetbv gave %s, want #UD", fault_name(v));
	}
	if (cpu_has(F_OSXSAVE)) {
		write_cr4_safe(cr4);
		return fail(name, "OSXSAVE off: CPUID.1:ECX.OSXSAVE still reads 1");
	}
	if (!cr4_to(name, cr4, "OSXSAVE on again"))
		return false;
	if ((v = xgetbv_safe(0, &now)))
		return fail(name, "OSXSAVE on again: xgetbv: vector %d", v);
	if (now != xcr0)
		return fail(name, "OSXSAVE on again: XCR0 0x%lx, was 0x%lx", now, xcr0);
	return true;
}

static int invpcid_safe(uint64_t type, uint64_t pcid)
{
	struct {
		uint64_t pcid, addr;
	} desc = {pcid, 0};
	unsigned int before = tg_fault.count;

	__asm__ volatile("1: invpcid %1, %0\n2:\n\t" EXTABLE(1b, 2b)::"r"(type), "m"(desc)
			 : "memory");
	return tg_fault.count != before ? (int)tg_fault.vector : 0;
}

/* Linux with PCIDs: PCIDE set (CR3[11:0] = 0), CR3 loads with a PCID and
 * the no-flush bit, INVPCID if listed; then back to PCID 0 and PCIDE off. */
static bool toggle_pcide(const char *name, uint64_t cr4)
{
	uint64_t cr3 = read_cr3(), now;
	int v;

	if (cr3 & CR3_LOW_BITS)
		return fail(name, "PCIDE: CR3 0x%lx has bits 11:0 set", cr3);
	if (!cr4_to(name, cr4 | CR4_PCIDE, "PCIDE on"))
		return false;
	write_cr3(cr3 | CR3_NOFLUSH | 1);
	now = read_cr3();
	if (now != (cr3 | 1)) {
		write_cr3(cr3);
		write_cr4_safe(cr4);
		return fail(name, "PCIDE: CR3 reads 0x%lx after loading 0x%lx, want 0x%lx", now,
			    cr3 | CR3_NOFLUSH | 1, cr3 | 1);
	}
	if (cpu_has(F_INVPCID)) {
		/* Types: 0 address, 1 single context, 2 all with globals, 3 all. */
		for (uint64_t type = 1; type <= 3; type++) {
			if ((v = invpcid_safe(type, 1))) {
				write_cr3(cr3);
				write_cr4_safe(cr4);
				return fail(name, "PCIDE: invpcid type %lu (PCID 1): vector %d",
					    type, v);
			}
		}
	}
	write_cr3(cr3);
	if ((now = read_cr3()) != cr3) {
		write_cr4_safe(cr4);
		return fail(name, "PCIDE: CR3 reads 0x%lx after loading 0x%lx (PCID 0)", now, cr3);
	}
	return cr4_to(name, cr4, "PCIDE off");
}

/* Linux's user accessors with SMAP: STAC, CLAC (#UD without SMAP). */
static int stac_clac_safe(void)
{
	unsigned int before = tg_fault.count;

	__asm__ volatile("1: stac\n2:\n\t" EXTABLE(1b, 2b)::: "memory", "cc");
	__asm__ volatile("1: clac\n2:\n\t" EXTABLE(1b, 2b)::: "memory", "cc");
	return tg_fault.count != before ? (int)tg_fault.vector : 0;
}

bool check_cr4_toggles(void)
{
	static const char name[] = "cr4-toggles";
	static const struct {
		uint64_t bit;
		uint32_t leaf, reg, shift;
		const char *what;
	} protect[] = {
		{CR4_SMEP, 7, CPUID_EBX, 7, "SMEP"},
		{CR4_SMAP, 7, CPUID_EBX, 20, "SMAP"},
		{CR4_UMIP, 7, CPUID_ECX, 2, "UMIP"},
	};
	uint64_t cr4 = read_cr4();
	char skipped[80] = "";
	size_t len = 0;
	int v;

	if (cpu_has(F_PGE)) {
		if (!toggle_pge(name, cr4))
			return false;
		cr4 |= CR4_PGE;
	} else {
		len += sfmt(skipped + len, sizeof(skipped) - len, " PGE");
	}
	if (cr4 & CR4_OSXSAVE) {
		if (!toggle_osxsave(name, cr4))
			return false;
	} else {
		len += sfmt(skipped + len, sizeof(skipped) - len, " OSXSAVE");
	}
	if (cpu_has(F_PCID)) {
		if (!toggle_pcide(name, cr4))
			return false;
	} else {
		len += sfmt(skipped + len, sizeof(skipped) - len, " PCID");
	}
	/* The identity map has no user pages, so SMEP and SMAP change nothing
	 * for this supervisor code; UMIP concerns only CPL > 0. */
	for (unsigned int i = 0; i < sizeof(protect) / sizeof(protect[0]); i++) {
		if (!cpu_has(protect[i].leaf, 0, protect[i].reg, protect[i].shift)) {
			len += sfmt(skipped + len, sizeof(skipped) - len, " %s", protect[i].what);
			continue;
		}
		if (!cr4_to(name, cr4 | protect[i].bit, protect[i].what))
			return false;
		if (protect[i].bit == CR4_SMAP && (v = stac_clac_safe())) {
			write_cr4_safe(cr4);
			return fail(name, "SMAP on: stac/clac at 0x%lx: %s", tg_fault.rip,
				    fault_name(v));
		}
		if (!cr4_to(name, cr4, protect[i].what))
			return false;
	}
	if (len)
		note("cr4-toggles: not listed in CPUID, not toggled:%s", skipped);
	return pass(name);
}

/* ---- efer-invalid ----------------------------------------------------------- */

struct bad_msr {
	uint64_t val;
	const char *what;
};

bool check_efer_invalid(void)
{
	static const char name[] = "efer-invalid";
	struct bad_msr bad[4];
	uint64_t efer, want, now;
	unsigned int n = 0;
	int v;

	if ((v = rdmsr_check(MSR_EFER, &efer)))
		return fail(name, "rdmsr EFER: vector %d", v);
	if ((efer & (EFER_LME | EFER_LMA)) != (EFER_LME | EFER_LMA))
		return fail(name, "EFER 0x%lx in 64-bit mode: LME and LMA not both set", efer);
	/* Linux's EFER: SYSCALL and NX on where listed. */
	want = efer | (cpu_has(F_SYSCALL) ? EFER_SCE : 0) | (cpu_has(F_NX) ? EFER_NXE : 0);
	if ((v = wrmsr_safe(MSR_EFER, want)))
		return fail(name, "wrmsr EFER 0x%lx (SCE/NXE as listed): vector %d", want, v);
	if ((v = rdmsr_check(MSR_EFER, &now)) || now != want)
		return fail(name, "EFER reads 0x%lx after writing 0x%lx (%s)", now, want,
			    fault_name(v));
	efer = want;

	bad[n++] = (struct bad_msr){efer & ~EFER_LME, "LME clear while LMA is set"};
	bad[n++] = (struct bad_msr){efer | 1ul << 63, "bit 63, reserved"};
	if (!cpu_has(F_SVM))
		bad[n++] = (struct bad_msr){efer | EFER_SVME,
					    "SVME with CPUID 0x80000001:ECX.SVM clear"};
	if (!cpu_has(F_NX))
		bad[n++] =
			(struct bad_msr){efer | EFER_NXE, "NXE with CPUID 0x80000001:EDX.NX clear"};
	for (unsigned int i = 0; i < n; i++) {
		uint64_t err;

		v = wrmsr_safe(MSR_EFER, bad[i].val);
		err = tg_fault.error;
		rdmsr_check(MSR_EFER, &now);
		if (now != efer) /* keep long mode working for what follows */
			wrmsr_safe(MSR_EFER, efer);
		if (v != VEC_GP)
			return fail(name, "wrmsr EFER 0x%lx (%s): %s, want #GP", bad[i].val,
				    bad[i].what, fault_name(v));
		if (err)
			return fail(name, "wrmsr EFER 0x%lx (%s): #GP error code 0x%lx, want 0",
				    bad[i].val, bad[i].what, err);
		if (now != efer)
			return fail(name,
				    "EFER reads 0x%lx after the refused 0x%lx (%s), was 0x%lx", now,
				    bad[i].val, bad[i].what, efer);
	}
	return pass(name);
}

/* ---- pat-mtrr --------------------------------------------------------------- */

/* WRMSR @val to @msr, read back, restore; false after fail(). */
static bool msr_rw(const char *name, uint32_t msr, uint64_t val)
{
	uint64_t old, now = 0;
	int v;

	if ((v = rdmsr_check(msr, &old)))
		return fail(name, "rdmsr 0x%x: vector %d", msr, v);
	if ((v = wrmsr_safe(msr, val)))
		return fail(name, "wrmsr 0x%x value 0x%lx: vector %d", msr, val, v);
	v = rdmsr_check(msr, &now);
	wrmsr_safe(msr, old);
	if (v || now != val)
		return fail(name, "msr 0x%x reads 0x%lx after writing 0x%lx (%s)", msr, now, val,
			    fault_name(v));
	if ((v = rdmsr_check(msr, &now)) || now != old)
		return fail(name, "msr 0x%x reads 0x%lx after restoring 0x%lx (%s)", msr, now, old,
			    fault_name(v));
	return true;
}

/* WRMSR @val to @msr must #GP and change nothing; false after fail(). */
static bool msr_refused(const char *name, uint32_t msr, uint64_t val, const char *what)
{
	uint64_t old, now = 0;
	int v;

	rdmsr_check(msr, &old);
	v = wrmsr_safe(msr, val);
	rdmsr_check(msr, &now);
	if (now != old)
		wrmsr_safe(msr, old);
	if (v != VEC_GP)
		return fail(name, "wrmsr 0x%x value 0x%lx (%s): %s, want #GP", msr, val, what,
			    fault_name(v));
	if (now != old)
		return fail(name, "msr 0x%x reads 0x%lx after the refused write (%s), was 0x%lx",
			    msr, now, what, old);
	return true;
}

/*
 * The MTRRs Linux reads and (with mtrr=, or for PAT setup) writes. With
 * CPUID.1:EDX.MTRR, MTRRcap, MTRRdefType, MTRRphysBase0-7/Mask0-7 and the
 * fixed-range MTRRs all exist (SDM vol. 4 table 2-2), whatever MTRRcap's
 * counts say. A reserved memory type in MTRRdefType is #GP (vol. 3A
 * 12.11.2.1).
 */
static bool check_mtrr(const char *name)
{
	uint64_t cap, old, mask, phys_mask = (uint64_t)1 << 36;
	uint32_t r[4];
	int v;

	if ((v = rdmsr_check(MSR_MTRRCAP, &cap)))
		return fail(name, "rdmsr MTRRcap: vector %d", v);
	if (!msr_rw(name, MSR_MTRR_DEF_TYPE, MTRR_DEF_E_FE_WB))
		return false;
	rdmsr_check(MSR_MTRR_DEF_TYPE, &old);
	if (!msr_refused(name, MSR_MTRR_DEF_TYPE, (old & ~0xFFul) | MT_RESERVED,
			 "MTRRdefType with reserved type 2"))
		return false;
	/* 3 GiB..4 GiB uncached (no RAM there), within MAXPHYADDR. */
	cpuid(0x80000000, 0, r);
	if (r[0] >= 0x80000008) {
		cpuid(0x80000008, 0, r);
		phys_mask = (uint64_t)1 << (r[0] & 0xFF);
	}
	mask = ((phys_mask - 1) & ~(((uint64_t)1 << 30) - 1)) | MTRR_MASK_VALID;
	if (!msr_rw(name, MSR_MTRR_PHYSBASE0, 0xC0000000ul | MT_UC) ||
	    !msr_rw(name, MSR_MTRR_PHYSMASK0, mask))
		return false;
	/* Byte 0 (0..64 KiB) flipped between UC and WB; else all WB. */
	if ((v = rdmsr_check(MSR_MTRR_FIX64K, &old)))
		return fail(name, "rdmsr MTRRfix64K_00000: vector %d", v);
	return msr_rw(name, MSR_MTRR_FIX64K,
		      (old & 0xFF) == MT_UC || (old & 0xFF) == MT_WB ? old ^ MT_WB
								     : 0x0606060606060606ul);
}

/* Linux's PAT written and read back; an entry with a reserved type must
 * #GP (SDM vol. 3A 12.12.2). PAT is passed through (hv/platform/msr_policy.c), so
 * that is the CPU's own check: QEMU's TCG stores any value (a note). */
static bool check_pat(const char *name)
{
	uint64_t pat, bad = (PAT_LINUX & ~0xFFul) | MT_RESERVED, now = 0;
	int v;

	if ((v = rdmsr_check(MSR_PAT, &pat)))
		return fail(name, "rdmsr PAT: vector %d", v);
	if (!msr_rw(name, MSR_PAT, pat == PAT_LINUX ? PAT_RESET : PAT_LINUX))
		return false;
	v = wrmsr_safe(MSR_PAT, bad);
	rdmsr_check(MSR_PAT, &now);
	if (now != pat)
		wrmsr_safe(MSR_PAT, pat);
	if (!v && now == bad) {
		note("pat-mtrr: the CPU took PAT 0x%lx (entry 0 reserved type 2) without #GP, as "
		     "QEMU's TCG does; PAT passes through",
		     bad);
		return true;
	}
	if (v != VEC_GP)
		return fail(name, "wrmsr PAT 0x%lx (entry 0 reserved type 2): %s, want #GP", bad,
			    fault_name(v));
	if (now != pat)
		return fail(name, "PAT reads 0x%lx after the refused write, was 0x%lx", now, pat);
	return true;
}

bool check_pat_mtrr(void)
{
	static const char name[] = "pat-mtrr";

	if (cpu_has(F_MTRR)) {
		if (!check_mtrr(name))
			return false;
	} else {
		note("pat-mtrr: CPUID.1:EDX.MTRR clear: the MTRRs not checked");
	}
	return check_pat(name) && pass(name);
}

/* ---- rdtscp ----------------------------------------------------------------- */

static int rdtscp_safe(uint64_t *tsc, uint64_t *aux)
{
	unsigned int before = tg_fault.count;
	uint32_t lo = 0, hi = 0;

	/* RDTSCP writes ECX: RCX's upper half must come back clear. */
	*aux = 0xDEADBEEF00000000ul;
	__asm__ volatile("1: rdtscp\n2:\n\t" EXTABLE(1b, 2b)
			 : "+a"(lo), "+d"(hi), "+c"(*aux)
			 :
			 : "memory");
	*tsc = (uint64_t)hi << 32 | lo;
	return tg_fault.count != before ? (int)tg_fault.vector : 0;
}

static int rdpid_safe(uint64_t *val)
{
	unsigned int before = tg_fault.count;

	__asm__ volatile("1: rdpid %0\n2:\n\t" EXTABLE(1b, 2b) : "+r"(*val)::"memory");
	return tg_fault.count != before ? (int)tg_fault.vector : 0;
}

bool check_rdtscp(void)
{
	static const char name[] = "rdtscp";
	uint64_t old, t0, t1, tsc, aux, pid = 0;
	int v, vp = 0;

	if (!cpu_has(F_RDTSCP)) {
		if ((v = rdtscp_safe(&tsc, &aux)) != VEC_UD)
			return fail(name,
				    "CPUID 0x80000001:EDX.RDTSCP clear: rdtscp gave %s, "
				    "want #UD",
				    fault_name(v));
		note("rdtscp: CPUID 0x80000001:EDX.RDTSCP clear: checked only that it raises #UD");
		return pass(name);
	}
	if ((v = rdmsr_check(MSR_TSC_AUX, &old)))
		return fail(name, "rdmsr TSC_AUX: vector %d", v);
	if ((v = wrmsr_safe(MSR_TSC_AUX, 0x1234)))
		return fail(name, "wrmsr TSC_AUX 0x1234: vector %d", v);
	t0 = rdtsc();
	v = rdtscp_safe(&tsc, &aux);
	t1 = rdtsc();
	if (cpu_has(F_RDPID))
		vp = rdpid_safe(&pid);
	wrmsr_safe(MSR_TSC_AUX, old);
	if (v)
		return fail(name, "rdtscp: vector %d", v);
	if (aux != 0x1234)
		return fail(name, "rdtscp: RCX 0x%lx, want TSC_AUX 0x1234", aux);
	if (tsc < t0 || tsc > t1)
		return fail(name, "rdtscp: TSC 0x%lx outside rdtsc 0x%lx..0x%lx", tsc, t0, t1);
	if (!cpu_has(F_RDPID)) {
		note("rdtscp: CPUID.7.0:ECX.RDPID clear: rdpid not checked");
		return pass(name);
	}
	if (vp)
		return fail(name, "rdpid: vector %d", vp);
	if (pid != 0x1234)
		return fail(name, "rdpid: 0x%lx, want TSC_AUX 0x1234", pid);
	return pass(name);
}

/* ---- compat-pg -------------------------------------------------------------- */

/*
 * Linux 6.1's decompressor (trampoline_32bit_src) leaves long mode to
 * switch paging modes: compatibility mode, CR0.PG off (EFER.LMA drops),
 * RDMSR EFER with paging off (LME stays), paging on again (LMA is back),
 * far return to 64-bit code. compat.asm does it with interrupts off.
 */
bool check_compat_pg(void)
{
	static const char name[] = "compat-pg";
	volatile struct compat_result *r = &compat_result;
	unsigned int before = tg_fault.count;
	uint64_t efer, efer_off;
	int v;

	irq_disable();
	compat_pg_run();
	if (tg_fault.count != before)
		return fail(name,
			    "vector %u (error 0x%lx) at 0x%lx in compatibility mode (stage %u)",
			    tg_fault.vector, tg_fault.error, tg_fault.rip, r->stage);
	if (r->vector)
		return fail(name, "vector %u (error 0x%x) at eip 0x%x with paging off (stage %u)",
			    r->vector - 1, r->error, r->eip, r->stage);
	if (r->stage != 4)
		return fail(name, "returned at stage %u, want 4", r->stage);
	efer_off = (uint64_t)r->efer_hi << 32 | r->efer_lo;
	if (r->cr0 & CR0_PG)
		return fail(name, "CR0 0x%x with paging off: PG set", r->cr0);
	if (!(efer_off & EFER_LME) || (efer_off & EFER_LMA))
		return fail(name, "EFER 0x%lx with paging off: want LME set, LMA clear", efer_off);
	if ((v = rdmsr_check(MSR_EFER, &efer)))
		return fail(name, "rdmsr EFER back in 64-bit mode: vector %d", v);
	if ((efer & (EFER_LME | EFER_LMA)) != (EFER_LME | EFER_LMA))
		return fail(name, "EFER 0x%lx back in 64-bit mode: want LME and LMA set", efer);
	return pass(name);
}
