// SPDX-License-Identifier: MIT
/*
 * The MSR allow list (DESIGN.md, "The guest platform"): a guest owns the
 * CPU it runs on, so the state that belongs to that CPU alone passes
 * through; what the VM core must shape is emulated; everything else (the
 * platform, the PMU, machine checks, power and thermal control, the
 * hypervisor's own SVM/VMX state) is refused with #GP.
 */
#include "lib/kstring.h"
#include "hv/platform/msr_policy.h"

#define P MSR_PASS
#define E MSR_EMULATE
#define R MSR_REFUSE

#define ONE(m, r, w, n)                 \
	{                               \
		(m), (m), (r), (w), (n) \
	}
#define RANGE(m, l, r, w, n)            \
	{                               \
		(m), (l), (r), (w), (n) \
	}

/* Sorted by MSR, disjoint (the unit test checks both). */
static const struct msr_rule rules[] = {
	/* Reading the TSC is harmless (the VMCB/VMCS offset applies); a write
	 * would move the physical TSC the hypervisor keeps time with. */
	ONE(0x10, P, R, "TSC"),
	/* Hidden BSP bit per vCPU, x2APIC mode fixed. */
	ONE(0x1B, E, E, "APIC_BASE"),
	ONE(0x3A, R, R, "FEATURE_CONTROL"), /* VMX/SMX lock: the platform's */
	ONE(0x3B, R, R, "TSC_ADJUST"),	    /* moves the host's TSC; hidden in CPUID */
	/* Speculation controls act on this CPU only, which is the guest's
	 * alone (the hypervisor's exit handling on it serves only this guest).
	 * Intercepting them would cost an exit per context switch in Linux. */
	ONE(0x48, P, P, "SPEC_CTRL"),
	ONE(0x49, R, P, "PRED_CMD"), /* write-only: IBPB */
	ONE(0x79, R, R, "BIOS_UPDT_TRIG"),
	/* Patch level / BIOS_SIGN_ID: reads 0; Intel's protocol writes 0
	 * before reading it, so a write is accepted and ignored. */
	ONE(0x8B, E, E, "PATCH_LEVEL"),
	ONE(0xCE, R, R, "PLATFORM_INFO"),
	ONE(0xCF, R, R, "CORE_CAPABILITIES"),
	RANGE(0xE7, 0xE8, R, R, "MPERF/APERF"),
	ONE(0xFE, E, R, "MTRRCAP"),	       /* read-only */
	ONE(0x10A, R, R, "ARCH_CAPABILITIES"), /* not emulated; hidden in CPUID */
	ONE(0x10B, R, P, "FLUSH_CMD"),	       /* write-only: L1D flush of this CPU */
	RANGE(0x174, 0x176, P, P, "SYSENTER_CS/ESP/EIP"),
	RANGE(0x179, 0x17B, R, R, "MCG_CAP/STATUS/CTL"),
	/* Reads a fixed value; writes (Linux toggles feature bits with
	 * msr_set_bit) are accepted and ignored. */
	ONE(0x1A0, E, E, "MISC_ENABLE"),
	ONE(0x1D9, R, R, "DEBUGCTL"), /* LBR/BTS/BTF: not context-switched on AMD-V */
	/* Variable and fixed MTRRs: plain storage; nested paging decides. */
	RANGE(0x200, 0x26F, E, E, "MTRR"),
	ONE(0x277, P, P, "PAT"), /* AMD-V: VMCB g_pat; VMX: the VMCS PAT fields */
	ONE(0x2FF, E, E, "MTRR_DEF_TYPE"),
	ONE(0x345, R, R, "PERF_CAPABILITIES"),
	RANGE(0x400, 0x47F, R, R, "MCi banks"),
	RANGE(0x480, 0x493, R, R, "VMX capabilities"),
	ONE(0x6E0, P, P, "TSC_DEADLINE"), /* the guest's LAPIC timer */
	/* The x2APIC is the guest's: timer, EOI, TPR, self-IPI without exits.
	 * Registers that do not exist #GP in hardware. Only the ICR write is
	 * trapped (icr_filter): an IPI may leave the CPU; and LINT0's, where
	 * the 8259s' INTR (the hypervisor's watchdog tick) arrives: kept masked. */
	RANGE(0x800, 0x82F, P, P, "x2APIC"),
	ONE(0x830, P, E, "x2APIC ICR"),
	RANGE(0x831, 0x834, P, P, "x2APIC"),
	ONE(0x835, P, E, "x2APIC LVT LINT0"),
	RANGE(0x836, 0x8FF, P, P, "x2APIC"),
	ONE(0xDA0, R, R, "XSS"),       /* XSAVES is hidden in CPUID */
	ONE(0xC0000080, E, E, "EFER"), /* the VM core hides and forces SVME */
	/* SYSCALL and segment-base state: VMCB (VMLOAD/VMSAVE) or VMCS held. */
	ONE(0xC0000081, P, P, "STAR"),
	ONE(0xC0000082, P, P, "LSTAR"),
	ONE(0xC0000083, P, P, "CSTAR"),
	ONE(0xC0000084, P, P, "SFMASK"),
	ONE(0xC0000100, P, P, "FS_BASE"),
	ONE(0xC0000101, P, P, "GS_BASE"),
	ONE(0xC0000102, P, P, "KERNEL_GS_BASE"),
	ONE(0xC0000103, P, P, "TSC_AUX"),
	RANGE(0xC0010000, 0xC0010007, R, R, "AMD PERF_CTL/CTR"),
	ONE(0xC0010010, R, R, "AMD SYSCFG"),
	/* Reads the host's value; writes accepted and ignored. */
	ONE(0xC0010015, E, E, "AMD HWCR"),
	ONE(0xC0010020, R, R, "AMD PATCH_LOADER"),
	ONE(0xC0010114, R, R, "AMD VM_CR"),
	ONE(0xC0010117, R, R, "AMD VM_HSAVE_PA"),
	RANGE(0xC0010200, 0xC001020F, R, R, "AMD PERF_CTL/CTR (core)"),
	ONE(0xC0011029, R, R, "AMD DE_CFG"),
};

