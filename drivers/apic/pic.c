// SPDX-License-Identifier: MIT
/*
 * The legacy 8259 PICs. BIOS firmware leaves IRQ0-7 on vectors 8-15, where a
 * timer tick would look like a double fault; move them to 0x20-0x2F and mask
 * them all. The hypervisor takes interrupts through the local APIC only; the
 * watchdog's IRQ 0 reaches it through LINT0 (hv/core/watchdog_nmi.c).
 */
#include "drivers/apic/pic.h"
#include "lib/x86.h"

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define OCW3_POLL 0x0C /* OCW3, P=1: the next read is the acknowledge */
#define OCW2_SEOI 0x60 /* OCW2, specific EOI of the IRQ in bits 2:0 */

void pic_disable(void)
{
	outb(0x20, 0x11); /* ICW1: init, ICW4 follows */
	outb(0xA0, 0x11);
	outb(0x21, PIC_VECTOR_BASE); /* ICW2: vector bases */
	outb(0xA1, PIC_VECTOR_BASE + 8);
	outb(0x21, 0x04); /* ICW3: slave on IRQ2 */
	outb(0xA1, 0x02);
	outb(0x21, 0x01); /* ICW4: 8086 mode */
	outb(0xA1, 0x01);
	outb(0x21, 0xFF); /* mask everything */
	outb(0xA1, 0xFF);
}

void pic_irq_unmask(unsigned int irq, bool on)
{
	if (irq > 7 || irq == 2)
		return;
	outb(PIC1_DATA, on ? (uint8_t) ~(1u << irq) : 0xFF);
}

int pic_poll_ack(void)
{
	uint8_t v;

	outb(PIC1_CMD, OCW3_POLL);
	v = inb(PIC1_CMD);
	if (!(v & 0x80))
		return -1;
	pic_eoi(v & 7);
	return v & 7;
}

void pic_eoi(unsigned int irq)
{
	outb(PIC1_CMD, (uint8_t)(OCW2_SEOI | (irq & 7)));
}
