// SPDX-License-Identifier: MIT
/* igb PF bring-up: the settings QEMU's igb and the 82576 need for VMDq pools
 * with VF-to-VF switching (see shared/reference/qemu-igb-vtd.md 1c), with
 * the PF's pool as the default, VLAN filtering and large frames on. */
#include "lib/err.h"
#include "drivers/igb/igb_pf.h"
#include "lib/kstring.h"
#include "lib/printk.h"
#include "drivers/timer/tsc.h"

static const uint16_t pf_ids[] = {
	0x10C9, /* 82576 */
	0x10E6, /* 82576 fiber */
	0x10E7, /* 82576 serdes */
	0x10E8, /* 82576 quad copper */
	0x150A, /* 82576 NS */
	0x1526, /* 82576 quad copper ET2 */
};

bool igb_pf_supported(uint16_t vendor, uint16_t device)
{
	if (vendor != IGB_VENDOR)
		return false;
	for (unsigned int i = 0; i < sizeof(pf_ids) / sizeof(pf_ids[0]); i++)
		if (pf_ids[i] == device)
			return true;
	return false;
}

static bool wait_clear(struct igb_pf *pf, uint32_t reg, uint32_t bits, unsigned int us)
{
	for (unsigned int t = 0; t <= us; t += 10) {
		if (!(igb_rd(pf, reg) & bits))
			return true;
		udelay(10);
	}
	return false;
}

static bool wait_set(struct igb_pf *pf, uint32_t reg, uint32_t bits, unsigned int us)
{
	for (unsigned int t = 0; t <= us; t += 10) {
		if ((igb_rd(pf, reg) & bits) == bits)
			return true;
		udelay(10);
	}
	return false;
}

static void irqs_off(struct igb_pf *pf)
{
	igb_wr(pf, IGB_IMC, 0xFFFFFFFF);
	igb_wr(pf, IGB_EIMC, 0xFFFFFFFF);
}

/* Restart autonegotiation on PHY 1: BMCR = AUTOEN | RESTART | FD | 1000.
 * QEMU's igb brings the link up only after this (it has no boot autoneg). */
static int phy_autoneg(struct igb_pf *pf)
{
	const uint32_t bmcr = 0x1000 | 0x0200 | 0x0100 | 0x0040;

	igb_wr(pf, IGB_MDIC, (1u << 26) | (1u << 21) | (0u << 16) | bmcr);
	if (!wait_set(pf, IGB_MDIC, IGB_MDIC_READY, 10000) ||
	    (igb_rd(pf, IGB_MDIC) & IGB_MDIC_ERROR))
		return -EIO;
	return 0;
}

