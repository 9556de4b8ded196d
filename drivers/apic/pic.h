/* SPDX-License-Identifier: MIT */
/* The legacy 8259 PICs: remapped away from the exception vectors and masked;
 * IRQ 0 alone may be unmasked for the watchdog, acknowledged by polling. */
#ifndef VF_PIC_H
#define VF_PIC_H

#include <stdbool.h>

#define PIC_VECTOR_BASE 0x20 /* 0x20-0x2F: spurious IRQ7/IRQ15, IRQ 0 taken as ExtINT */

void pic_disable(void);
/* Unmask (or mask again) master IRQ @irq (0-7, not 2); all others stay masked. */
void pic_irq_unmask(unsigned int irq, bool on);
/*
 * Acknowledge the master's highest pending IRQ without an INTA cycle (the
 * poll command: the read is the acknowledge), then end it (specific EOI), so
 * that its next edge raises INTR again. Returns the IRQ, or -1 if none was
 * pending. For INTR delivered as an NMI, which has no INTA cycle.
 */
int pic_poll_ack(void);
/* End the master's IRQ @irq (after an INTA cycle: ExtINT delivery). */
void pic_eoi(unsigned int irq);

#endif
