// SPDX-License-Identifier: MIT
/*
 * The VM-entry checker: a valid 64-bit Linux entry state (boot protocol:
 * long mode, flat __BOOT_CS 0x10 / __BOOT_DS 0x18, paging on) with the
 * controls vmx_ctls_choose() picks passes on every CPU it accepts, and each
 * check fails on one mutation with a message naming it. Capability values
 * are the Skylake i7-6700K set of test_vmx_ctls.c (VirtualBox CPU database)
 * unless a case swaps them, with a 39-bit physical and 48-bit linear width.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "lib/err.h"
#include "hv/vmx/vmcs_fields.h"
#include "hv/vmx/vmentry_check.h"
#include "vmx_caps_data.h"
#include "hv/vmx/vmx_ctls.h"

static const struct vmx_caps skylake = {
	VMX_CAPS_SKYLAKE_6700K,
	.phys_bits = 39,
	.lin_bits = 48,
};

/* Broadwell i7-5600U (VirtualBox CPU database). */
static const struct vmx_caps broadwell = {
	VMX_CAPS_BROADWELL_5600U,
	.phys_bits = 39,
	.lin_bits = 48,
};

/* Bochs 2.7 corei7_icelake-u (derived in test_vmx_ctls.c). */
static const struct vmx_caps bochs_icelake = {
	VMX_CAPS_BOCHS27_ICELAKE,
	.phys_bits = 40,
	.lin_bits = 48,
};

/* The KVM nested set (uberxmhf bug_082) with "host address-space size"
 * allowed, as a 64-bit L1 would need it. */
static const struct vmx_caps kvm_nested64 = {
	.basic = 0x00d8100011e57ed0ull,
	.pinbased = 0x0000007f00000016ull,
	.procbased = 0xfff9fffe0401e172ull,
	.exit = 0x007fffff00036dffull,
	.entry = 0x0000f3ff000011ffull,
	.misc = 0x0000000020000065ull,
	.cr0_fixed0 = 0x80000021ull,
	.cr0_fixed1 = 0xffffffffull,
	.cr4_fixed0 = 0x2000ull,
	.cr4_fixed1 = 0x1727ffull,
	.procbased2 = 0x000078ff00000000ull,
	.ept_vpid_cap = 0x00000f0106334041ull,
	.true_pinbased = 0x0000007f00000016ull,
	.true_procbased = 0xfff9fffe04006172ull,
	.true_exit = 0x007fffff00036dfbull,
	.true_entry = 0x0000f3ff000011fbull,
	.phys_bits = 40,
	.lin_bits = 48,
};

static struct vmx_caps caps;
static struct vmcs_image img;

#define PAT_LINUX   0x0007040600070406ull /* WB WT UC- UC, twice */
#define AR_CODE64   0xA09Bu		  /* type 11, S, P, L, G */
#define AR_DATA	    0xC093u		  /* type 3, S, P, D/B, G */
#define AR_TSS64    0x008Bu		  /* busy 64-bit TSS, P */
#define AR_UNUSABLE 0x10000u

static void set(uint32_t enc, uint64_t val)
{
	assert_int_equal(vmcs_image_set(&img, enc, val), 0);
}

static uint64_t get(uint32_t enc)
{
	return vmcs_image_get(&img, enc);
}

static void seg(int i, uint32_t sel, uint64_t base, uint32_t limit, uint32_t ar)
{
	set(VMCS_GUEST_ES_SEL + 2 * i, sel);
	set(VMCS_GUEST_ES_BASE + 2 * i, base);
	set(VMCS_GUEST_ES_LIMIT + 2 * i, limit);
	set(VMCS_GUEST_ES_AR + 2 * i, ar);
}

enum { ES, CS, SS, DS, FS, GS, LDTR, TR };

