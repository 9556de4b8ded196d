/* SPDX-License-Identifier: MIT */
/*
 * The igb physical-function driver: the hypervisor owns the PF, configures
 * the NIC's internal switch (VMDq pools, VF-to-VF loopback) and serves the
 * VF mailboxes. Register access goes through struct igb_hw so that the logic
 * runs against a fake register file in the unit tests.
 */
#ifndef VF_IGB_H
#define VF_IGB_H

#include <stdbool.h>
#include <stdint.h>
#include "drivers/igb/igb_regs.h"
#include "drivers/igb/vfconf.h"
#include "lib/ratelimit.h"

struct igb_hw {
	uint32_t (*read)(void *ctx, uint32_t off);
	void (*write)(void *ctx, uint32_t off, uint32_t v);
	void *ctx;
};

/* A VF's traffic since SR-IOV was enabled, in 64 bits, from the NIC's 32-bit
 * mirror counters (igb_vf_stats_update). */
enum igb_stat {
	IGB_RX_PACKETS,
	IGB_RX_BYTES,
	IGB_TX_PACKETS,
	IGB_TX_BYTES,
	IGB_RX_MULTICAST,
	IGB_STATS
};
struct igb_vf_stats {
	uint64_t total[IGB_STATS];
	uint32_t last[IGB_STATS]; /* the registers when last read */
};

struct igb_vf {
	uint8_t mac[6];	    /* assigned (config or generated), or a trusted VF's choice */
	bool cts;	    /* clear to send: reset handshake done since the last FLR */
	bool quiesced;	    /* igb_vf_quiesce: its guest stopped; the mailbox ignores it */
	uint16_t max_frame; /* from SET_LPE */
	uint16_t vlans[8];  /* VIDs this VF asked for */
	unsigned int vlan_count;
	uint16_t mc_hashes[30];
	unsigned int mc_count;
	bool mc_promisc;	 /* SET_PROMISC multicast granted (trusted VFs only) */
	struct igb_vf_conf conf; /* from the configuration: igb_vf_configure */
	/* counters, for the inventory and tests */
	unsigned int resets, flrs, nacks, bad_msgs;
	uint32_t warned;	  /* 1 << IGB_WARN_*: reasons already logged, once each */
	struct ratelimit flr_log; /* a guest may reset its VF in a loop */
	uint64_t ping_at;	  /* ms: when to ping it, its RESET answered late; 0: none */
	unsigned int pings;
	struct igb_vf_stats stats;
};

/* Fault injection for the self-test's own test (igb.omit= on the command
 * line): leave out one step that VF-to-VF traffic depends on. */
#define IGB_OMIT_LOOPBACK  (1u << 0)
#define IGB_OMIT_MACFILTER (1u << 1)
#define IGB_OMIT_PFRSTD	   (1u << 2)

struct igb_pf {
	struct igb_hw hw;
	char name[16];	      /* "0000:01:00.0", for messages */
	unsigned int num_vfs; /* VFs enabled, at most IGB_MAX_VFS - 1 */
	uint8_t pf_mac[6];
	unsigned int omit;	   /* IGB_OMIT_*: fault injection for tests */
	bool polled;		   /* igb_mbx_poll has run */
	uint64_t last_poll;	   /* ms: its last pass */
	bool late;		   /* this pass comes IGB_MBX_LATE_MS or more after the last */
	struct ratelimit late_log; /* its late passes' and pings' lines */
	struct igb_vf vf[IGB_MAX_VFS];
};

static inline uint32_t igb_rd(const struct igb_pf *pf, uint32_t off)
{
	return pf->hw.read(pf->hw.ctx, off);
}

static inline void igb_wr(const struct igb_pf *pf, uint32_t off, uint32_t v)
{
	pf->hw.write(pf->hw.ctx, off, v);
}

/* drivers/igb/vfcfg.c: per-VF switch configuration */
/* The default MAC for VF @n of this PF: locally administered, stable. */
void igb_vf_default_mac(const struct igb_pf *pf, unsigned int n, uint8_t mac[6]);
/* RAR entry 1 + n: @mac to pool n (AV set); all-zero @mac clears it. */
void igb_vf_set_rar(struct igb_pf *pf, unsigned int n, const uint8_t mac[6]);
/* Enable (or disable) VF @n's receive and transmit in VFRE/VFTE, with
 * broadcast acceptance in its VMOLR, and untagged frames unless it has a
 * port VLAN. */
void igb_vf_enable(struct igb_pf *pf, unsigned int n, bool on);
/*
 * Apply the administrator's settings @c to VF @n (n < num_vfs) and keep them
 * in pf->vf[n].conf: spoof checking (DTXSWC), the link (a VF whose link is
 * down has VFRE/VFTE off, and the mailbox tells it no CTS; meant to be set
 * before the guest starts: a running igbvf is not told), and the port VLAN: its tag and
 * priority inserted on transmit (VMVIR), stripped on receive (VMOLR.STRVLAN,
 * RPLOLR.STRVLAN), its VID's filters (VLVF, VFTA), no untagged frames. 0,
 * -EINVAL (bad VF or values) or -ENOSPC (no VLVF entry left), and then
 * nothing changed.
 */
