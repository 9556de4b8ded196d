/* SPDX-License-Identifier: MIT */
/* The NIC self-test: the hypervisor drives VF 0 and VF 1 as a guest would. */
#ifndef VF_IGB_SELFTEST_H
#define VF_IGB_SELFTEST_H

#include <stddef.h>
#include "drivers/igb/igb.h"

/*
 * The NIC self-test: act as the guest driver of VF 0 and VF 1 (reset each
 * through the mailbox, as igbvf does), send one frame from VF 0 to VF 1's
 * MAC and receive it on VF 1 through the NIC's internal switch. @vf0/@vf1
 * reach the VFs' BAR0. The PF mailbox server is polled from the wait loops,
 * so the test runs on one CPU. Returns 0 (pass) or a negative error with a
 * reason in @why.
 */
int igb_selftest(struct igb_pf *pf, const struct igb_hw *vf0, const struct igb_hw *vf1,
		 unsigned int flags, char *why, size_t why_len);

/* flags: VF 0's frame buffer address points at IGB_SELFTEST_BAD_IOVA, which
 * no domain maps: with an IOMMU the NIC's read must fault. */
#define IGB_SELFTEST_BAD_DMA  (1u << 0)
#define IGB_SELFTEST_BAD_IOVA 0xDEAD0000ull

/* Make VF @n transmit one frame from the test's buffers (its descriptor
 * fetch is its first DMA), then stop it again: for a VF that an IOMMU
 * should be blocking. */
int igb_selftest_tx_probe(struct igb_pf *pf, const struct igb_hw *vf, unsigned int n);

/* The block the VFs DMA to during the test (page-aligned, whole pages). */
void igb_selftest_dma_area(uint64_t *base, uint64_t *len);

#endif
