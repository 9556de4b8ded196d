// SPDX-License-Identifier: MIT
/*
 * Not part of the image: compiled with -S only, its assembly carries one
 * "@@ %define GR_name offset" line per register of struct vcpu_regs, which
 * the Makefile turns into build/gen/guest_regs.inc for the entry stubs
 * (the kernel's asm-offsets trick): the offsets come from the compiler.
 */
#include <stddef.h>
#include "hv/vm/regs.h"

#define GR(name)                                          \
	__asm__ volatile("\n@@ %%define GR_" #name " %c0" \
			 :                                \
			 : "i"(offsetof(struct vcpu_regs, gpr[R_##name])))

void regs_inc(void);

void regs_inc(void)
{
	GR(RAX);
	GR(RCX);
	GR(RDX);
	GR(RBX);
	GR(RSP);
	GR(RBP);
	GR(RSI);
	GR(RDI);
	GR(R8);
	GR(R9);
	GR(R10);
	GR(R11);
	GR(R12);
	GR(R13);
	GR(R14);
	GR(R15);
}