int igb_vf_configure(struct igb_pf *pf, unsigned int n, const struct igb_vf_conf *c);
/* Set or clear VMOLR.MPME (multicast promiscuous) of pool @n. */
void igb_vf_set_mc_promisc(struct igb_pf *pf, unsigned int n, bool on);

#define IGB_VF_MC_MAX	 30 /* multicast hashes in one SET_MULTICAST */
#define IGB_VF_VLAN_MAX	 8  /* VLANs per VF (struct igb_vf.vlans) */
#define IGB_VF_FRAME_MIN 64 /* SET_LPE bounds, bytes with the FCS */
#define IGB_VF_FRAME_MAX 9728

/* Why a VF's request was refused; each is logged once per VF. */
enum igb_warn {
	IGB_WARN_MAC_INVALID,
	IGB_WARN_MAC_PF,
	IGB_WARN_MAC_TAKEN,
	IGB_WARN_MAC_UNTRUSTED,
	IGB_WARN_MAC_CHANGED, /* not a refusal: a trusted VF's new MAC */
	IGB_WARN_PROMISC_UNTRUSTED,
	IGB_WARN_PROMISC_UC,
	IGB_WARN_VLAN_PORT,
	IGB_WARN_VLAN_TAKEN,
	IGB_WARN_UNKNOWN,
	IGB_WARN_LATE, /* not a refusal: its RESET answered late, to be pinged */
	IGB_WARN_COUNT,
};

/* Recompute the shared MTA from every VF's mc_hashes and set VMOLR.ROMPE of
 * pool @n iff VF @n has any. The MTA belongs to the VFs: the PF takes no
 * multicast. */
void igb_vf_update_mc(struct igb_pf *pf, unsigned int n);
/* Add (or remove) pool @n in the VLVF entry for @vid (1..4094), taking a free
 * entry to add; an entry left without pools is freed. The VID's VFTA bit is
 * set while it has an entry (RCTL.VFE drops tagged frames without one). 0,
 * -ENOSPC (table full) or -EINVAL. Removing a VID that has no entry is not
 * an error. */
int igb_vf_set_vlvf(struct igb_pf *pf, unsigned int n, uint16_t vid, bool add);
/* Remove pool @n from every VLVF entry but its port VLAN's. */
void igb_vf_clear_vlvf(struct igb_pf *pf, unsigned int n);
/* Accept frames up to @max_frame bytes (IGB_VF_FRAME_MIN..MAX) in pool @n
 * with VMOLR.LPE and RLPML; 0 turns LPE off. 0, -ERANGE or -EINVAL. */
int igb_vf_set_rlpml(struct igb_pf *pf, unsigned int n, unsigned int max_frame);

/* drivers/igb/mailbox.c: the mailbox server */
/*
 * igbvf waits about 1 s for the PF to take each message and 1 s for the
 * answer, then gives up. A RESET answered after that leaves it with no link
 * and nothing more to send: it only reads the mailbox again, every 2 s, for
 * CTS. So a pass this long after the last may have answered a RESET too
 * late, and that VF is pinged IGB_MBX_PING_MS later (a PF control message
 * with CTS, as Linux's igb pings its VFs), which makes its driver reset the
 * VF again (10 s after its last reset, its own rule).
 */
#define IGB_MBX_LATE_MS 500
#define IGB_MBX_PING_MS 2000
/* Serve every pending VF request, ACK and function-level reset; call from
 * the service CPU's loop or interrupt, on the clock ratelimit_clock_ms()
 * gives. Returns the number of events handled. */
int igb_mbx_poll(struct igb_pf *pf);
/*
 * VF @n's guest stopped: nothing of it stays live in the PF. Its receive and
 * transmit enables (VFRE/VFTE) and broadcast/untagged acceptance go off, its
 * MAC filter (RAR 1 + n), multicast hashes, multicast promiscuous mode, large
 * frames and VLAN filters (VLVF/VFTA, its port VLAN's too) are cleared and
 * a port VLAN's tag insertion (VMVIR) stops; the other VFs keep theirs. Its
 * mailbox is ignored from then on (requests, ACKs and resets unanswered)
 * until the PF is set up again (igb_pf_init) or igb_vf_revive. The MAC and the settings it
 * was given (pf->vf[n].mac, .conf) are kept, so that a restart gives them
 * back; its port VLAN's VID stays reserved meanwhile. No such VF:
 * nothing done. Called from the same CPU as igb_mbx_poll.
 */
void igb_vf_quiesce(struct igb_pf *pf, unsigned int n);
/* VF @n's guest restarts: the mailbox serves it again and its port VLAN is
 * back in the filters; its other settings and MAC are as they were kept.
 * Receive and transmit stay off until the guest's driver resets the VF. */
void igb_vf_revive(struct igb_pf *pf, unsigned int n);

/* drivers/igb/vfstats.c: per-VF traffic counters */
/*
 * Add to VF @n's 64-bit totals what its mirror counters moved since the
 * last call: the difference modulo 2^32 (a counter that wrapped), except
 * that one of 2^31 or more is taken as a counter that started again from 0
 * (the VF was reset) and its value counts whole. Between two calls a
 * counter must move less than 2^31: call at least every few seconds (2^31
 * bytes is 17 s of 1 Gb/s). No such VF: nothing. Same CPU as igb_mbx_poll.
 */
void igb_vf_stats_update(struct igb_pf *pf, unsigned int n);

#endif
