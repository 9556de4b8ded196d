/* SPDX-License-Identifier: MIT */
/* Per-CPU state: each CPU has its own GDT, TSS and stacks; GS points at it. */
#ifndef VF_CPU_H
#define VF_CPU_H

#include <stdbool.h>
#include <stdint.h>

#define MAX_CPUS       64
#define CPU_STACK_SIZE (16 * 1024)
#define CPU_IST_SIZE   (8 * 1024)

#define SEL_CODE 0x08
#define SEL_DATA 0x10
#define SEL_TSS	 0x18

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

struct percpu {
	struct percpu *self; /* at %gs:0 */
	unsigned int index;  /* 0 is the boot (service) CPU */
	uint32_t apic_id;
	volatile bool online;
	volatile bool stopped;
	/* A guest ran here and is parked: vectors it left pending arrive at the
	 * hypervisor, which ends them without a warning. */
	bool irq_quiet;
	uint64_t stack_top;
	uint64_t gdt[5]; /* null, code, data, TSS (two slots) */
	struct tss tss;
	/* Work handed to this CPU by another: run once, then cleared. */
	void (*volatile work)(void *arg);
	void *volatile work_arg;
};

extern struct percpu cpus[MAX_CPUS];
extern unsigned int cpu_count; /* CPUs brought online */

/* Load @pc's GDT, TSS and GS base on the calling CPU. */
void cpu_setup(struct percpu *pc, unsigned int index, uint64_t stack_top, uint64_t fault_top,
	       uint64_t nmi_top);

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;

	__asm__ volatile("mov %%gs:0, %0" : "=r"(p));
	return p;
}

/* Index of the calling CPU; 0 before per-CPU state is set up. */
unsigned int cpu_index(void);

#endif
