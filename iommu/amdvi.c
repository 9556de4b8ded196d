// SPDX-License-Identifier: MIT
/*
 * AMD-Vi units: bring-up from the IVRS, the device table, the command ring
 * (every batch ends in a COMPLETION_WAIT whose store is polled), domains'
 * tables and attachment, interrupt remapping tables per requester, fault
 * events drained from the event log, and the iommu_ops table that makes
 * AMD-Vi the IOMMU.
 *
 * Written to the spec and to what QEMU 10.0.2's amd-iommu honours
 * (iommu/notes/qemu-10.0.2-amd-iommu.md): every DTE valid (V=0 passes DMA
 * through), DomainIDs 1..255, INVALIDATE_IOMMU_PAGES after every DTE
 * change (its INVALIDATE_DEVTAB_ENTRY keeps the IOTLB), command completion
 * seen in memory, events found in the log's memory (its tail register
 * never moves).
 */
#include "drivers/acpi/acpi.h"
#include "drivers/pci/pci.h"
#include "hv/core/idt.h"
#include "hv/core/paging.h"
#include "hv/core/palloc.h"
#include "drivers/apic/apic.h"
#include "iommu/amdvi.h"
#include "iommu/fault_log.h"
#include "iommu/amdvi_desc.h"
#include "iommu/amdvi_pt.h"
#include "iommu/amdvi_queue.h"
#include "iommu/amdvi_regs.h"
#include "iommu/iommu.h"
#include "iommu/resv.h"
#include "iommu/ivrs.h"
#include "lib/err.h"
#include "lib/kstring.h"
#include "lib/printk.h"
#include "lib/spinlock.h"
#include "lib/x86.h"

#define RING_LOG2    8 /* 256 entries: one 4 KiB page */
#define RING_ENTRIES (1u << RING_LOG2)
#define RING_BYTES   (RING_ENTRIES * 16u)
#define DEVTAB_BYTES ((uint64_t)AMDVI_DEVTAB_ENTRIES * AMDVI_DTE_SIZE)
#define MAX_CMDS     7 /* per batch, before its COMPLETION_WAIT */

/* The DomainID of a blocked entry: none of the pool's (1..16). */
#define BLOCKED_DOMID AMDVI_DOMID_MAX
_Static_assert(IOMMU_MAX_DOMAINS < BLOCKED_DOMID, "domain IDs must stay below the blocked one");

/* A handle is unit << 8 | index. */
#define H_UNIT(h)  ((unsigned int)(h) >> 8)
#define H_INDEX(h) ((unsigned int)(h)&0xFF)
_Static_assert(AMDVI_IRQ_INDICES == 256, "a handle's index is 8 bits");

struct amdvi_unit {
	uint64_t base;
	uint16_t segment, bdf;
	uint64_t efr;
	uint64_t devtab, cmdbuf, evtlog, zero; /* physical addresses */
	unsigned int cmd_tail, evt_head;
	uint64_t wait_seq;
	volatile uint64_t wait_sem; /* COMPLETION_WAIT stores here */
	spinlock_t lock;	    /* the command ring */
	spinlock_t irq_lock;	    /* @irq; never held around lock */
	struct amdvi_irq_map irq;
};

static struct ivrs ivrs;
static struct amdvi_unit units[IVRS_MAX_UNITS];
static unsigned int unit_count;
static struct palloc *amdvi_pa;
static bool x2apic, enabled;
static unsigned int irq_polls;
static struct fault_log faults; /* by requester */
/* The event log overflows as often as a device faults fast enough. */
static struct ratelimit overflow_log[IVRS_MAX_UNITS];

static uint64_t mmio_rd64(uint64_t addr)
{
	return mmio_read64(addr);
}

static void mmio_wr64(uint64_t addr, uint64_t v)
{
	mmio_write64(addr, v);
}

struct amdvi_mmio amdvi_mmio = {mmio_rd64, mmio_wr64};

