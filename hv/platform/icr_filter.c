// SPDX-License-Identifier: MIT
/*
 * The x2APIC ICR filter. The valid combinations follow the SDM's table of
 * ICR combinations (vol. 3A 11.6.1) and x2APIC ICR layout (11.12.9); the
 * reserved bits are those the CPU checks on WRMSR in x2APIC mode.
 */
#include <stdbool.h>
#include <stddef.h>
#include "lib/err.h"
#include "hv/platform/icr_filter.h"

#define F_VECTOR    0xFFull
#define F_DM_SHIFT  8
#define F_LOGICAL   (1ull << 11)
#define F_BUSY	    (1ull << 12)
#define F_ASSERT    (1ull << 14)
#define F_LEVELTRIG (1ull << 15)
#define F_SH_SHIFT  18
#define F_RESERVED  ((0xFFFull << 20) | (3ull << 16) | (1ull << 13))

#define BROADCAST 0xFFFFFFFFu

enum { DM_FIXED = 0, DM_LOWEST = 1, DM_SMI = 2, DM_NMI = 4, DM_INIT = 5, DM_SIPI = 6 };
enum { SH_NONE = 0, SH_SELF = 1, SH_ALL = 2, SH_OTHERS = 3 };

static int finish(struct icr_decision *d, enum icr_verdict v, const char *why, int ret)
{
	d->verdict = v;
	d->icr = 0;
	d->target_mask = 0;
	d->why = why;
	return ret;
}

/* The guest CPUs whose x2APIC ID is @id, as a mask. */
static uint64_t own_with_id(const uint32_t *own, unsigned int n_own, uint32_t id)
{
	uint64_t mask = 0;

	for (unsigned int i = 0; i < n_own; i++)
		if (own[i] == id)
			mask |= 1ull << i;
	return mask;
}

/*
 * The guest CPUs a destination without shorthand names, in *@mask. False
 * (with *@why) if it names any CPU that is not the guest's. An empty logical
 * mask names no CPU at all: true, *@mask 0, *@why says so.
 */
static bool resolve_dest(const uint32_t *own, unsigned int n_own, uint64_t all, bool logical,
			 uint32_t dest, uint64_t *mask, const char **why)
{
	*mask = 0;
	if (dest == BROADCAST) {
		*mask = all;
		return true;
	}
	if (!logical) {
		*mask = own_with_id(own, n_own, dest);
		*why = "destination APIC ID is not the guest's";
		return *mask != 0;
	}
	/* Logical (cluster) mode: cluster in 31:16, one bit per CPU in 15:0. */
	*why = "logical destination with an empty CPU mask";
	for (uint32_t b = 0; b < 16; b++) {
		uint64_t m;

		if (!(dest & (1u << b)))
			continue;
		m = own_with_id(own, n_own, ((dest >> 16) << 4) | b);
		if (!m) {
			*why = "logical destination includes a CPU that is not the guest's";
			*mask = 0;
			return false;
		}
		*mask |= m;
	}
	return true;
}

int icr_filter(uint64_t icr, const uint32_t *own_apic_ids, unsigned int n_own,
	       unsigned int self_index, struct icr_decision *d)
{
	unsigned int vector = (unsigned int)(icr & F_VECTOR);
	unsigned int dm = (unsigned int)(icr >> F_DM_SHIFT) & 7;
	unsigned int sh = (unsigned int)(icr >> F_SH_SHIFT) & 3;
	uint32_t dest = (uint32_t)(icr >> 32);
	bool logical = icr & F_LOGICAL, leveltrig = icr & F_LEVELTRIG;
	/* KVM's reading too: INIT is a de-assert only when level-triggered
	 * with the level bit clear. */
	bool deassert = dm == DM_INIT && leveltrig && !(icr & F_ASSERT);
	const char *why = NULL;
	uint64_t all, mask, base;

	if (!own_apic_ids || n_own == 0 || n_own > ICR_FILTER_MAX_CPUS || self_index >= n_own)
		return finish(d, ICR_DROP, "bad filter arguments", -ERANGE);
	if (icr & F_RESERVED)
		return finish(d, ICR_DROP, "reserved ICR bits set", -EINVAL);
	/* SMM is the platform's: a guest's SMI would run firmware code on
	 * a CPU, possibly another guest's. */
	if (dm == DM_SMI)
		return finish(d, ICR_DROP, "SMI", 0);
	if (dm == 3 || dm == 7)
		return finish(d, ICR_DROP, "reserved delivery mode", 0);
	if ((sh == SH_SELF || sh == SH_ALL) && dm != DM_FIXED)
		return finish(d, ICR_DROP,
			      "self/all-including-self shorthand with a non-fixed mode", 0);
	/* Only INIT may be level-triggered; the CPU would treat the others
	 * as edge (assert) or ignore them (de-assert). Linux never sends them. */
	if (leveltrig && dm != DM_INIT)
		return finish(d, ICR_DROP, "level-triggered IPI", 0);
	/* The APIC refuses them itself (send illegal vector, in ESR). */
	if ((dm == DM_FIXED || dm == DM_LOWEST) && vector < 16)
		return finish(d, ICR_DROP, "vector below 16", 0);
	if (deassert && logical && sh == SH_NONE)
		return finish(d, ICR_DROP, "INIT level de-assert in logical mode", 0);

	all = n_own == 64 ? ~0ull : (1ull << n_own) - 1;
	switch (sh) {
	case SH_SELF:
		mask = 1ull << self_index;
		break;
	case SH_ALL:
		mask = all;
		break;
	case SH_OTHERS:
		mask = all & ~(1ull << self_index);
		if (!mask)
			why = "all-excluding-self from a one-CPU guest";
		break;
	default:
		if (!resolve_dest(own_apic_ids, n_own, all, logical, dest, &mask, &why))
			return finish(d, ICR_DROP, why, 0);
		break;
	}
	if (!mask)
		return finish(d, ICR_IGNORE, why, 0);
	if (deassert)
		return finish(d, ICR_IGNORE, "INIT level de-assert (no effect)", 0);

	d->target_mask = mask;
	d->why = NULL;
	if (dm == DM_INIT || dm == DM_SIPI) {
		d->verdict = dm == DM_INIT ? ICR_EMULATE_INIT : ICR_EMULATE_SIPI;
		d->icr = icr & ~F_BUSY;
		return 0;
	}

	/* Fixed, lowest priority (as fixed) or NMI, edge, busy bit clear. */
	if (dm == DM_LOWEST)
		dm = DM_FIXED;
	base = (icr & (F_VECTOR | F_ASSERT)) | (uint64_t)dm << F_DM_SHIFT;
	if (sh == SH_SELF) {
		d->verdict = ICR_SEND;
		d->icr = base | (uint64_t)SH_SELF << F_SH_SHIFT;
	} else if (sh == SH_NONE && !logical && dest != BROADCAST) {
		d->verdict = ICR_SEND;
		d->icr = base | (uint64_t)dest << 32;
	} else {
		d->verdict = ICR_SEND_EACH;
		d->icr = base;
	}
	return 0;
}
