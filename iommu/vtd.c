// SPDX-License-Identifier: MIT
/*
 * VT-d remapping units: bring-up, root and context tables, queued
 * invalidation, domains' tables and attachment, and the iommu_ops table
 * that makes VT-d the IOMMU. Interrupt remapping entries are in vtd_irq.c
 * and fault reporting in vtd_fault.c; this file owns the unit state they
 * share.
 */
#include "drivers/acpi/acpi.h"
#include "drivers/pci/pci.h"
#include "hv/core/paging.h"
#include "iommu/dmar.h"
#include "iommu/iommu.h"
#include "iommu/resv.h"
#include "iommu/vtd.h"
#include "iommu/vtd_desc.h"
#include "iommu/vtd_internal.h"
#include "iommu/vtd_pt.h"
#include "iommu/vtd_regs.h"
#include "lib/err.h"
#include "lib/kstring.h"
#include "lib/printk.h"
#include "lib/spinlock.h"
#include "lib/x86.h"

struct vtd_unit vtd_units[DMAR_MAX_UNITS];
unsigned int vtd_unit_count;
struct dmar_info vtd_dmar;
bool vtd_x2apic;

static struct palloc *vtd_pa;
static unsigned int pt_levels;
static bool pt_2m, pt_1g, coherent_all;
static bool enabled;
static unsigned int omitted;

uint32_t vtd_rd32(const struct vtd_unit *u, uint32_t off)
{
	return mmio_read32(u->base + off);
}

uint64_t vtd_rd64(const struct vtd_unit *u, uint32_t off)
{
	return mmio_read64(u->base + off);
}

void vtd_wr32(const struct vtd_unit *u, uint32_t off, uint32_t v)
{
	mmio_write32(u->base + off, v);
}

void vtd_wr64(const struct vtd_unit *u, uint32_t off, uint64_t v)
{
	mmio_write64(u->base + off, v);
}

void vtd_flush(const struct vtd_unit *u, const void *p, uint64_t len)
{
	if (!u->coherent)
		clflush_range(p, len);
}

static void pt_flush(const void *p, uint64_t len)
{
	clflush_range(p, len);
}

static int alloc_page(uint64_t *out)
{
	int err = palloc_alloc(vtd_pa, PAGE_SIZE, PAGE_SIZE, 0, out);

	if (!err)
		memset((void *)(uintptr_t)*out, 0, PAGE_SIZE);
	return err;
}

/* GCMD is write-only in effect: QEMU acts on the difference from GSTS, so
 * write the persistent enables back with the one bit added or removed. */
static int gcmd(struct vtd_unit *u, uint32_t bit, bool set)
{
	uint32_t sts = vtd_rd32(u, VTD_GSTS) & VTD_GSTS_KEEP;

	vtd_wr32(u, VTD_GCMD, set ? sts | bit : sts & ~bit);
	for (int i = 0; i < 1000000; i++) {
		uint32_t now = vtd_rd32(u, VTD_GSTS);

		if (set ? (now & bit) : !(now & bit))
			return 0;
		cpu_relax();
	}
	pr_err("iommu: unit at 0x%llx: GSTS did not follow GCMD bit %u\n",
	       (unsigned long long)u->base, __builtin_ctz(bit));
	return -ETIMEDOUT;
}

/* ---- queued invalidation ---------------------------------------------------- */

static void qi_push(struct vtd_unit *u, struct vtd_q d)
{
	struct vtd_q *q = (struct vtd_q *)(uintptr_t)u->iq;

	q[u->iq_tail] = d;
	u->iq_tail = (u->iq_tail + 1) % VTD_IQ_ENTRIES;
}