static uint64_t rd64(const struct amdvi_unit *u, uint32_t off)
{
	return amdvi_mmio.rd64(u->base + off);
}

static void wr64(const struct amdvi_unit *u, uint32_t off, uint64_t v)
{
	amdvi_mmio.wr64(u->base + off, v);
}

static int alloc_zeroed(uint64_t len, uint64_t *out)
{
	int err = palloc_alloc(amdvi_pa, len, PAGE_SIZE, 0, out);

	if (!err)
		memset((void *)(uintptr_t)*out, 0, len);
	return err;
}

static struct amdvi_dte *dte_at(const struct amdvi_unit *u, uint16_t rid)
{
	return (struct amdvi_dte *)(uintptr_t)u->devtab + rid;
}

/* ---- commands ---------------------------------------------------------------- */

/* Run @n commands and a COMPLETION_WAIT, and wait for its store (bounded).
 * Not COMMAND_HEAD: QEMU 10.0.2 lets it read past the ring. */
static int cmd_run(struct amdvi_unit *u, const struct amdvi_cmd *c, unsigned int n)
{
	struct amdvi_cmd all[MAX_CMDS + 1];
	unsigned int head;
	uint64_t seq;
	int err;

	if (n > MAX_CMDS)
		return -EINVAL;
	spin_lock(&u->lock);
	seq = ++u->wait_seq;
	for (unsigned int i = 0; i < n; i++)
		all[i] = c[i];
	err = amdvi_cmd_completion_wait((uint64_t)(uintptr_t)&u->wait_sem, seq, &all[n]);
	head = (unsigned int)((rd64(u, AMDVI_CMDBUF_HEAD) & AMDVI_PTR_MASK) >> 4);
	if (!err)
		err = amdvi_cmd_put((struct amdvi_cmd *)(uintptr_t)u->cmdbuf, RING_ENTRIES, head,
				    &u->cmd_tail, all, n + 1);
	if (err)
		goto out;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	wr64(u, AMDVI_CMDBUF_TAIL, (uint64_t)u->cmd_tail << 4);
	for (int i = 0; i < 10000000; i++) {
		if (__atomic_load_n(&u->wait_sem, __ATOMIC_ACQUIRE) == seq)
			goto out;
		cpu_relax();
	}
	pr_err("iommu: unit at 0x%llx: commands not completed (head 0x%llx, tail 0x%x, status "
	       "0x%llx)\n",
	       (unsigned long long)u->base, (unsigned long long)rd64(u, AMDVI_CMDBUF_HEAD),
	       u->cmd_tail << 4, (unsigned long long)rd64(u, AMDVI_STATUS));
	err = -EIO;
out:
	spin_unlock(&u->lock);
	return err;
}

/* ---- device table ------------------------------------------------------------ */

/* Index of the unit translating @seg:@rid, or -ENODEV. A function the
 * IVHDs do not list (QEMU lists the devices present when it built the
 * table, before VFs were enabled) goes to the segment's only unit. */
static int unit_of(uint16_t seg, uint16_t rid)
{
	const struct ivrs_unit *iu = ivrs_unit_for(&ivrs, seg, rid);
	int only = -ENODEV;

	if (iu)
		return (int)(iu - ivrs.unit) < (int)unit_count ? (int)(iu - ivrs.unit) : -ENODEV;
	for (unsigned int i = 0; i < unit_count; i++) {
		if (units[i].segment != seg)
			continue;
		if (only >= 0)
			return -ENODEV;
		only = (int)i;
	}
	return only;
}

static uint16_t dte_domid(const struct amdvi_dte *e)
{
	return (uint16_t)e->q[1];
}

/* The DTE for @rid: through @d's table or blocked, with its interrupt
 * table when it has one. */
