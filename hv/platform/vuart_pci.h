/* SPDX-License-Identifier: MIT */
/*
 * The guest's serial port as a PCI function, so that it can have an
 * interrupt: configuration space only, pure logic (vpci.c routes the
 * function's accesses here; the port's registers are vuart.c's).
 *
 * Why a PCI function: the guest platform has no PIC or IO-APIC (a virtual
 * IO-APIC makes Linux 6.1 turn its firmware-enabled x2APIC off, since it has
 * no interrupt remapping), so COM1 had no IRQ and Linux's 8250 driver polled
 * it, about 125 exits a second per idle guest. An MSI needs neither: it is
 * an IPI to the guest's own CPU. Linux's 8250_pci driver asks for MSI for
 * one kind of single-port card, and takes over ttyS0, console included,
 * because the card's port sits at COM1's address:
 *
 * - identity: a MosChip (NetMos) MCS9900 single-port serial card, vendor
 *   0x9710, device 0x9900, subsystem 0xA000:0x1000, revision 0, header type
 *   0. Linux's 8250_pci lists exactly this in its pci_use_msi table and
 *   drives it as "pbn_b0_1_115200": one 16550 at BAR0, base baud 115200.
 *   Class 078002 (other communication controller, interface 2), where the
 *   real card says 070002: Linux's NetMos quirk counts one port from
 *   interface 2 either way, but a serial-class function with a single I/O
 *   BAR is one its generic heuristic recognises too, and it then prints a
 *   four-line "Redundant entry in serial pci_table" warning at every boot.
 * - BAR0: I/O, 8 ports, hard-wired at 0x3F8 (COM1, where vuart.c answers and
 *   where Linux's early console writes before PCI exists). Sizing works
 *   (all ones written reads back 0xFFFFFFF9 until the next BAR write); any
 *   other address written is ignored, as a legacy-mode device does: the port
 *   does not move. BARs 1-5, ROM: 0.
 * - Command: IO and MASTER read back as written, INTx Disable reads 1 (no
 *   INTx: interrupt pin 0); the port decodes whatever IO says (the early
 *   console and the firmware-less boot need it before any driver runs).
 *   Status: Capabilities List only.
 * - One capability, MSI at VUART_PCI_CAP_MSI: 32-bit address, one vector, no
 *   per-vector masking. Message Control's Enable bit is kept (Multiple
 *   Message Enable reads 0); Message Address (bits 1:0 read 0) and Data
 *   (16 bits) are kept as written. What the message means, and whether it
 *   is allowed, is the caller's: vuart_pci_msi() hands it over.
 * - Everything else reads 0 (extended space included: no extended
 *   capabilities) and ignores writes.
 *
 * Not thread-safe: the caller serialises with the rest of the guest's bus.
 */
#ifndef VF_VUART_PCI_H
#define VF_VUART_PCI_H

#include <stdbool.h>
#include <stdint.h>
#include "drivers/pci/pci.h"

#define VUART_PCI_VENDOR    0x9710 /* MosChip Semiconductor (NetMos) */
#define VUART_PCI_DEVICE    0x9900 /* MCS9900 */
#define VUART_PCI_SUBVENDOR 0xA000 /* 0xA000:0x1000: one serial port */
#define VUART_PCI_SUBDEVICE 0x1000
#define VUART_PCI_CLASS	    0x078002 /* other communication controller (see above) */
#define VUART_PCI_DEVFN	    PCI_DEVFN(0x1F, 0)
#define VUART_PCI_IO	    0x3F8u
#define VUART_PCI_IO_SIZE   8u
#define VUART_PCI_CAP_MSI   0x40

#define VUART_PCI_MSI_ENABLE 0x0001 /* Message Control bit 0 */

struct vuart_pci {
	uint16_t cmd;	   /* PCI_CMD_IO | PCI_CMD_MASTER as written */
	bool bar_sizing;   /* all ones was written to BAR0 */
	bool msi_enable;   /* Message Control bit 0 */
	uint32_t msi_addr; /* bits 1:0 clear */
	uint16_t msi_data;
};

/* Power-on state: nothing enabled, no message. */
void vuart_pci_init(struct vuart_pci *p);

/* The dword at @reg (dword aligned, below 0x1000). */
uint32_t vuart_pci_read32(const struct vuart_pci *p, unsigned int reg);

/* A write to the dword at @reg: the bytes of @val that @be (a byte-lane mask
 * of 0xFF per byte) selects. Returns true if the MSI enable, address or data
 * changed (the caller re-reads vuart_pci_msi()). */
bool vuart_pci_write32(struct vuart_pci *p, unsigned int reg, uint32_t val, uint32_t be);

/* Whether the guest enabled the MSI; its address and data in @addr, @data
 * either way. */
bool vuart_pci_msi(const struct vuart_pci *p, uint32_t *addr, uint32_t *data);

#endif