/* Submit @n descriptors and a wait, and wait for it (bounded). */
int vtd_qi_submit(struct vtd_unit *u, const struct vtd_q *d, unsigned int n)
{
	uint32_t seq;
	int err = 0;

	spin_lock(&u->lock);
	seq = ++u->wait_seq;
	for (unsigned int i = 0; i < n; i++)
		qi_push(u, d[i]);
	qi_push(u, vtd_inv_wait((uint64_t)(uintptr_t)&u->wait_status, seq));
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	vtd_wr64(u, VTD_IQT, (uint64_t)u->iq_tail << 4);
	for (int i = 0; i < 10000000; i++) {
		if (__atomic_load_n(&u->wait_status, __ATOMIC_ACQUIRE) == seq)
			goto out;
		if (vtd_rd32(u, VTD_FSTS) & VTD_FSTS_IQE)
			break;
		cpu_relax();
	}
	pr_err("iommu: unit at 0x%llx: invalidation queue %s (head 0x%llx, fsts 0x%x)\n",
	       (unsigned long long)u->base,
	       vtd_rd32(u, VTD_FSTS) & VTD_FSTS_IQE ? "error" : "timed out",
	       (unsigned long long)vtd_rd64(u, VTD_IQH), vtd_rd32(u, VTD_FSTS));
	err = -EIO;
out:
	spin_unlock(&u->lock);
	return err;
}

static int qi_global(struct vtd_unit *u)
{
	const struct vtd_q d[] = {vtd_inv_context_global(), vtd_inv_iotlb_global(),
				  vtd_inv_iec_global()};

	return vtd_qi_submit(u, d, 3);
}

/* ---- bring-up ---------------------------------------------------------------- */

static bool bridge_buses(uint16_t seg, uint8_t bus, uint8_t devfn, uint8_t *sec, uint8_t *sub)
{
	const struct pci_dev *d = pci_find(seg, bus, devfn);

	if (!d || d->hdr_type != 1)
		return false;
	*sec = d->sec_bus;
	*sub = d->sub_bus;
	return true;
}

int vtd_unit_of(uint16_t seg, uint16_t rid)
{
	return dmar_unit_for(&vtd_dmar, seg, (uint8_t)(rid >> 8), (uint8_t)rid, bridge_buses);
}

static int unit_probe(struct vtd_unit *u, const struct dmar_unit *du)
{
	u->base = du->base;
	u->segment = du->segment;
	paging_map_mmio(u->base, PAGE_SIZE);
	u->cap = vtd_rd64(u, VTD_CAP);
	u->ecap = vtd_rd64(u, VTD_ECAP);
	if (u->cap == ~0ull || !u->cap) {
		pr_err("iommu: unit at 0x%llx does not answer\n", (unsigned long long)u->base);
		return -EIO;
	}
	u->coherent = u->ecap & VTD_ECAP_C;
	u->fro = VTD_CAP_FRO(u->cap);
	u->nfr = VTD_CAP_NFR(u->cap);
	if (!(u->ecap & VTD_ECAP_QI) || !(u->ecap & VTD_ECAP_IR) ||
	    (vtd_x2apic && !(u->ecap & VTD_ECAP_EIM))) {
		pr_err("iommu: unit at 0x%llx lacks queued invalidation or interrupt remapping"
		       " (ecap 0x%llx)\n",
		       (unsigned long long)u->base, (unsigned long long)u->ecap);
		return -ENOTSUP;
	}
	if (u->fro + 16 * u->nfr > PAGE_SIZE) {
		pr_err("iommu: unit at 0x%llx: fault registers outside its page\n",
		       (unsigned long long)u->base);
		return -ENOTSUP;
	}
	pr_info("iommu: unit at 0x%llx: ver %u.%u cap 0x%llx ecap 0x%llx%s\n",
		(unsigned long long)u->base, (vtd_rd32(u, VTD_VER) >> 4) & 0xF,
		vtd_rd32(u, VTD_VER) & 0xF, (unsigned long long)u->cap, (unsigned long long)u->ecap,
		u->coherent ? "" : ", not coherent");
	return 0;
}

/* Everything off again, as firmware would have left a unit of ours. */
static void unit_off(struct vtd_unit *u)
{
	if (!u->base)
		return;
	gcmd(u, VTD_GCMD_TE, false);
	gcmd(u, VTD_GCMD_IRE, false);
	gcmd(u, VTD_GCMD_QIE, false);
}