/* A vCPU about to run Linux's startup_64 under vfvisor. */
static void baseline(const struct vmx_caps *k)
{
	struct vmx_ctls ctl;
	char why[128];

	caps = *k;
	assert_int_equal(vmx_ctls_choose(&caps, &ctl, why, sizeof(why)), 0);
	vmcs_image_init(&img);
	set(VMCS_PIN_CTLS, ctl.pin);
	set(VMCS_PROC_CTLS, ctl.proc);
	set(VMCS_PROC_CTLS2, ctl.proc2);
	set(VMCS_EXIT_CTLS, ctl.exit);
	set(VMCS_ENTRY_CTLS, ctl.entry);
	set(VMCS_VPID, 1);
	set(VMCS_IO_BITMAP_A, 0x7000);
	set(VMCS_IO_BITMAP_B, 0x8000);
	set(VMCS_MSR_BITMAP, 0x6000);
	set(VMCS_EPT_POINTER, 0x5000 | VMX_EPTP_MT_WB | VMX_EPTP_WALK4);
	set(VMCS_CR3_TARGET_COUNT, 0);
	set(VMCS_ENTRY_INTR_INFO, 0);

	/* host: vfvisor in long mode */
	set(VMCS_HOST_CR0, 0x80050033); /* PG AM WP NE ET MP PE */
	set(VMCS_HOST_CR3, 0x101000);
	set(VMCS_HOST_CR4, 0x26A0); /* VMXE OSXMMEXCPT OSFXSR PGE PAE */
	set(VMCS_HOST_CS_SEL, 0x08);
	set(VMCS_HOST_SS_SEL, 0x10);
	set(VMCS_HOST_DS_SEL, 0);
	set(VMCS_HOST_ES_SEL, 0);
	set(VMCS_HOST_FS_SEL, 0);
	set(VMCS_HOST_GS_SEL, 0);
	set(VMCS_HOST_TR_SEL, 0x28);
	set(VMCS_HOST_FS_BASE, 0);
	set(VMCS_HOST_GS_BASE, 0xffff800000010000ull);
	set(VMCS_HOST_TR_BASE, 0x103000);
	set(VMCS_HOST_GDTR_BASE, 0x104000);
	set(VMCS_HOST_IDTR_BASE, 0x105000);
	set(VMCS_HOST_SYSENTER_ESP, 0);
	set(VMCS_HOST_SYSENTER_EIP, 0);
	set(VMCS_HOST_RSP, 0x200000);
	set(VMCS_HOST_RIP, 0x110000);
	set(VMCS_HOST_PAT, PAT_LINUX);
	set(VMCS_HOST_EFER, 0xD01); /* NXE LMA LME SCE */

	/* guest: Linux 64-bit boot protocol */
	set(VMCS_GUEST_CR0, 0x80000031); /* PG NE ET PE */
	set(VMCS_GUEST_CR3, 0x9000);
	set(VMCS_GUEST_CR4, 0x2020); /* PAE, and VMXE which VMX operation fixes */
	set(VMCS_GUEST_EFER, 0x500); /* LMA LME */
	set(VMCS_GUEST_PAT, PAT_LINUX);
	set(VMCS_GUEST_DEBUGCTL, 0);
	set(VMCS_GUEST_DR7, 0x400);
	seg(ES, 0x18, 0, 0xFFFFFFFF, AR_DATA);
	seg(CS, 0x10, 0, 0xFFFFFFFF, AR_CODE64);
	seg(SS, 0x18, 0, 0xFFFFFFFF, AR_DATA);
	seg(DS, 0x18, 0, 0xFFFFFFFF, AR_DATA);
	seg(FS, 0, 0, 0, AR_UNUSABLE);
	seg(GS, 0, 0, 0, AR_UNUSABLE);
	seg(LDTR, 0, 0, 0, AR_UNUSABLE);
	seg(TR, 0, 0, 0x67, AR_TSS64);
	set(VMCS_GUEST_GDTR_BASE, 0x1000);
	set(VMCS_GUEST_GDTR_LIMIT, 0x2F);
	set(VMCS_GUEST_IDTR_BASE, 0);
	set(VMCS_GUEST_IDTR_LIMIT, 0);
	set(VMCS_GUEST_RIP, 0x1000000);
	set(VMCS_GUEST_RSP, 0);
	set(VMCS_GUEST_RFLAGS, 0x2);
	set(VMCS_GUEST_SYSENTER_ESP, 0);
	set(VMCS_GUEST_SYSENTER_EIP, 0);
	set(VMCS_GUEST_ACTIVITY, VMX_ACTIVITY_ACTIVE);
	set(VMCS_GUEST_INTERRUPTIBILITY, 0);
	set(VMCS_GUEST_PENDING_DBG, 0);
	set(VMCS_LINK_POINTER, ~0ull);
}

static void assert_passes(void)
{
	char why[160];
	int ret = vmentry_check(&img, &caps, why, sizeof(why));

	assert_string_equal(why, ""); /* names the check on a failure */
	assert_int_equal(ret, 0);
}

/* ---- a failing mutation per check ------------------------------------ */

struct fset {
	char op; /* '=' set, '|' or in, '~' clear bits; 0 ends */
	uint32_t enc;
	uint64_t val;
};

struct mutation {
	const char *name, *expect;
	struct fset f[4];
	void (*fn)(void); /* after the field changes */
};

#define SET(e, v)         \
	{                 \
		'=', e, v \
	}
#define OR(e, v)          \
	{                 \
		'|', e, v \
	}
#define CLR(e, v)         \
	{                 \
		'~', e, v \
	}

/* Changes that are not a field or two. */
static void no_true_msrs(void)
{
	caps.basic &= ~VMX_BASIC_TRUE_CTLS;
}

static void no_ept_ad(void)
{
	caps.ept_vpid_cap &= ~VMX_EPT_CAP_AD;
}

static void no_sipi_state(void)
{
	caps.misc &= ~VMX_MISC_ACTIVITY_SIPI;
}

static void not_ia32e(void)
{
	set(VMCS_ENTRY_CTLS, get(VMCS_ENTRY_CTLS) & ~VMX_ENTRY_IA32E);
	set(VMCS_GUEST_EFER, 0);
}

/* Virtual-8086 segments (base = selector << 4, limit 0xFFFF, AR 0xF3). */
static void v86_segs(void)
{
	static const uint32_t sel[] = {0x1000, 0x2000, 0x3000, 0x4000, 0x5000, 0x6000};

	for (int i = ES; i <= GS; i++)
		seg(i, sel[i], (uint64_t)sel[i] << 4, 0xFFFF, 0xF3);
	set(VMCS_GUEST_RFLAGS, 0x20002);
}

static void v86(void)
{
	not_ia32e();
	v86_segs();
}

static void v86_bad_es_base(void)
{
	v86();
	set(VMCS_GUEST_ES_BASE, 0x10010);
}

static void v86_bad_ds_limit(void)
{
	v86();
	set(VMCS_GUEST_DS_LIMIT, 0xFFFFF);
}

static void v86_bad_fs_ar(void)
{
	v86();
	set(VMCS_GUEST_FS_AR, 0xF2);
}

/* Linux's AP trampoline entry: real mode at vector:0000 under unrestricted
 * guest (what vcpu_state_sipi describes). */
static void real_mode(void)
{
	not_ia32e();
	set(VMCS_GUEST_CR0, 0x30); /* NE ET */
	set(VMCS_GUEST_CR4, 0x2000);
	set(VMCS_GUEST_CR3, 0);
	seg(CS, 0x9A00, 0x9A000, 0xFFFF, 0x9B);
	for (int i = ES; i <= GS; i++)
		if (i != CS)
			seg(i, 0, 0, 0xFFFF, 0x93);
	seg(TR, 0, 0, 0xFFFF, AR_TSS64);
	set(VMCS_GUEST_GDTR_LIMIT, 0xFFFF);
	set(VMCS_GUEST_IDTR_LIMIT, 0xFFFF);
	set(VMCS_GUEST_RIP, 0);
}

static void no_ug(void)
{
	set(VMCS_PROC_CTLS2, get(VMCS_PROC_CTLS2) & ~VMX_PROC2_UNRESTRICTED);
}

