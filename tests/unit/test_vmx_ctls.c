// SPDX-License-Identifier: MIT
/*
 * VMX control selection against the capability MSRs of real CPUs and of
 * impossible ones. Sources of the real values:
 *
 *  - Skylake i7-6700K, Broadwell i7-5600U, Penryn Xeon X5482: VirtualBox's
 *    CPU database (VBoxCpuReport dumps of the real parts),
 *    github.com/VirtualBox/virtualbox src/VBox/VMM/VMMR3/cpus/
 *    Intel_Core_i7_6700K.h, Intel_Core_i7_5600U.h, Intel_Xeon_X5482_3_20GHz.h
 *    (commit 4908d8d1a85c).
 *  - KVM nested guest: the MSRs an L1 read under QEMU/KVM, dumped in
 *    github.com/lxylxy123456/uberxmhf bug_082/README.md (revision
 *    0x11e57ed0 is KVM's VMCS12 revision). Its exit controls lack "host
 *    address-space size", presumably because that L1 (XMHF's build32)
 *    had no long mode.
 *  - Bochs corei7_icelake-u, what the system tests run in: Bochs 2.7
 *    (Debian 12's bochs 2.7+dfsg-4, built with VMX=2, x86-64, PKEYS,
 *    MONITOR/MWAIT), derived from github.com/bochs-emu/Bochs tag
 *    REL_2_7_FINAL: cpu/vmcs.cc init_vmx_capabilities(), cpu/vmx.h
 *    VMX_MSR_* and the model's VMX extensions in
 *    cpu/cpudb/intel/corei7_icelake-u.cc; CR4_FIXED1 is
 *    get_cr4_allow_mask() (cpu/crregs.cc) for that model.
 *
 * No public raw dump of Ice Lake or Sapphire Rapids silicon was found; the
 * Broadwell part stands in for a second generation of real hardware.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "lib/err.h"
#include "hv/vmx/vmcs_fields.h"
#include "vmx_caps_data.h"
#include "hv/vmx/vmx_ctls.h"

static const struct vmx_caps skylake_6700k = {
	VMX_CAPS_SKYLAKE_6700K,
};

static const struct vmx_caps broadwell_5600u = {
	VMX_CAPS_BROADWELL_5600U,
};

static const struct vmx_caps bochs27_icelake = {
	VMX_CAPS_BOCHS27_ICELAKE,
};

static const struct vmx_caps kvm_nested = {
	.basic = 0x00d8100011e57ed0ull,
	.pinbased = 0x0000007f00000016ull,
	.procbased = 0xfff9fffe0401e172ull,
	.exit = 0x007ffdff00036dffull,
	.entry = 0x0000f3ff000011ffull,
	.misc = 0x0000000020000065ull,
	.cr0_fixed0 = 0x0000000080000021ull,
	.cr0_fixed1 = 0x00000000ffffffffull,
	.cr4_fixed0 = 0x0000000000002000ull,
	.cr4_fixed1 = 0x00000000001727ffull,
	.procbased2 = 0x000078ff00000000ull,
	.ept_vpid_cap = 0x00000f0106334041ull,
	.true_pinbased = 0x0000007f00000016ull,
	.true_procbased = 0xfff9fffe04006172ull,
	.true_exit = 0x007ffdff00036dfbull,
	.true_entry = 0x0000f3ff000011fbull,
};

static const struct vmx_caps penryn_x5482 = {
	.basic = 0x5a08000000000dull, /* bit 55 clear: no TRUE_* MSRs */
	.pinbased = 0x3f00000016ull,
	.procbased = 0xf7f9fffe0401e172ull,
	.exit = 0x3ffff00036dffull,
	.entry = 0x3fff000011ffull,
	.misc = 0x403c0ull,
	.cr0_fixed0 = 0x80000021ull,
	.cr0_fixed1 = 0xffffffffull,
	.cr4_fixed0 = 0x2000ull,
	.cr4_fixed1 = 0x27ffull,
	.procbased2 = 0x4100000000ull, /* no EPT, no unrestricted guest */
};

