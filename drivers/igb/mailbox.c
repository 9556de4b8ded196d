// SPDX-License-Identifier: MIT
/*
 * The PF side of the igb VF mailbox, as the stock igbvf driver expects it.
 *
 * Each VF has a 16-word buffer (VMBMEM) shared with the PF. Either side takes
 * it with its lock bit (VFU, PFU), fills it, and rings the other: a VF request
 * shows up as MBVFICR.VFREQ, our reply as the VF's PFSTS. After reading, each
 * side answers ACK (MBVFICR.VFACK for us), which needs no answer itself.
 *
 * A VF is a guest: everything it writes is untrusted. The message is copied
 * out of VMBMEM once, under PFU, and only the copy is looked at; every loop is
 * bounded by the 16-word buffer or the 8 pools; and nothing but this VF's
 * mailbox, RAR entry, VMOLR and its pool bits in the shared tables is written.
 *
 * MAC policy: the hypervisor assigns every VF its MAC (pf->vf[n].mac) and
 * hands it over in the reset reply. An untrusted VF may not change it, nor
 * add further unicast filters: SET_MAC_ADDR is acknowledged only for the
 * assigned address. A trusted one (trust = yes) may take another unicast
 * address, but never the PF's or another VF's, so no guest can take over
 * another's traffic. Multicast promiscuous mode is for trusted VFs only,
 * unicast promiscuous for none. A VF on a port VLAN may not add VLANs, and
 * no VF may join another's port VLAN.
 *
 * Every refusal is logged once per VF and reason: a guest can make us warn
 * at will.
 *
 * A VF whose guest stopped is quiesced (igb_vf_quiesce): off in the switch,
 * and its mailbox ignored, so that nothing it left behind turns it on again.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/err.h"
#include "drivers/igb/igb.h"
#include "lib/kstring.h"
#include "lib/printk.h"

#define VF_BITS	  ((1u << IGB_MAX_VFS) - 1)
#define ACK_BITS  (VF_BITS << 16)
#define MSG_FLAGS (IGB_MSG_ACK | IGB_MSG_NACK | IGB_MSG_CTS)

static unsigned int vf_limit(const struct igb_pf *pf)
{
	return pf->num_vfs < IGB_MAX_VFS ? pf->num_vfs : IGB_MAX_VFS;
}

static bool mac_is_zero(const uint8_t *mac)
{
	return !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
}

static void mac_str(char buf[18], const uint8_t *mac)
{
	sfmt(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
	     mac[5]);
}

/* "igb PF: vf N (guest NAME): MESSAGE" at @level, the first time VF @n
 * gives @why. */