static void ss_dpl3_cs_dpl3(void)
{
	set(VMCS_GUEST_CS_AR, AR_CODE64 | 0x60);
	set(VMCS_GUEST_SS_AR, AR_DATA | 0x60);
}

static void ss_dpl_vs_rpl(void)
{
	no_ug();
	ss_dpl3_cs_dpl3();
}

static void ss_dpl_real_mode(void)
{
	real_mode();
	set(VMCS_GUEST_CS_AR, 0xFB);
	set(VMCS_GUEST_SS_AR, 0xF3);
}

static void hlt_ss_dpl3(void)
{
	ss_dpl3_cs_dpl3();
	set(VMCS_GUEST_ACTIVITY, VMX_ACTIVITY_HLT);
}

static void rflags_vm_in_ia32e(void)
{
	v86_segs();
}

static void ldtr_usable(uint32_t sel, uint32_t ar)
{
	seg(LDTR, sel, 0x2000, 0xFFFF, ar);
}

static void ldtr_ti(void)
{
	ldtr_usable(0x0C, 0x82);
}

static void ldtr_bad_base(void)
{
	ldtr_usable(0x08, 0x82);
	set(VMCS_GUEST_LDTR_BASE, 0x0000800000000000ull);
}

static void ldtr_type3(void)
{
	ldtr_usable(0x08, 0x83);
}

static void ldtr_not_present(void)
{
	ldtr_usable(0x08, 0x02);
}

static void cs_32bit(void)
{
	set(VMCS_GUEST_CS_AR, 0xC09B);
	set(VMCS_GUEST_RIP, 1ull << 32);
}

#define INJ(type, vec) (VMX_INTR_INFO_VALID | (type) << 8 | (vec))