static int dte_compose(struct amdvi_unit *u, uint16_t rid, const struct iommu_domain *d,
		       struct amdvi_dte *e)
{
	int slot = amdvi_irq_table_of(&u->irq, rid);
	int err = d ? amdvi_dte_translated(amdvi_pt_root(&d->pt), amdvi_pt_mode(&d->pt), d->id, e)
		    : amdvi_dte_blocked(u->zero, BLOCKED_DOMID, true, e);

	if (!err && slot >= 0)
		err = amdvi_dte_intremap(e, u->irq.table[slot].table, AMDVI_IRQ_INT_TAB_LEN);
	return err;
}

/* Write @rid's entry, then have the unit forget the old one: the entry,
 * both domains' translations (QEMU 10.0.2's INVALIDATE_DEVTAB_ENTRY leaves
 * its IOTLB alone) and the interrupt table. */
static int dte_write(struct amdvi_unit *u, uint16_t rid, const struct amdvi_dte *e)
{
	struct amdvi_dte *slot = dte_at(u, rid);
	uint16_t old = dte_domid(slot), now = dte_domid(e);
	struct amdvi_cmd c[4];
	unsigned int n = 0;

	/* Entries stay valid throughout; qword 0 (V, the root) last. */
	for (int i = 3; i >= 0; i--) {
		__atomic_store_n(&slot->q[i], e->q[i], __ATOMIC_RELEASE);
	}
	c[n++] = amdvi_cmd_inv_devtab_entry(rid);
	c[n++] = amdvi_cmd_inv_pages_all(now);
	if (old && old != now)
		c[n++] = amdvi_cmd_inv_pages_all(old);
	c[n++] = amdvi_cmd_inv_interrupt_table(rid);
	return cmd_run(u, c, n);
}

/* Put @rid on @d (NULL: blocked); the domain it leaves loses one. */
static int dte_set(uint16_t seg, uint16_t rid, struct iommu_domain *d)
{
	int ui = unit_of(seg, rid), err;
	struct iommu_domain *old;
	struct amdvi_unit *u;
	struct amdvi_dte e;

	if (!enabled)
		return -EINVAL;
	if (ui < 0)
		return ui;
	u = &units[ui];
	old = iommu_domain_of(dte_domid(dte_at(u, rid)));
	err = dte_compose(u, rid, d, &e);
	if (err)
		return err;
	err = dte_write(u, rid, &e);
	if (old && old->attached)
		old->attached--;
	return err;
}

/* Whether @rid's DMA can be told apart from every other function's: not if
 * the IVRS has it arrive under another requester ID (an alias, which a
 * bridge's other functions share). A function no IVHD names is taken as
 * behind its segment's only unit, and the log says so. */
static int requester_check(uint16_t seg, uint16_t rid)
{
	const struct ivrs_unit *iu = ivrs_unit_for(&ivrs, seg, rid);
	const struct ivrs_range *r = iu ? ivrs_range_for(iu, rid) : NULL;
	int ui;

	if (r && r->aliased && r->alias != rid) {
		pr_err("iommu: %04x:%02x:%02x.%u: the IVRS has its DMA arrive as %02x:%02x.%u, "
		       "an alias other functions may share: not isolable, refused\n",
		       seg, rid >> 8, (rid >> 3) & 0x1F, rid & 7, r->alias >> 8,
		       (r->alias >> 3) & 0x1F, r->alias & 7);
		return -ENOTSUP;
	}
	if (iu)
		return 0;
	ui = unit_of(seg, rid);
	if (ui < 0) {
		pr_err("iommu: %04x:%02x:%02x.%u: in no IVHD, and segment %u has no single "
		       "unit to take it: refused\n",
		       seg, rid >> 8, (rid >> 3) & 0x1F, rid & 7, seg);
		return ui;
	}
	pr_info("iommu: %04x:%02x:%02x.%u: in no IVHD; taken as behind unit %d at 0x%llx, "
		"the only one of segment %u\n",
		seg, rid >> 8, (rid >> 3) & 0x1F, rid & 7, ui, (unsigned long long)units[ui].base,
		seg);
	return 0;
}