int igb_pf_init(struct igb_pf *pf, unsigned int num_vfs)
{
	uint32_t ral, rah;

	if (!num_vfs || num_vfs > IGB_MAX_VFS - 1)
		return -ERANGE;
	pf->num_vfs = num_vfs;

	irqs_off(pf);
	igb_wr(pf, IGB_CTRL, igb_rd(pf, IGB_CTRL) | IGB_CTRL_RST);
	udelay(1000);
	if (!wait_clear(pf, IGB_CTRL, IGB_CTRL_RST, 100000)) {
		pr_err("igb %s: did not come out of reset\n", pf->name);
		return -EIO;
	}
	irqs_off(pf);

	/* The PF's own address, loaded from the EEPROM into RAR 0 by reset. */
	ral = igb_rd(pf, IGB_RAL(0));
	rah = igb_rd(pf, IGB_RAH(0));
	for (int i = 0; i < 4; i++)
		pf->pf_mac[i] = (uint8_t)(ral >> (8 * i));
	pf->pf_mac[4] = (uint8_t)rah;
	pf->pf_mac[5] = (uint8_t)(rah >> 8);

	if (phy_autoneg(pf)) {
		pr_err("igb %s: PHY did not accept autonegotiation\n", pf->name);
		return -EIO;
	}
	igb_wr(pf, IGB_CTRL, igb_rd(pf, IGB_CTRL) | IGB_CTRL_SLU);

	/* Pools, and the switch between them. */
	igb_wr(pf, IGB_MRQC, IGB_MRQC_VMDQ);
	if (!(pf->omit & IGB_OMIT_LOOPBACK))
		igb_wr(pf, IGB_DTXSWC, igb_rd(pf, IGB_DTXSWC) | IGB_DTXSWC_LOOPBACK);
	/* Unicast from the wire that matches no VF goes to the PF's pool (the
	 * one after the VFs'), which receives nothing: never to a guest. */
	igb_wr(pf, IGB_VT_CTL,
	       (igb_rd(pf, IGB_VT_CTL) & ~(IGB_VT_CTL_DEFPL_MASK | IGB_VT_CTL_DIS_DEF_PL)) |
		       IGB_VT_CTL_DEF_PL(num_vfs));
	/* No VLAN filters left from before: VFs add theirs. */
	for (unsigned int i = 0; i < IGB_VFTA_ENTRIES; i++)
		igb_wr(pf, IGB_VFTA(i), 0);
	for (unsigned int i = 0; i < IGB_VLVF_ENTRIES; i++)
		igb_wr(pf, IGB_VLVF(i), 0);
	igb_wr(pf, IGB_RPLOLR, igb_rd(pf, IGB_RPLOLR) & ~IGB_RPLOLR_STRVLAN);
	igb_wr(pf, IGB_VFRE, 0); /* each VF is let in by its reset handshake */
	igb_wr(pf, IGB_VFTE, 0);
	/* VF interrupts are sent only in MSI-X mode. */
	igb_wr(pf, IGB_GPIE, igb_rd(pf, IGB_GPIE) | IGB_GPIE_MSIX_MODE);

	for (unsigned int n = 0; n < num_vfs; n++) {
		static const uint8_t none[6];
		struct igb_vf_conf c;

		memset(&pf->vf[n], 0, sizeof(pf->vf[n]));
		igb_vf_default_mac(pf, n, pf->vf[n].mac);
		igb_vf_set_rar(pf, n, none);
		igb_wr(pf, IGB_VMVIR(n), 0);
		igb_vf_conf_default(&c);
		igb_vf_configure(pf, n, &c); /* cannot fail: no VLAN to add */
	}

	/* VLAN filtering (untagged frames pass by VMOLR.AUPE), and frames up to
	 * the largest pool limit: each pool's VMOLR.RLPML then decides. */
	igb_wr(pf, IGB_RLPML, IGB_VF_FRAME_MAX);
	igb_wr(pf, IGB_RCTL, IGB_RCTL_EN | IGB_RCTL_SECRC | IGB_RCTL_VFE | IGB_RCTL_LPE);
	igb_wr(pf, IGB_TCTL, igb_rd(pf, IGB_TCTL) | IGB_TCTL_EN);

	/* Tell the VFs the PF is ready: clears RSTI in their mailboxes. */
	if (!(pf->omit & IGB_OMIT_PFRSTD))
		igb_wr(pf, IGB_CTRL_EXT, igb_rd(pf, IGB_CTRL_EXT) | IGB_CTRL_EXT_PFRSTD);
	/* Stale requests from before the reset mean nothing now. */
	igb_wr(pf, IGB_MBVFICR, 0xFFFFFFFF);
	igb_wr(pf, IGB_VFLRE, 0xFFFFFFFF);

	if (wait_set(pf, IGB_STATUS, IGB_STATUS_LU, 2000000))
		pr_info("igb %s: link up, mac %02x:%02x:%02x:%02x:%02x:%02x, %u VF pools\n",
			pf->name, pf->pf_mac[0], pf->pf_mac[1], pf->pf_mac[2], pf->pf_mac[3],
			pf->pf_mac[4], pf->pf_mac[5], num_vfs);
	else
		pr_warn("igb %s: link still down after 2 s\n", pf->name);
	return 0;
}

void igb_pf_stop(struct igb_pf *pf)
{
	irqs_off(pf);
	igb_wr(pf, IGB_VFRE, 0);
	igb_wr(pf, IGB_VFTE, 0);
	igb_wr(pf, IGB_RCTL, 0);
	igb_wr(pf, IGB_TCTL, igb_rd(pf, IGB_TCTL) & ~IGB_TCTL_EN);
	igb_wr(pf, IGB_CTRL_EXT, igb_rd(pf, IGB_CTRL_EXT) & ~IGB_CTRL_EXT_PFRSTD);
	pf->num_vfs = 0;
}