static const struct mutation mutations[] = {
	/* 27.2.1.1 VM-execution controls */
	{.name = "pin_reserved_1",
	 .expect = "pin-based controls: bit 1 must be 1 (IA32_VMX_TRUE_PINBASED_CTLS)",
	 .f = {CLR(VMCS_PIN_CTLS, 1u << 1)}},
	{.name = "pin_reserved_0",
	 .expect = "pin-based controls: bit 7 must be 0 (IA32_VMX_TRUE_PINBASED_CTLS)",
	 .f = {OR(VMCS_PIN_CTLS, VMX_PIN_POSTED_INTR)}},
	{.name = "proc_reserved_1",
	 .expect = "primary controls: bit 26 must be 1 (IA32_VMX_TRUE_PROCBASED_CTLS)",
	 .f = {CLR(VMCS_PROC_CTLS, 1u << 26)}},
	{.name = "proc_reserved_0",
	 .expect = "primary controls: bit 17 must be 0 (IA32_VMX_TRUE_PROCBASED_CTLS)",
	 .f = {OR(VMCS_PROC_CTLS, VMX_PROC_TERTIARY)}},
	{.name = "proc_no_true_msrs",
	 .expect = "primary controls: bit 15 must be 1 (IA32_VMX_PROCBASED_CTLS)",
	 .fn = no_true_msrs},
	{.name = "proc2_reserved_0",
	 .expect = "secondary controls: bit 25 must be 0 (IA32_VMX_PROCBASED_CTLS2)",
	 .f = {OR(VMCS_PROC_CTLS2, VMX_PROC2_TSC_SCALING)}},
	{.name = "exit_reserved_1",
	 .expect = "exit controls: bit 0 must be 1 (IA32_VMX_TRUE_EXIT_CTLS)",
	 .f = {CLR(VMCS_EXIT_CTLS, 1u << 0)}},
	{.name = "exit_reserved_0",
	 .expect = "exit controls: bit 25 must be 0 (IA32_VMX_TRUE_EXIT_CTLS)",
	 .f = {OR(VMCS_EXIT_CTLS, 1u << 25)}},
	{.name = "entry_reserved_1",
	 .expect = "entry controls: bit 12 must be 1 (IA32_VMX_TRUE_ENTRY_CTLS)",
	 .f = {CLR(VMCS_ENTRY_CTLS, 1u << 12)}},
	{.name = "entry_reserved_0",
	 .expect = "entry controls: bit 18 must be 0 (IA32_VMX_TRUE_ENTRY_CTLS)",
	 .f = {OR(VMCS_ENTRY_CTLS, 1u << 18)}},
	{.name = "cr3_target_count",
	 .expect = "CR3-target count 5 above 4",
	 .f = {SET(VMCS_CR3_TARGET_COUNT, 5)}},
	{.name = "io_bitmap_a_align",
	 .expect = "I/O bitmap A address 0x7008 not 4K-aligned",
	 .f = {SET(VMCS_IO_BITMAP_A, 0x7008)}},
	{.name = "io_bitmap_b_width",
	 .expect = "I/O bitmap B address 0x8000008000 beyond physical-address width",
	 .f = {SET(VMCS_IO_BITMAP_B, 0x8000008000ull)}},
	{.name = "msr_bitmap_align",
	 .expect = "MSR bitmap address 0x6800 not 4K-aligned",
	 .f = {SET(VMCS_MSR_BITMAP, 0x6800)}},
	{.name = "virtual_nmis_without_nmi_exiting",
	 .expect = "pin-based controls: virtual NMIs without NMI exiting",
	 .f = {CLR(VMCS_PIN_CTLS, VMX_PIN_NMI_EXITING)}},
	{.name = "nmi_window_without_virtual_nmis",
	 .expect = "primary controls: NMI-window exiting without virtual NMIs",
	 .f = {CLR(VMCS_PIN_CTLS, VMX_PIN_VIRTUAL_NMIS), OR(VMCS_PROC_CTLS, VMX_PROC_NMI_WINDOW)}},
	{.name = "vpid_zero",
	 .expect = "secondary controls: enable VPID with VPID 0",
	 .f = {SET(VMCS_VPID, 0)}},
	{.name = "eptp_memory_type",
	 .expect = "EPTP memory type 1 not supported",
	 .f = {SET(VMCS_EPT_POINTER, 0x5000 | 1 | VMX_EPTP_WALK4)}},
	{.name = "eptp_walk_length",
	 .expect = "EPTP page-walk length 5 not supported",
	 .f = {SET(VMCS_EPT_POINTER, 0x5000 | VMX_EPTP_MT_WB | VMX_EPTP_WALK5)}},
	{.name = "eptp_ad_flags",
	 .expect = "EPTP accessed/dirty flags not supported",
	 .f = {OR(VMCS_EPT_POINTER, VMX_EPTP_AD)},
	 .fn = no_ept_ad},
	{.name = "eptp_reserved",
	 .expect = "EPTP reserved bits 11:8 set",
	 .f = {OR(VMCS_EPT_POINTER, 0x100)}},
	{.name = "eptp_width",
	 .expect = "EPTP beyond physical-address width",
	 .f = {OR(VMCS_EPT_POINTER, 1ull << 39)}},
	{.name = "unrestricted_without_ept",
	 .expect = "secondary controls: unrestricted guest without enable EPT",
	 .f = {CLR(VMCS_PROC_CTLS2, VMX_PROC2_EPT)}},
	/* 27.2.1.2 VM-exit controls */
	{.name = "save_preempt_without_timer",
	 .expect = "exit controls: save VMX-preemption timer value without the timer",
	 .f = {CLR(VMCS_PIN_CTLS, VMX_PIN_PREEMPT_TIMER),
	       OR(VMCS_EXIT_CTLS, VMX_EXIT_SAVE_PREEMPT)}},
	{.name = "exit_msr_store_align",
	 .expect = "VM-exit MSR-store address not 16-byte aligned",
	 .f = {SET(VMCS_EXIT_MSR_STORE_COUNT, 1), SET(VMCS_EXIT_MSR_STORE_ADDR, 0x9008)}},
	/* 27.2.1.3 VM-entry controls */
	{.name = "entry_msr_load_width",
	 .expect = "VM-entry MSR-load beyond physical-address width",
	 .f = {SET(VMCS_ENTRY_MSR_LOAD_COUNT, 2), SET(VMCS_ENTRY_MSR_LOAD_ADDR, 0x7FFFFFFFF0ull)}},
	{.name = "inject_type_1",
	 .expect = "entry: interruption type 1 is reserved",
	 .f = {SET(VMCS_ENTRY_INTR_INFO, INJ(1, 0x20))}},
	{.name = "inject_nmi_vector",
	 .expect = "entry: NMI injection with vector 3",
	 .f = {SET(VMCS_ENTRY_INTR_INFO, INJ(VMX_INTR_TYPE_NMI, 3))}},
	{.name = "inject_exception_vector",
	 .expect = "entry: hardware exception vector 32 above 31",
	 .f = {SET(VMCS_ENTRY_INTR_INFO, INJ(VMX_INTR_TYPE_HW_EXC, 32))}},
	{.name = "inject_error_code_not_pushed",
	 .expect = "entry: error code with an event that has none",
	 .f = {SET(VMCS_ENTRY_INTR_INFO, INJ(VMX_INTR_TYPE_HW_EXC, 6) | VMX_INTR_INFO_ERR_CODE)}},
	{.name = "inject_error_code_missing",
	 .expect = "entry: exception 13 injected without its error code",
	 .f = {SET(VMCS_ENTRY_INTR_INFO, INJ(VMX_INTR_TYPE_HW_EXC, 13))}},
	{.name = "inject_reserved",
	 .expect = "entry: interruption-information bits 30:12 set",
	 .f = {SET(VMCS_ENTRY_INTR_INFO,
		   INJ(VMX_INTR_TYPE_HW_EXC, 14) | VMX_INTR_INFO_ERR_CODE | 1u << 12)}},
	{.name = "inject_insn_length",
	 .expect = "entry: instruction length 16 above 15",
	 .f = {SET(VMCS_ENTRY_INTR_INFO, INJ(VMX_INTR_TYPE_SW_INT, 0x80)),
	       SET(VMCS_ENTRY_INSN_LEN, 16)}},
	{.name = "entry_to_smm",
	 .expect = "entry: entry to SMM outside SMM",
	 .f = {OR(VMCS_ENTRY_CTLS, VMX_ENTRY_SMM)}},
	{.name = "entry_deactivate_dual",
	 .expect = "entry: deactivate dual-monitor treatment outside SMM",
	 .f = {OR(VMCS_ENTRY_CTLS, VMX_ENTRY_DEACT_DUAL)}},
	/* 27.2.2 host control registers and MSRs */
	{.name = "host_cr0_fixed0",
	 .expect = "host CR0: bit 5 must be 1",
	 .f = {SET(VMCS_HOST_CR0, 0x80050013)}},
	{.name = "host_cr4_fixed0",
	 .expect = "host CR4: bit 13 must be 1",
	 .f = {SET(VMCS_HOST_CR4, 0x06A0)}},
	{.name = "host_cr4_fixed1",
	 .expect = "host CR4: bit 23 must be 0",
	 .f = {OR(VMCS_HOST_CR4, 1u << 23)}},
	{.name = "host_cr3_width",
	 .expect = "host CR3 beyond physical-address width",
	 .f = {SET(VMCS_HOST_CR3, 1ull << 40)}},
	{.name = "host_sysenter_eip",
	 .expect = "host IA32_SYSENTER_EIP not canonical",
	 .f = {SET(VMCS_HOST_SYSENTER_EIP, 0x0000800000000000ull)}},
	{.name = "host_pat",
	 .expect = "host IA32_PAT entry 2 not a valid memory type",
	 .f = {SET(VMCS_HOST_PAT, 0x0007040600020406ull)}},
	{.name = "host_efer_reserved",
	 .expect = "host IA32_EFER reserved bits set",
	 .f = {OR(VMCS_HOST_EFER, 1u << 12)}},
	{.name = "host_efer_lma",
	 .expect = "host IA32_EFER.LMA differs from host address-space size",
	 .f = {SET(VMCS_HOST_EFER, 0x901)}},
	/* 27.2.3 host segment and descriptor-table registers */
	{.name = "host_ds_rpl",
	 .expect = "host DS selector RPL/TI not 0",
	 .f = {SET(VMCS_HOST_DS_SEL, 0x13)}},
	{.name = "host_tr_ti",
	 .expect = "host TR selector RPL/TI not 0",
	 .f = {SET(VMCS_HOST_TR_SEL, 0x2C)}},
	{.name = "host_cs_zero",
	 .expect = "host CS selector is 0",
	 .f = {SET(VMCS_HOST_CS_SEL, 0)}},
	{.name = "host_tr_zero",
	 .expect = "host TR selector is 0",
	 .f = {SET(VMCS_HOST_TR_SEL, 0)}},
	{.name = "host_gs_base",
	 .expect = "host GS base not canonical",
	 .f = {SET(VMCS_HOST_GS_BASE, 0x0000800000000000ull)}},
	{.name = "host_gdtr_base",
	 .expect = "host GDTR base not canonical",
	 .f = {SET(VMCS_HOST_GDTR_BASE, 0xfff0000000000000ull)}},
	/* 27.2.4 address-space size */
	{.name = "host_32bit",
	 .expect = "exit controls: host address-space size is 0 on a 64-bit host",
	 .f = {CLR(VMCS_EXIT_CTLS, VMX_EXIT_HOST_ADDR64 | VMX_EXIT_LOAD_EFER)}},
	{.name = "host_cr4_pae",
	 .expect = "host CR4.PAE is 0 with a 64-bit host",
	 .f = {SET(VMCS_HOST_CR4, 0x2680)}},
	{.name = "host_rip",
	 .expect = "host RIP not canonical",
	 .f = {SET(VMCS_HOST_RIP, 0xffff7fffffff0000ull)}},
	/* 27.3.1.1 guest control registers, debug registers and MSRs */
	{.name = "guest_cr0_fixed0",
	 .expect = "guest CR0: bit 5 must be 1",
	 .f = {SET(VMCS_GUEST_CR0, 0x80000011)}},
	{.name = "guest_cr0_pg_without_pe",
	 .expect = "guest CR0: PG set without PE",
	 .f = {SET(VMCS_GUEST_CR0, 0x80000030)}},
	{.name = "guest_cr0_pe_without_ug",
	 .expect = "guest CR0: bit 0 must be 1",
	 .f = {SET(VMCS_GUEST_CR0, 0x80000030)},
	 .fn = no_ug},
	{.name = "guest_cr0_fixed1",
	 .expect = "guest CR0: bit 32 must be 0",
	 .f = {OR(VMCS_GUEST_CR0, 1ull << 32)}},
	{.name = "guest_cr4_fixed0",
	 .expect = "guest CR4: bit 13 must be 1",
	 .f = {SET(VMCS_GUEST_CR4, 0x20)}},
	{.name = "guest_dr7",
	 .expect = "guest DR7 bits 63:32 set",
	 .f = {OR(VMCS_GUEST_DR7, 1ull << 32)}},
	{.name = "ia32e_without_pg",
	 .expect = "entry: IA-32e mode guest without guest CR0.PG",
	 .f = {SET(VMCS_GUEST_CR0, 0x31)}},
	{.name = "ia32e_without_pae",
	 .expect = "entry: IA-32e mode guest without guest CR4.PAE",
	 .f = {SET(VMCS_GUEST_CR4, 0x2000)}},
	{.name = "pcide_outside_ia32e",
	 .expect = "guest CR4.PCIDE set outside IA-32e mode",
	 .f = {OR(VMCS_GUEST_CR4, 1u << 17)},
	 .fn = not_ia32e},
	{.name = "guest_cr3_width",
	 .expect = "guest CR3 beyond physical-address width",
	 .f = {OR(VMCS_GUEST_CR3, 1ull << 39)}},
	{.name = "guest_sysenter_esp",
	 .expect = "guest IA32_SYSENTER_ESP not canonical",
	 .f = {SET(VMCS_GUEST_SYSENTER_ESP, 0x0000800000000000ull)}},
	{.name = "guest_pat",
	 .expect = "guest IA32_PAT entry 7 not a valid memory type",
	 .f = {SET(VMCS_GUEST_PAT, 0x0807040600070406ull)}},
	{.name = "guest_efer_reserved",
	 .expect = "guest IA32_EFER reserved bits set",
	 .f = {OR(VMCS_GUEST_EFER, 1u << 12)}},
	{.name = "ia32e_without_lma",
	 .expect = "entry: IA-32e mode guest without guest EFER.LMA",
	 .f = {SET(VMCS_GUEST_EFER, 0x100)}},
	{.name = "lma_without_ia32e",
	 .expect = "guest EFER.LMA set without IA-32e mode guest",
	 .f = {CLR(VMCS_ENTRY_CTLS, VMX_ENTRY_IA32E)}},
	{.name = "lma_lme_differ",
	 .expect = "guest EFER: LMA differs from LME with CR0.PG set",
	 .f = {SET(VMCS_GUEST_EFER, 0x400)}},
	/* 27.3.1.2 guest segment registers: selectors and bases */
	{.name = "tr_ti", .expect = "guest TR selector TI set", .f = {SET(VMCS_GUEST_TR_SEL, 0x4)}},
	{.name = "ldtr_ti", .expect = "guest LDTR selector TI set", .fn = ldtr_ti},
	{.name = "ss_rpl_vs_cs_rpl",
	 .expect = "guest SS selector RPL differs from CS RPL",
	 .f = {SET(VMCS_GUEST_SS_SEL, 0x1B)},
	 .fn = no_ug},
	{.name = "tr_base",
	 .expect = "guest TR base not canonical",
	 .f = {SET(VMCS_GUEST_TR_BASE, 0x0000800000000000ull)}},
	{.name = "fs_base_unusable_still_checked",
	 .expect = "guest FS base not canonical",
	 .f = {SET(VMCS_GUEST_FS_BASE, 0x0000800000000000ull)}},
	{.name = "ldtr_base", .expect = "guest LDTR base not canonical", .fn = ldtr_bad_base},
	{.name = "cs_base_high",
	 .expect = "guest CS base bits 63:32 set",
	 .f = {SET(VMCS_GUEST_CS_BASE, 1ull << 32)}},
	{.name = "ds_base_high",
	 .expect = "guest DS base bits 63:32 set",
	 .f = {SET(VMCS_GUEST_DS_BASE, 1ull << 32)}},
	/* access rights, limits */
	{.name = "cs_type_3_without_ug",
	 .expect = "guest CS: type 3 invalid",
	 .f = {SET(VMCS_GUEST_CS_AR, 0xA093)},
	 .fn = no_ug},
	{.name = "cs_type_not_accessed",
	 .expect = "guest CS: type 8 invalid",
	 .f = {SET(VMCS_GUEST_CS_AR, 0xA098)}},
	{.name = "cs_dpl_nonconforming",
	 .expect = "guest CS: DPL 3 differs from SS DPL 0 (non-conforming)",
	 .f = {SET(VMCS_GUEST_CS_AR, 0xA0FB)}},
	{.name = "cs_dpl_conforming",
	 .expect = "guest CS: DPL 3 above SS DPL 0 (conforming)",
	 .f = {SET(VMCS_GUEST_CS_AR, 0xA0FF)}},
	{.name = "cs_s", .expect = "guest CS: S clear", .f = {SET(VMCS_GUEST_CS_AR, 0xA08B)}},
	{.name = "cs_p", .expect = "guest CS: not present", .f = {SET(VMCS_GUEST_CS_AR, 0xA01B)}},
	{.name = "cs_reserved",
	 .expect = "guest CS: access-rights reserved bits set",
	 .f = {SET(VMCS_GUEST_CS_AR, 0xA19B)}},
	{.name = "cs_g_small_limit",
	 .expect = "guest CS: G set with limit 0xfffff000",
	 .f = {SET(VMCS_GUEST_CS_LIMIT, 0xFFFFF000)}},
	{.name = "cs_no_g_large_limit",
	 .expect = "guest CS: G clear with limit 0xffffffff",
	 .f = {SET(VMCS_GUEST_CS_AR, 0x209B)}},
	{.name = "cs_l_and_d",
	 .expect = "guest CS: L and D both set in IA-32e mode",
	 .f = {SET(VMCS_GUEST_CS_AR, 0xE09B)}},
	{.name = "ss_type",
	 .expect = "guest SS: type 11 invalid",
	 .f = {SET(VMCS_GUEST_SS_AR, 0xC09B)}},
	{.name = "ss_dpl_vs_rpl",
	 .expect = "guest SS: DPL 3 differs from its selector's RPL",
	 .fn = ss_dpl_vs_rpl},
	{.name = "ss_dpl_real_mode",
	 .expect = "guest SS: DPL 3 in real mode",
	 .fn = ss_dpl_real_mode},
	{.name = "ds_not_accessed",
	 .expect = "guest DS: type 2 not accessed",
	 .f = {SET(VMCS_GUEST_DS_AR, 0xC092)}},
	{.name = "es_unreadable_code",
	 .expect = "guest ES: type 9 is unreadable code",
	 .f = {SET(VMCS_GUEST_ES_AR, 0xC099)}},
	{.name = "ds_dpl_below_rpl",
	 .expect = "guest DS: DPL below its selector's RPL",
	 .f = {SET(VMCS_GUEST_DS_SEL, 0x1B)},
	 .fn = no_ug},
	{.name = "fs_s", .expect = "guest FS: S clear", .f = {SET(VMCS_GUEST_FS_AR, 0xC083)}},
	{.name = "gs_p", .expect = "guest GS: not present", .f = {SET(VMCS_GUEST_GS_AR, 0xC013)}},
	{.name = "v86_base",
	 .expect = "guest ES: base not selector << 4 in virtual-8086 mode",
	 .fn = v86_bad_es_base},
	{.name = "v86_limit",
	 .expect = "guest DS: limit not 0xFFFF in virtual-8086 mode",
	 .fn = v86_bad_ds_limit},
	{.name = "v86_ar",
	 .expect = "guest FS: access rights not 0xF3 in virtual-8086 mode",
	 .fn = v86_bad_fs_ar},
	{.name = "tr_type",
	 .expect = "guest TR: type 3 invalid",
	 .f = {SET(VMCS_GUEST_TR_AR, 0x83)}},
	{.name = "tr_unusable",
	 .expect = "guest TR: unusable",
	 .f = {SET(VMCS_GUEST_TR_AR, AR_TSS64 | AR_UNUSABLE)}},
	{.name = "tr_s",
	 .expect = "guest TR: S set on a system segment",
	 .f = {SET(VMCS_GUEST_TR_AR, 0x9B)}},
	{.name = "tr_limit_g",
	 .expect = "guest TR: G clear with limit 0x100000",
	 .f = {SET(VMCS_GUEST_TR_LIMIT, 0x100000)}},
	{.name = "ldtr_type", .expect = "guest LDTR: type 3 invalid", .fn = ldtr_type3},
	{.name = "ldtr_p", .expect = "guest LDTR: not present", .fn = ldtr_not_present},
	/* 27.3.1.3 descriptor-table registers, 27.3.1.4 RIP and RFLAGS */
	{.name = "gdtr_base",
	 .expect = "guest GDTR base not canonical",
	 .f = {SET(VMCS_GUEST_GDTR_BASE, 0x0000800000000000ull)}},
	{.name = "idtr_limit",
	 .expect = "guest IDTR limit above 0xFFFF",
	 .f = {SET(VMCS_GUEST_IDTR_LIMIT, 0x10000)}},
	{.name = "rip_high_32bit",
	 .expect = "guest RIP bits 63:32 set outside 64-bit mode",
	 .fn = cs_32bit},
	{.name = "rip_high_64bit",
	 .expect = "guest RIP bits 63:48 not all equal",
	 .f = {SET(VMCS_GUEST_RIP, 0x0001000000000000ull)}},
	{.name = "rflags_reserved",
	 .expect = "guest RFLAGS reserved bits set",
	 .f = {SET(VMCS_GUEST_RFLAGS, 0x8002)}},
	{.name = "rflags_bit1",
	 .expect = "guest RFLAGS bit 1 clear",
	 .f = {SET(VMCS_GUEST_RFLAGS, 0)}},
	{.name = "rflags_vm_ia32e",
	 .expect = "guest RFLAGS.VM set in IA-32e mode or with CR0.PE clear",
	 .fn = rflags_vm_in_ia32e},
	{.name = "rflags_if_ext_int",
	 .expect = "guest RFLAGS.IF clear with external-interrupt injection",
	 .f = {SET(VMCS_ENTRY_INTR_INFO, INJ(VMX_INTR_TYPE_EXT, 0x30))}},
	/* 27.3.1.5 non-register state */
	{.name = "activity_invalid",
	 .expect = "guest activity state 4 invalid",
	 .f = {SET(VMCS_GUEST_ACTIVITY, 4)}},
	{.name = "activity_unsupported",
	 .expect = "guest activity state 3 not supported",
	 .f = {SET(VMCS_GUEST_ACTIVITY, VMX_ACTIVITY_SIPI)},
	 .fn = no_sipi_state},
	{.name = "hlt_ss_dpl",
	 .expect = "guest activity state HLT with SS.DPL not 0",
	 .fn = hlt_ss_dpl3},
	{.name = "hlt_in_sti_shadow",
	 .expect = "guest activity state 1 with STI/MOV-SS blocking",
	 .f = {SET(VMCS_GUEST_ACTIVITY, VMX_ACTIVITY_HLT), SET(VMCS_GUEST_INTERRUPTIBILITY, 1),
	       SET(VMCS_GUEST_RFLAGS, 0x202)}},
	{.name = "hlt_inject_ud",
	 .expect = "entry: event cannot be injected in HLT state",
	 .f = {SET(VMCS_GUEST_ACTIVITY, VMX_ACTIVITY_HLT),
	       SET(VMCS_ENTRY_INTR_INFO, INJ(VMX_INTR_TYPE_HW_EXC, 6))}},
	{.name = "shutdown_inject_ext",
	 .expect = "entry: event cannot be injected in shutdown state",
	 .f = {SET(VMCS_GUEST_ACTIVITY, VMX_ACTIVITY_SHUTDOWN),
	       SET(VMCS_ENTRY_INTR_INFO, INJ(VMX_INTR_TYPE_EXT, 0x30)),
	       SET(VMCS_GUEST_RFLAGS, 0x202)}},
	{.name = "sipi_inject_nmi",
	 .expect = "entry: event injected in wait-for-SIPI state",
	 .f = {SET(VMCS_GUEST_ACTIVITY, VMX_ACTIVITY_SIPI),
	       SET(VMCS_ENTRY_INTR_INFO, INJ(VMX_INTR_TYPE_NMI, 2))}},
	{.name = "intr_reserved",
	 .expect = "guest interruptibility reserved bits set",
	 .f = {SET(VMCS_GUEST_INTERRUPTIBILITY, 1u << 5)}},
	{.name = "intr_sti_and_movss",
	 .expect = "guest interruptibility: STI and MOV-SS blocking both set",
	 .f = {SET(VMCS_GUEST_INTERRUPTIBILITY, 3), SET(VMCS_GUEST_RFLAGS, 0x202)}},
	{.name = "intr_sti_if_clear",
	 .expect = "guest interruptibility: STI blocking with RFLAGS.IF clear",
	 .f = {SET(VMCS_GUEST_INTERRUPTIBILITY, 1)}},
	{.name = "intr_movss_ext_inject",
	 .expect = "guest interruptibility: STI/MOV-SS blocking with external-interrupt injection",
	 .f = {SET(VMCS_GUEST_INTERRUPTIBILITY, 2), SET(VMCS_GUEST_RFLAGS, 0x202),
	       SET(VMCS_ENTRY_INTR_INFO, INJ(VMX_INTR_TYPE_EXT, 0x30))}},
	{.name = "intr_movss_nmi_inject",
	 .expect = "guest interruptibility: MOV-SS blocking with NMI injection",
	 .f = {SET(VMCS_GUEST_INTERRUPTIBILITY, 2),
	       SET(VMCS_ENTRY_INTR_INFO, INJ(VMX_INTR_TYPE_NMI, 2))}},
	{.name = "intr_smi",
	 .expect = "guest interruptibility: SMI blocking outside SMM",
	 .f = {SET(VMCS_GUEST_INTERRUPTIBILITY, 4)}},
	{.name = "intr_nmi_blocked_nmi_inject",
	 .expect = "guest interruptibility: NMI blocking with NMI injection",
	 .f = {SET(VMCS_GUEST_INTERRUPTIBILITY, 8),
	       SET(VMCS_ENTRY_INTR_INFO, INJ(VMX_INTR_TYPE_NMI, 2))}},
	{.name = "pending_dbg_reserved",
	 .expect = "guest pending debug exceptions reserved bits set",
	 .f = {SET(VMCS_GUEST_PENDING_DBG, 1u << 4)}},
	{.name = "pending_dbg_bs_missing",
	 .expect = "guest pending debug exceptions: BS clear with RFLAGS.TF set in an interrupt "
		   "shadow or "
		   "HLT",
	 .f = {SET(VMCS_GUEST_INTERRUPTIBILITY, 2), SET(VMCS_GUEST_RFLAGS, 0x102)}},
	{.name = "pending_dbg_bs_stray",
	 .expect = "guest pending debug exceptions: BS set without a single step",
	 .f = {SET(VMCS_GUEST_INTERRUPTIBILITY, 2), SET(VMCS_GUEST_PENDING_DBG, 1u << 14)}},
	{.name = "link_pointer",
	 .expect = "guest VMCS link pointer is not FFFFFFFF_FFFFFFFF",
	 .f = {SET(VMCS_LINK_POINTER, 0)}},
};

