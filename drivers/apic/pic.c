// SPDX-License-Identifier: MIT
/*
 * The legacy 8259 PICs. BIOS firmware leaves IRQ0-7 on vectors 8-15, where a
 * timer tick would look like a double fault; move them to 0x20-0x2F and mask
 * them all. The hypervisor takes interrupts through the local APIC only.
 */
#include "drivers/apic/pic.h"
#include "lib/x86.h"

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
