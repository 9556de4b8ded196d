// SPDX-License-Identifier: MIT
/*
 * Harness for drivers/igb/mailbox.c and vfcfg.c: the PF's VF mailbox server
 * against the fake 82576 register file (tests/unit/fake_igb.c), with up to
 * 3 VFs enabled. Feeds: a sequence of VF-side actions, any VF 0-7, each
 * followed by a poll of the server: a posted message (a known request type
 * with any payload, or anything, 1-16 words), a reply read, raw writes of
 * the VF's mailbox bits and buffer, VF resets (CTRL.RST / FLR), extra polls,
 * the clock moved on (so that passes come late, and late-answered VFs are
 * pinged).
 * Checks after every poll: nothing the protocol forbids happened on the PF
 * side (fake_igb's counters: accesses outside the BAR, touching the VF's own
 * mailbox register, the buffer without the PF lock), the PF never leaves a
 * buffer locked, and a VF with no request or reset pending saw none of its
 * registers written (RAR, VMOLR, VFRE/VFTE bits, its pool in VLVF): the
 * server never changes one VF's filters on another's behalf.
 */
#include <string.h>
#include "lib/err.h"
#include "drivers/igb/igb.h"
#include "fake_igb.h"
#include "fake_printk.h"
#include "fuzz.h"

#define NVFS 3

static struct fake_igb hw;
static struct igb_pf pf;

/* What belongs to VF @n alone. */
struct vf_regs {
	uint32_t ral, rah, vmolr, vlvf_pool;
	bool vfre, vfte;
};

static void vf_regs(unsigned int n, struct vf_regs *r)
{
	memset(r, 0, sizeof(*r)); /* padding too: compared whole */
	r->ral = fake_igb_peek(&hw, IGB_RAL(1 + n));
	r->rah = fake_igb_peek(&hw, IGB_RAH(1 + n));
	r->vmolr = fake_igb_peek(&hw, IGB_VMOLR(n));
	r->vlvf_pool = 0;
	for (unsigned int i = 0; i < IGB_VLVF_ENTRIES; i++)
		r->vlvf_pool |= !!(fake_igb_peek(&hw, IGB_VLVF(i)) & IGB_VLVF_POOL(n)) << i;
	r->vfre = fake_igb_peek(&hw, IGB_VFRE) & (1u << n);
	r->vfte = fake_igb_peek(&hw, IGB_VFTE) & (1u << n);
}

static void poll(void)
{
	uint32_t pending = fake_igb_peek(&hw, IGB_MBVFICR) | fake_igb_peek(&hw, IGB_VFLRE);
	struct vf_regs before[NVFS], after;

	for (unsigned int n = 0; n < NVFS; n++)
		vf_regs(n, &before[n]);
	printk_reset();
	FUZZ_CHECK(igb_mbx_poll(&pf) >= 0);
	FUZZ_CHECK(hw.bad_access == 0 && hw.v2p_touch == 0 && hw.mbmem_unlocked == 0);
	for (unsigned int n = 0; n < IGB_MAX_VFS; n++)
		FUZZ_CHECK(!(fake_igb_peek(&hw, IGB_P2VMAILBOX(n)) & IGB_P2VM_PFU));
	for (unsigned int n = 0; n < NVFS; n++) {
		if (pending & (IGB_MBVFICR_REQ(n) | IGB_MBVFICR_ACK(n) | (1u << n)))
			continue;
		vf_regs(n, &after);
		FUZZ_CHECK(!memcmp(&before[n], &after, sizeof(after)));
	}
}

static const uint32_t types[] = {IGB_MSG_RESET, IGB_MSG_SET_MAC, IGB_MSG_SET_MC, IGB_MSG_SET_VLAN,
				 IGB_MSG_SET_LPE};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t pf_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
	struct fuzz_in in = {data, size};

	fake_igb_init(&hw);
	memset(&pf, 0, sizeof(pf));
	fake_igb_attach(&hw, &pf);
	strcpy(pf.name, "0000:01:00.0");
	pf.num_vfs = NVFS;
	memcpy(pf.pf_mac, pf_mac, 6);
	for (unsigned int n = 0; n < NVFS; n++)
		igb_vf_default_mac(&pf, n, pf.vf[n].mac);
	fake_igb_poke(&hw, IGB_VFRE, 0);
	fake_igb_poke(&hw, IGB_VFTE, 0);
	igb_wr(&pf, IGB_CTRL_EXT, IGB_CTRL_EXT_PFRSTD);
	fake_clock_ms = 0;
	while (fuzz_more(&in)) {
		uint8_t op = fuzz_u8(&in);
		unsigned int n = (op >> 3) & 7;
		uint32_t w[IGB_MBX_WORDS];

		switch (op & 7) {
		case 0:
		case 1: {
			unsigned int count = 1 + (fuzz_u8(&in) & 15);

			for (unsigned int i = 0; i < count; i++)
				w[i] = fuzz_u32(&in);
			if (op & 0x40) /* a request the server knows */
				w[0] = types[w[0] % 5] | (w[0] & IGB_MSG_INFO_MASK);
			fake_vf_send(&hw, n, w, count);
			break;
		}
		case 2:
			fake_vf_read_reply(&hw, n, w, 1 + (op >> 6) * 5);
			break;
		case 3:
			fake_vf_reset(&hw, n);
			break;
		case 4:
			fake_vf_write(&hw, n, IGBVF_V2PMAILBOX, fuzz_u8(&in));
			break;
		case 5:
			fake_vf_write(&hw, n, IGBVF_VMBMEM + 4 * (fuzz_u8(&in) & 15),
				      fuzz_u32(&in));
			break;
		case 6:
			fake_vf_check(&hw, n, fuzz_u8(&in));
			break;
		default: /* just the poll, maybe later */
			if (op & 0x40)
				fake_clock_ms += 50u * fuzz_u8(&in);
			break;
		}
		poll();
	}
	return 0;
}
