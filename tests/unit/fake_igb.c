// SPDX-License-Identifier: MIT
/* The fake 82576 register file: see fake_igb.h. */
#include <string.h>
#include "drivers/igb/igb.h"
#include "fake_igb.h"

#define V2P_R2C (IGBVF_V2P_PFSTS | IGBVF_V2P_PFACK | IGBVF_V2P_RSTD)
#define VF_RST	(1u << 26) /* VF CTRL.RST */

static bool in_range(uint32_t off, uint32_t base, uint32_t len)
{
	return off >= base && off - base < len;
}

static uint32_t *r(struct fake_igb *f, uint32_t off)
{
	return &f->reg[off / 4];
}

void fake_igb_init(struct fake_igb *f)
{
	memset(f, 0, sizeof(*f));
	for (unsigned int n = 0; n < IGB_MAX_VFS; n++) {
		*r(f, IGB_VMOLR(n)) = FAKE_VMOLR_RESET;
		f->v2p[n] = IGBVF_V2P_RSTI;
	}
	*r(f, IGB_VFRE) = 0xFF;
	*r(f, IGB_VFTE) = 0xFF;
}

void fake_igb_attach(struct fake_igb *f, struct igb_pf *pf)
{
	pf->hw.read = fake_igb_pf_read;
	pf->hw.write = fake_igb_pf_write;
	pf->hw.ctx = f;
}

uint32_t fake_igb_peek(const struct fake_igb *f, uint32_t off)
{
	return off < FAKE_IGB_BAR && !(off & 3) ? f->reg[off / 4] : 0xDEADBEEF;
}

void fake_igb_poke(struct fake_igb *f, uint32_t off, uint32_t v)
{
	if (off < FAKE_IGB_BAR && !(off & 3))
		f->reg[off / 4] = v;
}

static void raise_pf(struct fake_igb *f)
{
	*r(f, IGB_ICR) |= IGB_ICR_VMMB;
	f->pf_irqs++;
}

/* VMBMEM(n) index of @off, or -1. */
static int mbmem_vf(uint32_t off)
{
	if (!in_range(off, IGB_VMBMEM(0), IGB_MAX_VFS * 0x40))
		return -1;
	return (int)((off - IGB_VMBMEM(0)) / 0x40);
}

static void check_mbmem(struct fake_igb *f, uint32_t off)
{
	int n = mbmem_vf(off);

	if (n >= 0 && !(*r(f, IGB_P2VMAILBOX(n)) & IGB_P2VM_PFU))
		f->mbmem_unlocked++;
}

static bool pf_off_ok(struct fake_igb *f, uint32_t off)
{
	if (off >= FAKE_IGB_BAR || (off & 3)) {
		f->bad_access++;
		return false;
	}
	if (in_range(off, IGBVF_V2PMAILBOX, 4 * IGB_MAX_VFS)) {
		f->v2p_touch++;
		return false;
	}
	return true;
}

uint32_t fake_igb_pf_read(void *ctx, uint32_t off)
{
	struct fake_igb *f = ctx;
	uint32_t v = 0;

	f->nreads++;
	if (pf_off_ok(f, off)) {
		check_mbmem(f, off);
		v = *r(f, off);
		if (off == IGB_ICR)
			*r(f, off) = 0;
	}
	if (f->hook)
		f->hook(f, false, off, v);
	return v;
}

static void pf_mailbox_write(struct fake_igb *f, unsigned int n, uint32_t v)
{
	uint32_t *p2v = r(f, IGB_P2VMAILBOX(n));

	if (v & IGB_P2VM_STS) {
		f->v2p[n] |= IGBVF_V2P_PFSTS;
		f->vf_irqs[n]++;
	}
	if (v & IGB_P2VM_ACK) {
		f->v2p[n] |= IGBVF_V2P_PFACK;
		f->vf_irqs[n]++;
	}
	if (v & IGB_P2VM_PFU) {
		/* Only sticks while the VF does not hold the buffer. */
		if (!(*p2v & IGB_P2VM_VFU)) {
			*p2v |= IGB_P2VM_PFU;
			f->v2p[n] |= IGBVF_V2P_PFU;
		}
	} else {
		*p2v &= ~IGB_P2VM_PFU;
		f->v2p[n] &= ~IGBVF_V2P_PFU;
	}
	if (v & IGB_P2VM_RVFU) {
		*p2v &= ~IGB_P2VM_VFU;
		f->v2p[n] &= ~IGBVF_V2P_VFU;
		*r(f, IGB_MBVFICR) &= ~(IGB_MBVFICR_REQ(n) | IGB_MBVFICR_ACK(n));
	}
}

