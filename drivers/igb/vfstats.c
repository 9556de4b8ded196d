// SPDX-License-Identifier: MIT
/* Per-VF traffic counters: the NIC's 32-bit mirrors widened to 64 bits
 * (igb.h, igb_vf_stats_update). */
#include "drivers/igb/igb.h"
#include "drivers/igb/igb_regs.h"

static uint32_t stat_reg(enum igb_stat s, unsigned int n)
{
	switch (s) {
	case IGB_RX_PACKETS:
		return IGB_PVFGPRC(n);
	case IGB_RX_BYTES:
		return IGB_PVFGORC(n);
	case IGB_TX_PACKETS:
		return IGB_PVFGPTC(n);
	case IGB_TX_BYTES:
		return IGB_PVFGOTC(n);
	default:
		return IGB_PVFMPRC(n);
	}
}

void igb_vf_stats_update(struct igb_pf *pf, unsigned int n)
{
	struct igb_vf_stats *st;

	if (n >= pf->num_vfs)
		return;
	st = &pf->vf[n].stats;
	for (unsigned int s = 0; s < IGB_STATS; s++) {
		uint32_t now = igb_rd(pf, stat_reg((enum igb_stat)s, n));
		uint32_t d = now - st->last[s];

		st->total[s] += d < 0x80000000u ? d : now;
		st->last[s] = now;
	}
}
