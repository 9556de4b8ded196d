// SPDX-License-Identifier: MIT
/*
 * The guest's CPUID: the host's values with what the guest does not get
 * taken out (Intel SDM vol. 2A "CPUID", AMD APM vol. 3 appendix E).
 *
 * A bit is cleared when the feature needs something the hypervisor does not
 * give a guest: an instruction it intercepts or cannot virtualise, an MSR
 * that msr_policy refuses (Linux often touches such MSRs with unchecked
 * RDMSR/WRMSR once CPUID lists the feature), or shared hardware a guest must
 * not control (the PMU, cache partitioning, thermal and power management).
 * Everything not named here passes through unchanged.
 */
#include "hv/platform/cpuid_policy.h"

#define BIT(n)	    (1u << (n))
#define ANY_SUBLEAF 0xFFFFFFFFu

enum { EAX, EBX, ECX, EDX };

/* One leaf's edit: each register keeps only the bits in @keep. */
struct cpuid_rule {
	uint32_t leaf;
	uint32_t subleaf; /* ANY_SUBLEAF: every subleaf */
	uint32_t keep[4]; /* EAX, EBX, ECX, EDX */
};

#define ALL  0xFFFFFFFFu
#define NONE 0u
#define ZERO_LEAF                      \
	{                              \
		NONE, NONE, NONE, NONE \
	}

/* CPUID.1:ECX */
#define L1_ECX_DTES64	  BIT(2)  /* 64-bit DS area: DS is hidden */
#define L1_ECX_MONITOR	  BIT(3)  /* MONITOR/MWAIT are intercepted, not emulated */
#define L1_ECX_DSCPL	  BIT(4)  /* CPL-qualified debug store: DS is hidden */
#define L1_ECX_VMX	  BIT(5)  /* no nested virtualisation */
#define L1_ECX_SMX	  BIT(6)  /* GETSEC/TXT belongs to the platform */
#define L1_ECX_EST	  BIT(7)  /* SpeedStep: P-state MSRs are the platform's */
#define L1_ECX_TM2	  BIT(8)  /* thermal monitor 2: thermal MSRs refused */
#define L1_ECX_SDBG	  BIT(11) /* IA32_DEBUG_INTERFACE (0xC80) refused */
#define L1_ECX_PDCM	  BIT(15) /* IA32_PERF_CAPABILITIES: the PMU is hidden */
#define L1_ECX_HYPERVISOR BIT(31)
/* CPUID.1:EDX */
#define L1_EDX_MCE  BIT(7)  /* machine checks are the hypervisor's: MCG_* refused */
#define L1_EDX_MCA  BIT(14) /* the same */
#define L1_EDX_DS   BIT(21) /* debug store (BTS/PEBS): IA32_DS_AREA refused */
#define L1_EDX_ACPI BIT(22) /* thermal monitor and clock modulation MSRs refused */
#define L1_EDX_TM   BIT(29) /* thermal monitor */
#define L1_EDX_PBE  BIT(31) /* pending break enable: a platform pin, MISC_ENABLE */

/* CPUID.6:EAX. ARAT is a fact about the (passed-through) LAPIC timer and
 * Linux needs it: without it the timer is marked C3STOP and, with no HPET or
 * PIT to broadcast from, Linux runs without high-resolution timers or NOHZ. */
#define L6_EAX_ARAT BIT(2)

