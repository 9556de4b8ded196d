// SPDX-License-Identifier: MIT
/* Per-CPU descriptor tables and GS base. */
#include "hv/core/cpu.h"
#include "hv/core/idt.h"
#include "lib/kstring.h"
#include "lib/x86.h"

#define MSR_GS_BASE 0xC0000101

struct percpu cpus[MAX_CPUS];
unsigned int cpu_count;
static bool gs_ready[MAX_CPUS];
static volatile bool any_gs_ready;

unsigned int cpu_index(void)
{
	if (!any_gs_ready)
		return 0;
	return this_cpu()->index;
}

/* CR4.OSXSAVE where the CPU has XSAVE: XSETBV (done for a VT-x guest,
 * which cannot do it itself) raises #UD without it. The hypervisor itself
 * uses no extended state (-mgeneral-regs-only). */
static void host_xsave_enable(void)
{
	struct cpuid_regs r;

	cpuid(1, 0, &r);
	if (r.ecx & (1u << 26))
		write_cr4(read_cr4() | (1ull << 18));
}

void cpu_setup(struct percpu *pc, unsigned int index, uint64_t stack_top, uint64_t fault_top,
	       uint64_t nmi_top)
{
	uint64_t tss = (uint64_t)(uintptr_t)&pc->tss;
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) gdtr = {sizeof(pc->gdt) - 1, (uint64_t)(uintptr_t)pc->gdt};

	pc->self = pc;
	pc->index = index;
	pc->stack_top = stack_top;
	memset(&pc->tss, 0, sizeof(pc->tss));
	pc->tss.rsp[0] = stack_top;
	pc->tss.ist[IST_FAULT - 1] = fault_top; /* #DF, #MC: a known-good stack */
	pc->tss.ist[IST_NMI - 1] = nmi_top;
	pc->tss.iomap_base = sizeof(pc->tss);

	pc->gdt[0] = 0;
	pc->gdt[1] = 0x00AF9A000000FFFFull; /* 64-bit code */
	pc->gdt[2] = 0x00CF92000000FFFFull; /* data */
	pc->gdt[3] = (sizeof(pc->tss) - 1) | ((tss & 0xFFFFFF) << 16) | (0x89ull << 40) |
		     ((tss >> 24) & 0xFF) << 56;
	pc->gdt[4] = tss >> 32;

	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "mov %2, %%ds\n\t"
			 "mov %2, %%es\n\t"
			 "mov %2, %%ss\n\t"
			 "ltr %w3"
			 :
			 : "m"(gdtr), "i"(SEL_CODE), "r"(SEL_DATA), "r"(SEL_TSS)
			 : "rax", "memory");
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)pc);
	host_xsave_enable();
	gs_ready[index] = true;
	any_gs_ready = true;
	idt_load();
}