void fake_igb_pf_write(void *ctx, uint32_t off, uint32_t v)
{
	struct fake_igb *f = ctx;

	if (f->nwrites < FAKE_IGB_WLOG)
		f->wlog[f->nwrites] = (struct fake_igb_write){off, v};
	f->nwrites++;
	if (pf_off_ok(f, off)) {
		check_mbmem(f, off);
		if (in_range(off, IGB_P2VMAILBOX(0), 4 * IGB_MAX_VFS)) {
			pf_mailbox_write(f, (off - IGB_P2VMAILBOX(0)) / 4, v);
		} else if (off == IGB_MBVFICR) {
			*r(f, off) &= ~(v & 0x00FF00FF);
		} else if (off == IGB_VFLRE) {
			*r(f, off) &= ~(v & 0xFF);
		} else if (off == IGB_ICR) {
			*r(f, off) &= ~v;
		} else {
			*r(f, off) = v;
			/* QEMU resets at once, and answers the PHY at once. */
			if (off == IGB_CTRL && (v & IGB_CTRL_RST))
				*r(f, off) &= ~IGB_CTRL_RST;
			if (off == IGB_MDIC)
				*r(f, off) |= IGB_MDIC_READY;
			if (off == IGB_CTRL_EXT && (v & IGB_CTRL_EXT_PFRSTD)) {
				for (unsigned int n = 0; n < IGB_MAX_VFS; n++) {
					f->v2p[n] &= ~IGBVF_V2P_RSTI;
					f->v2p[n] |= IGBVF_V2P_RSTD;
				}
			}
		}
	}
	if (f->hook)
		f->hook(f, true, off, v);
}

void fake_igb_log_clear(struct fake_igb *f)
{
	f->nwrites = 0;
	f->nreads = 0;
}

unsigned int fake_igb_writes_to(const struct fake_igb *f, uint32_t off)
{
	unsigned int c = 0;

	for (unsigned int i = 0; i < f->nwrites && i < FAKE_IGB_WLOG; i++)
		if (f->wlog[i].off == off)
			c++;
	return c;
}

unsigned int fake_igb_writes_outside(const struct fake_igb *f, const uint32_t (*ranges)[2],
				     unsigned int n)
{
	unsigned int c = 0;

	for (unsigned int i = 0; i < f->nwrites && i < FAKE_IGB_WLOG; i++) {
		bool inside = false;

		for (unsigned int k = 0; k < n && !inside; k++)
			inside = f->wlog[i].off >= ranges[k][0] && f->wlog[i].off < ranges[k][1];
		if (!inside)
			c++;
	}
	return c;
}

/* ---- the VF side ---- */

void fake_vf_reset(struct fake_igb *f, unsigned int n)
{
	if (n >= IGB_MAX_VFS)
		return;
	*r(f, IGB_VFRE) &= ~(1u << n);
	*r(f, IGB_VFTE) &= ~(1u << n);
	*r(f, IGB_VFLRE) |= 1u << n;
	raise_pf(f);
}

uint32_t fake_vf_read(struct fake_igb *f, unsigned int n, uint32_t off)
{
	uint32_t v;

	if (n >= IGB_MAX_VFS || (off & 3))
		return 0;
	if (off == IGBVF_STATUS)
		return *r(f, IGB_STATUS);
	if (in_range(off, IGBVF_VMBMEM, 4 * IGB_MBX_WORDS))
		return *r(f, IGB_VMBMEM(n) + (off - IGBVF_VMBMEM));
	if (off == IGBVF_V2PMAILBOX) {
		v = f->v2p[n];
		f->v2p[n] &= ~V2P_R2C;
		return v;
	}
	return 0;
}

