/* SPDX-License-Identifier: MIT */
/*
 * What the administrator configures for one VF (the guest configuration's
 * vlan, qos, spoofchk, trust and link keys), handed from the configuration to the
 * PF driver. Plain data, so that hv/ can fill it without drivers/ knowing hv/.
 */
#ifndef VF_IGB_VFCONF_H
#define VF_IGB_VFCONF_H

#include <stdbool.h>
#include <stdint.h>

#define IGB_VFCONF_VLAN_MAX 4094 /* 0 and 4095 are reserved VIDs */
#define IGB_VFCONF_QOS_MAX  7

/* The VF's link as its driver sees it. A VF reads the PF's own link bit, so
 * "up" cannot raise a link the PF does not have: it is "auto" on the 82576. */
enum igb_vf_link {
	IGB_LINK_AUTO, /* the PF's link */
	IGB_LINK_UP,
	IGB_LINK_DOWN, /* no traffic, and no clear-to-send in mailbox replies */
};

struct igb_vf_conf {
	uint16_t vlan;	/* port VLAN 1-4094, 0: none (the guest's own VLANs) */
	uint8_t qos;	/* 802.1p priority of the port VLAN's tag, 0-7 */
	bool spoofchk;	/* transmit only from its MAC and VLANs */
	bool trust;	/* may change its MAC and ask for multicast promiscuous */
	uint8_t link;	/* enum igb_vf_link */
	char guest[16]; /* who has the VF, for messages; "" if nobody */
};

/* The defaults: no port VLAN, spoof checking on, not trusted, link auto. */
static inline void igb_vf_conf_default(struct igb_vf_conf *c)
{
	*c = (struct igb_vf_conf){.spoofchk = true};
}

#endif
