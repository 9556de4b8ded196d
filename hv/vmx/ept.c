// SPDX-License-Identifier: MIT
/*
 * EPT: the entry format (SDM vol. 3C 29.3.2) and the EPTP, over the
 * page-table engine (lib/pt.c), which builds the tables.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/err.h"
#include "hv/vmx/ept.h"

/* With "ignore PAT" on every type but WB: the rule in ept.h. */
#define MT(t) ((uint64_t)(t) << EPT_MT_SHIFT | ((t) == EPT_WB ? 0 : EPT_IPAT))

const struct pt_format ept_format = {
	.name = "ept",
	.max_levels = 4,
	.leaf_levels = PT_4K | PT_2M | PT_1G,
	.addr = EPT_ADDR,
	.present = EPT_RWX, /* any of R/W/X (SDM 29.3.2) */
	.kind = EPT_LARGE,
	/* non-leaf: all access, no memory type */
	.table = {[2] = EPT_RWX, [3] = EPT_RWX, [4] = EPT_RWX},
	.leaf = {[2] = EPT_LARGE, [3] = EPT_LARGE},
	.prot_bits = {EPT_R, EPT_W, EPT_X, 0},
	.prot_ok = PT_R | PT_W | PT_X,
	.prot_must = PT_R,
	.mt_bits = {[EPT_UC] = MT(EPT_UC),
		    [EPT_WC] = MT(EPT_WC),
		    [EPT_WT] = MT(EPT_WT),
		    [EPT_WP] = MT(EPT_WP),
		    [EPT_WB] = MT(EPT_WB)},
	.mt_ok = 1u << EPT_UC | 1u << EPT_WC | 1u << EPT_WT | 1u << EPT_WP | 1u << EPT_WB,
};

int ept_init(struct pt_table *e, struct palloc *pa, bool ad)
{
	const struct pt_alloc alloc = {palloc_pt_alloc, palloc_pt_free, pa, 0};
	int err = pt_init(e, &ept_format, 4, &alloc, NULL);

	e->root_flags = EPTP_MT_WB | EPTP_WALK4 | (ad ? EPTP_AD : 0);
	return err;
}

int ept_map(struct pt_table *e, uint64_t gpa, uint64_t hpa, uint64_t len, unsigned int rwx,
	    unsigned int type, bool allow_2m, bool allow_1g)
{
	/* EPT_R/W/X are PT_R/W/X; no other bit is an access right here */
	if (rwx & ~EPT_RWX)
		return -EINVAL;
	return pt_map_leaves(e, gpa, hpa, len, rwx, type,
			     PT_4K | (allow_2m ? PT_2M : 0) | (allow_1g ? PT_1G : 0));
}

int ept_unmap(struct pt_table *e, uint64_t gpa, uint64_t len)
{
	return pt_unmap(e, gpa, len);
}

uint64_t ept_lookup(const struct pt_table *e, uint64_t gpa, uint64_t *size)
{
	return pt_walk(e, gpa, size);
}

uint64_t ept_pointer(const struct pt_table *e)
{
	return (e->root & EPT_ADDR) | e->root_flags;
}

void ept_destroy(struct pt_table *e)
{
	pt_destroy(e);
}