void fake_vf_write(struct fake_igb *f, unsigned int n, uint32_t off, uint32_t v)
{
	uint32_t *p2v;

	if (n >= IGB_MAX_VFS || (off & 3))
		return;
	p2v = r(f, IGB_P2VMAILBOX(n));
	if (off == IGBVF_CTRL) {
		if (v & VF_RST)
			fake_vf_reset(f, n);
	} else if (in_range(off, IGBVF_VMBMEM, 4 * IGB_MBX_WORDS)) {
		*r(f, IGB_VMBMEM(n) + (off - IGBVF_VMBMEM)) = v; /* QEMU does not lock it */
	} else if (off == IGBVF_V2PMAILBOX) {
		if (v & IGBVF_V2P_REQ) {
			*r(f, IGB_MBVFICR) |= IGB_MBVFICR_REQ(n);
			raise_pf(f);
		}
		if (v & IGBVF_V2P_ACK) {
			*r(f, IGB_MBVFICR) |= IGB_MBVFICR_ACK(n);
			raise_pf(f);
		}
		if (v & IGBVF_V2P_VFU) {
			if (!(f->v2p[n] & IGBVF_V2P_PFU)) {
				f->v2p[n] |= IGBVF_V2P_VFU;
				*p2v |= IGB_P2VM_VFU;
			}
		} else {
			f->v2p[n] &= ~IGBVF_V2P_VFU;
			*p2v &= ~IGB_P2VM_VFU;
		}
	}
}

/* ---- the fake igbvf ---- */

static uint32_t vf_mbx_read(struct fake_igb *f, unsigned int n)
{
	uint32_t v = fake_vf_read(f, n, IGBVF_V2PMAILBOX);

	f->vf_seen[n] |= v & V2P_R2C;
	return v | f->vf_seen[n];
}

bool fake_vf_check(struct fake_igb *f, unsigned int n, uint32_t bits)
{
	if (n >= IGB_MAX_VFS || !(vf_mbx_read(f, n) & bits))
		return false;
	f->vf_seen[n] &= ~bits;
	return true;
}

bool fake_vf_lock(struct fake_igb *f, unsigned int n)
{
	fake_vf_write(f, n, IGBVF_V2PMAILBOX, IGBVF_V2P_VFU);
	return vf_mbx_read(f, n) & IGBVF_V2P_VFU;
}

bool fake_vf_send(struct fake_igb *f, unsigned int n, const uint32_t *w, unsigned int count)
{
	if (n >= IGB_MAX_VFS || count > IGB_MBX_WORDS || !fake_vf_lock(f, n))
		return false;
	/* igbvf forgets stale PFSTS/PFACK before posting. */
	f->vf_seen[n] &= ~(IGBVF_V2P_PFSTS | IGBVF_V2P_PFACK);
	for (unsigned int i = 0; i < count; i++)
		fake_vf_write(f, n, IGBVF_VMBMEM + 4 * i, w[i]);
	fake_vf_write(f, n, IGBVF_V2PMAILBOX, IGBVF_V2P_REQ);
	return true;
}

int fake_vf_read_reply(struct fake_igb *f, unsigned int n, uint32_t *w, unsigned int count)
{
	if (n >= IGB_MAX_VFS || count > IGB_MBX_WORDS)
		return -2;
	if (!fake_vf_check(f, n, IGBVF_V2P_PFSTS))
		return -1;
	if (!fake_vf_lock(f, n))
		return -2;
	for (unsigned int i = 0; i < count; i++)
		w[i] = fake_vf_read(f, n, IGBVF_VMBMEM + 4 * i);
	fake_vf_write(f, n, IGBVF_V2PMAILBOX, IGBVF_V2P_ACK);
	return 0;
}

/* ---- inspection ---- */

void fake_igb_rar(const struct fake_igb *f, unsigned int i, uint8_t mac[6], uint32_t *rah)
{
	uint32_t lo = fake_igb_peek(f, IGB_RAL(i)), hi = fake_igb_peek(f, IGB_RAH(i));

	for (int k = 0; k < 4; k++)
		mac[k] = (uint8_t)(lo >> (8 * k));
	mac[4] = (uint8_t)hi;
	mac[5] = (uint8_t)(hi >> 8);
	*rah = hi;
}

unsigned int fake_igb_mta_bits(const struct fake_igb *f)
{
	unsigned int c = 0;

	for (unsigned int i = 0; i < IGB_MTA_ENTRIES; i++)
		c += (unsigned int)__builtin_popcount(fake_igb_peek(f, IGB_MTA(i)));
	return c;
}

bool fake_igb_mta_has(const struct fake_igb *f, uint16_t hash)
{
	return fake_igb_peek(f, IGB_MTA((hash >> 5) & 0x7F)) & (1u << (hash & 0x1F));
}
