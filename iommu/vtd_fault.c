// SPDX-License-Identifier: MIT
/*
 * Fault reporting: the units' fault event interrupt goes to the service CPU,
 * which decodes each recorded fault, logs it once per source (then only a
 * count now and then, fault_log.c, so that a device cannot flood the console)
 * and clears the recording register so that later faults are not lost.
 */
#include "drivers/apic/apic.h"
#include "hv/core/idt.h"
#include "lib/printk.h"
#include "iommu/fault_log.h"
#include "iommu/vtd_internal.h"
#include "iommu/vtd_regs.h"

static struct fault_log faults; /* by requester and reason */
/* The fault records overflow as often as a device faults fast enough. */
static struct ratelimit overflow_log[DMAR_MAX_UNITS];
static unsigned int irq_polls; /* fault records read by the fault interrupt */

static const char *reason(unsigned int fr)
{
	switch (fr) {
	case 0x01:
		return "root entry not present";
	case 0x02:
		return "context entry not present (device not attached)";
	case 0x03:
		return "invalid context entry";
	case 0x04:
		return "address beyond the address width";
	case 0x05:
		return "write not permitted";
	case 0x06:
		return "read not permitted or not mapped";
	case 0x07:
		return "paging entry could not be read";
	case 0x08:
		return "root table could not be read";
	case 0x09:
		return "context table could not be read";
	case 0x0A:
		return "reserved bits in root entry";
	case 0x0B:
		return "reserved bits in context entry";
	case 0x0C:
		return "reserved bits in paging entry";
	case 0x0D:
		return "translation type blocked";
	case 0x20:
		return "reserved bits in interrupt request";
	case 0x21:
		return "interrupt index beyond the table";
	case 0x22:
		return "interrupt entry not present";
	case 0x23:
		return "interrupt table could not be read";
	case 0x24:
		return "reserved bits in interrupt entry";
	case 0x25:
		return "compatibility-format interrupt blocked";
	case 0x26:
		return "interrupt from a requester the entry does not accept";
	default:
		return "unknown reason";
	}
}

unsigned int vtd_fault_count(uint16_t seg, uint16_t rid)
{
	return fault_log_total(&faults, seg, rid);
}

static void record_log(const struct vtd_unit *u, uint64_t lo, uint64_t hi)
{
	uint16_t sid = VTD_FRCD_SID(hi);
	unsigned int fr = VTD_FRCD_FR(hi);
	const char *owner;

	if (!fault_log_count(&faults, u->segment, sid, (uint8_t)fr))
		return;
	/* Whose device it is: the domain it is attached to (a guest's name). */
	owner = vtd_owner_name(u->segment, sid);
	if (fr >= 0x20)
		pr_err("iommu: interrupt fault: %04x:%02x:%02x.%u (domain %s) entry %u: %s (reason "
		       "0x%x)\n",
		       u->segment, sid >> 8, (sid >> 3) & 0x1F, sid & 7, owner ? owner : "none",
		       (unsigned int)(lo >> 48), reason(fr), fr);
	else
		pr_err("iommu: dma fault: %04x:%02x:%02x.%u (domain %s) %s at 0x%llx: %s (reason "
		       "0x%x)\n",
		       u->segment, sid >> 8, (sid >> 3) & 0x1F, sid & 7, owner ? owner : "none",
		       hi & VTD_FRCD_T ? "read" : "write", (unsigned long long)(lo & ~0xFFFull),
		       reason(fr), fr);
}

static void unit_poll(struct vtd_unit *u)
{
	uint32_t fsts = vtd_rd32(u, VTD_FSTS);
	char note[RATELIMIT_NOTE];

	if (!fsts)
		return;
	for (unsigned int i = 0; i < u->nfr; i++) {
		uint32_t off = u->fro + 16 * i;
		uint64_t hi = vtd_rd64(u, off + 8);

		if (!(hi & VTD_FRCD_F))
			continue;
		record_log(u, vtd_rd64(u, off), hi);
		vtd_wr32(u, off + 12, 1u << 31); /* F is write-1-to-clear */
	}
	if ((fsts & VTD_FSTS_PFO) && ratelimit(&overflow_log[u - vtd_units], note))
		pr_warn("iommu: unit at 0x%llx: fault records overflowed; some faults were "
			"lost%s\n",
			(unsigned long long)u->base, note);
	if (fsts & (VTD_FSTS_IQE | VTD_FSTS_ICE | VTD_FSTS_ITE))
		pr_err("iommu: unit at 0x%llx: invalidation error (fsts 0x%x)\n",
		       (unsigned long long)u->base, fsts);
	vtd_wr32(u, VTD_FSTS, fsts & VTD_FSTS_W1C);
}

void vtd_fault_poll(void)
{
	for (unsigned int i = 0; i < vtd_unit_count; i++)
		unit_poll(&vtd_units[i]);
}

static void fault_irq(struct trap_frame *f)
{
	(void)f;
	irq_polls++;
	vtd_fault_poll();
	apic_eoi();
}

unsigned int vtd_fault_irqs(void)
{
	return irq_polls;
}

void vtd_fault_setup(struct vtd_unit *u, uint32_t apic_id)
{
	idt_set_handler(VEC_IOMMU_FAULT, fault_irq);
	vtd_wr32(u, VTD_FECTL, VTD_FECTL_IM);
	/* Whatever was recorded before us says nothing about our set-up. */
	for (unsigned int i = 0; i < u->nfr; i++)
		vtd_wr32(u, u->fro + 16 * i + 12, 1u << 31);
	vtd_wr32(u, VTD_FSTS, VTD_FSTS_W1C);
	vtd_wr32(u, VTD_FEDATA, VEC_IOMMU_FAULT);
	vtd_wr32(u, VTD_FEADDR, 0xFEE00000u | ((apic_id & 0xFF) << 12));
	vtd_wr32(u, VTD_FEUADDR, vtd_x2apic ? apic_id & 0xFFFFFF00u : 0);
	vtd_wr32(u, VTD_FECTL, 0);
}
