// SPDX-License-Identifier: MIT
/*
 * The VMCS the VT-x backend enters with, as vmcs_build.c writes it, judged
 * by the VM-entry checker: the 64-bit Linux entry and an AP's real-mode
 * start must pass on every CPU model the control tests use, and a wrong
 * input must fail with the check it breaks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "hv/vmx/vmcs_build.h"
#include "hv/vmx/vmcs_fields.h"
#include "hv/vmx/vmentry_check.h"
#include "vmx_caps_data.h"
#include "vcpu_boot_data.h"
#include "hv/vmx/vmx_ctls.h"

/* Bochs 2.7 corei7_icelake_u and a Skylake i7-6700K (see test_vmx_ctls.c
 * for where the values come from). */
static const struct vmx_caps bochs = {
	VMX_CAPS_BOCHS27_ICELAKE,
};

static const struct vmx_caps skylake = {
	VMX_CAPS_SKYLAKE_6700K,
};

static struct vmcs_image img;
static int set_errors;

static void img_write(void *ctx, uint32_t field, uint64_t val)
{
	(void)ctx;
	if (vmcs_image_set(&img, field, val))
		set_errors++;
}

static const struct vmcs_writer w = {img_write, NULL};

/* The hypervisor's CPU as cpu.c sets it up (the values are typical). */
static struct vmx_host_state host(const struct vmx_caps *c)
{
	return (struct vmx_host_state){
		.cr0 = vmx_cr_fixed(c->cr0_fixed0, c->cr0_fixed1, 0x80010033, false),
		.cr3 = 0x1fc000,
		.cr4 = vmx_cr_fixed(c->cr4_fixed0, c->cr4_fixed1, 0x6A0, false),
		.efer = (1u << 8) | (1u << 10) | (1u << 11),
		.pat = 0x0007040600070406ull,
		.fs_base = 0,
		.gs_base = 0x2a5000,
		.tr_base = 0x2a5060,
		.gdtr_base = 0x2a5038,
		.idtr_base = 0x2b0000,
		.rip = 0x203456,
		.cs = 0x08,
		.ds = 0x10,
		.tr = 0x18,
	};
}

/* Build the whole VMCS as vmx_vcpu.c does, from the state hv/vm/vcpu.c
 * describes, RIP/RSP/RFLAGS as the run loop. */
static void build(const struct vmx_caps *c, const struct vcpu_boot *b, int sipi,
		  struct vmx_ctls *ctls)
{
	char why[96];
	struct vmx_vcpu_cfg cfg = {c, ctls, 0x3000000, 0x3001000, 0, 1};
	struct vmx_host_state h = host(c);
	struct vcpu_boot_state st;

	assert_int_equal(vmx_ctls_choose(c, ctls, why, sizeof(why)), 0);
	cfg.eptp = 0x3100000 | 0x1e; /* WB tables, 4-level walk */
	vmcs_image_init(&img);
	set_errors = 0;
	vmcs_build_controls(&w, &cfg);
	vmcs_build_host(&w, &h);
	if (sipi >= 0)
		vcpu_state_sipi(&st, (uint8_t)sipi);
	else
		vcpu_state_linux(&st, b);
	vmcs_build_guest(&w, &cfg, &st);
	img_write(NULL, VMCS_HOST_RSP, 0x2a9ff0);
	img_write(NULL, VMCS_GUEST_RIP, sipi >= 0 ? 0 : b->rip);
	img_write(NULL, VMCS_GUEST_RSP, 0);
	img_write(NULL, VMCS_GUEST_RFLAGS, 0x2);
	assert_int_equal(set_errors, 0);
}

static void check_ok(const struct vmx_caps *c)
{
	char why[120] = "";

	if (vmentry_check(&img, c, why, sizeof(why)))
		fail_msg("refused: %s", why);
}

static void linux_entry_passes(void **state)
{
	struct vmx_ctls ctls;

	(void)state;
	build(&bochs, &linux_boot, -1, &ctls);
	check_ok(&bochs);
	assert_true(vmcs_image_get(&img, VMCS_ENTRY_CTLS) & VMX_ENTRY_IA32E);
	/* The guest reads CR4 without VMXE, which VMX forces in the register. */
	assert_int_equal(vmcs_image_get(&img, VMCS_CR4_SHADOW), 0x20);
	assert_true(vmcs_image_get(&img, VMCS_GUEST_CR4) & 0x2000);
	assert_true(vmcs_image_get(&img, VMCS_CR4_MASK) & 0x2000);
	build(&skylake, &linux_boot, -1, &ctls);
	check_ok(&skylake);
}

