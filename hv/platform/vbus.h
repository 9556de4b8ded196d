/* SPDX-License-Identifier: MIT */
/*
 * A guest's PCI bus 0: the host bridge, the configuration-space access paths
 * and their rules, and routing to the functions on it, pure logic. The
 * caller traps the guest's ECAM page(s) and ports 0xCF8-0xCFF and passes
 * each access here; each function (a VF: vpci.h; the serial port:
 * vuart_pci.h) is emulated by its owner through struct vbus_fn.
 *
 * What the guest sees (segment 0, bus 0 only; every other bus, device and
 * function reads all ones and ignores writes):
 * - 00:00.0, a host bridge 8086:29C0 (q35's), class 060000, header type 0,
 *   no BARs, no capabilities, Command reads MEM|MASTER. Read-only.
 * - up to VBUS_FNS functions, each function 0 of its own slot 1-31.
 *
 * Access rules (both paths): a 1-, 2- or 4-byte access wholly inside one
 * aligned dword is honoured, as PCIe byte enables allow (so a word at 0x05
 * is fine): a function sees a dword read, or a dword write with the byte
 * lanes it selects. Any other size, or an access crossing a dword boundary,
 * reads all ones and writes nothing.
 * - ECAM: @off = bus << 20 | dev << 15 | fn << 12 | reg, relative to bus 0.
 * - CF8/CFC: a 4-byte access to 0xCF8 reads/writes the address latch (bits
 *   31 and 27:2 kept; 30:28 and 1:0 read 0); any other access to 0xCF8-0xCFB
 *   reads all ones and is dropped (0xCF9 is the chipset's reset port: the
 *   caller's business). 0xCFC-0xCFF reach byte (port - 0xCFC) of the dword
 *   the latch names, if bit 31 is set. Latch bits 27:24 (AMD's extended
 *   register number) are refused: a non-zero value reads all ones and drops
 *   writes, so a guest cannot alias 0x1xx onto the header; it must use ECAM
 *   for the extended space.
 *
 * Not thread-safe: the caller serialises all of a guest's vCPUs (the CF8
 * latch is shared state, as on hardware). Functions run inside the access.
 */
#ifndef VF_VBUS_H
#define VF_VBUS_H

#include <stdbool.h>
#include <stdint.h>
#include "drivers/pci/pci.h"

#define VBUS_FNS	8
#define VPCI_HB_VENDOR	0x8086
#define VPCI_HB_DEVICE	0x29C0 /* q35's host bridge / DRAM controller */
#define VPCI_HB_CLASS	0x060000
#define VPCI_CF8	0xCF8
#define VPCI_CFC	0xCFC
#define VPCI_CF8_ENABLE 0x80000000u
#define VPCI_CF8_EXT	0x0F000000u /* AMD extended register bits: refused */

/* A function emulated wholly by its owner: dword reads (@reg dword aligned,
 * below 0x1000), and dword writes of the bytes @be selects (0xFF per byte
 * lane) for the owner to merge. */
struct vbus_fn {
	uint8_t devfn; /* function 0 of slot 1-31 */
	uint32_t (*read32)(void *ctx, unsigned int reg);
	void (*write32)(void *ctx, unsigned int reg, uint32_t val, uint32_t be);
	void *ctx;
};

/* One guest's bus. Embed it; touch it only through the functions. */
struct vbus {
	uint32_t cf8; /* the CF8 latch */
	const struct vbus_fn *fn[VBUS_FNS];
	unsigned int n;
	bool shut; /* vbus_shutdown: writes go nowhere */
};

/* The host bridge alone. */
void vbus_init(struct vbus *b);

/* Put @fn on the bus (it must stay valid). -EINVAL if it lacks a callback,
 * names slot 0, a function other than 0 or a slot taken; -ENOSPC past
 * VBUS_FNS. */
int vbus_add(struct vbus *b, const struct vbus_fn *fn);

/* Guest teardown: from now on the guest's config writes are dropped, so
 * that one another of its vCPUs had in flight cannot turn a function back
 * on; reads still answer. The caller serialises this with the writes. */
void vbus_shutdown(struct vbus *b);

/* An access at @off in the guest's ECAM window (relative to bus 0). Reads
 * return the value zero-extended, all ones of @size when refused (0xFFFFFFFF
 * for a size other than 1, 2 or 4). */
uint32_t vbus_ecam_read(struct vbus *b, uint64_t off, unsigned int size);
void vbus_ecam_write(struct vbus *b, uint64_t off, unsigned int size, uint32_t val);

/* A port access, @port in 0xCF8-0xCFF (others read all ones, are dropped). */
uint32_t vbus_io_read(struct vbus *b, uint16_t port, unsigned int size);
void vbus_io_write(struct vbus *b, uint16_t port, unsigned int size, uint32_t val);

#endif