__attribute__((format(printf, 5, 6))) static void
vf_log(struct igb_pf *pf, unsigned int n, enum igb_warn why, int level, const char *fmt, ...)
{
	struct igb_vf *vf = &pf->vf[n];
	const char *guest = vf->conf.guest;
	char msg[120];
	va_list ap;

	if (vf->warned & (1u << why))
		return;
	vf->warned |= 1u << why;
	va_start(ap, fmt);
	vfmt(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk(level, "igb %s: vf %u%s%s%s: %s\n", pf->name, n, guest[0] ? " (guest " : "", guest,
	       guest[0] ? ")" : "", msg);
}

#define vf_warn(pf, n, why, ...) vf_log(pf, n, why, LOG_WARN, __VA_ARGS__)

/* Take the buffer for the PF. PFU does not stick while the VF holds VFU, so
 * only the read-back tells whether we own VMBMEM now. */
static bool mbx_lock(struct igb_pf *pf, unsigned int n)
{
	igb_wr(pf, IGB_P2VMAILBOX(n), IGB_P2VM_PFU);
	return igb_rd(pf, IGB_P2VMAILBOX(n)) & IGB_P2VM_PFU;
}

static void mbx_reply(struct igb_pf *pf, unsigned int n, const uint32_t *w, unsigned int len)
{
	/* A VF that reset while we worked no longer waits for this answer, and a
	 * stale PFSTS would confuse its reset handshake. */
	if (igb_rd(pf, IGB_VFLRE) & (1u << n)) {
		pr_debug("igb %s: vf %u: reset meanwhile, reply dropped\n", pf->name, n);
		return;
	}
	/* Only a misbehaving VF holds VFU while it waits for a reply. */
	if (!mbx_lock(pf, n)) {
		pr_debug("igb %s: vf %u: mailbox busy, reply dropped\n", pf->name, n);
		return;
	}
	for (unsigned int i = 0; i < len; i++)
		igb_wr(pf, IGB_VMBMEM(n) + 4 * i, w[i]);
	igb_wr(pf, IGB_P2VMAILBOX(n), IGB_P2VM_STS); /* no PFU: releases the buffer */
}

/* ---- message handlers: 0 to ACK, a negative error to NACK ---------------- */

static void vf_reset_state(struct igb_pf *pf, unsigned int n)
{
	struct igb_vf *vf = &pf->vf[n];

	memset(vf->vlans, 0, sizeof(vf->vlans));
	vf->vlan_count = 0;
	igb_vf_clear_vlvf(pf, n);
	memset(vf->mc_hashes, 0, sizeof(vf->mc_hashes));
	vf->mc_count = 0;
	igb_vf_update_mc(pf, n);
	vf->max_frame = 0;
	igb_vf_set_rlpml(pf, n, 0);
	vf->mc_promisc = false;
	igb_vf_set_mc_promisc(pf, n, false);
}

/* The reply is exactly RESET|ACK and the MAC: igbvf compares word 0 with
 * that value, so neither CTS nor the request's info bits may be added. */
static unsigned int vf_reset_msg(struct igb_pf *pf, unsigned int n, uint32_t *reply)
{
	struct igb_vf *vf = &pf->vf[n];
	const uint8_t *mac = vf->mac;

	if (mac_is_zero(mac) || (mac[0] & 1)) {
		/* Unset or unusable: fall back to the generated address rather than
		 * put a zero or group address into the RAR. */
		igb_vf_default_mac(pf, n, vf->mac);
		pr_info("igb %s: vf %u: no unicast MAC assigned, using the default\n", pf->name, n);
	}
	vf_reset_state(pf, n);
	igb_vf_set_rar(pf, n, mac);
	igb_vf_enable(pf, n, true);
	vf->cts = true;
	vf->resets++;
	if (pf->late) {
		vf->ping_at = pf->last_poll + IGB_MBX_PING_MS;
		/* Not a warning: the ping sets it right. */
		vf_log(pf, n, IGB_WARN_LATE, LOG_INFO,
		       "reset answered late; pinged in %u s so that its driver resets again",
		       IGB_MBX_PING_MS / 1000);
	}
	reply[0] = IGB_MSG_RESET | IGB_MSG_ACK;
	reply[1] = mac[0] | (uint32_t)mac[1] << 8 | (uint32_t)mac[2] << 16 | (uint32_t)mac[3] << 24;
	reply[2] = mac[4] | (uint32_t)mac[5] << 8;
	return 3;
}

static int vf_set_mac(struct igb_pf *pf, unsigned int n, const uint32_t *msg)
{
	struct igb_vf *vf = &pf->vf[n];
	unsigned int info = (msg[0] & IGB_MSG_INFO_MASK) >> IGB_MSG_INFO_SHIFT;
	uint8_t mac[6];
	char s[18];

	switch (info) {
	case 0:
		break;
	case IGB_MAC_FILTER_CLR:
		return 0; /* there are no extra unicast filters to clear */
	case IGB_MAC_FILTER_ADD:
		return -ENOSPC;
	default:
		return -EINVAL;
	}
	for (int i = 0; i < 4; i++)
		mac[i] = (uint8_t)(msg[1] >> (8 * i));
	mac[4] = (uint8_t)msg[2];
	mac[5] = (uint8_t)(msg[2] >> 8);
	if (!memcmp(mac, vf->mac, 6))
		return 0;

	mac_str(s, mac);
	if (mac_is_zero(mac) || (mac[0] & 1)) {
		vf_warn(pf, n, IGB_WARN_MAC_INVALID, "refused invalid MAC %s", s);
		return -EINVAL;
	}
	if (!memcmp(mac, pf->pf_mac, 6)) {
		vf_warn(pf, n, IGB_WARN_MAC_PF, "refused MAC %s: it is the PF's", s);
		return -EEXIST;
	}
	for (unsigned int m = 0; m < vf_limit(pf); m++) {
		if (m != n && !memcmp(mac, pf->vf[m].mac, 6)) {
			vf_warn(pf, n, IGB_WARN_MAC_TAKEN, "refused MAC %s: it is vf %u's", s, m);
			return -EEXIST;
		}
	}
	if (!vf->conf.trust) {
		vf_warn(pf, n, IGB_WARN_MAC_UNTRUSTED,
			"refused MAC change to %s: not trusted (trust = no)", s);
		return -EINVAL;
	}
	memcpy(vf->mac, mac, 6);
	igb_vf_set_rar(pf, n, mac);
	vf_warn(pf, n, IGB_WARN_MAC_CHANGED, "trusted, changed its MAC to %s", s);
	return 0;
}

/* Hashes are 16 bits each, packed two to a word from word 1, low half first. */
static int vf_set_multicast(struct igb_pf *pf, unsigned int n, const uint32_t *msg)
{
	struct igb_vf *vf = &pf->vf[n];
	unsigned int cnt = (msg[0] & IGB_MSG_INFO_MASK) >> IGB_MSG_INFO_SHIFT;

	if (cnt > IGB_VF_MC_MAX)
		cnt = IGB_VF_MC_MAX; /* 15 words of hashes; igbvf never sends more */
	for (unsigned int i = 0; i < cnt; i++) {
		uint32_t w = msg[1 + i / 2];

		vf->mc_hashes[i] = (uint16_t)(i & 1 ? w >> 16 : w);
	}
	vf->mc_count = cnt;
	igb_vf_update_mc(pf, n);
	return 0;
}

static int vf_set_vlan(struct igb_pf *pf, unsigned int n, const uint32_t *msg)
{
	struct igb_vf *vf = &pf->vf[n];
	unsigned int info = (msg[0] & IGB_MSG_INFO_MASK) >> IGB_MSG_INFO_SHIFT;
	bool add = info & IGB_VLAN_ADD;
	uint16_t vid = (uint16_t)(msg[1] & IGB_VLVF_VLANID_MASK);
	unsigned int cnt = vf->vlan_count < IGB_VF_VLAN_MAX ? vf->vlan_count : IGB_VF_VLAN_MAX;
	unsigned int at = cnt;
	int err;

	/* igbvf registers VID 0 on every open; untagged needs no filter. */
	if (!vid)
		return 0;
	if (vf->conf.vlan) {
		vf_warn(pf, n, IGB_WARN_VLAN_PORT, "refused VLAN %u request: it is on port VLAN %u",
			vid, vf->conf.vlan);
		return -EBUSY;
	}
	/* A port VLAN is its guests' alone: no other VF may join it. */
	for (unsigned int m = 0; add && m < vf_limit(pf); m++) {
		if (m != n && pf->vf[m].conf.vlan == vid) {
			vf_warn(pf, n, IGB_WARN_VLAN_TAKEN,
				"refused VLAN %u: it is vf %u's port VLAN", vid, m);
			return -EBUSY;
		}
	}
	for (unsigned int i = 0; i < cnt; i++)
		if (vf->vlans[i] == vid)
			at = i;
	if (add) {
		if (at == cnt && cnt == IGB_VF_VLAN_MAX)
			return -ENOSPC;
		err = igb_vf_set_vlvf(pf, n, vid, true);
		if (err)
			return err;
		if (at == cnt)
			vf->vlans[cnt++] = vid;
	} else {
		igb_vf_set_vlvf(pf, n, vid, false);
		if (at < cnt)
			vf->vlans[at] = vf->vlans[--cnt];
	}
	vf->vlan_count = cnt;
	return 0;
}

static int vf_set_lpe(struct igb_pf *pf, unsigned int n, const uint32_t *msg)
{
	uint32_t size = msg[1];

	if (size < IGB_VF_FRAME_MIN || size > IGB_VF_FRAME_MAX)
		return -ERANGE;
	pf->vf[n].max_frame = (uint16_t)size;
	return igb_vf_set_rlpml(pf, n, size);
}

/* Info bits: multicast and unicast promiscuous wanted; none: both off. */
static int vf_set_promisc(struct igb_pf *pf, unsigned int n, const uint32_t *msg)
{
	struct igb_vf *vf = &pf->vf[n];
	unsigned int info = (msg[0] & IGB_MSG_INFO_MASK) >> IGB_MSG_INFO_SHIFT;
	bool mc = info & IGB_PROMISC_MC;

	if (info & ~(unsigned int)(IGB_PROMISC_MC | IGB_PROMISC_UC))
		return -EINVAL;
	if (info & IGB_PROMISC_UC) {
		vf_warn(pf, n, IGB_WARN_PROMISC_UC, "refused unicast promiscuous mode");
		return -ENOTSUP;
	}
	if (mc && !vf->conf.trust) {
		vf_warn(pf, n, IGB_WARN_PROMISC_UNTRUSTED,
			"refused multicast promiscuous mode: not trusted (trust = no)");
		return -EINVAL;
	}
	vf->mc_promisc = mc;
	igb_vf_set_mc_promisc(pf, n, mc);
	return 0;
}

/* Handle the message @msg from VF @n; returns the reply's length in words. */
static unsigned int mbx_handle(struct igb_pf *pf, unsigned int n, const uint32_t *msg,
			       uint32_t *reply)
{
	struct igb_vf *vf = &pf->vf[n];
	/* The VF's own ACK/NACK/CTS bits mean nothing in a request. */
	uint32_t head = msg[0] & ~MSG_FLAGS;
	uint32_t type = msg[0] & IGB_MSG_TYPE_MASK;
	int err;

	if (type == IGB_MSG_RESET)
		return vf_reset_msg(pf, n, reply);
	vf->ping_at = 0; /* it talks: its driver did not give up on us */
	/* Before its reset handshake (or after an FLR) the VF must reset first;
	 * a NACK without CTS tells igbvf exactly that. */
	if (!vf->cts) {
		vf->nacks++;
		reply[0] = head | IGB_MSG_NACK;
		return 1;
	}
	switch (type) {
	case IGB_MSG_SET_MAC:
		err = vf_set_mac(pf, n, msg);
		break;
	case IGB_MSG_SET_MC:
		err = vf_set_multicast(pf, n, msg);
		break;
	case IGB_MSG_SET_VLAN:
		err = vf_set_vlan(pf, n, msg);
		break;
	case IGB_MSG_SET_LPE:
		err = vf_set_lpe(pf, n, msg);
		break;
	case IGB_MSG_PROMISC:
		err = vf_set_promisc(pf, n, msg);
		break;
	default:
		vf_warn(pf, n, IGB_WARN_UNKNOWN, "unknown message 0x%x, refused", msg[0]);
		vf->bad_msgs++;
		err = -ENOTSUP;
		break;
	}
	if (err)
		vf->nacks++;
	/* Word 0 echoed with the verdict; CTS keeps igbvf's link up, so a VF
	 * whose link is configured down never gets it. */
	reply[0] = head | (err ? IGB_MSG_NACK : IGB_MSG_ACK);
	if (vf->conf.link != IGB_LINK_DOWN)
		reply[0] |= IGB_MSG_CTS;
	return 1;
}

static void vf_flr(struct igb_pf *pf, unsigned int n)
{
	struct igb_vf *vf = &pf->vf[n];
	char note[RATELIMIT_NOTE];

	vf->cts = false;
	vf->ping_at = 0; /* a reset of its own: a RESET follows */
	igb_vf_enable(pf, n, false);
	vf->flrs++;
	if (ratelimit(&vf->flr_log, note))
		pr_info("igb %s: vf %u: function level reset%s\n", pf->name, n, note);
}

/* Serve VF @n's pending request. False if the VF holds the buffer: its VFREQ
 * bit is left set, so the next poll tries again. */
static bool mbx_serve(struct igb_pf *pf, unsigned int n)
{
	uint32_t msg[IGB_MBX_WORDS], reply[3];
	unsigned int len;
	bool reset;

	if (!mbx_lock(pf, n))
		return false;
	/* Cleared only now: with PFU held the VF cannot post another request
	 * that this clear could swallow. */
	igb_wr(pf, IGB_MBVFICR, IGB_MBVFICR_REQ(n));
	/* A reset this poll has not taken yet came before the request was read:
	 * take it now, so that mbx_reply's check sees only resets after the
	 * read. igbvf resets its VF and posts RESET at once, so both can land
	 * between the poll's look at VFLRE and at MBVFICR; that RESET must be
	 * answered (dropped, igbvf waits 1 s and takes a random MAC). Any
	 * other request with a reset behind it is from before the reset. */
	reset = igb_rd(pf, IGB_VFLRE) & (1u << n);
	if (reset) {
		igb_wr(pf, IGB_VFLRE, 1u << n);
		vf_flr(pf, n);
	}
	for (unsigned int i = 0; i < IGB_MBX_WORDS; i++)
		msg[i] = igb_rd(pf, IGB_VMBMEM(n) + 4 * i);
	igb_wr(pf, IGB_P2VMAILBOX(n), IGB_P2VM_ACK); /* no PFU: releases the buffer */

	if (reset && (msg[0] & IGB_MSG_TYPE_MASK) != IGB_MSG_RESET)
		return true; /* stale: not answered */
	len = mbx_handle(pf, n, msg, reply);
	mbx_reply(pf, n, reply, len);
	return true;
}

void igb_vf_quiesce(struct igb_pf *pf, unsigned int n)
{
	static const uint8_t none[6];
	struct igb_vf *vf;

	if (n >= vf_limit(pf))
		return;
	vf = &pf->vf[n];
	vf->quiesced = true;
	vf->cts = false;
	vf->ping_at = 0;
	igb_vf_enable(pf, n, false); /* first: no more traffic either way */
	igb_vf_set_rar(pf, n, none); /* vf->mac is kept */
	vf_reset_state(pf, n);
	if (vf->conf.vlan) {
		if (igb_rd(pf, IGB_VMVIR(n)))
			igb_wr(pf, IGB_VMVIR(n), 0);
		igb_vf_set_vlvf(pf, n, vf->conf.vlan, false);
	}
}

void igb_vf_revive(struct igb_pf *pf, unsigned int n)
{
	struct igb_vf *vf;
	struct igb_vf_conf c;

	if (n >= vf_limit(pf))
		return;
	vf = &pf->vf[n];
	c = vf->conf;
	vf->quiesced = false;
	vf->cts = false;
	vf->ping_at = 0;
	/* The quiesce took the port VLAN's filter entry but kept the setting:
	 * configured from none, it is added again. */
	vf->conf.vlan = 0;
	igb_vf_configure(pf, n, &c);
}

/* Ping VF @n: PF control message, CTS unless its link is configured down,
 * never over a request it posted (that is served first). False if the
 * buffer could not be had: tried again on the next pass. */
static bool mbx_ping(struct igb_pf *pf, unsigned int n)
{
	struct igb_vf *vf = &pf->vf[n];
	char note[RATELIMIT_NOTE];

	if ((igb_rd(pf, IGB_VFLRE) | igb_rd(pf, IGB_MBVFICR)) & (1u << n) || !mbx_lock(pf, n))
		return false;
	/* Posted before we took the buffer: it holds the VF's request. */
	if (igb_rd(pf, IGB_MBVFICR) & IGB_MBVFICR_REQ(n)) {
		igb_wr(pf, IGB_P2VMAILBOX(n), 0); /* releases it, no signal */
		return false;
	}
	igb_wr(pf, IGB_VMBMEM(n),
	       IGB_MSG_PF_CONTROL | (vf->conf.link != IGB_LINK_DOWN ? IGB_MSG_CTS : 0));
	igb_wr(pf, IGB_P2VMAILBOX(n), IGB_P2VM_STS);
	vf->ping_at = 0;
	vf->pings++;
	/* A guest resetting in a loop while the service CPU lags: budgeted. */
	if (ratelimit(&pf->late_log, note))
		pr_info("igb %s: vf %u: pinged after its late reset answer%s\n", pf->name, n, note);
	return true;
}

/* How long since the last pass (ms); pf->late for this one. */
static uint64_t mbx_clock(struct igb_pf *pf)
{
	uint64_t now = ratelimit_clock_ms();
	uint64_t gap = pf->polled && now >= pf->last_poll ? now - pf->last_poll : 0;

	pf->late = gap >= IGB_MBX_LATE_MS;
	pf->polled = true;
	pf->last_poll = now;
	return gap;
}

int igb_mbx_poll(struct igb_pf *pf)
{
	unsigned int nvfs = vf_limit(pf);
	uint32_t flr, icr;
	int events = 0;
	uint64_t gap = mbx_clock(pf);
	char note[RATELIMIT_NOTE];

	/* Resets first: a request that raced with one is then answered as one
	 * from a VF that has not reset yet. */
	flr = igb_rd(pf, IGB_VFLRE) & VF_BITS;
	if (flr) {
		igb_wr(pf, IGB_VFLRE, flr);
		for (unsigned int n = 0; n < nvfs; n++) {
			if ((flr & (1u << n)) && !pf->vf[n].quiesced) {
				vf_flr(pf, n);
				events++;
			}
		}
	}

	icr = igb_rd(pf, IGB_MBVFICR);
	/* The VF read our reply. Nothing to answer: a NACK here would make
	 * igbvf believe it lost CTS and take its link down. */
	if (icr & ACK_BITS) {
		igb_wr(pf, IGB_MBVFICR, icr & ACK_BITS);
		for (unsigned int n = 0; n < nvfs; n++)
			if ((icr & IGB_MBVFICR_ACK(n)) && !pf->vf[n].quiesced)
				events++;
	}
	for (unsigned int n = 0; n < IGB_MAX_VFS; n++) {
		if (!(icr & IGB_MBVFICR_REQ(n)))
			continue;
		if (n >= nvfs || pf->vf[n].quiesced)
			igb_wr(pf, IGB_MBVFICR, IGB_MBVFICR_REQ(n)); /* no such VF, or off */
		else if (mbx_serve(pf, n))
			events++;
	}
	if (pf->late && events && ratelimit(&pf->late_log, note))
		pr_info("igb %s: mailbox served %llu ms after its last pass%s\n", pf->name,
			(unsigned long long)gap, note);
	for (unsigned int n = 0; n < nvfs; n++) {
		struct igb_vf *vf = &pf->vf[n];

		if (!vf->ping_at || pf->last_poll < vf->ping_at)
			continue;
		if (vf->quiesced || !vf->cts)
			vf->ping_at = 0;
		else if (mbx_ping(pf, n))
			events++;
	}
	return events;
}
