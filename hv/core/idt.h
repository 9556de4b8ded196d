/* SPDX-License-Identifier: MIT */
/* The hypervisor's IDT: its fixed vectors, the trap frame, handlers. */
#ifndef VF_IDT_H
#define VF_IDT_H

#include <stdint.h>

#define IST_FAULT 1 /* IST slot for #DF and #MC */
/* The NMI's own: an NMI (the watchdog's, at any time) that came during a
 * #DF's report on a shared stack would write over that report's frame. */
#define IST_NMI 2

/* Fixed vectors used by the hypervisor itself. */
#define VEC_SELFTEST	  0xE0 /* the interrupt remapping self-test */
#define VEC_IOMMU_FAULT	  0xEE /* IOMMU fault events, on the service CPU */
#define VEC_SERVICE_TIMER 0xEF /* the service CPU's periodic wake-up */
#define VEC_KICK	  0xF0 /* wake a CPU to look at its work slot */
#define VEC_SPURIOUS	  0xFF

struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

typedef void (*irq_handler_t)(struct trap_frame *f);
/* Run on a CPU whose hypervisor code took an exception, after the report
 * and before the CPU stops: what that CPU ran (a guest) is stopped cleanly. */
typedef void (*exception_hook_t)(unsigned int cpu, const struct trap_frame *f);

void idt_init(void);
void idt_load(void);
void idt_set_handler(uint8_t vector, irq_handler_t fn);
/* Add @fn to the handlers every NMI runs (once each; a handler checks
 * whether the NMI is its own). -1 when the IDT_NMI_HANDLERS are taken. */
#define IDT_NMI_HANDLERS 4
int idt_add_nmi_handler(irq_handler_t fn);
void idt_set_exception_hook(exception_hook_t fn);
void idt_dispatch(struct trap_frame *f);
const char *idt_exception_name(uint64_t vector);

#endif
