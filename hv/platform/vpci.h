/* SPDX-License-Identifier: MIT */
/*
 * A guest's VF as a function on its virtual PCI bus (vbus.h): configuration
 * space only, pure logic. Everything that must reach hardware or the guest's
 * address space goes out through struct vpci_ops.
 *
 * What the guest sees at @vf_devfn (00:01.0 by default; function 0 of slots
 * 1-31): vendor/device as given (the PF's SR-IOV VF Device ID: a VF reads
 * 0xFFFF itself), class/revision and subsystem read once from the real VF,
 * header type 0, no INTx (pin 0), no ROM, the BARs given (memory only), and
 * a virtual capability list: MSI-X at VPCI_CAP_MSIX -> PCIe at
 * VPCI_CAP_PCIE. No PM, MSI, AER, ARI or SR-IOV: Linux's PCI core and igbvf
 * need none. Extended space (0x100-0xFFF) reads 0: the empty header at 0x100
 * is the "no extended capabilities" Linux looks for.
 *
 * Registers of the VF that do anything (all else: reads the shadow, writes
 * are dropped):
 * - Command: MEM and MASTER are kept and forwarded to the real VF (read,
 *   those two bits replaced, written back: QEMU gates VF decode on MEM);
 *   INTx Disable reads 1 (there is no INTx); IO and the rest read 0.
 * - Status: the real VF's error bits (0xF900) read live, Capabilities List
 *   always 1, the rest 0. Writes (W1C) are dropped.
 * - BARs: the standard sizing protocol (all ones reads back size mask | type
 *   bits), low type bits read-only. A BAR is mapped (bar_map enable=true)
 *   exactly when Command.MEM is set, the whole BAR lies inside the window
 *   [win_base, win_base + win_size) and it overlaps no other BAR of the VF
 *   (both of two overlapping BARs stay unmapped: no placement can take
 *   another BAR's place). Otherwise it is not mapped but still reads back
 *   what was written, as hardware would. Every change unmaps first, then
 *   maps, so two mapped BARs never overlap even between callbacks. A
 *   decoding BAR left unmapped is reported to bar_refused (if set) when its
 *   reason starts or changes; the caller limits what it logs.
 * - MSI-X Message Control: Enable (bit 15) and Function Mask (bit 14) are
 *   kept; a change calls msix_ctrl. Table size, Table and PBA offset/BIR are
 *   the real VF's, read-only.
 * - PCIe capability (version 2, Root Complex Integrated Endpoint: the VF sits
 *   on the root bus, as QEMU presents devices there; Linux then skips every
 *   link register). DevCap: the real VF's MPSS, extended tag, L0s/L1
 *   latencies and role-based error reporting, plus FLR. DevCtl: writing
 *   Initiate FLR (bit 15) performs an FLR and reads 0; the error reporting
 *   enables, relaxed ordering, MPS, extended tag, no snoop and MRRS are kept
 *   as written but never forwarded (a VF's are RsvdP or the PF's). DevSta:
 *   the real VF's error and Transactions Pending bits, live, read-only.
 *   Everything from Link Capabilities on reads 0.
 * - FLR: every mapped BAR unmapped, msix_ctrl(false, false) if either bit
 *   was set, vf_flr, then the shadow is reset as the real function is
 *   (Command 0, BARs 0, MSI-X control 0, DevCtl as at creation) and the
 *   cleared Command is forwarded again.
 *
 * The real VF only ever sees: vf_read of any register at creation, vf_read
 * of Command, Status and DevSta afterwards, and vf_write of Command (2 bytes).
 * Never its BARs, never another function.
 *
 * Not thread-safe: the caller serialises all of a guest's vCPUs (its bus's
 * lock). Callbacks run inside the access.
 */
#ifndef VF_VPCI_H
#define VF_VPCI_H

#include <stdbool.h>
#include <stdint.h>
#include "drivers/pci/pci.h"
#include "hv/platform/vbus.h"

#define VPCI_VF_DEVFN PCI_DEVFN(1, 0) /* the default slot */
#define VPCI_CAP_MSIX 0x40	      /* the virtual capability list */
#define VPCI_CAP_PCIE 0x50
#define VPCI_BAR_MIN  4096 /* smallest BAR: mapped with 4 KiB pages */