/* CPUID.7.0:EBX */
#define L7_EBX_TSC_ADJUST BIT(1)  /* writing IA32_TSC_ADJUST moves the host's TSC */
#define L7_EBX_SGX	  BIT(2)  /* ENCLS, EPC and the SGX MSRs are not provided */
#define L7_EBX_RDT_M	  BIT(12) /* cache monitoring: shared L3, PQR MSRs refused */
#define L7_EBX_RDT_A	  BIT(15) /* cache allocation: would partition other guests' cache */
#define L7_EBX_PT	  BIT(25) /* processor trace: RTIT MSRs refused */
/* CPUID.7.0:ECX */
#define L7_ECX_WAITPKG BIT(5)  /* UMWAIT/TPAUSE: IA32_UMWAIT_CONTROL refused, #UD under VMX */
#define L7_ECX_CET_SS  BIT(7)  /* shadow stacks: CET MSRs refused; S_CET would reach the host */
#define L7_ECX_TME     BIT(13) /* Linux reads IA32_TME_ACTIVATE (refused) unchecked */
#define L7_ECX_LA57    BIT(16) /* the hypervisor's guest page walker is 4-level only */
#define L7_ECX_BUSLOCK BIT(24) /* bus-lock #DB: enabled through DEBUGCTL, refused */
#define L7_ECX_KL      BIT(23) /* Key Locker: LOADIWKEY always exits under VMX */
#define L7_ECX_ENQCMD  BIT(29) /* needs IA32_PASID (refused) and XSAVES (hidden) */
#define L7_ECX_SGX_LC  BIT(30) /* SGX launch control: SGX is hidden */
#define L7_ECX_PKS     BIT(31) /* supervisor protection keys: IA32_PKRS refused */
/* CPUID.7.0:EDX */
#define L7_EDX_UINTR	   BIT(5)  /* SENDUIPI sends IPIs past the ICR filter */
#define L7_EDX_SRBDS_CTRL  BIT(9)  /* IA32_MCU_OPT_CTRL refused; Linux writes it unchecked */
#define L7_EDX_TSX_FORCE_A BIT(13) /* MSR_TSX_FORCE_ABORT refused; Linux writes it unchecked */
#define L7_EDX_PCONFIG	   BIT(18) /* platform (MKTME key) configuration */
#define L7_EDX_ARCH_LBR	   BIT(19) /* LBR MSRs and XSAVES state: the PMU is hidden */
#define L7_EDX_IBT	   BIT(20) /* S_CET would stay on in the hypervisor: #CP there */
#define L7_EDX_ARCH_CAP	   BIT(29) /* 0x10A not emulated: Linux then assumes every bug */
#define L7_EDX_CORE_CAP	   BIT(30) /* IA32_CORE_CAPABILITIES (0xCF) refused */
/* Kept on purpose: IBRS/IBPB (26), STIBP (27), L1D_FLUSH (28), SSBD (31) and
 * MD_CLEAR (10): SPEC_CTRL, PRED_CMD and FLUSH_CMD pass through (msr_policy),
 * the guest owns its CPU's speculation controls. */

/* CPUID.0xD.1:EAX. XSAVES needs IA32_XSS (refused) and Linux writes XSS with
 * an unchecked WRMSR when XSAVES is listed; XFD needs IA32_XFD (refused), and
 * without XFD Linux leaves AMX off. ECX:EDX (the XSS bits) go with XSAVES. */
#define LD1_EAX_XSAVES BIT(3)
#define LD1_EAX_XFD    BIT(4)

/* CPUID.0x80000001:ECX */
#define E1_ECX_SVM	    BIT(2)  /* no nested virtualisation */
#define E1_ECX_OSVW	    BIT(9)  /* OS-visible workaround MSRs refused; Linux reads them */
#define E1_ECX_IBS	    BIT(10) /* instruction-based sampling: a PMU */
#define E1_ECX_SKINIT	    BIT(12) /* SKINIT/STGI: the platform's secure launch */
#define E1_ECX_WDT	    BIT(13) /* the watchdog timer is the platform's */
#define E1_ECX_LWP	    BIT(15) /* lightweight profiling: LWP_CFG refused */
#define E1_ECX_NODEID	    BIT(19) /* NodeId MSR refused; Linux reads it unchecked */
#define E1_ECX_PERFCTR_CORE BIT(23) /* core performance counters: the PMU is hidden */
#define E1_ECX_PERFCTR_NB   BIT(24) /* northbridge counters: shared by every core */
#define E1_ECX_BPEXT	    BIT(26) /* breakpoint address masks: their MSRs are refused */
#define E1_ECX_PERFCTR_LLC  BIT(28) /* L3 counters: shared by every core */
#define E1_ECX_MWAITX	    BIT(29) /* MONITORX/MWAITX: intercepted like MONITOR/MWAIT */
/* CPUID.0x80000001:EDX: AMD mirrors leaf 1's MCE and MCA here. */
#define E1_EDX_MCE BIT(7)
#define E1_EDX_MCA BIT(14)

