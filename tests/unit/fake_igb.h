/* SPDX-License-Identifier: MIT */
/*
 * A fake 82576 register file for the unit tests, with the mailbox modelled on
 * both sides as QEMU 10's igb_core.c does it, plus a tiny igbvf so that tests
 * can act as the VF driver. The PF side is reached through struct igb_hw
 * (fake_igb_attach); the VF side through fake_vf_read/fake_vf_write or the
 * igbvf helpers. Everything the PF does that the protocol forbids is counted
 * in the violation counters, which the tests expect to stay 0.
 */
#ifndef VF_FAKE_IGB_H
#define VF_FAKE_IGB_H

#include <stdbool.h>
#include <stdint.h>
#include "drivers/igb/igb.h"

#define FAKE_IGB_BAR  0x10800 /* PF BAR0 bytes modelled (to the VF mirror registers) */
#define FAKE_IGB_WLOG 4096

#define FAKE_VMOLR_RESET 0x80002600u /* QEMU's reset value */

struct fake_igb_write {
	uint32_t off, val;
};

struct fake_igb {
	/* PF BAR0. P2VMAILBOX(n) holds only VFU and PFU (STS/ACK/RVFU are actions). */
	uint32_t reg[FAKE_IGB_BAR / 4];
	/* Each VF's V2PMAILBOX as stored: VFU PFU PFSTS PFACK RSTI RSTD. */
	uint32_t v2p[IGB_MAX_VFS];
	/* The fake igbvf's cache of read-to-clear bits it has seen, as igbvf keeps
	 * them in hw->dev_spec.vf.v2p_mailbox. */
	uint32_t vf_seen[IGB_MAX_VFS];
	unsigned int vf_irqs[IGB_MAX_VFS]; /* mailbox interrupts to each VF */
	unsigned int pf_irqs;		   /* ICR.VMMB raised */

	/* Every PF write, in order (the first FAKE_IGB_WLOG since the last clear). */
	struct fake_igb_write wlog[FAKE_IGB_WLOG];
	unsigned int nwrites, nreads;

	/* Protocol violations by the PF side. */
	unsigned int bad_access;     /* outside the modelled BAR, or unaligned */
	unsigned int v2p_touch;	     /* read or wrote 0x0C40.. (the VF's register) */
	unsigned int mbmem_unlocked; /* touched VMBMEM(n) without holding PFU */

	/* Called after every PF access (tests inject VF actions here). */
	void (*hook)(struct fake_igb *f, bool write, uint32_t off, uint32_t val);
	void *hook_ctx;
};

/* A PF CTRL.RST completes at once and an MDIC write sets READY, as QEMU's
 * igb does; nothing else of a PF reset is modelled. */
/* Power-on state: MACs clear, VMOLR at reset value, VFRE/VFTE 0xFF as QEMU
 * has them, RSTI in every VF mailbox until the PF writes CTRL_EXT.PFRSTD. */
void fake_igb_init(struct fake_igb *f);
/* Point @pf's register access at @f. */
void fake_igb_attach(struct fake_igb *f, struct igb_pf *pf);
/* The struct igb_hw callbacks (the PF side). */
uint32_t fake_igb_pf_read(void *ctx, uint32_t off);
void fake_igb_pf_write(void *ctx, uint32_t off, uint32_t v);

/* Raw register access with no side effects and no logging. */
uint32_t fake_igb_peek(const struct fake_igb *f, uint32_t off);
void fake_igb_poke(struct fake_igb *f, uint32_t off, uint32_t v);

/* Write log: forget it; count writes to @off; count writes outside every
 * [lo, hi) range given in @ranges (pairs, @n of them). */
void fake_igb_log_clear(struct fake_igb *f);
unsigned int fake_igb_writes_to(const struct fake_igb *f, uint32_t off);
unsigned int fake_igb_writes_outside(const struct fake_igb *f, const uint32_t (*ranges)[2],
				     unsigned int n);

/* VF @n's BAR0 as its driver sees it: CTRL (RST resets the VF), STATUS (the
 * PF's), VMBMEM (shared with the PF's VMBMEM(n)), V2PMAILBOX. */
uint32_t fake_vf_read(struct fake_igb *f, unsigned int n, uint32_t off);
void fake_vf_write(struct fake_igb *f, unsigned int n, uint32_t off, uint32_t v);
/* A VF reset (CTRL.RST or PCIe FLR), as QEMU 10 does it: VFLRE bit set,
 * VFRE/VFTE bit cleared, ICR.VMMB; the mailbox bits are left alone. */
void fake_vf_reset(struct fake_igb *f, unsigned int n);

/* ---- the fake igbvf ---- */
/* Take VFU (write it, read it back). */
bool fake_vf_lock(struct fake_igb *f, unsigned int n);
/* write_posted without the wait: take VFU, write @count words, write REQ
 * (which gives VFU up). False, with nothing written, if VFU was refused. */
bool fake_vf_send(struct fake_igb *f, unsigned int n, const uint32_t *w, unsigned int count);
/* read_posted without the wait: if PFSTS was seen, take VFU, copy @count
 * words, write ACK. 0; -1 if there is no reply; -2 if VFU was refused. */
int fake_vf_read_reply(struct fake_igb *f, unsigned int n, uint32_t *w, unsigned int count);
/* Read V2PMAILBOX into the seen-bits cache; true (and consume them) if any
 * of @bits was seen, like igbvf's check_for_bit. */
bool fake_vf_check(struct fake_igb *f, unsigned int n, uint32_t bits);

/* ---- inspection ---- */
/* RAR entry @i: the address and RAH. */
void fake_igb_rar(const struct fake_igb *f, unsigned int i, uint8_t mac[6], uint32_t *rah);
/* Sum of the bits set in all 128 MTA words. */
unsigned int fake_igb_mta_bits(const struct fake_igb *f);
/* True if MTA bit for multicast hash @hash is set. */
bool fake_igb_mta_has(const struct fake_igb *f, uint16_t hash);

#endif