struct vpci_ops {
	/* the real VF's config space */
	uint32_t (*vf_read)(void *ctx, unsigned int reg, unsigned int size);
	void (*vf_write)(void *ctx, unsigned int reg, unsigned int size, uint32_t val);
	/* the guest placed (or moved, or disabled) BAR @bar at @gpa (size @size): map or unmap it */
	int (*bar_map)(void *ctx, unsigned int bar, uint64_t gpa, uint64_t size, bool enable);
	/* the guest asked for a function-level reset */
	void (*vf_flr)(void *ctx);
	/* MSI-X enable / function-mask changed (the MSI-X table itself is another module's) */
	void (*msix_ctrl)(void *ctx, bool enable, bool masked);
	/* Optional, for the log: BAR @bar, decoding (Command.MEM) at @addr, is
	 * left unmapped because of @why (VPCI_BAR_OUTSIDE or VPCI_BAR_OVERLAP).
	 * Called once each time the reason starts or changes. */
	void (*bar_refused)(void *ctx, unsigned int bar, uint64_t addr, uint64_t size, int why);
};

/* Why a decoding BAR is not mapped (bar_refused). */
enum { VPCI_BAR_OK, VPCI_BAR_OUTSIDE, VPCI_BAR_OVERLAP };

struct vpci_cfg {
	const struct vpci_ops *ops; /* every callback set but bar_refused */
	void *ctx;		    /* passed to each callback */
	uint16_t vendor, device;    /* the VF's IDs from the PF's SR-IOV capability */
	/* The VF BARs as the PF's SR-IOV capability gives them (struct sriov's
	 * vf_bar: .base ignored): size 0 or a power of two >= VPCI_BAR_MIN
	 * (< 4 GiB unless 64-bit), flags PCI_BAR_MEM64 / PCI_BAR_PREFETCH; a
	 * 64-bit BAR takes slot i + 1 too, which must be empty. */
	struct pci_bar bar[6];
	uint64_t win_base, win_size; /* where BARs may be mapped; base > 0, no wrap */
	uint8_t vf_devfn;	     /* 0: VPCI_VF_DEVFN; else function 0 of slot 1-31 */
};

struct vpci_bar {
	uint64_t size; /* 0: not implemented (or a 64-bit BAR's upper half) */
	uint64_t addr; /* the address bits the guest wrote (the size mask applied) */
	uint64_t gpa;  /* where it is mapped, when @mapped */
	uint8_t flags; /* PCI_BAR_MEM64 | PCI_BAR_PREFETCH */
	bool mapped;
	uint8_t refused; /* VPCI_BAR_*: last reason reported to bar_refused */
};

/* One VF's function. Embed it; touch it only through the functions. */
struct vpci {
	const struct vpci_ops *ops;
	void *ctx;
	struct vbus_fn fn; /* what to put on the bus (vbus_add), at its slot */
	uint16_t vendor, device;
	uint32_t class_rev, subsys; /* from the real VF at creation */
	uint16_t cmd;		    /* PCI_CMD_MEM | PCI_CMD_MASTER */
	struct vpci_bar bar[6];
	uint64_t win_base, win_size;
	uint16_t msix_ctrl;	       /* the real table size | what the guest set */
	uint32_t msix_table, msix_pba; /* offset | BIR, the real VF's */
	uint32_t devcap;
	uint16_t devctl, devctl_reset;
	uint8_t real_pcie; /* the real VF's PCIe capability (DevSta), 0: none */
	unsigned int flrs; /* FLRs performed */
	bool shut;	   /* vpci_shutdown: the guest's writes go nowhere */
};

/*
 * Build the bus from @cfg, reading the real VF through cfg->ops (class,
 * subsystem, its MSI-X and PCIe capabilities), and forward Command with MEM
 * and MASTER clear so that the real VF starts as the guest sees it. Returns 0,
 * -EINVAL for a bad @cfg (missing callback, vendor 0 or 0xFFFF, bad slot,
 * window or BAR, an MSI-X table or PBA outside its BAR), -EIO if the real VF
 * reads all ones, -ENODEV if it has no MSI-X capability. Nothing is written
 * to the real VF on error.
 */
int vpci_init(struct vpci *v, const struct vpci_cfg *cfg);

/* Guest teardown: Command cleared (and forwarded: the VF stops decoding and
 * DMA), every mapped BAR unmapped, MSI-X control off (bar_map / msix_ctrl
 * called as needed). From then on the guest's config writes to it are
 * dropped, so that one another of its vCPUs had in flight cannot turn the
 * VF back on; reads still answer. The caller serialises this with the
 * writes. */
void vpci_shutdown(struct vpci *v);

#endif
