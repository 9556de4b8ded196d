// SPDX-License-Identifier: MIT
/*
 * Per-VF configuration of the 82576's internal switch: VF n is pool n, its
 * address is receive-address entry 1 + n, and its receive options live in
 * VMOLR(n). The multicast table (MTA) and the VLAN pool filters (VLVF) are
 * shared by all pools, so only this VF's pool bit in them is ever changed,
 * and the MTA is recomputed from every VF's list (the PF itself takes no
 * multicast).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/err.h"
#include "drivers/igb/igb.h"
#include "lib/kstring.h"

static unsigned int vf_limit(const struct igb_pf *pf)
{
	return pf->num_vfs < IGB_MAX_VFS ? pf->num_vfs : IGB_MAX_VFS;
}

/* Set or clear @bits in register @off, writing only on a change. */
static void update_bits(struct igb_pf *pf, uint32_t off, uint32_t bits, bool on)
{
	uint32_t old = igb_rd(pf, off);
	uint32_t val = on ? old | bits : old & ~bits;

	if (val != old)
		igb_wr(pf, off, val);
}

static bool mac_is_zero(const uint8_t mac[6])
{
	return !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
}

/*
 * The PF's address with the locally-administered bit set, the group bit
 * clear and n + 1 XORed into bits 2-5 of byte 0: distinct per VF, never the
 * PF's own (which differs either in the LAA bit or in bits 2-5), and the same
 * on every boot.
 */
void igb_vf_default_mac(const struct igb_pf *pf, unsigned int n, uint8_t mac[6])
{
	memcpy(mac, pf->pf_mac, 6);
	mac[0] = (uint8_t)(((mac[0] ^ (((n + 1) & 0xF) << 2)) | 0x02) & ~0x01);
}

void igb_vf_set_rar(struct igb_pf *pf, unsigned int n, const uint8_t mac[6])
{
	unsigned int i = 1 + n;
	uint32_t lo, hi;

	if (n >= IGB_MAX_VFS)
		return;
	lo = mac[0] | (uint32_t)mac[1] << 8 | (uint32_t)mac[2] << 16 | (uint32_t)mac[3] << 24;
	hi = mac[4] | (uint32_t)mac[5] << 8;
	/* Invalidate first so that no half-written address ever matches. */
	igb_wr(pf, IGB_RAH(i), 0);
	igb_wr(pf, IGB_RAL(i), lo);
	if (!mac_is_zero(mac) && !(pf->omit & IGB_OMIT_MACFILTER))
		igb_wr(pf, IGB_RAH(i), hi | IGB_RAH_AV | IGB_RAH_POOL(n));
}

/* AUPE as well as BAM: real 82576 pools drop untagged frames without it
 * (QEMU only filters on it with RCTL.VFE, which stays off). */
void igb_vf_enable(struct igb_pf *pf, unsigned int n, bool on)
{
	if (n >= IGB_MAX_VFS)
		return;
	update_bits(pf, IGB_VFRE, 1u << n, on);
	update_bits(pf, IGB_VFTE, 1u << n, on);
	update_bits(pf, IGB_VMOLR(n), IGB_VMOLR_BAM | IGB_VMOLR_AUPE, on);
}

void igb_vf_update_mc(struct igb_pf *pf, unsigned int n)
{
	uint32_t mta[IGB_MTA_ENTRIES] = {0};
	unsigned int nvfs = vf_limit(pf);

	if (n >= IGB_MAX_VFS)
		return;
	for (unsigned int m = 0; m < nvfs; m++) {
		const struct igb_vf *vf = &pf->vf[m];
		unsigned int cnt = vf->mc_count;

		if (cnt > IGB_VF_MC_MAX)
			cnt = IGB_VF_MC_MAX;
		for (unsigned int i = 0; i < cnt; i++) {
			uint16_t h = vf->mc_hashes[i];

			mta[(h >> 5) & (IGB_MTA_ENTRIES - 1)] |= 1u << (h & 0x1F);
		}
	}
	for (unsigned int i = 0; i < IGB_MTA_ENTRIES; i++)
		if (igb_rd(pf, IGB_MTA(i)) != mta[i])
			igb_wr(pf, IGB_MTA(i), mta[i]);
	update_bits(pf, IGB_VMOLR(n), IGB_VMOLR_ROMPE, pf->vf[n].mc_count != 0);
}

/* The new value of VLVF entry @v with pool @n added or removed; an entry left
 * without pools is freed altogether. */
static uint32_t vlvf_pool(uint32_t v, unsigned int n, bool add)
{
	v = add ? v | IGB_VLVF_POOL(n) : v & ~IGB_VLVF_POOL(n);
	return v & IGB_VLVF_POOLSEL_MASK ? v : 0;
}

int igb_vf_set_vlvf(struct igb_pf *pf, unsigned int n, uint16_t vid, bool add)
{
	int free_slot = -1;

	if (n >= IGB_MAX_VFS || !vid || vid > IGB_VLVF_VLANID_MASK)
		return -EINVAL;
	for (unsigned int i = 0; i < IGB_VLVF_ENTRIES; i++) {
		uint32_t v = igb_rd(pf, IGB_VLVF(i));

		if (!(v & IGB_VLVF_VIEN)) {
			if (free_slot < 0)
				free_slot = (int)i;
			continue;
		}
		if ((v & IGB_VLVF_VLANID_MASK) == vid) {
			uint32_t nv = vlvf_pool(v, n, add);

			if (nv != v)
				igb_wr(pf, IGB_VLVF(i), nv);
			return 0;
		}
	}
	if (!add)
		return 0; /* not filtered: nothing to remove */
	if (free_slot < 0)
		return -ENOSPC;
	igb_wr(pf, IGB_VLVF((unsigned int)free_slot), IGB_VLVF_VIEN | vid | IGB_VLVF_POOL(n));
	return 0;
}

void igb_vf_clear_vlvf(struct igb_pf *pf, unsigned int n)
{
	if (n >= IGB_MAX_VFS)
		return;
	for (unsigned int i = 0; i < IGB_VLVF_ENTRIES; i++) {
		uint32_t v = igb_rd(pf, IGB_VLVF(i));

		if (v & IGB_VLVF_POOL(n))
			igb_wr(pf, IGB_VLVF(i), vlvf_pool(v, n, false));
	}
}

int igb_vf_set_rlpml(struct igb_pf *pf, unsigned int n, unsigned int max_frame)
{
	uint32_t old, val;

	if (n >= IGB_MAX_VFS)
		return -EINVAL;
	if (max_frame && (max_frame < IGB_VF_FRAME_MIN || max_frame > IGB_VF_FRAME_MAX))
		return -ERANGE;
	old = igb_rd(pf, IGB_VMOLR(n));
	if (max_frame)
		val = (old & ~(uint32_t)IGB_VMOLR_RLPML_MASK) | max_frame | IGB_VMOLR_LPE;
	else
		val = old & ~IGB_VMOLR_LPE;
	if (val != old)
		igb_wr(pf, IGB_VMOLR(n), val);
	return 0;
}
