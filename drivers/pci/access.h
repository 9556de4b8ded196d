/* SPDX-License-Identifier: MIT */
/* The machine's PCI configuration access (ECAM or CF8/CFC), installed into
 * drivers/pci at start-up. */
#ifndef VF_PCI_ACCESS_H
#define VF_PCI_ACCESS_H

#include "drivers/pci/pci.h"

/* ECAM window @base (the address of bus 0, as MCFG gives it) for buses
 * @first..@last of segment @seg; the caller maps it uncached. */
const struct pci_access *pci_access_ecam(uint64_t base, uint16_t seg, uint8_t first, uint8_t last);
/* CF8/CFC: segment 0, 256 bytes per function. A byte or word write is a
 * read-modify-write of its dword, which is harmless for the registers
 * written this way (command, bus numbers, SR-IOV control). */
const struct pci_access *pci_access_cf8(void);

#endif
