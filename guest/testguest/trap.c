// SPDX-License-Identifier: MIT
/*
 * The test guest's IDT: every vector goes through isr.asm to trap(). An
 * exception at an instruction listed in the exception table is expected (a
 * check provoked it): it is recorded and the instruction skipped. So are
 * NMIs and single-step traps while a check expects them. Any other
 * exception ends the run. Vectors 32 and up are counted, with the RIP they
 * interrupted; all but the spurious vector are acknowledged with an x2APIC
 * EOI.
 */
#include "testguest.h"

#define MSR_X2APIC_EOI 0x80B
#define SPURIOUS_VEC   0xFF
#define KERNEL_CS      0x08
#define VEC_DB	       1
#define VEC_NMI	       2
#define VEC_PF	       14
#define RFLAGS_TF      (1ull << 8)
#define DR6_INIT       0xFFFF0FF0ull

struct idt_entry {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, zero;
} __attribute__((packed));

struct extable_entry {
	uint64_t from, to;
};

extern const uint64_t isr_table[256];
extern const struct extable_entry __extable_start[], __extable_end[];

volatile struct tg_fault tg_fault;
volatile struct tg_db tg_db;
volatile struct tg_nmi tg_nmi;
volatile unsigned int tg_irq_count[256];
volatile uint64_t tg_irq_rip[256];

static struct idt_entry idt[256] __attribute__((aligned(16)));

static const char *const exc_names[32] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "?",   "#TS",
	"#NP", "#SS", "#GP", "#PF", "?",   "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
};

void idt_init(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) desc = {sizeof(idt) - 1, (uint64_t)(uintptr_t)idt};

	for (unsigned int v = 0; v < 256; v++) {
		uint64_t a = isr_table[v];

		idt[v] = (struct idt_entry){
			.off_lo = (uint16_t)a,
			.sel = KERNEL_CS,
			.type = 0x8E, /* present, DPL 0, 64-bit interrupt gate: IF off inside */
			.off_mid = (uint16_t)(a >> 16),
			.off_hi = (uint32_t)(a >> 32),
		};
	}
	__asm__ volatile("lidt %0" ::"m"(desc));
}

const char *fault_name(int vector)
{
	static char buf[4][16];
	static unsigned int next;
	char *b;

	if (!vector)
		return "no fault";
	if (vector > 0 && vector < 32 && exc_names[vector] && exc_names[vector][0] == '#')
		return exc_names[vector];
	b = buf[next++ % 4];
	sfmt(b, sizeof(buf[0]), "vector %d", vector);
	return b;
}

static uint64_t extable_find(uint64_t rip)
{
	for (const struct extable_entry *e = __extable_start; e < __extable_end; e++)
		if (e->from == rip)
			return e->to;
	return 0;
}

/* NMIs stay blocked from here to the IRET (SDM vol. 3A 6.7.1): depth is
 * never above 1 unless the platform delivered one inside another. */
static void nmi(void)
{
	if (tg_nmi.depth)
		tg_nmi.nested++;
	tg_nmi.depth++;
	tg_nmi.count++;
	if (tg_nmi.hook)
		tg_nmi.hook(tg_nmi.count);
	tg_nmi.depth--;
}

/* A single-step trap: record the first, and stop stepping (TF off in the
 * context it returns to; DR6 is sticky, so it is reset for the next). */
static void single_step(struct trap_frame *f)
{
	uint64_t dr6;

	__asm__ volatile("mov %%dr6, %0" : "=r"(dr6));
	if (!tg_db.count) {
		tg_db.rip = f->rip;
		tg_db.dr6 = dr6;
	}
	tg_db.count++;
	f->rflags &= ~RFLAGS_TF;
	__asm__ volatile("mov %0, %%dr6" ::"r"(DR6_INIT));
}

void trap(struct trap_frame *f)
{
	uint64_t to, cr2;

	if (f->vector >= 32) {
		tg_irq_count[f->vector]++;
		tg_irq_rip[f->vector] = f->rip;
		/* The spurious vector is the one an x2APIC never wants an EOI for. */
		if (f->vector != SPURIOUS_VEC)
			__asm__ volatile("wrmsr" ::"c"(MSR_X2APIC_EOI), "a"(0), "d"(0));
		return;
	}
	if (f->vector == VEC_NMI && tg_nmi.expected) {
		nmi();
		return;
	}
	if (f->vector == VEC_DB && tg_db.armed) {
		single_step(f);
		return;
	}
	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	to = extable_find(f->rip);
	if (to) {
		tg_fault.vector = (unsigned int)f->vector;
		tg_fault.error = f->error;
		tg_fault.rip = f->rip;
		tg_fault.cr2 = f->vector == VEC_PF ? cr2 : 0;
		tg_fault.count++;
		f->rip = to;
		return;
	}
	tg_abort("exception %u (%s) error 0x%lx at rip 0x%lx, cr2 0x%lx", (unsigned int)f->vector,
		 exc_names[f->vector] ? exc_names[f->vector] : "?", f->error, f->rip, cr2);
}

void halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

int rdmsr_safe(uint32_t msr, uint64_t *val)
{
	unsigned int before = tg_fault.count;
	uint32_t lo = 0, hi = 0;

	__asm__ volatile("1: rdmsr\n2:\n\t" EXTABLE(1b, 2b)
			 : "+a"(lo), "+d"(hi)
			 : "c"(msr)
			 : "memory");
	if (tg_fault.count != before)
		return (int)tg_fault.vector;
	*val = ((uint64_t)hi << 32) | lo;
	return 0;
}

int wrmsr_safe(uint32_t msr, uint64_t val)
{
	unsigned int before = tg_fault.count;

	__asm__ volatile("1: wrmsr\n2:\n\t" EXTABLE(1b, 2b)::"c"(msr), "a"((uint32_t)val),
			 "d"((uint32_t)(val >> 32))
			 : "memory");
	return tg_fault.count != before ? (int)tg_fault.vector : 0;
}

int write_cr4_safe(uint64_t val)
{
	unsigned int before = tg_fault.count;

	__asm__ volatile("1: mov %0, %%cr4\n2:\n\t" EXTABLE(1b, 2b)::"r"(val) : "memory");
	return tg_fault.count != before ? (int)tg_fault.vector : 0;
}

int xsetbv_safe(uint32_t xcr, uint64_t val)
{
	unsigned int before = tg_fault.count;

	__asm__ volatile("1: xsetbv\n2:\n\t" EXTABLE(1b, 2b)::"c"(xcr), "a"((uint32_t)val),
			 "d"((uint32_t)(val >> 32))
			 : "memory");
	return tg_fault.count != before ? (int)tg_fault.vector : 0;
}

int xgetbv_safe(uint32_t xcr, uint64_t *val)
{
	unsigned int before = tg_fault.count;
	uint32_t lo = 0, hi = 0;

	__asm__ volatile("1: xgetbv\n2:\n\t" EXTABLE(1b, 2b)
			 : "+a"(lo), "+d"(hi)
			 : "c"(xcr)
			 : "memory");
	if (tg_fault.count != before)
		return (int)tg_fault.vector;
	*val = ((uint64_t)hi << 32) | lo;
	return 0;
}
