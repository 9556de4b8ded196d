// SPDX-License-Identifier: MIT
/*
 * Per-VF configuration of the 82576's internal switch: VF n is pool n, its
 * address is receive-address entry 1 + n, and its receive options live in
 * VMOLR(n), its port VLAN tag in VMVIR(n), its anti-spoof bits in DTXSWC.
 * The multicast table (MTA) and the VLAN filters (VLVF, VFTA) are shared by
 * all pools, so only this VF's pool bit in them is ever changed, a VID's
 * VFTA bit follows whether it has a VLVF entry, and the MTA is recomputed
 * from every VF's list (the PF itself takes no multicast).
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

/* AUPE as well as BAM: with RCTL.VFE a pool takes untagged frames only with
 * it. A VF on a port VLAN takes only its VLAN's frames, so it goes without.
 * BAM also records that the VF is on; VFRE/VFTE stay off while its link is
 * configured down. */
void igb_vf_enable(struct igb_pf *pf, unsigned int n, bool on)
{
	bool pass;

	if (n >= IGB_MAX_VFS)
		return;
	pass = on && pf->vf[n].conf.link != IGB_LINK_DOWN;
	update_bits(pf, IGB_VFRE, 1u << n, pass);
	update_bits(pf, IGB_VFTE, 1u << n, pass);
	update_bits(pf, IGB_VMOLR(n), IGB_VMOLR_BAM, on);
	update_bits(pf, IGB_VMOLR(n), IGB_VMOLR_AUPE, on && !pf->vf[n].conf.vlan);
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

static void vfta_set(struct igb_pf *pf, uint16_t vid, bool on)
{
	update_bits(pf, IGB_VFTA(vid >> 5), 1u << (vid & 31), on);
}

int igb_vf_set_vlvf(struct igb_pf *pf, unsigned int n, uint16_t vid, bool add)
{
	int free_slot = -1;

	if (n >= IGB_MAX_VFS || !vid || vid > IGB_VFCONF_VLAN_MAX)
		return -EINVAL; /* 4095 is reserved */
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
			vfta_set(pf, vid, nv != 0);
			return 0;
		}
	}
	if (!add)
		return 0; /* not filtered: nothing to remove */
	if (free_slot < 0)
		return -ENOSPC;
	igb_wr(pf, IGB_VLVF((unsigned int)free_slot), IGB_VLVF_VIEN | vid | IGB_VLVF_POOL(n));
	vfta_set(pf, vid, true);
	return 0;
}

void igb_vf_clear_vlvf(struct igb_pf *pf, unsigned int n)
{
	if (n >= IGB_MAX_VFS)
		return;
	for (unsigned int i = 0; i < IGB_VLVF_ENTRIES; i++) {
		uint32_t v = igb_rd(pf, IGB_VLVF(i)), nv;
		uint16_t vid = (uint16_t)(v & IGB_VLVF_VLANID_MASK);

		if (!(v & IGB_VLVF_POOL(n)) || (pf->vf[n].conf.vlan && vid == pf->vf[n].conf.vlan))
			continue;
		nv = vlvf_pool(v, n, false);
		igb_wr(pf, IGB_VLVF(i), nv);
		if (!nv)
			vfta_set(pf, vid, false);
	}
}

/* Multicast frames are stripped by RPLOLR, not by the pool's VMOLR: strip
 * while any VF has a port VLAN. (A VF with its own VLANs gets the tag back
 * in the descriptor, so stripping does not hurt it.) */
static void update_rplolr(struct igb_pf *pf)
{
	bool any = false;

	for (unsigned int m = 0; m < vf_limit(pf); m++)
		any |= pf->vf[m].conf.vlan != 0;
	update_bits(pf, IGB_RPLOLR, IGB_RPLOLR_STRVLAN, any);
}

static int set_port_vlan(struct igb_pf *pf, unsigned int n, const struct igb_vf_conf *c)
{
	struct igb_vf *vf = &pf->vf[n];
	uint16_t old = vf->conf.vlan;
	uint32_t vmvir = c->vlan ? IGB_VMVIR_DEFAULT | c->vlan | (uint32_t)c->qos << 13 : 0;
	int err;

	if (c->vlan && c->vlan != old) {
		err = igb_vf_set_vlvf(pf, n, c->vlan, true);
		if (err)
			return err;
	}
	if (old && old != c->vlan)
		igb_vf_set_vlvf(pf, n, old, false);
	vf->conf.vlan = c->vlan;
	vf->conf.qos = c->qos;
	if (igb_rd(pf, IGB_VMVIR(n)) != vmvir)
		igb_wr(pf, IGB_VMVIR(n), vmvir);
	update_bits(pf, IGB_VMOLR(n), IGB_VMOLR_STRVLAN, c->vlan != 0);
	/* Untagged frames only without a port VLAN, and only while on. */
	update_bits(pf, IGB_VMOLR(n), IGB_VMOLR_AUPE,
		    !c->vlan && (igb_rd(pf, IGB_VMOLR(n)) & IGB_VMOLR_BAM));
	update_rplolr(pf);
	return 0;
}

int igb_vf_configure(struct igb_pf *pf, unsigned int n, const struct igb_vf_conf *c)
{
	struct igb_vf *vf;
	int err;

	if (n >= vf_limit(pf) || c->vlan > IGB_VFCONF_VLAN_MAX || c->qos > IGB_VFCONF_QOS_MAX ||
	    c->link > IGB_LINK_DOWN)
		return -EINVAL;
	vf = &pf->vf[n];
	err = set_port_vlan(pf, n, c);
	if (err)
		return err;
	update_bits(pf, IGB_DTXSWC, IGB_DTXSWC_MAC_AS(n) | IGB_DTXSWC_VLAN_AS(n), c->spoofchk);
	vf->conf = *c;
	vf->conf.guest[sizeof(vf->conf.guest) - 1] = 0;
	if (!c->trust && vf->mc_promisc) {
		vf->mc_promisc = false;
		igb_vf_set_mc_promisc(pf, n, false);
	}
	/* A VF that is on gets its receive/transmit enables for the new link. */
	if (igb_rd(pf, IGB_VMOLR(n)) & IGB_VMOLR_BAM)
		igb_vf_enable(pf, n, true);
	return 0;
}

void igb_vf_set_mc_promisc(struct igb_pf *pf, unsigned int n, bool on)
{
	if (n < IGB_MAX_VFS)
		update_bits(pf, IGB_VMOLR(n), IGB_VMOLR_MPME, on);
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