/* What vfvisor runs with wherever all it asks for is offered:
 *   pin   NMI exiting, virtual NMIs, preemption timer, default1 bits 1,2,4
 *   proc  MWAIT, I/O bitmaps, MSR bitmaps, MONITOR, secondary, default1 bits
 *   proc2 EPT, RDTSCP, VPID, unrestricted guest, INVPCID
 *   exit  save debug, 64-bit host, save/load PAT and EFER, default1 bits
 *   entry load debug, IA-32e guest, load PAT and EFER, default1 bits */
#define FULL_PIN   0x0000007Eu
#define FULL_PROC  0xB6006572u
#define FULL_PROC2 0x000010AAu
#define FULL_EXIT  0x003F6FFFu
#define FULL_ENTRY 0x0000D3FFu

static void assert_full(const struct vmx_caps *caps)
{
	struct vmx_ctls c;
	char why[128];

	assert_int_equal(vmx_ctls_choose(caps, &c, why, sizeof(why)), 0);
	assert_string_equal(why, "");
	assert_int_equal(c.pin, FULL_PIN);
	assert_int_equal(c.proc, FULL_PROC);
	assert_int_equal(c.proc2, FULL_PROC2);
	assert_int_equal(c.exit, FULL_EXIT);
	assert_int_equal(c.entry, FULL_ENTRY);
}

static void assert_refused(const struct vmx_caps *caps, const char *msg)
{
	struct vmx_ctls c;
	char why[128];

	assert_int_equal(vmx_ctls_choose(caps, &c, why, sizeof(why)), -ENOTSUP);
	assert_string_equal(why, msg);
	assert_int_equal(c.pin | c.proc | c.proc2 | c.exit | c.entry, 0);
}

static void test_compute(void **state)
{
	uint32_t out, missing;

	(void)state;
	/* allowed-0 bits come through whatever is asked */
	assert_int_equal(vmx_ctl_compute(0x7f00000016ull, 0, 0, &out, &missing), 0);
	assert_int_equal(out, 0x16);
	assert_int_equal(missing, 0);
	/* wanted bits only where allowed-1 */
	assert_int_equal(vmx_ctl_compute(0x3f00000016ull, 0x8, 0x60, &out, &missing), 0);
	assert_int_equal(out, 0x3e);
	/* required bits not allowed: refused, all of them named */
	assert_int_equal(vmx_ctl_compute(0x3f00000016ull, 0xc8, 0, &out, &missing), -ENOTSUP);
	assert_int_equal(missing, 0xc0);
	/* a bit forced both on and off */
	assert_int_equal(vmx_ctl_compute(0x0000000e00000016ull, 0, 0, &out, &missing), -EINVAL);
	assert_int_equal(missing, 0x10);
}

static void test_skylake(void **state)
{
	(void)state;
	assert_full(&skylake_6700k);
}

static void test_broadwell(void **state)
{
	(void)state;
	assert_full(&broadwell_5600u);
}

static void test_bochs_icelake(void **state)
{
	(void)state;
	/* Bochs offers PML, #VE, SPP, XSAVES, TSC scaling...: none taken. */
	assert_full(&bochs27_icelake);
}

static void test_kvm_nested_32bit_l1(void **state)
{
	(void)state;
	assert_refused(&kvm_nested, "exit control \"host address-space size\" not supported "
				    "(IA32_VMX_TRUE_EXIT_CTLS)");
}

static void test_kvm_nested_reduced_set(void **state)
{
	struct vmx_caps c = kvm_nested;

	(void)state;
	/* The same reduced secondary set (no PML, XSAVES, TSC scaling) with a
	 * 64-bit host allowed is enough. */
	c.exit |= (uint64_t)VMX_EXIT_HOST_ADDR64 << 32;
	c.true_exit |= (uint64_t)VMX_EXIT_HOST_ADDR64 << 32;
	assert_full(&c);
}

