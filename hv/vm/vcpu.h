/* SPDX-License-Identifier: MIT */
/*
 * What every backend's vCPU starts from, vendor-neutral: the architectural
 * state of the Linux 64-bit entry and of an AP after INIT and a start-up
 * IPI, described once (struct vcpu_boot_state) and only encoded by the
 * backends into a VMCS or VMCB; and the pool their per-vCPU state comes
 * from.
 */
#ifndef VF_VCPU_H
#define VF_VCPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "hv/vm/regs.h"

struct palloc;
struct vcpu;
struct vcpu_ops;

/* Segment attributes: descriptor bits 40-47 (type, S, DPL, P) in 7:0 and
 * 52-55 (AVL, L, D/B, G) in 11:8, the form a VMCB keeps them in. */
#define SEG_TYPE_DATA_RW 0x3 /* read/write, accessed */
#define SEG_TYPE_CODE_RX 0xB /* execute/read, accessed */
#define SEG_TYPE_LDT	 0x2
#define SEG_TYPE_TSS	 0xB /* busy 64-bit (or 32-bit) TSS */
#define SEG_S		 (1u << 4)
#define SEG_P		 (1u << 7)
#define SEG_L		 (1u << 9)
#define SEG_DB		 (1u << 10)
#define SEG_G		 (1u << 11)

/* The segment registers, in the VMCS's order of their fields. */
enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR, SEG_TR, SEG_COUNT };

struct seg_state {
	uint16_t sel;
	uint16_t attr;	/* SEG_* bits */
	uint32_t limit; /* in bytes, granularity applied */
	uint64_t base;
	/* Nothing loaded (a null selector): VT-x marks it unusable, AMD-V
	 * takes @attr as it is. */
	bool unusable;
};

struct dtable_state {
	uint64_t base;
	uint16_t limit;
};

/* A vCPU's whole starting state. */
struct vcpu_boot_state {
	struct seg_state seg[SEG_COUNT];
	struct dtable_state gdtr, idtr;
	uint64_t cr0, cr3, cr4, efer; /* EFER as the guest sees it */
	uint64_t dr6, dr7, pat;
	struct vcpu_regs regs; /* the first register values */
};

/* What the guest's memory holds for the Linux 64-bit entry (vm.c). */
struct vcpu_boot {
	uint64_t rip, rsi;
	uint64_t cr0, cr3, cr4, efer;
	uint64_t gdt_base;
	uint16_t gdt_limit;
	uint16_t cs, ds; /* flat 64-bit code, flat data (also ES, SS) */
};

/* The Linux 64-bit boot protocol's entry: long mode, flat segments from
 * the guest's GDT, RSI at the boot parameters. */
void vcpu_state_linux(struct vcpu_boot_state *st, const struct vcpu_boot *b);
/* An AP after INIT and a start-up IPI: real mode at @vector:0000, caching
 * on (the CPU's CD and NW would be set; the guest has its CPU to itself). */
void vcpu_state_sipi(struct vcpu_boot_state *st, uint8_t vector);

/* Bytes of backend state a vCPU may have (struct vcpu_ops.arch_size). */
#define VCPU_ARCH_MAX 1024

/* Give @v its backend state (zeroed, from the common pool), let @ops build
 * its control structures for @st, and set its first register values. */
int vcpu_create(struct vcpu *v, const struct vcpu_ops *ops, const struct vcpu_boot_state *st,
		struct palloc *pa);
/* Put @v in state @st (an AP's start): its registers, then the backend's. */
void vcpu_reset(struct vcpu *v, const struct vcpu_ops *ops, const struct vcpu_boot_state *st);

#endif
