// SPDX-License-Identifier: MIT
/* CPU feature decoding against CPUID/MSR values of real and impossible CPUs.
 * The fake refuses MSRs a profile does not have, as the CPU would (#GP). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "hv/core/cpufeat.h"
#include "fake_printk.h"

struct leaf {
	uint32_t leaf;
	struct cpuid_regs r;
};
struct msr {
	uint32_t msr;
	uint64_t v;
};
struct profile {
	const struct leaf *leaves;
	const struct msr *msrs;
};
static const struct profile *cur;

static void fake_cpuid(uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
	(void)sub;
	memset(r, 0, sizeof(*r));
	for (const struct leaf *l = cur->leaves; l->leaf || l->r.eax; l++)
		if (l->leaf == leaf) {
			*r = l->r;
			return;
		}
}

static uint64_t fake_rdmsr(uint32_t msr)
{
	for (const struct msr *m = cur->msrs; m && m->msr; m++)
		if (m->msr == msr)
			return m->v;
	fail_msg("rdmsr(0x%x): this CPU has no such MSR", msr);
	return 0;
}

static const struct cpufeat_ops ops = {fake_cpuid, fake_rdmsr};

/* "AuthenticAMD": ebx "Auth", edx "enti", ecx "cAMD" */
#define AMD_VENDOR                                       \
	{                                                \
		0x10, 0x68747541, 0x444d4163, 0x69746e65 \
	}
#define INTEL_VENDOR                                     \
	{                                                \
		0x1b, 0x756e6547, 0x6c65746e, 0x49656e69 \
	}

/* QEMU TCG -cpu max as measured: AMD-V with NPT, NRIPS, x2APIC. */
static const struct leaf qemu_max[] = {
	{0, AMD_VENDOR},
	{1, {0x000806f8, 0, (1u << 21) | (1u << 31), 0}},
	{0x80000000, {0x8000000a, 0, 0, 0}},
	{0x80000001, {0, 0, 1u << 2, (1u << 20) | (1u << 26)}},
	{0x8000000a, {1, 16, 0, (1u << 0) | (1u << 3)}},
	{0, {0, 0, 0, 0}},
};
static const struct msr qemu_max_msrs[] = {{MSR_VM_CR, 0}, {0, 0}};

/* An Ice Lake client: VT-x with EPT, VPID, unrestricted guest. */
static const struct leaf icelake[] = {
	{0, INTEL_VENDOR},
	{1, {0x000706e5, 0, (1u << 5) | (1u << 21), 0}},
	{0x80000000, {0x80000008, 0, 0, 0}},
	{0x80000001, {0, 0, 0, (1u << 20) | (1u << 26)}},
	{0, {0, 0, 0, 0}},
};
static const struct msr icelake_msrs[] = {
	{MSR_FEATURE_CONTROL, 0x5},
	{MSR_VMX_BASIC, 0x00da040000000004ull},
	{MSR_VMX_TRUE_PINBASED, 0x000000ff00000016ull},
	{MSR_VMX_PROCBASED, 0xfff9fffe0401e172ull},
	{MSR_VMX_PROCBASED2, 0x0053ffbf00000000ull},
	{MSR_VMX_EPT_VPID, 0x00000f0106734141ull},
	{0, 0},
};
static const struct msr locked_off_msrs[] = {
	{MSR_FEATURE_CONTROL, 0x1},
	{MSR_VMX_BASIC, 0x00da040000000004ull},
	{MSR_VMX_TRUE_PINBASED, 0x000000ff00000016ull},
	{MSR_VMX_PROCBASED, 0xfff9fffe0401e172ull},
	{MSR_VMX_PROCBASED2, 0x0053ffbf00000000ull},
	{MSR_VMX_EPT_VPID, 0x00000f0106734141ull},
	{0, 0},
};
/* An old VT-x CPU: no secondary controls, so no EPT (and no EPT MSR). */
static const struct msr old_vmx_msrs[] = {
	{MSR_FEATURE_CONTROL, 0x5},
	{MSR_VMX_BASIC, 0x0000000000000004ull},
	{MSR_VMX_PINBASED, 0x0000003f00000016ull},
	{MSR_VMX_PROCBASED, 0x7ff9fffe0401e172ull},
	{0, 0},
};
static const struct msr svm_off_msrs[] = {{MSR_VM_CR, 1u << 4}, {0, 0}};
static const struct leaf plain[] = {
	{0, INTEL_VENDOR},
	{1, {0x000306a9, 0, 0, 0}},
	{0x80000000, {0x80000008, 0, 0, 0}},
	{0, {0, 0, 0, 0}},
};

static void read_profile(const struct leaf *l, const struct msr *m, struct cpu_features *f)
{
	static struct profile p;

	p.leaves = l;
	p.msrs = m;
	cur = &p;
	printk_reset();
	cpufeat_read(f, &ops);
}