static int amdvi_attach(struct iommu_domain *d, uint16_t seg, uint16_t rid)
{
	int err = enabled ? requester_check(seg, rid) : -EINVAL;

	return err ? err : dte_set(seg, rid, d);
}

/* The blocked entry is where a function never attached is: blocking is
 * detaching. */
static int amdvi_detach(uint16_t seg, uint16_t rid)
{
	return dte_set(seg, rid, NULL);
}

/* ---- domains ----------------------------------------------------------------- */

/* Mode 3 (39-bit IOVAs) every unit walks; QEMU was seen to honour it. */
static int amdvi_domain_init(struct iommu_domain *d)
{
	int err = amdvi_domid_check(d->id);

	return err ? err : amdvi_pt_init(&d->pt, AMDVI_MODE_3LVL, false, amdvi_pa);
}

static int amdvi_domain_flush(struct iommu_domain *d)
{
	int err = 0;

	for (unsigned int i = 0; i < unit_count; i++) {
		struct amdvi_cmd c = amdvi_cmd_inv_pages_all(d->id);
		int e = cmd_run(&units[i], &c, 1);

		err = err ? err : e;
	}
	return err;
}

/* ---- interrupt remapping ----------------------------------------------------- */

static struct amdvi_unit *unit_of_handle(int h, int *slot)
{
	struct amdvi_unit *u;

	if (h < 0 || H_UNIT(h) >= unit_count)
		return NULL;
	u = &units[H_UNIT(h)];
	*slot = u->irq.owner[H_INDEX(h)];
	return *slot >= 0 ? u : NULL;
}

static struct amdvi_irte *irte_at(const struct amdvi_unit *u, int slot, unsigned int i)
{
	return (struct amdvi_irte *)(uintptr_t)u->irq.table[slot].table + i;
}

/* The requester's own table, created (and its DTE pointed at it) on its
 * first entry; the index is unique on the unit. */
static int amdvi_irte_alloc(uint16_t seg, uint16_t rid)
{
	int ui = unit_of(seg, rid), slot, idx, err = 0;
	struct amdvi_unit *u;
	bool created;

	if (!enabled)
		return -EINVAL;
	if (ui < 0)
		return ui;
	u = &units[ui];
	spin_lock(&u->irq_lock);
	slot = amdvi_irq_table_get(&u->irq, rid, &created);
	if (slot < 0) {
		spin_unlock(&u->irq_lock);
		pr_err("iommu: no interrupt table left for %04x:%02x:%02x.%u\n", seg, rid >> 8,
		       (rid >> 3) & 0x1F, rid & 7);
		return slot;
	}
	if (created) {
		struct amdvi_dte e;

		err = alloc_zeroed(AMDVI_IRQ_INDICES * AMDVI_IRTE_SIZE, &u->irq.table[slot].table);
		if (!err)
			err = dte_compose(u, rid, iommu_domain_of(dte_domid(dte_at(u, rid))), &e);
		if (!err)
			err = dte_write(u, rid, &e);
		if (err) {
			u->irq.table[slot].used = false;
			spin_unlock(&u->irq_lock);
			return err;
		}
	}
	idx = amdvi_irq_index_alloc(&u->irq, slot);
	spin_unlock(&u->irq_lock);
	if (idx < 0) {
		pr_err("iommu: interrupt remapping indices used up (%04x:%02x:%02x.%u)\n", seg,
		       rid >> 8, (rid >> 3) & 0x1F, rid & 7);
		return idx;
	}
	return ui << 8 | idx;
}