/* CPUID.0x80000007:EDX: only the invariant TSC stays; the rest is power and
 * RAS management (EBX: MCA overflow recovery, SUCCOR) that is the host's. */
#define E7_EDX_INVTSC BIT(8)

/* CPUID.0x80000008:EBX */
#define E8_EBX_IRPERF  BIT(1) /* instructions-retired counter: the PMU is hidden */
#define E8_EBX_INVLPGB BIT(3) /* broadcast TLB invalidation reaches every CPU */

/* CPUID.0x80000021:EAX. Automatic IBRS is switched on through EFER bit 21,
 * which the VM core's EFER emulation does not accept. */
#define E21_EAX_AUTOIBRS BIT(8)

static const struct cpuid_rule rules[] = {
	{0x1,
	 ANY_SUBLEAF,
	 {ALL, ALL,
	  ~(L1_ECX_DTES64 | L1_ECX_MONITOR | L1_ECX_DSCPL | L1_ECX_VMX | L1_ECX_SMX | L1_ECX_EST |
	    L1_ECX_TM2 | L1_ECX_SDBG | L1_ECX_PDCM),
	  ~(L1_EDX_MCE | L1_EDX_MCA | L1_EDX_DS | L1_EDX_ACPI | L1_EDX_TM | L1_EDX_PBE)}},
	{0x5, ANY_SUBLEAF, ZERO_LEAF}, /* MONITOR/MWAIT geometry: MWAIT is hidden */
	{0x6, ANY_SUBLEAF, {L6_EAX_ARAT, NONE, NONE, NONE}}, /* thermal and power */
	{0x7,
	 0,
	 {ALL, ~(L7_EBX_TSC_ADJUST | L7_EBX_SGX | L7_EBX_RDT_M | L7_EBX_RDT_A | L7_EBX_PT),
	  ~(L7_ECX_WAITPKG | L7_ECX_CET_SS | L7_ECX_TME | L7_ECX_LA57 | L7_ECX_KL | L7_ECX_BUSLOCK |
	    L7_ECX_ENQCMD | L7_ECX_SGX_LC | L7_ECX_PKS),
	  ~(L7_EDX_UINTR | L7_EDX_SRBDS_CTRL | L7_EDX_TSX_FORCE_A | L7_EDX_PCONFIG |
	    L7_EDX_ARCH_LBR | L7_EDX_IBT | L7_EDX_ARCH_CAP | L7_EDX_CORE_CAP)}},
	{0xA, ANY_SUBLEAF, ZERO_LEAF}, /* architectural PMU */
	{0xD, 1, {~(LD1_EAX_XSAVES | LD1_EAX_XFD), ALL, NONE, NONE}},
	{0xF, ANY_SUBLEAF, ZERO_LEAF},	/* RDT monitoring */
	{0x10, ANY_SUBLEAF, ZERO_LEAF}, /* RDT allocation */
	{0x12, ANY_SUBLEAF, ZERO_LEAF}, /* SGX */
	{0x14, ANY_SUBLEAF, ZERO_LEAF}, /* processor trace */
	{0x1B, ANY_SUBLEAF, ZERO_LEAF}, /* PCONFIG */
	{0x1C, ANY_SUBLEAF, ZERO_LEAF}, /* architectural LBRs */
	{0x23, ANY_SUBLEAF, ZERO_LEAF}, /* architectural PMU extensions */
	{0x80000001,
	 ANY_SUBLEAF,
	 {ALL, ALL,
	  ~(E1_ECX_SVM | E1_ECX_OSVW | E1_ECX_IBS | E1_ECX_SKINIT | E1_ECX_WDT | E1_ECX_LWP |
	    E1_ECX_NODEID | E1_ECX_PERFCTR_CORE | E1_ECX_PERFCTR_NB | E1_ECX_BPEXT |
	    E1_ECX_PERFCTR_LLC | E1_ECX_MWAITX),
	  ~(E1_EDX_MCE | E1_EDX_MCA)}},
	{0x80000007, ANY_SUBLEAF, {NONE, NONE, NONE, E7_EDX_INVTSC}},
	{0x80000008, ANY_SUBLEAF, {ALL, ~(E8_EBX_IRPERF | E8_EBX_INVLPGB), ALL, ALL}},
	{0x8000000A, ANY_SUBLEAF, ZERO_LEAF}, /* SVM features: no nested SVM */
	{0x8000001B, ANY_SUBLEAF, ZERO_LEAF}, /* IBS */
	/* SME/SEV: memory encryption needs the hypervisor's C-bit in the nested
	 * tables, and Linux reads SYSCFG (refused) unchecked when it is listed. */
	{0x8000001F, ANY_SUBLEAF, ZERO_LEAF},
	{0x80000020, ANY_SUBLEAF, ZERO_LEAF}, /* AMD platform QoS (cache/bandwidth allocation) */
	{0x80000021, ANY_SUBLEAF, {~E21_EAX_AUTOIBRS, ALL, ALL, ALL}},
	{0x80000022, ANY_SUBLEAF, ZERO_LEAF}, /* AMD PerfMonV2 */
};