static void ap_real_mode_passes(void **state)
{
	struct vmx_ctls ctls;

	(void)state;
	build(&bochs, NULL, 0x99, &ctls);
	check_ok(&bochs);
	assert_false(vmcs_image_get(&img, VMCS_ENTRY_CTLS) & VMX_ENTRY_IA32E);
	assert_int_equal(vmcs_image_get(&img, VMCS_GUEST_CS_BASE), 0x99000);
	assert_int_equal(vmcs_image_get(&img, VMCS_GUEST_CS_SEL), 0x9900);
	/* PE and PG clear (unrestricted guest), the fixed NE set underneath. */
	assert_int_equal(vmcs_image_get(&img, VMCS_GUEST_CR0) & 0x80000001, 0);
	assert_true(vmcs_image_get(&img, VMCS_GUEST_CR0) & 0x20);
	assert_int_equal(vmcs_image_get(&img, VMCS_CR0_SHADOW), 0x10);
	build(&skylake, NULL, 0x10, &ctls);
	check_ok(&skylake);
}

/* The common state's segment attributes in VT-x's form: AVL, L, D/B and G
 * moved to bits 15:12, an empty segment marked unusable. */
static void segments_encoded(void **state)
{
	struct vmx_ctls ctls;

	(void)state;
	build(&bochs, &linux_boot, -1, &ctls);
	assert_int_equal(vmcs_image_get(&img, VMCS_GUEST_CS_AR), 0xA09B);
	assert_int_equal(vmcs_image_get(&img, VMCS_GUEST_SS_AR), 0xC093);
	assert_int_equal(vmcs_image_get(&img, VMCS_GUEST_FS_AR), 0x10000);
	assert_int_equal(vmcs_image_get(&img, VMCS_GUEST_LDTR_AR), 0x10000);
	assert_int_equal(vmcs_image_get(&img, VMCS_GUEST_TR_AR), 0x8B);
	assert_int_equal(vmcs_image_get(&img, VMCS_GUEST_TR_LIMIT), 0x67);
	assert_int_equal(vmcs_image_get(&img, VMCS_GUEST_GDTR_BASE), 0x6000);
	build(&bochs, NULL, 0x10, &ctls);
	assert_int_equal(vmcs_image_get(&img, VMCS_GUEST_CS_AR), 0x9B);
	assert_int_equal(vmcs_image_get(&img, VMCS_GUEST_LDTR_AR), 0x82);
	assert_int_equal(vmcs_image_get(&img, VMCS_GUEST_IDTR_LIMIT), 0xFFFF);
}

/* Inputs the backend must never be given are refused by the named check. */
static void bad_inputs_fail(void **state)
{
	struct vmx_ctls ctls;
	struct vcpu_boot b = linux_boot;
	char why[120];

	(void)state;
	b.cr0 = 0x80010032; /* paging without protection */
	build(&bochs, &b, -1, &ctls);
	assert_int_not_equal(vmentry_check(&img, &bochs, why, sizeof(why)), 0);
	assert_string_equal(why, "guest CR0: PG set without PE");

	b = linux_boot;
	b.efer = 1u << 8; /* LME without LMA on a 64-bit entry */
	build(&bochs, &b, -1, &ctls);
	assert_int_not_equal(vmentry_check(&img, &bochs, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "LMA"));

	b = linux_boot;
	b.gdt_base = 0x0000800000000000ull; /* not canonical */
	build(&bochs, &b, -1, &ctls);
	assert_int_not_equal(vmentry_check(&img, &bochs, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "GDTR"));
}

/* The run loop's CR exits keep the guest's view and VMX's rules apart. */
static void cr_writes(void **state)
{
	(void)state;
	vmcs_image_init(&img);
	vmcs_build_cr0(&w, &bochs, 0x60000010); /* CD, NW, ET: caches off, real mode */
	assert_int_equal(vmcs_image_get(&img, VMCS_CR0_SHADOW), 0x60000010);
	assert_int_equal(vmcs_image_get(&img, VMCS_GUEST_CR0), 0x60000030); /* NE forced */
	vmcs_build_cr4(&w, &bochs, 0x6f0);
	assert_int_equal(vmcs_image_get(&img, VMCS_GUEST_CR4), 0x26f0);
	/* Bits CR4_FIXED1 does not allow are cleared (LA57 is not in Bochs). */
	vmcs_build_cr4(&w, &bochs, 0x1000);
	assert_int_equal(vmcs_image_get(&img, VMCS_GUEST_CR4), 0x2000);
	assert_true(vmcs_cr4_mask(&bochs) & 0x1000);
	/* SMXE is in Bochs's FIXED1 but hidden from the guest: its writes exit. */
	assert_true(vmcs_cr4_mask(&bochs) & 0x4000);
}

/* Every field a VM entry reads with vfvisor's controls (SDM vol. 3C 26.2,
 * 26.3): a fresh VMCS region is not architecturally zero, so a field left
 * unwritten enters with whatever the CPU had there. */
