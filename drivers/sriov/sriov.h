/* SPDX-License-Identifier: MIT */
/*
 * SR-IOV: enable virtual functions on a physical function. VF BARs are sized
 * and placed in free space of the bridge window above the PF (firmware does
 * not place them; a PF on a root bus: from its bus's lowest BAR up to
 * 0xFEC00000), ARI forwarding is turned on where the PF and port have it,
 * and a failure at any step undoes everything this code wrote.
 */
#ifndef VF_SRIOV_H
#define VF_SRIOV_H

#include <stdbool.h>
#include <stdint.h>
#include "drivers/pci/pci.h"

#define SRIOV_MAX_VFS 64

/* SR-IOV extended capability registers (offsets from the capability) */
#define SRIOV_CAPS	  0x04
#define SRIOV_CTRL	  0x08
#define SRIOV_CTRL_VFE	  (1u << 0)
#define SRIOV_CTRL_MSE	  (1u << 3)
#define SRIOV_CTRL_ARI	  (1u << 4)
#define SRIOV_INITIAL_VFS 0x0C
#define SRIOV_TOTAL_VFS	  0x0E
#define SRIOV_NUM_VFS	  0x10
#define SRIOV_VF_OFFSET	  0x14
#define SRIOV_VF_STRIDE	  0x16
#define SRIOV_VF_DID	  0x1A
#define SRIOV_PGSIZE_SUP  0x1C
#define SRIOV_PGSIZE	  0x20
#define SRIOV_VF_BAR0	  0x24

struct sriov {
	struct pci_dev *pf;
	uint16_t cap;
	uint16_t total_vfs, num_vfs, offset, stride, vf_device;
	bool ari;		  /* ARI forwarding enabled in the port above (by us) */
	struct pci_bar vf_bar[6]; /* per-VF size; base of VF 0 */
	struct pci_dev *vf[SRIOV_MAX_VFS];
};

/*
 * Enable @num_vfs VFs on @pf. On success every VF is in the PCI device
 * table with its BARs, memory decode and bus mastering on. Errors:
 * -ENODEV (no SR-IOV capability), -ERANGE (0 or more than TotalVFs),
 * -EBUSY (VFs already enabled by someone), -ENOSPC (no room for the VF BARs
 * in the bridge window, or VF routing IDs beyond the bridge's buses),
 * -EIO (a VF did not answer). On error the PF is left as it was found.
 */
int sriov_enable(struct sriov *s, struct pci_dev *pf, unsigned int num_vfs);
/* Turn the VFs off again and give back what sriov_enable() set. */
void sriov_disable(struct sriov *s);
/* Routing ID (bus << 8 | devfn) of VF @n. */
uint16_t sriov_vf_rid(const struct sriov *s, unsigned int n);

#endif
