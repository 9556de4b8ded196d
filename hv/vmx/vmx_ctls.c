// SPDX-License-Identifier: MIT
/*
 * Choosing the VMX controls from the capability MSRs. What vfvisor asks for
 * follows from its design: each guest owns its physical CPUs, so their
 * interrupts and HLT stay with the guest; the hypervisor reaches a vCPU with
 * NMIs; EPT and unrestricted guest carry the memory map and the real-mode
 * start of APs; MSR and I/O bitmaps confine what exits.
 */
#include "hv/vmx/vmx_ctls.h"
#include "lib/err.h"
#include "lib/printk.h"
#include "hv/vmx/vmcs_fields.h"

#define CR0_PE (1ull << 0)
#define CR0_PG (1ull << 31)

/* What each class needs (a refusal stops the guest), would like (taken when
 * offered) and cannot live with (forced on: refused). */
#define PIN_REQUIRED VMX_PIN_NMI_EXITING /* kicks from the service CPU */
#define PIN_WANTED   (VMX_PIN_VIRTUAL_NMIS | VMX_PIN_PREEMPT_TIMER)
/* The guest's device interrupts go straight to it. */
#define PIN_FORBIDDEN VMX_PIN_EXT_INT_EXITING

/* MWAIT/MONITOR are hidden from the guest's CPUID: they exit, to #UD. */
#define PROC_REQUIRED                                                      \
	(VMX_PROC_MSR_BITMAPS | VMX_PROC_IO_BITMAPS | VMX_PROC_SECONDARY | \
	 VMX_PROC_MWAIT_EXITING | VMX_PROC_MONITOR_EXITING)
#define PROC_WANTED 0u
/* An idle guest halts its own CPU; with EPT the guest owns CR3 and its TLB.
 * Without TRUE_* MSRs CR3 exiting is forced on, which is refused here. */
#define PROC_FORBIDDEN                                                                \
	(VMX_PROC_HLT_EXITING | VMX_PROC_INVLPG_EXITING | VMX_PROC_CR3_LOAD_EXITING | \
	 VMX_PROC_CR3_STORE_EXITING)

/* Unrestricted guest: APs start in real mode (INIT-SIPI-SIPI). RDTSCP and
 * INVPCID #UD in the guest unless enabled; a CPU without the control has not
 * got the instruction either. XSAVES stays off: the CPUID policy hides it. */
#define PROC2_REQUIRED	(VMX_PROC2_EPT | VMX_PROC2_UNRESTRICTED)
#define PROC2_WANTED	(VMX_PROC2_VPID | VMX_PROC2_RDTSCP | VMX_PROC2_INVPCID)
#define PROC2_FORBIDDEN 0u

/* The host's EFER and PAT come back on every exit; saving the guest's keeps
 * them in the VMCS. A VM exit clears DR7 and IA32_DEBUGCTL, so the guest's
 * are saved and reloaded, or its breakpoints vanish at the first exit. */
#define EXIT_REQUIRED                                                                        \
	(VMX_EXIT_HOST_ADDR64 | VMX_EXIT_SAVE_PAT | VMX_EXIT_LOAD_PAT | VMX_EXIT_SAVE_EFER | \
	 VMX_EXIT_LOAD_EFER)
#define EXIT_WANTED    VMX_EXIT_SAVE_DEBUG
#define EXIT_FORBIDDEN 0u

#define ENTRY_REQUIRED (VMX_ENTRY_IA32E | VMX_ENTRY_LOAD_PAT | VMX_ENTRY_LOAD_EFER)
#define ENTRY_WANTED   VMX_ENTRY_LOAD_DEBUG
/* VM entry fails with either outside SMM. */
#define ENTRY_FORBIDDEN (VMX_ENTRY_SMM | VMX_ENTRY_DEACT_DUAL)

struct ctl_class {
	const char *name;
	const char *const *bits; /* 32 names; NULL where vfvisor has none */
};

static const char *const pin_bits[32] = {
	[0] = "external-interrupt exiting",
	[3] = "NMI exiting",
	[5] = "virtual NMIs",
	[6] = "activate VMX-preemption timer",
	[7] = "process posted interrupts",
};

static const char *const proc_bits[32] = {
	[2] = "interrupt-window exiting",
	[3] = "use TSC offsetting",
	[7] = "HLT exiting",
	[9] = "INVLPG exiting",
	[10] = "MWAIT exiting",
	[11] = "RDPMC exiting",
	[12] = "RDTSC exiting",
	[15] = "CR3-load exiting",
	[16] = "CR3-store exiting",
	[17] = "activate tertiary controls",
	[19] = "CR8-load exiting",
	[20] = "CR8-store exiting",
	[21] = "use TPR shadow",
	[22] = "NMI-window exiting",
	[23] = "MOV-DR exiting",
	[24] = "unconditional I/O exiting",
	[25] = "use I/O bitmaps",
	[27] = "monitor trap flag",
	[28] = "use MSR bitmaps",
	[29] = "MONITOR exiting",
	[30] = "PAUSE exiting",
	[31] = "activate secondary controls",
};

static const char *const proc2_bits[32] = {
	[0] = "virtualize APIC accesses",
	[1] = "enable EPT",
	[2] = "descriptor-table exiting",
	[3] = "enable RDTSCP",
	[4] = "virtualize x2APIC mode",
	[5] = "enable VPID",
	[6] = "WBINVD exiting",
	[7] = "unrestricted guest",
	[8] = "APIC-register virtualization",
	[9] = "virtual-interrupt delivery",
	[10] = "PAUSE-loop exiting",
	[11] = "RDRAND exiting",
	[12] = "enable INVPCID",
	[13] = "enable VM functions",
	[14] = "VMCS shadowing",
	[16] = "RDSEED exiting",
	[17] = "enable PML",
	[18] = "EPT-violation #VE",
	[20] = "enable XSAVES/XRSTORS",
	[22] = "mode-based execute control for EPT",
	[25] = "use TSC scaling",
};