static void test_penryn_no_true_msrs(void **state)
{
	(void)state;
	assert_refused(&penryn_x5482, "primary control \"CR3-load exiting\" forced on by "
				      "IA32_VMX_PROCBASED_CTLS");
}

static void test_true_msrs_ignored_without_bit55(void **state)
{
	struct vmx_caps c = skylake_6700k;

	(void)state;
	c.basic &= ~VMX_BASIC_TRUE_CTLS;
	assert_refused(&c, "primary control \"CR3-load exiting\" forced on by "
			   "IA32_VMX_PROCBASED_CTLS");
}

static void test_no_ept(void **state)
{
	struct vmx_caps c = skylake_6700k;

	(void)state;
	c.procbased2 &= ~((uint64_t)VMX_PROC2_EPT << 32);
	assert_refused(&c, "secondary control \"enable EPT\" not supported "
			   "(IA32_VMX_PROCBASED_CTLS2)");
}

static void test_no_unrestricted_guest(void **state)
{
	struct vmx_caps c = broadwell_5600u;

	(void)state;
	c.procbased2 &= ~((uint64_t)VMX_PROC2_UNRESTRICTED << 32);
	assert_refused(&c, "secondary control \"unrestricted guest\" not supported "
			   "(IA32_VMX_PROCBASED_CTLS2)");
}

static void test_no_msr_bitmaps(void **state)
{
	struct vmx_caps c = skylake_6700k;

	(void)state;
	c.true_procbased &= ~((uint64_t)VMX_PROC_MSR_BITMAPS << 32);
	assert_refused(&c, "primary control \"use MSR bitmaps\" not supported "
			   "(IA32_VMX_TRUE_PROCBASED_CTLS)");
}

static void test_no_secondary_controls(void **state)
{
	struct vmx_caps c = skylake_6700k;

	(void)state;
	c.true_procbased &= ~((uint64_t)VMX_PROC_SECONDARY << 32);
	c.procbased2 = 0; /* the MSR does not exist then */
	assert_refused(&c, "primary control \"activate secondary controls\" not supported "
			   "(IA32_VMX_TRUE_PROCBASED_CTLS)");
}

static void test_no_nmi_exiting(void **state)
{
	struct vmx_caps c = skylake_6700k;

	(void)state;
	c.true_pinbased &= ~((uint64_t)VMX_PIN_NMI_EXITING << 32);
	assert_refused(&c, "pin-based control \"NMI exiting\" not supported "
			   "(IA32_VMX_TRUE_PINBASED_CTLS)");
}

static void test_forced_external_interrupt_exiting(void **state)
{
	struct vmx_caps c = skylake_6700k;

	(void)state;
	c.true_pinbased |= VMX_PIN_EXT_INT_EXITING; /* allowed-0 forces it on */
	assert_refused(&c, "pin-based control \"external-interrupt exiting\" forced on by "
			   "IA32_VMX_TRUE_PINBASED_CTLS");
}

static void test_forced_hlt_exiting(void **state)
{
	struct vmx_caps c = bochs27_icelake;

	(void)state;
	c.true_procbased |= VMX_PROC_HLT_EXITING;
	assert_refused(&c, "primary control \"HLT exiting\" forced on by "
			   "IA32_VMX_TRUE_PROCBASED_CTLS");
}

static void test_forced_entry_to_smm(void **state)
{
	struct vmx_caps c = skylake_6700k;

	(void)state;
	c.true_entry |= VMX_ENTRY_SMM;
	assert_refused(&c, "entry control \"entry to SMM\" forced on by "
			   "IA32_VMX_TRUE_ENTRY_CTLS");
}