static int irte_write(struct amdvi_unit *u, int slot, unsigned int i, struct amdvi_irte e)
{
	struct amdvi_irte *p = irte_at(u, slot, i);
	struct amdvi_cmd c = amdvi_cmd_inv_interrupt_table(u->irq.table[slot].rid);

	/* Not remapped while half-written: RemapEn (lo) off, hi, then lo. */
	__atomic_store_n(&p->lo, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&p->hi, e.hi, __ATOMIC_RELEASE);
	__atomic_store_n(&p->lo, e.lo, __ATOMIC_RELEASE);
	return cmd_run(u, &c, 1);
}

static int amdvi_irte_set(int h, uint32_t dest, uint8_t vector)
{
	struct amdvi_irte e;
	struct amdvi_unit *u;
	int slot, err;

	u = unit_of_handle(h, &slot);
	if (!u || vector < 0x10)
		return -EINVAL;
	err = amdvi_irte_remap(dest, vector, x2apic, &e);
	return err ? err : irte_write(u, slot, H_INDEX(h), e);
}

static void amdvi_irte_clear(int h)
{
	struct amdvi_unit *u;
	int slot;

	u = unit_of_handle(h, &slot);
	if (u)
		irte_write(u, slot, H_INDEX(h), (struct amdvi_irte){0, 0});
}

/* The requester keeps its (empty) table: its DTE points there. */
static void amdvi_irte_free(int h)
{
	struct amdvi_unit *u;
	int slot;

	u = unit_of_handle(h, &slot);
	if (!u)
		return;
	irte_write(u, slot, H_INDEX(h), (struct amdvi_irte){0, 0});
	spin_lock(&u->irq_lock);
	amdvi_irq_index_free(&u->irq, H_INDEX(h));
	spin_unlock(&u->irq_lock);
}

static void amdvi_irte_msi(int h, uint64_t *addr, uint32_t *data)
{
	*addr = AMDVI_MSI_ADDR;
	if (amdvi_msi_data(H_INDEX(h), AMDVI_IRQ_INT_TAB_LEN, data))
		*data = 0;
}

static unsigned int amdvi_irte_index(int h)
{
	return H_INDEX(h);
}

/* ---- faults ------------------------------------------------------------------ */

static unsigned int amdvi_fault_count(uint16_t seg, uint16_t rid)
{
	return fault_log_total(&faults, seg, rid);
}

/* The name of the domain @rid's DTE puts it in, or "none" (blocked). */
static const char *owner_name(const struct amdvi_unit *u, uint16_t rid)
{
	struct iommu_domain *d = iommu_domain_of(dte_domid(dte_at(u, rid)));

	return d ? d->name : "none";
}

/* One event, in VT-d's shape: a device's first fault in full, then only a
 * count now and then, so that a device cannot flood the console. */
static void event_log(const uint64_t raw[2], void *ctx)
{
	const struct amdvi_unit *u = ctx;
	struct amdvi_event ev;
	uint16_t rid;

	amdvi_event_decode(raw, &ev);
	if (!ev.has_devid) {
		pr_err("iommu: unit at 0x%llx: %s at 0x%llx: %s\n", (unsigned long long)u->base,
		       ev.name, (unsigned long long)ev.addr, ev.reason);
		return;
	}
	rid = ev.devid;
	if (!fault_log_count(&faults, u->segment, rid, 0))
		return;
	if (ev.flags & AMDVI_EVF_I)
		pr_err("iommu: interrupt fault: %04x:%02x:%02x.%u (domain %s) at 0x%llx: %s (event "
		       "0x%x)\n",
		       u->segment, rid >> 8, (rid >> 3) & 0x1F, rid & 7, owner_name(u, rid),
		       (unsigned long long)ev.addr, ev.reason, ev.code);
	else
		pr_err("iommu: dma fault: %04x:%02x:%02x.%u (domain %s) %s at 0x%llx: %s (event "
		       "0x%x)\n",
		       u->segment, rid >> 8, (rid >> 3) & 0x1F, rid & 7, owner_name(u, rid),
		       ev.write ? "write" : "read", (unsigned long long)(ev.addr & ~0xFFFull),
		       ev.reason, ev.code);
}