static int unit_start(struct vtd_unit *u, uint32_t fault_apic_id)
{
	int err;

	/* Firmware may have left translation on: start from everything off. */
	unit_off(u);
	if ((err = alloc_page(&u->root)) || (err = alloc_page(&u->iq)) ||
	    (err = alloc_page(&u->irt)))
		return err;
	vtd_flush(u, (void *)(uintptr_t)u->root, PAGE_SIZE);
	vtd_flush(u, (void *)(uintptr_t)u->irt, PAGE_SIZE);

	vtd_wr64(u, VTD_RTADDR, u->root); /* legacy mode: TTM 00 */
	if ((err = gcmd(u, VTD_GCMD_SRTP, true)))
		return err;

	u->iq_tail = 0;
	vtd_wr64(u, VTD_IQT, 0);
	vtd_wr64(u, VTD_IQA, u->iq | VTD_IQA_QS_4K);
	if ((err = gcmd(u, VTD_GCMD_QIE, true)))
		return err;
	if ((err = qi_global(u)))
		return err;

	vtd_wr64(u, VTD_IRTA, u->irt | (vtd_x2apic ? VTD_IRTA_EIME : 0) | VTD_IRTA_S_256);
	if ((err = gcmd(u, VTD_GCMD_SIRTP, true)))
		return err;
	if ((err = vtd_qi_submit(u, (struct vtd_q[]){vtd_inv_iec_global()}, 1)))
		return err;
	/* CFI stays clear: compatibility-format interrupts are blocked. */
	if (!(omitted & IOMMU_OMIT_IR) && (err = gcmd(u, VTD_GCMD_IRE, true)))
		return err;

	vtd_fault_setup(u, fault_apic_id);
	/* Nothing is attached yet: every DMA faults from here on. */
	return omitted & IOMMU_OMIT_DMA ? 0 : gcmd(u, VTD_GCMD_TE, true);
}

static void units_reset(void)
{
	for (unsigned int i = 0; i < vtd_unit_count; i++)
		unit_off(&vtd_units[i]);
	memset(vtd_units, 0, sizeof(vtd_units));
	vtd_unit_count = 0;
	enabled = false;
}

/*
 * Parse the DMAR, then on every unit: root table, queued invalidation,
 * interrupt remapping (x2APIC format when @s->x2apic), fault events to the
 * service CPU, and DMA remapping on with nothing attached. Errors (a DMAR
 * that drivers/acpi refused or that is malformed, a unit without queued
 * invalidation or interrupt remapping, no common page-table depth:
 * -EINVAL/-ENOTSUP/-ENODEV) leave every unit as it was: no passthrough then.
 */
