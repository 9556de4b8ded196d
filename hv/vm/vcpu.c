// SPDX-License-Identifier: MIT
/*
 * The vendor-neutral start of a vCPU: its architectural state for the Linux
 * 64-bit entry and for an AP's start-up (SDM vol. 3A 9.1.1, table 9-1; the
 * Linux boot protocol, Documentation/arch/x86/boot.rst, "64-bit boot
 * protocol"), its first register values, and the pool of the backends'
 * per-vCPU state.
 */
#include "hv/vm/vcpu.h"
#include "lib/err.h"
#include "lib/kstring.h"
#include "hv/vm/vm.h"

#define FLAT_LIMIT   0xFFFFFFFFu
#define REAL_LIMIT   0xFFFFu
#define RFLAGS_RESET 0x2ull /* bit 1 is always set */
#define DR6_RESET    0xFFFF0FF0ull
#define DR7_RESET    0x400ull
#define PAT_RESET    0x0007040600070406ull

static union {
	uint64_t align;
	uint8_t bytes[VCPU_ARCH_MAX];
} arch_pool[VM_MAX * VM_MAX_VCPUS];
static unsigned int arch_used;

static struct seg_state seg(uint16_t sel, uint16_t attr, uint32_t limit, uint64_t base)
{
	return (struct seg_state){.sel = sel, .attr = attr, .limit = limit, .base = base};
}

/* What both starts share: the debug registers and PAT at their reset values. */
static void state_common(struct vcpu_boot_state *st)
{
	st->dr6 = DR6_RESET;
	st->dr7 = DR7_RESET;
	st->pat = PAT_RESET;
	st->regs.rflags = RFLAGS_RESET;
}

void vcpu_state_linux(struct vcpu_boot_state *st, const struct vcpu_boot *b)
{
	const uint16_t code = SEG_G | SEG_L | SEG_P | SEG_S | SEG_TYPE_CODE_RX;
	const uint16_t data = SEG_G | SEG_DB | SEG_P | SEG_S | SEG_TYPE_DATA_RW;

	memset(st, 0, sizeof(*st));
	st->seg[SEG_CS] = seg(b->cs, code, FLAT_LIMIT, 0);
	st->seg[SEG_DS] = seg(b->ds, data, FLAT_LIMIT, 0);
	st->seg[SEG_ES] = st->seg[SEG_DS];
	st->seg[SEG_SS] = st->seg[SEG_DS];
	/* FS, GS and LDTR hold nothing; TR a busy TSS (entry checks want one). */
	st->seg[SEG_FS].unusable = true;
	st->seg[SEG_GS].unusable = true;
	st->seg[SEG_LDTR] = seg(0, SEG_P | SEG_TYPE_LDT, 0, 0);
	st->seg[SEG_LDTR].unusable = true;
	st->seg[SEG_TR] = seg(0, SEG_P | SEG_TYPE_TSS, 0x67, 0);
	st->gdtr = (struct dtable_state){b->gdt_base, b->gdt_limit};
	st->cr0 = b->cr0;
	st->cr3 = b->cr3;
	st->cr4 = b->cr4;
	st->efer = b->efer;
	state_common(st);
	st->regs.rip = b->rip;
	st->regs.gpr[R_RSI] = b->rsi;
}

void vcpu_state_sipi(struct vcpu_boot_state *st, uint8_t vector)
{
	const uint16_t data = SEG_P | SEG_S | SEG_TYPE_DATA_RW;

	memset(st, 0, sizeof(*st));
	for (unsigned int i = 0; i < SEG_COUNT; i++)
		st->seg[i] = seg(0, data, REAL_LIMIT, 0);
	st->seg[SEG_CS] = seg((uint16_t)(vector << 8), SEG_P | SEG_S | SEG_TYPE_CODE_RX, REAL_LIMIT,
			      (uint64_t)vector << 12);
	st->seg[SEG_LDTR].attr = SEG_P | SEG_TYPE_LDT;
	st->seg[SEG_TR].attr = SEG_P | SEG_TYPE_TSS;
	st->gdtr.limit = REAL_LIMIT;
	st->idtr.limit = REAL_LIMIT;
	st->cr0 = 0x10; /* ET */
	state_common(st);
}

int vcpu_create(struct vcpu *v, const struct vcpu_ops *ops, const struct vcpu_boot_state *st,
		struct palloc *pa)
{
	int err;

	if (ops->arch_size > VCPU_ARCH_MAX || arch_used >= sizeof(arch_pool) / sizeof(arch_pool[0]))
		return -ENOSPC;
	v->arch = arch_pool[arch_used].bytes;
	memset(v->arch, 0, sizeof(arch_pool[0]));
	if ((err = ops->vcpu_create(v, st, pa))) {
		v->arch = NULL;
		return err;
	}
	arch_used++;
	v->regs = st->regs;
	return 0;
}

void vcpu_reset(struct vcpu *v, const struct vcpu_ops *ops, const struct vcpu_boot_state *st)
{
	v->regs = st->regs;
	ops->vcpu_reset(v, st);
}