/* Entries are found in the log's memory, not by EVENT_TAIL (QEMU 10.0.2
 * never moves it); the head register still tells the unit they are read. */
static void amdvi_fault_poll(void)
{
	for (unsigned int i = 0; i < unit_count; i++) {
		struct amdvi_unit *u = &units[i];
		uint64_t sts = rd64(u, AMDVI_STATUS);
		char note[RATELIMIT_NOTE];

		if (amdvi_evlog_drain((uint64_t *)(uintptr_t)u->evtlog, RING_ENTRIES, &u->evt_head,
				      event_log, u))
			wr64(u, AMDVI_EVTLOG_HEAD, (uint64_t)u->evt_head << 4);
		if ((sts & AMDVI_STS_EVT_OVERFLOW) && ratelimit(&overflow_log[i], note))
			pr_warn("iommu: unit at 0x%llx: event log overflowed; some faults were "
				"lost%s\n",
				(unsigned long long)u->base, note);
		wr64(u, AMDVI_STATUS, sts & (AMDVI_STS_EVT_OVERFLOW | AMDVI_STS_EVT_LOG_INT));
	}
}

static void fault_irq(struct trap_frame *f)
{
	(void)f;
	irq_polls++;
	amdvi_fault_poll();
	apic_eoi();
}

static unsigned int amdvi_fault_irqs(void)
{
	return irq_polls;
}

/* The unit's event interrupt is its PCI function's MSI (never remapped). */
static bool fault_msi_setup(const struct amdvi_unit *u, uint32_t apic_id)
{
	const struct pci_dev *d = pci_find(u->segment, (uint8_t)(u->bdf >> 8), (uint8_t)u->bdf);
	uint16_t ctl;
	uint8_t c;

	if (!d || !d->msi_cap)
		return false;
	if (apic_id > 0xFF) {
		pr_warn("iommu: unit at 0x%llx: the service CPU's APIC ID 0x%x does not fit its "
			"MSI: faults are found by polling only\n",
			(unsigned long long)u->base, apic_id);
		return false;
	}
	c = d->msi_cap;
	ctl = pci_read16(d, c + 2);
	pci_write32(d, c + 4, 0xFEE00000u | (apic_id & 0xFF) << 12);
	if (ctl & (1u << 7)) { /* 64-bit address */
		pci_write32(d, c + 8, 0);
		pci_write16(d, c + 12, VEC_IOMMU_FAULT);
	} else {
		pci_write16(d, c + 8, VEC_IOMMU_FAULT);
	}
	pci_write16(d, c + 2, (uint16_t)((ctl & ~(7u << 4)) | 1u)); /* one vector, on */
	return true;
}

/* ---- bring-up ---------------------------------------------------------------- */

static int unit_probe(struct amdvi_unit *u, const struct ivrs_unit *iu)
{
	static const char *const need[] = {"GASup (128-bit interrupt entries)",
					   "XTSup (x2APIC destinations; the CPUs run in x2APIC "
					   "mode)"};
	bool miss[2];

	u->base = iu->base;
	u->segment = iu->segment;
	u->bdf = iu->bdf;
	paging_map_mmio(u->base, AMDVI_MMIO_SIZE);
	u->efr = rd64(u, AMDVI_EFR);
	if (u->efr == ~0ull) {
		pr_err("iommu: unit at 0x%llx does not answer\n", (unsigned long long)u->base);
		return -EIO;
	}
	miss[0] = !(u->efr & AMDVI_EFR_GA_SUP);
	miss[1] = x2apic && !(u->efr & AMDVI_EFR_XT_SUP);
	for (unsigned int i = 0; i < 2; i++)
		if (miss[i])
			pr_err("iommu: unit at 0x%llx lacks %s (efr 0x%llx): left disabled\n",
			       (unsigned long long)u->base, need[i], (unsigned long long)u->efr);
	if (miss[0] || miss[1])
		return -ENOTSUP;
	pr_info("iommu: unit at 0x%llx: efr 0x%llx\n", (unsigned long long)u->base,
		(unsigned long long)u->efr);
	return 0;
}