static const uint32_t entry_reads[] = {
	VMCS_PIN_CTLS,
	VMCS_PROC_CTLS,
	VMCS_PROC_CTLS2,
	VMCS_EXIT_CTLS,
	VMCS_ENTRY_CTLS,
	VMCS_EXCEPTION_BITMAP,
	VMCS_PF_ERR_MASK,
	VMCS_PF_ERR_MATCH,
	VMCS_CR3_TARGET_COUNT,
	VMCS_CR0_MASK,
	VMCS_CR4_MASK,
	VMCS_CR0_SHADOW,
	VMCS_CR4_SHADOW,
	VMCS_MSR_BITMAP,
	VMCS_IO_BITMAP_A,
	VMCS_IO_BITMAP_B,
	VMCS_EPT_POINTER,
	VMCS_VPID,
	VMCS_TSC_OFFSET,
	VMCS_EXIT_MSR_STORE_COUNT,
	VMCS_EXIT_MSR_LOAD_COUNT,
	VMCS_ENTRY_MSR_LOAD_COUNT,
	VMCS_ENTRY_INTR_INFO,
	VMCS_ENTRY_EXC_ERR,
	VMCS_ENTRY_INSN_LEN,
	VMCS_LINK_POINTER,
	VMCS_HOST_CR0,
	VMCS_HOST_CR3,
	VMCS_HOST_CR4,
	VMCS_HOST_ES_SEL,
	VMCS_HOST_CS_SEL,
	VMCS_HOST_SS_SEL,
	VMCS_HOST_DS_SEL,
	VMCS_HOST_FS_SEL,
	VMCS_HOST_GS_SEL,
	VMCS_HOST_TR_SEL,
	VMCS_HOST_FS_BASE,
	VMCS_HOST_GS_BASE,
	VMCS_HOST_TR_BASE,
	VMCS_HOST_GDTR_BASE,
	VMCS_HOST_IDTR_BASE,
	VMCS_HOST_SYSENTER_CS,
	VMCS_HOST_SYSENTER_ESP,
	VMCS_HOST_SYSENTER_EIP,
	VMCS_HOST_EFER,
	VMCS_HOST_PAT,
	VMCS_HOST_RSP,
	VMCS_HOST_RIP,
	VMCS_GUEST_CR0,
	VMCS_GUEST_CR3,
	VMCS_GUEST_CR4,
	VMCS_GUEST_DR7,
	VMCS_GUEST_RSP,
	VMCS_GUEST_RIP,
	VMCS_GUEST_RFLAGS,
	VMCS_GUEST_GDTR_BASE,
	VMCS_GUEST_GDTR_LIMIT,
	VMCS_GUEST_IDTR_BASE,
	VMCS_GUEST_IDTR_LIMIT,
	VMCS_GUEST_DEBUGCTL,
	VMCS_GUEST_PAT,
	VMCS_GUEST_EFER,
	VMCS_GUEST_SYSENTER_CS,
	VMCS_GUEST_SYSENTER_ESP,
	VMCS_GUEST_SYSENTER_EIP,
	VMCS_GUEST_ACTIVITY,
	VMCS_GUEST_INTERRUPTIBILITY,
	VMCS_GUEST_PENDING_DBG,
	VMCS_GUEST_PDPTE0,
	VMCS_GUEST_PDPTE1,
	VMCS_GUEST_PDPTE2,
	VMCS_GUEST_PDPTE3,
	VMCS_PREEMPT_TIMER,
};

static bool written(uint32_t enc)
{
	for (unsigned int i = 0; i < img.n; i++)
		if (img.f[i].enc == enc)
			return true;
	return false;
}

static void every_entry_field_written(void **state)
{
	static const int starts[] = {-1, 0x10};
	struct vmx_ctls ctls;

	(void)state;
	for (unsigned int s = 0; s < 2; s++) {
		build(&bochs, &linux_boot, starts[s], &ctls);
		for (unsigned int i = 0; i < sizeof(entry_reads) / sizeof(entry_reads[0]); i++)
			if (!written(entry_reads[i]))
				fail_msg("field 0x%04x never written", entry_reads[i]);
		for (unsigned int g = 0; g < 8; g++) { /* ES..TR: the four fields of each */
			assert_true(written(VMCS_GUEST_ES_SEL + 2 * g));
			assert_true(written(VMCS_GUEST_ES_BASE + 2 * g));
			assert_true(written(VMCS_GUEST_ES_LIMIT + 2 * g));
			assert_true(written(VMCS_GUEST_ES_AR + 2 * g));
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(linux_entry_passes),	     cmocka_unit_test(ap_real_mode_passes),
		cmocka_unit_test(bad_inputs_fail),	     cmocka_unit_test(cr_writes),
		cmocka_unit_test(every_entry_field_written), cmocka_unit_test(segments_encoded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