static const struct msr_rule unknown = {0, 0xFFFFFFFFu, R, R, "unknown"};

const struct msr_rule *msr_policy_rules(size_t *count)
{
	*count = sizeof(rules) / sizeof(rules[0]);
	return rules;
}

const struct msr_rule *msr_policy_lookup(uint32_t msr)
{
	size_t lo = 0, hi = sizeof(rules) / sizeof(rules[0]);

	/* Binary search for the last rule starting at or below @msr. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rules[mid].msr <= msr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && msr <= rules[lo - 1].last)
		return &rules[lo - 1];
	return &unknown;
}

/* The MSR ranges each bitmap covers, and where their bits start. */
struct map_range {
	uint32_t base;
	uint32_t byte; /* AMD-V: the range's first byte; VMX: the read half's */
};

#define RANGE_MSRS 0x2000u

static const struct map_range msrpm_ranges[] = {
	{0x00000000, 0x0000},
	{0xC0000000, 0x0800},
	{0xC0010000, 0x1000},
};

static const struct map_range vmx_ranges[] = {
	{0x00000000, 0}, /* write bits: +2048 */
	{0xC0000000, 1024},
};

static void bit_clear(uint8_t *map, uint32_t bit)
{
	map[bit / 8] &= (uint8_t) ~(1u << (bit % 8));
}

void msr_policy_build_msrpm(uint8_t msrpm[MSR_POLICY_MSRPM_SIZE])
{
	memset(msrpm, 0xFF, MSR_POLICY_MSRPM_SIZE);
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct msr_rule *r = &rules[i];

		if (r->rd != MSR_PASS && r->wr != MSR_PASS)
			continue;
		for (uint64_t m = r->msr; m <= r->last; m++) {
			for (size_t k = 0; k < sizeof(msrpm_ranges) / sizeof(msrpm_ranges[0]);
			     k++) {
				const struct map_range *g = &msrpm_ranges[k];
				uint32_t bit;

				if (m < g->base || m - g->base >= RANGE_MSRS)
					continue;
				bit = g->byte * 8 + 2 * (uint32_t)(m - g->base);
				if (r->rd == MSR_PASS)
					bit_clear(msrpm, bit);
				if (r->wr == MSR_PASS)
					bit_clear(msrpm, bit + 1);
			}
		}
	}
}

void msr_policy_build_vmx_bitmap(uint8_t bitmap[MSR_POLICY_VMX_SIZE])
{
	memset(bitmap, 0xFF, MSR_POLICY_VMX_SIZE);
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct msr_rule *r = &rules[i];

		if (r->rd != MSR_PASS && r->wr != MSR_PASS)
			continue;
		for (uint64_t m = r->msr; m <= r->last; m++) {
			for (size_t k = 0; k < sizeof(vmx_ranges) / sizeof(vmx_ranges[0]); k++) {
				const struct map_range *g = &vmx_ranges[k];
				uint32_t bit;

				if (m < g->base || m - g->base >= RANGE_MSRS)
					continue;
				bit = g->byte * 8 + (uint32_t)(m - g->base);
				if (r->rd == MSR_PASS)
					bit_clear(bitmap, bit);
				if (r->wr == MSR_PASS)
					bit_clear(bitmap, bit + 2048 * 8);
			}
		}
	}
}