/* The hypervisor range (Intel SDM: no CPU will define 0x40000000-0x4FFFFFFF).
 * All of it is answered here: the hardware returns junk there (Intel: the
 * highest basic leaf), and when vfvisor itself runs nested, the outer
 * hypervisor's leaves (KVM at 0x40000000 or 0x40000100) must not reach the
 * guest, which would then use that hypervisor's MSRs. */
static void hv_leaf(const struct cpuid_policy *p, uint32_t leaf, struct cpuid_regs *r)
{
	static const char sig[12] = CPUID_POLICY_SIGNATURE;
	uint32_t w[3] = {0, 0, 0};

	r->eax = r->ebx = r->ecx = r->edx = 0;
	if (leaf == CPUID_HV_BASE) {
		for (unsigned int i = 0; i < 12; i++)
			w[i / 4] |= (uint32_t)(uint8_t)sig[i] << (8 * (i % 4));
		r->eax = CPUID_HV_TIMING;
		r->ebx = w[0];
		r->ecx = w[1];
		r->edx = w[2];
	} else if (leaf == CPUID_HV_TIMING) {
		r->eax = p->tsc_khz;
		r->ebx = p->apic_khz;
	}
}

void cpuid_policy_apply(const struct cpuid_policy *p, uint32_t leaf, uint32_t subleaf,
			struct cpuid_regs *r)
{
	if ((leaf & 0xF0000000u) == CPUID_HV_BASE) {
		hv_leaf(p, leaf, r);
		return;
	}
	for (unsigned int i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct cpuid_rule *c = &rules[i];

		if (c->leaf != leaf || (c->subleaf != ANY_SUBLEAF && c->subleaf != subleaf))
			continue;
		r->eax &= c->keep[EAX];
		r->ebx &= c->keep[EBX];
		r->ecx &= c->keep[ECX];
		r->edx &= c->keep[EDX];
		break;
	}
	if (leaf == 1)
		r->ecx |= L1_ECX_HYPERVISOR;
}