/* Everything off, as firmware would have left a unit of ours. */
static void unit_off(struct amdvi_unit *u)
{
	if (u->base)
		wr64(u, AMDVI_CONTROL, 0);
}

static int unit_start(struct amdvi_unit *u, uint32_t fault_apic_id)
{
	uint64_t reg, ctl;
	struct amdvi_dte blocked;
	struct amdvi_dte *tab;
	int err;

	unit_off(u);
	amdvi_irq_map_init(&u->irq);
	if ((err = alloc_zeroed(PAGE_SIZE, &u->zero)) ||
	    (err = alloc_zeroed(DEVTAB_BYTES, &u->devtab)) ||
	    (err = alloc_zeroed(RING_BYTES, &u->cmdbuf)) ||
	    (err = alloc_zeroed(RING_BYTES, &u->evtlog)))
		return err;
	/* Every DeviceID blocked (a zeroed entry would pass DMA through). */
	if ((err = amdvi_dte_blocked(u->zero, BLOCKED_DOMID, true, &blocked)))
		return err;
	tab = (struct amdvi_dte *)(uintptr_t)u->devtab;
	for (unsigned int i = 0; i < AMDVI_DEVTAB_ENTRIES; i++)
		tab[i] = blocked;

	/* One 8-byte store each: QEMU latches base registers only so. */
	if ((err = amdvi_devtab_base(u->devtab, DEVTAB_BYTES, &reg)))
		return err;
	wr64(u, AMDVI_DEVTAB_BASE, reg);
	if ((err = amdvi_ring_base(u->cmdbuf, RING_LOG2, &reg)))
		return err;
	wr64(u, AMDVI_CMDBUF_BASE, reg);
	if ((err = amdvi_ring_base(u->evtlog, RING_LOG2, &reg)))
		return err;
	wr64(u, AMDVI_EVTLOG_BASE, reg);
	wr64(u, AMDVI_CMDBUF_HEAD, 0);
	wr64(u, AMDVI_CMDBUF_TAIL, 0);
	wr64(u, AMDVI_EVTLOG_HEAD, 0);
	wr64(u, AMDVI_EVTLOG_TAIL, 0);
	u->cmd_tail = 0;
	u->evt_head = 0;
	wr64(u, AMDVI_STATUS,
	     AMDVI_STS_EVT_OVERFLOW | AMDVI_STS_EVT_LOG_INT | AMDVI_STS_COMWAIT_INT);

	ctl = AMDVI_CTRL_CMDBUF_EN | AMDVI_CTRL_EVTLOG_EN | AMDVI_CTRL_GA_EN;
	/* Not IntCapXTEn: the unit's own interrupt is its MSI capability's,
	 * not the XT interrupt registers', so the service CPU's APIC ID must
	 * fit 8 bits (it is CPU 0's). */
	if (x2apic)
		ctl |= AMDVI_CTRL_XT_EN;
	if (fault_msi_setup(u, fault_apic_id))
		ctl |= AMDVI_CTRL_EVT_INT_EN;
	/* All at once: QEMU runs commands only with IommuEn set. Nothing is
	 * attached yet: every DMA and interrupt is blocked from here on. */
	wr64(u, AMDVI_CONTROL, ctl | AMDVI_CTRL_IOMMU_EN);
	/* Whatever the unit cached before us goes. */
	if (u->efr & AMDVI_EFR_IA_SUP) {
		struct amdvi_cmd c = amdvi_cmd_inv_all();

		if ((err = cmd_run(u, &c, 1)))
			return err;
	}
	return 0;
}

