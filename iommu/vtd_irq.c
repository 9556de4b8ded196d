// SPDX-License-Identifier: MIT
/*
 * Interrupt remapping entries. Each entry accepts interrupts only from the
 * requester it was allocated for (source-ID verification), so a device
 * cannot raise another device's vectors by writing its MSI data.
 */
#include "lib/err.h"
#include "lib/kstring.h"
#include "lib/printk.h"
#include "iommu/vtd_desc.h"
#include "iommu/vtd_internal.h"

/* A handle is unit << 8 | entry index. */
#define H_UNIT(h)  ((unsigned int)(h) >> 8)
#define H_INDEX(h) ((unsigned int)(h)&0xFF)

static struct vtd_q *irte_at(const struct vtd_unit *u, unsigned int i)
{
	return (struct vtd_q *)(uintptr_t)u->irt + i;
}

static struct vtd_unit *unit_of_handle(int h)
{
	if (h < 0 || H_UNIT(h) >= vtd_unit_count)
		return NULL;
	struct vtd_unit *u = &vtd_units[H_UNIT(h)];

	return u->irt_used[H_INDEX(h) / 8] & (1u << (H_INDEX(h) % 8)) ? u : NULL;
}

int vtd_irte_alloc(uint16_t seg, uint16_t rid)
{
	int ui;
	struct vtd_unit *u;

	ui = vtd_unit_of(seg, rid);
	if (ui < 0 || (unsigned int)ui >= vtd_unit_count)
		return -ENODEV;
	u = &vtd_units[ui];
	spin_lock(&u->lock);
	for (unsigned int i = 0; i < VTD_IRT_ENTRIES; i++) {
		if (u->irt_used[i / 8] & (1u << (i % 8)))
			continue;
		u->irt_used[i / 8] |= (uint8_t)(1u << (i % 8));
		/* Not present until set; remember the requester it is for. */
		*irte_at(u, i) = (struct vtd_q){0, rid};
		spin_unlock(&u->lock);
		return (int)((unsigned int)ui << 8 | i);
	}
	spin_unlock(&u->lock);
	pr_err("iommu: interrupt remapping table full (%04x:%02x:%02x.%u)\n", seg, rid >> 8,
	       (rid >> 3) & 0x1F, rid & 7);
	return -ENOSPC;
}

static int irte_write(struct vtd_unit *u, unsigned int i, struct vtd_q e)
{
	struct vtd_q *slot = irte_at(u, i);

	/* Not present while half-written: clear P, then hi, then lo with P. */
	slot->lo = 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	slot->hi = e.hi;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	slot->lo = e.lo;
	vtd_flush(u, slot, sizeof(*slot));
	return vtd_qi_submit(u, (struct vtd_q[]){vtd_inv_iec_index((uint16_t)i)}, 1);
}

int vtd_irte_set(int h, uint32_t dest, uint8_t vector)
{
	struct vtd_unit *u = unit_of_handle(h);

	if (!u || vector < 0x10)
		return -EINVAL;
	uint16_t rid = (uint16_t)irte_at(u, H_INDEX(h))->hi;

	return irte_write(u, H_INDEX(h), vtd_irte(dest, vector, rid, vtd_x2apic));
}

void vtd_irte_clear(int h)
{
	struct vtd_unit *u = unit_of_handle(h);

	if (!u)
		return;
	/* Not present; the requester stays for the next vtd_irte_set(). */
	irte_write(u, H_INDEX(h), (struct vtd_q){0, irte_at(u, H_INDEX(h))->hi});
}

void vtd_irte_free(int h)
{
	struct vtd_unit *u = unit_of_handle(h);

	if (!u)
		return;
	irte_write(u, H_INDEX(h), (struct vtd_q){0, 0});
	spin_lock(&u->lock);
	u->irt_used[H_INDEX(h) / 8] &= (uint8_t) ~(1u << (H_INDEX(h) % 8));
	spin_unlock(&u->lock);
}

/* Remappable format: the address names the entry; the data is 0 (SHV = 0). */
void vtd_irte_msi(int h, uint64_t *addr, uint32_t *data)
{
	*addr = vtd_msi_addr((uint16_t)H_INDEX(h));
	*data = vtd_msi_data();
}

unsigned int vtd_irte_index(int h)
{
	return H_INDEX(h);
}
