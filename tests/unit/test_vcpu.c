// SPDX-License-Identifier: MIT
/*
 * The backends' common start (hv/vm/vcpu.c, hv/vm/regs.h): the register
 * layout the entry stubs address, the architectural state of the Linux
 * 64-bit entry and of an AP's start-up IPI, and the vCPU pool with the
 * first register values. The backends only encode this state: the VMCS
 * side is judged in test_vmcs_build.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "lib/err.h"
#include "hv/vm/vcpu.h"
#include "hv/vm/vm.h"
#include "vcpu_boot_data.h"

static void seg_is(const struct seg_state *s, uint16_t sel, uint16_t attr, uint32_t limit,
		   uint64_t base, bool unusable)
{
	assert_int_equal(s->sel, sel);
	assert_int_equal(s->attr, attr);
	assert_int_equal(s->limit, limit);
	assert_int_equal(s->base, base);
	assert_int_equal(s->unusable, unusable);
}

/* What both starts share: debug registers and PAT at their reset values,
 * RFLAGS with only its fixed bit. */
static void reset_values(const struct vcpu_boot_state *st)
{
	assert_int_equal(st->dr6, 0xFFFF0FF0);
	assert_int_equal(st->dr7, 0x400);
	assert_int_equal(st->pat, 0x0007040600070406ull);
	assert_int_equal(st->regs.rflags, 0x2);
}

/* gpr[n] at 8 * n, n in the x86 encoding (what decode.c and the stubs use). */
static void regs_layout(void **state)
{
	static const size_t want[R_COUNT] = {0,	 8,  16, 24, 32, 40,  48,  56,
					     64, 72, 80, 88, 96, 104, 112, 120};
	static const size_t got[R_COUNT] = {
		offsetof(struct vcpu_regs, gpr[R_RAX]), offsetof(struct vcpu_regs, gpr[R_RCX]),
		offsetof(struct vcpu_regs, gpr[R_RDX]), offsetof(struct vcpu_regs, gpr[R_RBX]),
		offsetof(struct vcpu_regs, gpr[R_RSP]), offsetof(struct vcpu_regs, gpr[R_RBP]),
		offsetof(struct vcpu_regs, gpr[R_RSI]), offsetof(struct vcpu_regs, gpr[R_RDI]),
		offsetof(struct vcpu_regs, gpr[R_R8]),	offsetof(struct vcpu_regs, gpr[R_R9]),
		offsetof(struct vcpu_regs, gpr[R_R10]), offsetof(struct vcpu_regs, gpr[R_R11]),
		offsetof(struct vcpu_regs, gpr[R_R12]), offsetof(struct vcpu_regs, gpr[R_R13]),
		offsetof(struct vcpu_regs, gpr[R_R14]), offsetof(struct vcpu_regs, gpr[R_R15]),
	};

	(void)state;
	for (unsigned int i = 0; i < R_COUNT; i++)
		assert_int_equal(got[i], want[i]);
	assert_int_equal(R_COUNT, 16);
	assert_int_equal(offsetof(struct vcpu_regs, rip), 128);
	assert_int_equal(offsetof(struct vcpu_regs, rflags), 136);
}

static void linux_entry_state(void **state)
{
	struct vcpu_boot_state st;

	(void)state;
	memset(&st, 0xA5, sizeof(st)); /* every field written, none left over */
	vcpu_state_linux(&st, &linux_boot);
	/* 64-bit code (L, G), flat read/write data (D/B, G), from the GDT. */
	seg_is(&st.seg[SEG_CS], 0x10, 0xA9B, 0xFFFFFFFF, 0, false);
	seg_is(&st.seg[SEG_DS], 0x18, 0xC93, 0xFFFFFFFF, 0, false);
	seg_is(&st.seg[SEG_ES], 0x18, 0xC93, 0xFFFFFFFF, 0, false);
	seg_is(&st.seg[SEG_SS], 0x18, 0xC93, 0xFFFFFFFF, 0, false);
	seg_is(&st.seg[SEG_FS], 0, 0, 0, 0, true);
	seg_is(&st.seg[SEG_GS], 0, 0, 0, 0, true);
	seg_is(&st.seg[SEG_LDTR], 0, 0x82, 0, 0, true);
	seg_is(&st.seg[SEG_TR], 0, 0x8B, 0x67, 0, false); /* a busy TSS */
	assert_int_equal(st.gdtr.base, 0x6000);
	assert_int_equal(st.gdtr.limit, 0x1F);
	assert_int_equal(st.idtr.base, 0);
	assert_int_equal(st.idtr.limit, 0);
	assert_int_equal(st.cr0, 0x80010033);
	assert_int_equal(st.cr3, 0x8000);
	assert_int_equal(st.cr4, 0x20);
	assert_int_equal(st.efer, 0x500);
	reset_values(&st);
	/* RIP at the kernel's 64-bit entry, RSI at boot_params, the rest 0. */
	assert_int_equal(st.regs.rip, 0x1000200);
	for (unsigned int i = 0; i < R_COUNT; i++)
		assert_int_equal(st.regs.gpr[i], i == R_RSI ? 0x7000 : 0);
}