static void units_reset(void)
{
	for (unsigned int i = 0; i < unit_count; i++)
		unit_off(&units[i]);
	memset(units, 0, sizeof(units));
	unit_count = 0;
	enabled = false;
}

static void ivrs_report(void)
{
	char line[160];

	ivrs_format_summary(&ivrs, line, sizeof(line));
	pr_info("%s\n", line);
	for (unsigned int i = 0; i < ivrs.unit_count; i++) {
		ivrs_format_unit(&ivrs, i, line, sizeof(line));
		pr_info("%s\n", line);
	}
}

/*
 * Parse the IVRS, then on every unit: the device table with every entry
 * blocked, the command ring, the event log, 128-bit interrupt entries
 * (x2APIC destinations when @s->x2apic), and the unit on. Errors (an IVRS
 * drivers/acpi refused or that is malformed, a unit without what we need)
 * leave every unit off: no passthrough then.
 */
static int amdvi_init(const struct acpi_info *ai, const struct iommu_setup *s)
{
	const void *table = NULL;
	int err;

	/* From nothing: an earlier init's units are not ours to touch. */
	memset(units, 0, sizeof(units));
	memset(&faults, 0, sizeof(faults));
	memset(overflow_log, 0, sizeof(overflow_log));
	unit_count = 0;
	enabled = false;
	if (ai->have_ivrs)
		table = acpi_map(ai->ivrs_phys, ai->ivrs_len);
	err = !ai->have_ivrs ? -EINVAL : table ? ivrs_parse(&ivrs, table, ai->ivrs_len) : -EFAULT;
	if (!err && !ivrs.unit_count)
		err = -ENODEV;
	if (err) {
		pr_err("iommu: IVRS unusable (%s): running without an IOMMU, no passthrough\n",
		       err_name(err));
		return err;
	}
	ivrs_report();
	if (s->omit) {
		/* vtd.omit= is VT-d's fault injection; none here. */
		pr_err("iommu: vtd.omit= is not supported by the AMD-Vi driver: no IOMMU\n");
		return -ENOTSUP;
	}
	amdvi_pa = s->pa;
	x2apic = s->x2apic;
	for (unsigned int i = 0; i < ivrs.unit_count; i++) {
		err = unit_probe(&units[i], &ivrs.unit[i]);
		if (err)
			goto fail;
		unit_count++;
	}
	idt_set_handler(VEC_IOMMU_FAULT, fault_irq);
	for (unsigned int i = 0; i < unit_count; i++) {
		err = unit_start(&units[i], s->fault_apic_id);
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

/* The status lines the boot log and the system tests read (as VT-d's). */
static void amdvi_report(void)
{
	pr_info("iommu: %u unit(s), dma remapping on, interrupt remapping on\n", unit_count);
	pr_info("iommu: amd-vi, 3-level tables, 2M, %s interrupt format; unattached devices "
		"blocked\n",
		x2apic ? "x2apic" : "xapic");
}

static int amdvi_resv(struct iommu_resv_list *out)
{
	return resv_from_ivrs(&ivrs, out);
}

const struct iommu_ops amdvi_iommu_ops = {
	.name = "amd-vi",
	.init = amdvi_init,
	.report = amdvi_report,
	.domain_init = amdvi_domain_init,
	.domain_flush = amdvi_domain_flush,
	.attach = amdvi_attach,
	.detach = amdvi_detach,
	.block = amdvi_detach,
	.irte_alloc = amdvi_irte_alloc,
	.irte_set = amdvi_irte_set,
	.irte_clear = amdvi_irte_clear,
	.irte_free = amdvi_irte_free,
	.irte_msi = amdvi_irte_msi,
	.irte_index = amdvi_irte_index,
	.fault_poll = amdvi_fault_poll,
	.fault_count = amdvi_fault_count,
	.fault_irqs = amdvi_fault_irqs,
	.resv = amdvi_resv,
};