#define N_MUT (sizeof(mutations) / sizeof(mutations[0]))

static void apply(const struct mutation *m)
{
	for (int i = 0; i < 4 && m->f[i].op; i++) {
		uint64_t v = get(m->f[i].enc);

		switch (m->f[i].op) {
		case '=':
			v = m->f[i].val;
			break;
		case '|':
			v |= m->f[i].val;
			break;
		default:
			v &= ~m->f[i].val;
			break;
		}
		set(m->f[i].enc, v);
	}
	if (m->fn)
		m->fn();
}

static void test_mutation(void **state)
{
	const struct mutation *m = *state;
	char why[160];

	baseline(&skylake);
	assert_passes();
	apply(m);
	assert_int_equal(vmentry_check(&img, &caps, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, m->expect);
}

/* ---- states that must pass ------------------------------------------- */

static void test_baseline_real_cpus(void **state)
{
	const struct vmx_caps *all[] = {&skylake, &broadwell, &bochs_icelake, &kvm_nested64};

	(void)state;
	for (unsigned int i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		baseline(all[i]);
		assert_passes();
	}
}

static void test_real_mode_ap_passes(void **state)
{
	(void)state;
	baseline(&bochs_icelake);
	real_mode();
	assert_passes();
}

static void test_v86_passes(void **state)
{
	(void)state;
	baseline(&skylake);
	v86();
	assert_passes();
}

static void test_secondary_ignored_when_off(void **state)
{
	(void)state;
	baseline(&skylake);
	/* garbage in the secondary word does not count while it is off */
	set(VMCS_PROC_CTLS, get(VMCS_PROC_CTLS) & ~VMX_PROC_SECONDARY);
	set(VMCS_PROC_CTLS2, 0xFFFFFFFF);
	set(VMCS_VPID, 0);
	assert_passes();
}

static void test_allowed_variants_pass(void **state)
{
	(void)state;
	baseline(&skylake);
	/* UC paging structures and A/D flags are offered by Skylake */
	set(VMCS_EPT_POINTER, 0x5000 | VMX_EPTP_MT_UC | VMX_EPTP_WALK4 | VMX_EPTP_AD);
	/* bits 63:48 equal though bit 47 differs: VM entry allows it */
	set(VMCS_GUEST_RIP, 0x0000800000000000ull);
	/* #PF with its error code, into an interruptible guest */
	set(VMCS_ENTRY_INTR_INFO, INJ(VMX_INTR_TYPE_HW_EXC, 14) | VMX_INTR_INFO_ERR_CODE);
	set(VMCS_ENTRY_EXC_ERR, 2);
	/* MSR areas of four entries, all four CR3 targets */
	set(VMCS_EXIT_MSR_LOAD_COUNT, 4);
	set(VMCS_EXIT_MSR_LOAD_ADDR, 0xA000);
	set(VMCS_CR3_TARGET_COUNT, 4);
	assert_passes();
	/* an external interrupt wakes a halted guest */
	set(VMCS_GUEST_ACTIVITY, VMX_ACTIVITY_HLT);
	set(VMCS_ENTRY_INTR_INFO, INJ(VMX_INTR_TYPE_EXT, 0x30));
	set(VMCS_GUEST_RFLAGS, 0x202);
	assert_passes();
}

static void test_image(void **state)
{
	struct vmcs_image v;

	(void)state;
	vmcs_image_init(&v);
	assert_int_equal(vmcs_image_get(&v, VMCS_GUEST_RIP), 0);
	/* values are cut to the field's width */
	assert_int_equal(vmcs_image_set(&v, VMCS_GUEST_CS_SEL, 0x12345), 0);
	assert_int_equal(vmcs_image_get(&v, VMCS_GUEST_CS_SEL), 0x2345);
	assert_int_equal(vmcs_image_set(&v, VMCS_GUEST_CS_AR, 0x1A09Bull | 1ull << 40), 0);
	assert_int_equal(vmcs_image_get(&v, VMCS_GUEST_CS_AR), 0x1A09B);
	assert_int_equal(vmcs_image_set(&v, VMCS_LINK_POINTER, ~0ull), 0);
	assert_true(vmcs_image_get(&v, VMCS_LINK_POINTER) == ~0ull);
	/* setting again replaces */
	assert_int_equal(vmcs_image_set(&v, VMCS_GUEST_CS_SEL, 0x10), 0);
	assert_int_equal(vmcs_image_get(&v, VMCS_GUEST_CS_SEL), 0x10);
	assert_int_equal(v.n, 3);
	/* the high half of a 64-bit field is refused */
	assert_int_equal(vmcs_image_set(&v, VMCS_LINK_POINTER | 1, 0), -EINVAL);
	/* a full table */
	for (uint32_t i = v.n; i < VMCS_IMAGE_MAX; i++)
		assert_int_equal(vmcs_image_set(&v, 0x6000 + 2 * i, i), 0);
	assert_int_equal(vmcs_image_set(&v, VMCS_HOST_RIP, 1), -ENOSPC);
	assert_int_equal(vmcs_image_set(&v, VMCS_GUEST_CS_SEL, 0x8), 0);
}

int main(void)
{
	static struct CMUnitTest tests[N_MUT + 6];
	static char names[N_MUT][64];
	size_t n = 0;

	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_image);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_baseline_real_cpus);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_real_mode_ap_passes);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_v86_passes);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_secondary_ignored_when_off);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_allowed_variants_pass);
	for (size_t i = 0; i < N_MUT; i++) {
		snprintf(names[i], sizeof(names[i]), "check_%s", mutations[i].name);
		tests[n++] = (struct CMUnitTest){
			.name = names[i],
			.test_func = test_mutation,
			.initial_state = (void *)&mutations[i],
		};
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