static void sipi_state(void **state)
{
	struct vcpu_boot_state st;

	(void)state;
	memset(&st, 0xA5, sizeof(st));
	vcpu_state_sipi(&st, 0x9A);
	/* CS = vector << 8, base vector << 12, IP 0: the start page. */
	seg_is(&st.seg[SEG_CS], 0x9A00, 0x9B, 0xFFFF, 0x9A000, false);
	for (unsigned int i = 0; i < SEG_COUNT; i++) {
		if (i == SEG_CS || i == SEG_LDTR || i == SEG_TR)
			continue;
		seg_is(&st.seg[i], 0, 0x93, 0xFFFF, 0, false);
	}
	seg_is(&st.seg[SEG_LDTR], 0, 0x82, 0xFFFF, 0, false);
	seg_is(&st.seg[SEG_TR], 0, 0x8B, 0xFFFF, 0, false);
	assert_int_equal(st.gdtr.base, 0);
	assert_int_equal(st.gdtr.limit, 0xFFFF);
	assert_int_equal(st.idtr.base, 0);
	assert_int_equal(st.idtr.limit, 0xFFFF);
	assert_int_equal(st.cr0, 0x10); /* ET; protection, paging and CD/NW off */
	assert_int_equal(st.cr3, 0);
	assert_int_equal(st.cr4, 0);
	assert_int_equal(st.efer, 0);
	reset_values(&st);
	assert_int_equal(st.regs.rip, 0);
	for (unsigned int i = 0; i < R_COUNT; i++)
		assert_int_equal(st.regs.gpr[i], 0);
}

/* ---- the pool, through a fake backend ------------------------------------ */

static int creates, resets, create_err;
static const struct vcpu_boot_state *seen;
static bool arch_was_zero;

static int fake_create(struct vcpu *v, const struct vcpu_boot_state *st, struct palloc *pa)
{
	const uint8_t *p = v->arch;

	(void)pa;
	creates++;
	seen = st;
	arch_was_zero = true;
	for (unsigned int i = 0; i < 64; i++)
		arch_was_zero &= p[i] == 0;
	memset(v->arch, 0xEE, 64); /* the next vCPU's slot must not see this */
	return create_err;
}

static void fake_reset(struct vcpu *v, const struct vcpu_boot_state *st)
{
	(void)v;
	resets++;
	seen = st;
}

static const struct vcpu_ops fake_ops = {
	.name = "fake",
	.arch_size = 64,
	.vcpu_create = fake_create,
	.vcpu_reset = fake_reset,
};

static void create_and_reset(void **state)
{
	static struct vcpu v[VM_MAX * VM_MAX_VCPUS + 1];
	struct vcpu_boot_state st, ap;
	struct vcpu_ops big = fake_ops;
	unsigned int made = 0;

	(void)state;
	vcpu_state_linux(&st, &linux_boot);
	/* Too large for a slot: refused before the backend is asked. */
	big.arch_size = VCPU_ARCH_MAX + 1;
	assert_int_equal(vcpu_create(&v[0], &big, &st, NULL), -ENOSPC);
	assert_int_equal(creates, 0);
	/* A backend that fails leaves no slot taken and no state behind. */
	create_err = -ENOMEM;
	assert_int_equal(vcpu_create(&v[0], &fake_ops, &st, NULL), -ENOMEM);
	assert_null(v[0].arch);
	create_err = 0;
	/* Each vCPU its own zeroed slot and the first register values. */
	while (made < VM_MAX * VM_MAX_VCPUS) {
		v[made].regs.gpr[R_RAX] = 0xBAD;
		assert_int_equal(vcpu_create(&v[made], &fake_ops, &st, NULL), 0);
		assert_true(arch_was_zero);
		assert_ptr_equal(seen, &st);
		assert_memory_equal(&v[made].regs, &st.regs, sizeof(st.regs));
		if (made)
			assert_ptr_not_equal(v[made].arch, v[made - 1].arch);
		made++;
	}
	/* The slot the failed create had was given to the first vCPU. */
	assert_int_equal(creates, 1 + VM_MAX * VM_MAX_VCPUS);
	assert_int_equal(vcpu_create(&v[made], &fake_ops, &st, NULL), -ENOSPC);

	/* An AP's start: its registers from the state, then the backend's. */
	vcpu_state_sipi(&ap, 0x10);
	v[1].regs.gpr[R_RSI] = 0x1234;
	vcpu_reset(&v[1], &fake_ops, &ap);
	assert_int_equal(resets, 1);
	assert_ptr_equal(seen, &ap);
	assert_int_equal(v[1].regs.gpr[R_RSI], 0);
	assert_int_equal(v[1].regs.rip, 0);
	assert_int_equal(v[1].regs.rflags, 0x2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(regs_layout),
		cmocka_unit_test(linux_entry_state),
		cmocka_unit_test(sipi_state),
		cmocka_unit_test(create_and_reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