static const char *const exit_bits[32] = {
	[2] = "save debug controls",
	[9] = "host address-space size",
	[12] = "load IA32_PERF_GLOBAL_CTRL",
	[15] = "acknowledge interrupt on exit",
	[18] = "save IA32_PAT",
	[19] = "load IA32_PAT",
	[20] = "save IA32_EFER",
	[21] = "load IA32_EFER",
	[22] = "save VMX-preemption timer value",
};

static const char *const entry_bits[32] = {
	[2] = "load debug controls",
	[9] = "IA-32e mode guest",
	[10] = "entry to SMM",
	[11] = "deactivate dual-monitor treatment",
	[13] = "load IA32_PERF_GLOBAL_CTRL",
	[14] = "load IA32_PAT",
	[15] = "load IA32_EFER",
};

int vmx_ctl_compute(uint64_t cap_msr, uint32_t required, uint32_t wanted, uint32_t *out,
		    uint32_t *missing)
{
	uint32_t must = (uint32_t)cap_msr, may = (uint32_t)(cap_msr >> 32);

	*missing = 0;
	*out = must | ((required | wanted) & may);
	if (must & ~may) {
		*missing = must & ~may;
		return -EINVAL;
	}
	if (required & ~may) {
		*missing = required & ~may;
		return -ENOTSUP;
	}
	return 0;
}

static int lowest_bit(uint32_t v)
{
	return __builtin_ctz(v);
}

static void bit_name(const struct ctl_class *c, uint32_t bits, char *buf, size_t len)
{
	int b = lowest_bit(bits);

	if (c->bits[b])
		sfmt(buf, len, "\"%s\"", c->bits[b]);
	else
		sfmt(buf, len, "bit %d", b);
}

/* One class: compute it, then refuse what vfvisor cannot run with. */
static int choose_one(const struct ctl_class *c, uint64_t cap, const char *msr, uint32_t required,
		      uint32_t wanted, uint32_t forbidden, uint32_t *out, char *why, size_t len)
{
	uint32_t missing;
	char name[48];
	int ret = vmx_ctl_compute(cap, required, wanted, out, &missing);

	if (ret == -EINVAL) {
		bit_name(c, missing, name, sizeof(name));
		sfmt(why, len, "%s control %s both forced on and off by %s", c->name, name, msr);
		return -ENOTSUP;
	}
	if (ret) {
		bit_name(c, missing, name, sizeof(name));
		sfmt(why, len, "%s control %s not supported (%s)", c->name, name, msr);
		return ret;
	}
	if (*out & forbidden) {
		bit_name(c, *out & forbidden, name, sizeof(name));
		sfmt(why, len, "%s control %s forced on by %s", c->name, name, msr);
		return -ENOTSUP;
	}
	return 0;
}

int vmx_ctls_choose(const struct vmx_caps *caps, struct vmx_ctls *out, char *why, size_t why_len)
{
	static const struct ctl_class pin = {"pin-based", pin_bits};
	static const struct ctl_class proc = {"primary", proc_bits};
	static const struct ctl_class proc2 = {"secondary", proc2_bits};
	static const struct ctl_class ex = {"exit", exit_bits};
	static const struct ctl_class en = {"entry", entry_bits};
	bool t = caps->basic & VMX_BASIC_TRUE_CTLS;
	int ret;

	*out = (struct vmx_ctls){0};
	if (why_len)
		why[0] = '\0';
	ret = choose_one(&pin, t ? caps->true_pinbased : caps->pinbased,
			 t ? "IA32_VMX_TRUE_PINBASED_CTLS" : "IA32_VMX_PINBASED_CTLS", PIN_REQUIRED,
			 PIN_WANTED, PIN_FORBIDDEN, &out->pin, why, why_len);
	if (!ret)
		ret = choose_one(&proc, t ? caps->true_procbased : caps->procbased,
				 t ? "IA32_VMX_TRUE_PROCBASED_CTLS" : "IA32_VMX_PROCBASED_CTLS",
				 PROC_REQUIRED, PROC_WANTED, PROC_FORBIDDEN, &out->proc, why,
				 why_len);
	/* The secondary MSR only exists once the primary allows activating it,
	 * which PROC_REQUIRED has checked. */
	if (!ret)
		ret = choose_one(&proc2, caps->procbased2, "IA32_VMX_PROCBASED_CTLS2",
				 PROC2_REQUIRED, PROC2_WANTED, PROC2_FORBIDDEN, &out->proc2, why,
				 why_len);
	if (!ret)
		ret = choose_one(&ex, t ? caps->true_exit : caps->exit,
				 t ? "IA32_VMX_TRUE_EXIT_CTLS" : "IA32_VMX_EXIT_CTLS",
				 EXIT_REQUIRED, EXIT_WANTED, EXIT_FORBIDDEN, &out->exit, why,
				 why_len);
	if (!ret)
		ret = choose_one(&en, t ? caps->true_entry : caps->entry,
				 t ? "IA32_VMX_TRUE_ENTRY_CTLS" : "IA32_VMX_ENTRY_CTLS",
				 ENTRY_REQUIRED, ENTRY_WANTED, ENTRY_FORBIDDEN, &out->entry, why,
				 why_len);
	if (ret)
		*out = (struct vmx_ctls){0};
	return ret;
}

uint64_t vmx_cr_fixed(uint64_t fixed0, uint64_t fixed1, uint64_t value, bool unrestricted)
{
	if (unrestricted)
		fixed0 &= ~(CR0_PE | CR0_PG);
	return (value | fixed0) & fixed1;
}
