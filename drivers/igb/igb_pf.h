/* SPDX-License-Identifier: MIT */
/* The igb PF driver's entry points: which devices it takes, and bring-up. */
#ifndef VF_IGB_PF_H
#define VF_IGB_PF_H

#include "drivers/igb/igb.h"

/* The 82576 PF device IDs this driver takes. */
bool igb_pf_supported(uint16_t vendor, uint16_t device);

/*
 * Bring the PF up for @num_vfs VFs (already enabled by SR-IOV): reset,
 * PHY autonegotiation, VMDq pools with VF-to-VF loopback, receive and
 * transmit on, MSI-X mode for VF interrupts, per-VF default MACs, then
 * PFRSTD so that the VFs leave reset. -EIO if the NIC does not come out of
 * reset or the PHY does not answer; the link may come up later.
 */
int igb_pf_init(struct igb_pf *pf, unsigned int num_vfs);
/* Quiesce the PF again (receive/transmit off, VFs disabled). */
void igb_pf_stop(struct igb_pf *pf);

#endif