static void test_qemu_tcg_max(void **state)
{
	struct cpu_features f;
	const char *why;

	(void)state;
	read_profile(qemu_max, qemu_max_msrs, &f);
	assert_string_equal(f.vendor, "AuthenticAMD");
	assert_true(f.svm && f.npt && f.nrips);
	assert_false(f.decode_assists);
	assert_false(f.svm_disabled);
	assert_int_equal(f.asids, 16);
	assert_false(f.vmx);
	assert_true(f.x2apic && f.nx && f.page1g && f.hypervisor);
	assert_int_equal(f.family, 6);
	assert_int_equal(f.model, 0x8f);
	assert_string_equal(cpufeat_backend(&f, &why), "amd-v");
	cpufeat_report(&f);
	assert_true(printk_saw("cpu: amd-v: yes (npt yes, nrips yes, decode assists no"));
	assert_true(printk_saw("cpu: virtualisation backend: amd-v"));
}

static void test_icelake(void **state)
{
	struct cpu_features f;
	const char *why;

	(void)state;
	read_profile(icelake, icelake_msrs, &f);
	assert_string_equal(f.vendor, "GenuineIntel");
	assert_true(f.vmx && f.vmx_true_ctls && f.vmx_secondary);
	assert_true(f.ept && f.vpid && f.unrestricted && f.preempt_timer);
	assert_true(f.ept_4level && f.ept_wb && f.ept_2m && f.ept_1g && f.ept_ad);
	assert_false(f.vmx_locked_off);
	assert_false(f.svm);
	assert_int_equal(f.model, 0x7e);
	assert_string_equal(cpufeat_backend(&f, &why), "vt-x");
}

static void test_vmx_locked_off(void **state)
{
	struct cpu_features f;
	const char *why;

	(void)state;
	read_profile(icelake, locked_off_msrs, &f);
	assert_true(f.vmx_locked_off);
	assert_null(cpufeat_backend(&f, &why));
	assert_non_null(strstr(why, "disabled by firmware"));
	cpufeat_report(&f);
	assert_true(printk_saw("no usable virtualisation: VT-x is disabled by firmware"));
}

static void test_vmx_without_ept(void **state)
{
	struct cpu_features f;
	const char *why;

	(void)state;
	read_profile(icelake, old_vmx_msrs, &f); /* fake fails if EPT MSRs are read */
	assert_true(f.vmx);
	assert_false(f.vmx_secondary);
	assert_false(f.ept || f.vpid || f.unrestricted);
	assert_null(cpufeat_backend(&f, &why));
	assert_string_equal(why, "VT-x lacks EPT or unrestricted guest");
}

static void test_svm_disabled(void **state)
{
	struct cpu_features f;
	const char *why;

	(void)state;
	read_profile(qemu_max, svm_off_msrs, &f);
	assert_true(f.svm && f.svm_disabled);
	assert_null(cpufeat_backend(&f, &why));
	assert_string_equal(why, "AMD-V is disabled by firmware (VM_CR.SVMDIS)");
}

/* QEMU TCG as measured on 10.0: NPT but no next-RIP save. The backend must
 * still be chosen (it decodes instruction lengths itself then). */
static const struct leaf tcg_no_nrips[] = {
	{0, AMD_VENDOR},
	{1, {0x00000663, 0, 1u << 21, 0}},
	{0x80000000, {0x8000000a, 0, 0, 0}},
	{0x80000001, {0, 0, 1u << 2, 1u << 20}},
	{0x8000000a, {1, 16, 0, 1u << 0}},
	{0, {0, 0, 0, 0}},
};
static const struct leaf svm_no_npt[] = {
	{0, AMD_VENDOR},
	{1, {0x00000663, 0, 0, 0}},
	{0x80000000, {0x8000000a, 0, 0, 0}},
	{0x80000001, {0, 0, 1u << 2, 0}},
	{0x8000000a, {1, 16, 0, 1u << 3}},
	{0, {0, 0, 0, 0}},
};

static void test_svm_nrips_optional_npt_required(void **state)
{
	struct cpu_features f;
	const char *why;

	(void)state;
	read_profile(tcg_no_nrips, qemu_max_msrs, &f);
	assert_true(f.npt);
	assert_false(f.nrips);
	assert_string_equal(cpufeat_backend(&f, &why), "amd-v");
	read_profile(svm_no_npt, qemu_max_msrs, &f);
	assert_null(cpufeat_backend(&f, &why));
	assert_string_equal(why, "AMD-V lacks nested paging");
}

static void test_no_virtualisation(void **state)
{
	struct cpu_features f;
	const char *why;

	(void)state;
	read_profile(plain, NULL, &f); /* no MSR may be read at all */
	assert_false(f.vmx || f.svm || f.x2apic);
	assert_null(cpufeat_backend(&f, &why));
	assert_string_equal(why, "the CPU has neither VT-x nor AMD-V");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_tcg_max),
		cmocka_unit_test(test_icelake),
		cmocka_unit_test(test_vmx_locked_off),
		cmocka_unit_test(test_vmx_without_ept),
		cmocka_unit_test(test_svm_disabled),
		cmocka_unit_test(test_no_virtualisation),
		cmocka_unit_test(test_svm_nrips_optional_npt_required),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