static int vtd_init(const struct acpi_info *ai, const struct iommu_setup *s)
{
	const void *table = NULL;
	unsigned int sagaw = 0x1F, sllps = 0xF;
	bool x2apic = s->x2apic;
	unsigned int omit = s->omit;
	int err;

	/* Listed but refused by drivers/acpi (which said why): unusable. */
	if (ai->have_dmar)
		table = acpi_map(ai->dmar_phys, ai->dmar_len);
	err = !ai->have_dmar ? -EINVAL
	      : table	     ? dmar_parse(&vtd_dmar, table, ai->dmar_len)
			     : -EFAULT;
	if (!err && !vtd_dmar.unit_count)
		err = -ENODEV;
	if (err) {
		pr_err("iommu: DMAR unusable (%s): running without an IOMMU, no passthrough\n",
		       err_name(err));
		return err;
	}
	if (!vtd_dmar.intr_remap) {
		pr_err("iommu: the DMAR says interrupt remapping is not supported: no "
		       "passthrough\n");
		return -ENOTSUP;
	}
	if (vtd_dmar.x2apic_opt_out && x2apic)
		pr_warn("iommu: firmware asks for xAPIC interrupt remapping, but the CPUs run in"
			" x2APIC mode: remapping in x2APIC format\n");
	vtd_pa = s->pa;
	vtd_x2apic = x2apic;
	omitted = omit;
	if (omit)
		pr_warn("iommu: fault injection: leaving out%s%s\n",
			omit & IOMMU_OMIT_DMA ? " dma remapping" : "",
			omit & IOMMU_OMIT_IR ? " interrupt remapping" : "");
	coherent_all = true;
	for (unsigned int i = 0; i < vtd_dmar.unit_count; i++) {
		struct vtd_unit *u = &vtd_units[i];

		err = unit_probe(u, &vtd_dmar.unit[i]);
		if (err)
			goto fail;
		vtd_unit_count++;
		sagaw &= VTD_CAP_SAGAW(u->cap);
		sllps &= VTD_CAP_SLLPS(u->cap);
		coherent_all &= u->coherent;
	}
	/* One page table per domain serves every unit: the depth all support. */
	pt_levels = sagaw & 4 ? 4 : sagaw & 2 ? 3 : 0;
	pt_2m = sllps & 1;
	pt_1g = sllps & 2;
	if (!pt_levels) {
		pr_err("iommu: no page-table depth (3 or 4 levels) common to all units\n");
		err = -ENOTSUP;
		goto fail;
	}
	for (unsigned int i = 0; i < vtd_unit_count; i++) {
		err = unit_start(&vtd_units[i], s->fault_apic_id);
		if (err)
			goto fail;
	}
	enabled = true;
	return 0;
fail:
	pr_err("iommu: bring-up failed (%s): all units off, no passthrough\n", err_name(err));
	units_reset();
	return err;
}

/* The status lines the boot log and the system tests read. */
static void vtd_report(void)
{
	pr_info("iommu: %u unit(s), dma remapping %s, interrupt remapping %s\n", vtd_unit_count,
		omitted & IOMMU_OMIT_DMA ? "off" : "on", omitted & IOMMU_OMIT_IR ? "off" : "on");
	pr_info("iommu: vt-d, %u-level tables%s%s, %s interrupt format%s\n", pt_levels,
		pt_2m ? ", 2M" : "", pt_1g ? ", 1G" : "", vtd_x2apic ? "x2apic" : "xapic",
		omitted & IOMMU_OMIT_DMA ? "" : "; unattached devices blocked");
}

/* ---- domains ----------------------------------------------------------------- */

/* One second-level table serves every unit: the depth and leaf sizes all
 * support (found at init). */
static int vtd_domain_init(struct iommu_domain *d)
{
	return vtd_pt_init(&d->pt, pt_levels, pt_2m, pt_1g, vtd_pa, coherent_all ? NULL : pt_flush);
}

static int vtd_domain_flush(struct iommu_domain *d)
{
	int err = 0;

	for (unsigned int i = 0; i < vtd_unit_count; i++) {
		int e = vtd_qi_submit(&vtd_units[i], (struct vtd_q[]){vtd_inv_iotlb_domain(d->id)},
				      1);

		err = err ? err : e;
	}
	return err;
}

/* The context entry slot for @rid on unit @u, creating its table. */
static int context_slot(struct vtd_unit *u, uint16_t rid, struct vtd_q **out)
{
	struct vtd_q *root = (struct vtd_q *)(uintptr_t)u->root;
	uint8_t bus = (uint8_t)(rid >> 8);
	uint64_t ctx;

	if (!(root[bus].lo & 1)) {
		int err = alloc_page(&ctx);

		if (err)
			return err;
		vtd_flush(u, (void *)(uintptr_t)ctx, PAGE_SIZE);
		root[bus] = vtd_root_entry(ctx);
		vtd_flush(u, &root[bus], sizeof(root[bus]));
	}
	*out = (struct vtd_q *)(uintptr_t)(root[bus].lo & ~0xFFFull) + (rid & 0xFF);
	return 0;
}

