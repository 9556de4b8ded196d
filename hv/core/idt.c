// SPDX-License-Identifier: MIT
/*
 * The interrupt descriptor table, shared by all CPUs. An exception in the
 * hypervisor is a bug: it is reported with the registers, the guest that CPU
 * ran is stopped (the exception hook: hv/vm), and that CPU stops; the others
 * go on. A fault a self-test expects (hv/core/fault_catch.h) is reported, and
 * that CPU resumes.
 */
#include "drivers/apic/apic.h"
#include "hv/core/console.h"
#include "hv/core/cpu.h"
#include "hv/core/fault.h"
#include "hv/core/fault_catch.h"
#include "hv/core/idt.h"
#include "drivers/apic/pic.h"
#include "lib/printk.h"
#include "lib/x86.h"

struct gate {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, zero;
} __attribute__((packed));

extern const uint64_t isr_table[256];
static struct gate idt[256] __attribute__((aligned(16)));
static irq_handler_t handlers[256];
/* NMIs are shared (one may stand for several): each handler looks at each. */
static irq_handler_t nmi_handlers[IDT_NMI_HANDLERS];
static exception_hook_t exception_hook;
static volatile bool in_hook[MAX_CPUS]; /* an exception in the hook: just stop */

static const char *const exc_names[32] = {
	"#DE", "#DB", "NMI", "#BP", "#OF",	"#BR", "#UD", "#NM", "#DF", "CSO", "#TS",
	"#NP", "#SS", "#GP", "#PF", "reserved", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
};

const char *idt_exception_name(uint64_t vector)
{
	if (vector < 32 && exc_names[vector])
		return exc_names[vector];
	return "reserved";
}

void idt_init(void)
{
	for (int v = 0; v < 256; v++) {
		uint64_t a = isr_table[v];

		idt[v] = (struct gate){
			.off_lo = (uint16_t)a,
			.sel = SEL_CODE,
			.ist = v == 2		     ? IST_NMI
			       : (v == 8 || v == 18) ? IST_FAULT
						     : 0,
			.type = 0x8E, /* present, DPL 0, interrupt gate */
			.off_mid = (uint16_t)(a >> 16),
			.off_hi = (uint32_t)(a >> 32),
		};
	}
}

void idt_load(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = {sizeof(idt) - 1, (uint64_t)(uintptr_t)idt};

	__asm__ volatile("lidt %0" ::"m"(idtr));
}

void idt_set_handler(uint8_t vector, irq_handler_t fn)
{
	handlers[vector] = fn;
}

int idt_add_nmi_handler(irq_handler_t fn)
{
	for (int i = 0; i < IDT_NMI_HANDLERS; i++) {
		if (nmi_handlers[i] == fn)
			return 0;
		if (!nmi_handlers[i]) {
			nmi_handlers[i] = fn;
			return 0;
		}
	}
	return -1;
}

void idt_set_exception_hook(exception_hook_t fn)
{
	exception_hook = fn;
}

static void exception_report(struct trap_frame *f)
{
	unsigned int c = cpu_index();

	console_lock_take();
	pr_err("cpu %u: exception %llu (%s) error 0x%llx\n", c, (unsigned long long)f->vector,
	       idt_exception_name(f->vector), (unsigned long long)f->error);
	fault_report(c, f);
	pr_err("cpu %u:   rip %016llx cs %04llx rflags %08llx rsp %016llx ss %04llx\n", c,
	       (unsigned long long)f->rip, (unsigned long long)f->cs, (unsigned long long)f->rflags,
	       (unsigned long long)f->rsp, (unsigned long long)f->ss);
	pr_err("cpu %u:   cr0 %016llx cr2 %016llx cr3 %016llx cr4 %016llx\n", c,
	       (unsigned long long)read_cr0(), (unsigned long long)read_cr2(),
	       (unsigned long long)read_cr3(), (unsigned long long)read_cr4());
	pr_err("cpu %u:   rax %016llx rbx %016llx rcx %016llx rdx %016llx\n", c,
	       (unsigned long long)f->rax, (unsigned long long)f->rbx, (unsigned long long)f->rcx,
	       (unsigned long long)f->rdx);
	pr_err("cpu %u:   rsi %016llx rdi %016llx rbp %016llx r8  %016llx\n", c,
	       (unsigned long long)f->rsi, (unsigned long long)f->rdi, (unsigned long long)f->rbp,
	       (unsigned long long)f->r8);
	pr_err("cpu %u:   r9  %016llx r10 %016llx r11 %016llx r12 %016llx\n", c,
	       (unsigned long long)f->r9, (unsigned long long)f->r10, (unsigned long long)f->r11,
	       (unsigned long long)f->r12);
	pr_err("cpu %u:   r13 %016llx r14 %016llx r15 %016llx\n", c, (unsigned long long)f->r13,
	       (unsigned long long)f->r14, (unsigned long long)f->r15);
	if (fault_catch_resume(c, f)) {
		pr_err("cpu %u: resumed: a self-test expected this fault\n", c);
		console_lock_release();
		return;
	}
	pr_err("cpu %u: stopped\n", c);
	console_lock_release();
	if (exception_hook && c < MAX_CPUS && !in_hook[c]) {
		in_hook[c] = true;
		exception_hook(c, f);
	}
	if (cpu_count > c)
		cpus[c].stopped = true;
	cpu_halt_forever();
}

void idt_dispatch(struct trap_frame *f)
{
	/* An NMI is an exception unless someone expects it (the guests' kick,
	 * the watchdog). */
	if (f->vector == 2 && nmi_handlers[0]) {
		for (int i = 0; i < IDT_NMI_HANDLERS && nmi_handlers[i]; i++)
			nmi_handlers[i](f);
		return;
	}
	if (f->vector < 32) {
		exception_report(f);
		return;
	}
	if (handlers[f->vector]) {
		handlers[f->vector](f);
		return;
	}
	/* Masked 8259s still raise spurious IRQ7/15: no EOI is owed for those. */
	if (f->vector == PIC_VECTOR_BASE + 7 || f->vector == PIC_VECTOR_BASE + 15)
		return;
	if (f->vector != VEC_SPURIOUS && this_cpu()->irq_quiet) {
		apic_eoi();
		return;
	}
	if (f->vector != VEC_SPURIOUS) {
		pr_warn("cpu %u: unexpected interrupt vector %llu\n", cpu_index(),
			(unsigned long long)f->vector);
		apic_eoi();
	}
}
