/* SPDX-License-Identifier: MIT */
/* What the CPU offers for virtualisation, decoded from CPUID and MSRs. */
#ifndef VF_CPUFEAT_H
#define VF_CPUFEAT_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/x86.h"

struct cpu_features {
	char vendor[13];
	char brand[49];
	uint32_t family, model, stepping;
	bool x2apic, nx, page1g, invariant_tsc, hypervisor;

	/* Intel VT-x */
	bool vmx;
	bool vmx_locked_off; /* IA32_FEATURE_CONTROL locked with VMXON off */
	bool vmx_true_ctls, vmx_secondary, ept, vpid, unrestricted, preempt_timer;
	bool ept_wb, ept_4level, ept_2m, ept_1g, ept_ad;

	/* AMD-V */
	bool svm;
	bool svm_disabled; /* VM_CR.SVMDIS set by firmware */
	bool npt, nrips, decode_assists, flush_by_asid;
	uint32_t asids;
};

/* Hardware access, supplied by the caller (the CPU itself, or a fake). */
struct cpufeat_ops {
	void (*cpuid)(uint32_t leaf, uint32_t sub, struct cpuid_regs *r);
	/* Only called for MSRs that CPUID says exist. */
	uint64_t (*rdmsr)(uint32_t msr);
};

void cpufeat_read(struct cpu_features *f, const struct cpufeat_ops *ops);
/* The backend this CPU can run: "vt-x", "amd-v", or NULL with @why set. */
const char *cpufeat_backend(const struct cpu_features *f, const char **why);
/* Print the inventory lines. */
void cpufeat_report(const struct cpu_features *f);

#endif