/* The name of the domain @seg:@rid is attached to, for fault messages; NULL
 * when it is attached to none (its context entry is absent). Reads only:
 * never allocates a context table. */
const char *vtd_owner_name(uint16_t seg, uint16_t rid)
{
	int ui = vtd_unit_of(seg, rid);
	const struct vtd_q *root, *ctx;
	struct iommu_domain *d;

	if (!enabled || ui < 0 || (unsigned int)ui >= vtd_unit_count)
		return NULL;
	root = (const struct vtd_q *)(uintptr_t)vtd_units[ui].root;
	if (!root || !(root[rid >> 8].lo & 1))
		return NULL;
	ctx = (const struct vtd_q *)(uintptr_t)(root[rid >> 8].lo & ~0xFFFull) + (rid & 0xFF);
	if (!(ctx->lo & 1))
		return NULL;
	d = iommu_domain_of((uint16_t)(ctx->hi >> 8));
	return d ? d->name : NULL;
}

static int context_set(uint16_t seg, uint16_t rid, const struct vtd_q *e, uint16_t flush_did)
{
	int ui = vtd_unit_of(seg, rid);
	struct vtd_unit *u;
	struct vtd_q *slot;
	int err;

	if (ui < 0 || (unsigned int)ui >= vtd_unit_count)
		return -ENODEV;
	u = &vtd_units[ui];
	err = context_slot(u, rid, &slot);
	if (err)
		return err;
	if (slot->lo & 1) { /* replace: take the old one away first */
		struct iommu_domain *old = iommu_domain_of((uint16_t)(slot->hi >> 8));

		flush_did = (uint16_t)(slot->hi >> 8);
		slot->lo = 0;
		vtd_flush(u, slot, sizeof(*slot));
		vtd_qi_submit(u,
			      (struct vtd_q[]){vtd_inv_context_device(flush_did, rid),
					       vtd_inv_iotlb_domain(flush_did)},
			      2);
		if (old && old->attached)
			old->attached--;
	}
	if (e) {
		slot->hi = e->hi; /* hi first: the entry turns valid with lo's P */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		slot->lo = e->lo;
		vtd_flush(u, slot, sizeof(*slot));
		flush_did = (uint16_t)(e->hi >> 8);
	} else {
		slot->hi = 0;
		vtd_flush(u, slot, sizeof(*slot));
	}
	return vtd_qi_submit(u,
			     (struct vtd_q[]){vtd_inv_context_device(flush_did, rid),
					      vtd_inv_iotlb_domain(flush_did)},
			     2);
}

static int vtd_attach(struct iommu_domain *d, uint16_t seg, uint16_t rid)
{
	struct vtd_q e;

	if (!enabled)
		return -EINVAL;
	e = vtd_context_entry(d->pt.root, d->pt.levels, d->id);
	return context_set(seg, rid, &e, d->id);
}

/* No context entry: the function's DMA faults. That is also where a
 * function never attached is, so blocking is detaching. */
static int vtd_detach(uint16_t seg, uint16_t rid)
{
	if (!enabled)
		return -EINVAL;
	return context_set(seg, rid, NULL, 0);
}

static int vtd_resv(struct iommu_resv_list *out)
{
	return resv_from_dmar(&vtd_dmar, bridge_buses, out);
}

const struct iommu_ops vtd_iommu_ops = {
	.name = "vt-d",
	.init = vtd_init,
	.report = vtd_report,
	.domain_init = vtd_domain_init,
	.domain_flush = vtd_domain_flush,
	.attach = vtd_attach,
	.detach = vtd_detach,
	.block = vtd_detach,
	.irte_alloc = vtd_irte_alloc,
	.irte_set = vtd_irte_set,
	.irte_clear = vtd_irte_clear,
	.irte_free = vtd_irte_free,
	.irte_msi = vtd_irte_msi,
	.irte_index = vtd_irte_index,
	.fault_poll = vtd_fault_poll,
	.fault_count = vtd_fault_count,
	.fault_irqs = vtd_fault_irqs,
	.resv = vtd_resv,
};
