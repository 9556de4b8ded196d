/* SPDX-License-Identifier: MIT */
/*
 * A vCPU's general registers, RIP and RFLAGS: the one layout the exit
 * handlers and both backends' entry stubs (hv/svm/svm_run.asm,
 * hv/vmx/vmx_run.asm, with hv/vm/regs_swap.inc) use. The stubs take their
 * offsets from guest_regs.inc, which the build generates from this struct
 * (hv/vm/regs_inc.c), so the assembly cannot drift from the C.
 */
#ifndef VF_REGS_H
#define VF_REGS_H

#include <stddef.h>
#include <stdint.h>

/* General registers in the x86 encoding order (rax, rcx, rdx, rbx, rsp, rbp,
 * rsi, rdi, r8..r15), as struct mmio_insn numbers them. */
enum {
	R_RAX,
	R_RCX,
	R_RDX,
	R_RBX,
	R_RSP,
	R_RBP,
	R_RSI,
	R_RDI,
	R_R8,
	R_R9,
	R_R10,
	R_R11,
	R_R12,
	R_R13,
	R_R14,
	R_R15,
	R_COUNT
};

/* RSP and RIP, RFLAGS (and RAX on AMD-V) live in the VMCS or VMCB while the
 * guest runs: the backend moves them; the stubs swap the rest. */
struct vcpu_regs {
	uint64_t gpr[R_COUNT];
	uint64_t rip, rflags;
};

/* The stubs address gpr[n] as 8 * n from the struct's start. */
_Static_assert(offsetof(struct vcpu_regs, gpr) == 0, "gpr[] first");
_Static_assert(sizeof(((struct vcpu_regs *)0)->gpr[0]) == 8, "64-bit registers");
_Static_assert(offsetof(struct vcpu_regs, rip) == 8 * R_COUNT, "rip after gpr[]");

#endif