static void test_inconsistent_msr(void **state)
{
	struct vmx_caps c = skylake_6700k;

	(void)state;
	c.true_exit &= ~((uint64_t)(1u << 13) << 32); /* default1 bit 13 forced both ways */
	assert_refused(&c, "exit control bit 13 both forced on and off by "
			   "IA32_VMX_TRUE_EXIT_CTLS");
}

static void test_no_ia32e_guest(void **state)
{
	struct vmx_caps c = skylake_6700k;

	(void)state;
	c.true_entry &= ~((uint64_t)VMX_ENTRY_IA32E << 32);
	assert_refused(&c, "entry control \"IA-32e mode guest\" not supported "
			   "(IA32_VMX_TRUE_ENTRY_CTLS)");
}

static void test_optional_controls_dropped(void **state)
{
	struct vmx_caps c = skylake_6700k;
	struct vmx_ctls out;
	char why[128];

	(void)state;
	/* GCP's nested KVM offers no preemption timer (pin allowed-1 0x3f);
	 * a CPU may lack VPID: both are taken only when offered. */
	c.true_pinbased = 0x3f00000016ull;
	c.procbased2 &= ~((uint64_t)VMX_PROC2_VPID << 32);
	assert_int_equal(vmx_ctls_choose(&c, &out, why, sizeof(why)), 0);
	assert_int_equal(out.pin, FULL_PIN & ~VMX_PIN_PREEMPT_TIMER);
	assert_int_equal(out.proc2, FULL_PROC2 & ~VMX_PROC2_VPID);
	assert_int_equal(out.proc, FULL_PROC);
}

static void test_cr_fixed(void **state)
{
	const struct vmx_caps *s = &skylake_6700k, *b = &bochs27_icelake;

	(void)state;
	/* CR0: PE, NE, PG forced; with unrestricted guest only NE */
	assert_int_equal(vmx_cr_fixed(s->cr0_fixed0, s->cr0_fixed1, 0, false), 0x80000021);
	assert_int_equal(vmx_cr_fixed(s->cr0_fixed0, s->cr0_fixed1, 0, true), 0x20);
	assert_int_equal(vmx_cr_fixed(s->cr0_fixed0, s->cr0_fixed1, 0x60000010, true), 0x60000030);
	/* bits 63:32 are not allowed */
	assert_int_equal(vmx_cr_fixed(s->cr0_fixed0, s->cr0_fixed1, 1ull << 32 | 0x80000033, false),
			 0x80000033);
	/* CR4: VMXE forced; CET (23) not on Skylake, LA57 (12) not in Bochs */
	assert_int_equal(vmx_cr_fixed(s->cr4_fixed0, s->cr4_fixed1, 0x8006f0, false), 0x26f0);
	assert_int_equal(vmx_cr_fixed(b->cr4_fixed0, b->cr4_fixed1, 0x4016f0, false), 0x4026f0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compute),
		cmocka_unit_test(test_skylake),
		cmocka_unit_test(test_broadwell),
		cmocka_unit_test(test_bochs_icelake),
		cmocka_unit_test(test_kvm_nested_32bit_l1),
		cmocka_unit_test(test_kvm_nested_reduced_set),
		cmocka_unit_test(test_penryn_no_true_msrs),
		cmocka_unit_test(test_true_msrs_ignored_without_bit55),
		cmocka_unit_test(test_no_ept),
		cmocka_unit_test(test_no_unrestricted_guest),
		cmocka_unit_test(test_no_msr_bitmaps),
		cmocka_unit_test(test_no_secondary_controls),
		cmocka_unit_test(test_no_nmi_exiting),
		cmocka_unit_test(test_forced_external_interrupt_exiting),
		cmocka_unit_test(test_forced_hlt_exiting),
		cmocka_unit_test(test_forced_entry_to_smm),
		cmocka_unit_test(test_inconsistent_msr),
		cmocka_unit_test(test_no_ia32e_guest),
		cmocka_unit_test(test_optional_controls_dropped),
		cmocka_unit_test(test_cr_fixed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
