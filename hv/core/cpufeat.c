// SPDX-License-Identifier: MIT
/* CPU feature detection; pure over its accessors, so unit-tested on the host. */
#include "hv/core/cpufeat.h"
#include "lib/kstring.h"
#include "lib/printk.h"

#define BIT(n) (1ull << (n))

static void read_vmx(struct cpu_features *f, const struct cpufeat_ops *ops)
{
	uint64_t fc = ops->rdmsr(MSR_FEATURE_CONTROL);
	uint64_t basic = ops->rdmsr(MSR_VMX_BASIC);
	uint64_t proc = ops->rdmsr(MSR_VMX_PROCBASED);
	uint64_t pin;

	/* Locked with "VMXON outside SMX" clear: firmware turned VT-x off. */
	f->vmx_locked_off = (fc & BIT(0)) && !(fc & BIT(2));
	f->vmx_true_ctls = basic & BIT(55);
	pin = ops->rdmsr(f->vmx_true_ctls ? MSR_VMX_TRUE_PINBASED : MSR_VMX_PINBASED);
	f->preempt_timer = (pin >> 32) & BIT(6);
	/* Allowed-1 settings are the high dword of each capability MSR. */
	f->vmx_secondary = (proc >> 32) & BIT(31);
	if (f->vmx_secondary) {
		uint64_t p2 = ops->rdmsr(MSR_VMX_PROCBASED2) >> 32;

		f->ept = p2 & BIT(1);
		f->vpid = p2 & BIT(5);
		f->unrestricted = p2 & BIT(7);
	}
	if (f->ept || f->vpid) {
		uint64_t cap = ops->rdmsr(MSR_VMX_EPT_VPID);

		f->ept_4level = cap & BIT(6);
		f->ept_wb = cap & BIT(14);
		f->ept_2m = cap & BIT(16);
		f->ept_1g = cap & BIT(17);
		f->ept_ad = cap & BIT(21);
	}
}

void cpufeat_read(struct cpu_features *f, const struct cpufeat_ops *ops)
{
	struct cpuid_regs r;
	uint32_t max, max_ext;

	memset(f, 0, sizeof(*f));
	ops->cpuid(0, 0, &r);
	max = r.eax;
	memcpy(f->vendor + 0, &r.ebx, 4);
	memcpy(f->vendor + 4, &r.edx, 4);
	memcpy(f->vendor + 8, &r.ecx, 4);
	f->vendor[12] = '\0';

	if (max >= 1) {
		ops->cpuid(1, 0, &r);
		f->stepping = r.eax & 0xF;
		f->family = (r.eax >> 8) & 0xF;
		f->model = (r.eax >> 4) & 0xF;
		if (f->family == 0xF)
			f->family += (r.eax >> 20) & 0xFF;
		if (f->family >= 6)
			f->model |= ((r.eax >> 16) & 0xF) << 4;
		f->vmx = r.ecx & BIT(5);
		f->x2apic = r.ecx & BIT(21);
		f->hypervisor = r.ecx & BIT(31);
	}

	ops->cpuid(0x80000000, 0, &r);
	max_ext = r.eax;
	if (max_ext >= 0x80000001 && max_ext < 0x8000FFFF) {
		ops->cpuid(0x80000001, 0, &r);
		f->svm = r.ecx & BIT(2);
		f->nx = r.edx & BIT(20);
		f->page1g = r.edx & BIT(26);
	}
	if (max_ext >= 0x80000004 && max_ext < 0x8000FFFF) {
		for (uint32_t i = 0; i < 3; i++) {
			ops->cpuid(0x80000002 + i, 0, &r);
			memcpy(f->brand + 16 * i, &r, 16);
		}
		f->brand[48] = '\0';
	}
	if (max_ext >= 0x80000007 && max_ext < 0x8000FFFF) {
		ops->cpuid(0x80000007, 0, &r);
		f->invariant_tsc = r.edx & BIT(8);
	}

	if (f->vmx)
		read_vmx(f, ops);
	if (f->svm) {
		f->svm_disabled = ops->rdmsr(MSR_VM_CR) & BIT(4);
		if (max_ext >= 0x8000000A) {
			ops->cpuid(0x8000000A, 0, &r);
			f->asids = r.ebx;
			f->npt = r.edx & BIT(0);
			f->nrips = r.edx & BIT(3);
			f->flush_by_asid = r.edx & BIT(6);
			f->decode_assists = r.edx & BIT(7);
		}
	}
}

const char *cpufeat_backend(const struct cpu_features *f, const char **why)
{
	*why = NULL;
	if (f->vmx) {
		if (f->vmx_locked_off)
			*why = "VT-x is disabled by firmware (IA32_FEATURE_CONTROL locked)";
		else if (!f->ept || !f->unrestricted)
			*why = "VT-x lacks EPT or unrestricted guest";
		else
			return "vt-x";
	}
	if (f->svm) {
		if (f->svm_disabled)
			*why = "AMD-V is disabled by firmware (VM_CR.SVMDIS)";
		else if (!f->npt)
			*why = "AMD-V lacks nested paging";
		else
			return "amd-v";
	}
	if (!*why)
		*why = "the CPU has neither VT-x nor AMD-V";
	return NULL;
}

static const char *yn(bool b)
{
	return b ? "yes" : "no";
}

void cpufeat_report(const struct cpu_features *f)
{
	const char *why, *be = cpufeat_backend(f, &why);
	const char *brand = f->brand;

	while (*brand == ' ')
		brand++;
	pr_info("cpu: %s family 0x%x model 0x%x stepping %u \"%s\"\n", f->vendor, f->family,
		f->model, f->stepping, brand);
	if (f->vmx)
		pr_info("cpu: vt-x: yes (ept %s, vpid %s, unrestricted guest %s, preemption timer "
			"%s,"
			" ept 2m/1g %s/%s, ept a/d %s%s)\n",
			yn(f->ept), yn(f->vpid), yn(f->unrestricted), yn(f->preempt_timer),
			yn(f->ept_2m), yn(f->ept_1g), yn(f->ept_ad),
			f->vmx_locked_off ? ", disabled by firmware" : "");
	else
		pr_info("cpu: vt-x: no\n");
	if (f->svm)
		pr_info("cpu: amd-v: yes (npt %s, nrips %s, decode assists %s, flush by asid %s,"
			" %u asids%s)\n",
			yn(f->npt), yn(f->nrips), yn(f->decode_assists), yn(f->flush_by_asid),
			f->asids, f->svm_disabled ? ", disabled by firmware" : "");
	else
		pr_info("cpu: amd-v: no\n");
	pr_info("cpu: x2apic %s, nx %s, 1g pages %s, invariant tsc %s, under a hypervisor %s\n",
		yn(f->x2apic), yn(f->nx), yn(f->page1g), yn(f->invariant_tsc), yn(f->hypervisor));
	if (be)
		pr_info("cpu: virtualisation backend: %s\n", be);
	else
		pr_warn("cpu: no usable virtualisation: %s\n", why);
}
