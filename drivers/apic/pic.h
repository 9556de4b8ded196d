/* SPDX-License-Identifier: MIT */
/* The legacy 8259 PICs: remapped away from the exception vectors and masked. */
#ifndef VF_PIC_H
#define VF_PIC_H

#define PIC_VECTOR_BASE 0x20 /* 0x20-0x2F: only spurious IRQ7/IRQ15 can arrive */

void pic_disable(void);

#endif
