// SPDX-License-Identifier: MIT
/*
 * The IOMMU interface: which implementation runs (chosen once, from the
 * ACPI tables), the domain pool every implementation shares, the reserved
 * regions firmware DMAs to (identity-mapped for the devices named), and the
 * calls common code makes, passed on to the implementation. Pure apart from the
 * implementation it calls, so it builds into the unit tests against a fake.
 */
#include "drivers/acpi/acpi.h"
#include "iommu/amdvi.h"
#include "iommu/iommu.h"
#include "iommu/resv.h"
#include "iommu/vtd.h"
#include "lib/err.h"
#include "lib/kstring.h"
#include "lib/printk.h"

/*
 * The implementations, by the ACPI table that describes their units, in the
 * order tried. A machine has one kind: the first table found decides (a
 * firmware listing both is told so). An entry without ops is a table seen
 * but not driven.
 */
static const struct {
	char sig[5];
	const struct iommu_ops *ops;
	const char *what;
} candidates[] = {
	{"DMAR", &vtd_iommu_ops, "VT-d"},
	{"IVRS", &amdvi_iommu_ops, "AMD-Vi"},
};

static const struct iommu_ops *ops; /* NULL: no IOMMU */
static unsigned int omitted;
static struct iommu_domain domains[IOMMU_MAX_DOMAINS];

static bool table_found(const struct acpi_info *ai, const char *sig)
{
	for (unsigned int i = 0; i < ai->table_count; i++)
		if (!strcmp(ai->tables[i].sig, sig))
			return true;
	return false;
}

const struct iommu_ops *iommu_select(const struct acpi_info *ai)
{
	for (unsigned int i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
		if (!table_found(ai, candidates[i].sig))
			continue;
		for (unsigned int k = i + 1; k < sizeof(candidates) / sizeof(candidates[0]); k++)
			if (table_found(ai, candidates[k].sig))
				pr_warn("iommu: both %s and %s tables found: using %s, %s "
					"ignored\n",
					candidates[i].sig, candidates[k].sig, candidates[i].what,
					candidates[k].what);
		if (candidates[i].ops)
			return candidates[i].ops;
		pr_info("iommu: %s table found, but no %s driver yet: no DMA or interrupt "
			"remapping, no passthrough\n",
			candidates[i].sig, candidates[i].what);
		return NULL;
	}
	pr_info("iommu: no DMAR or IVRS table: no DMA or interrupt remapping, no passthrough\n");
	return NULL;
}

/* ---- reserved regions ------------------------------------------------------- */

/* Functions one reserved region may name and still be given its map: a
 * wider one (a whole bus tree) is more likely a table's mistake. */
#define RESV_MAX_FUNCS 256

static struct iommu_resv_list resv;
static struct iommu_domain *fw_domain; /* identity maps of the regions */

static const char *resv_span(const struct iommu_resv *r, char *buf, size_t len)
{
	sfmt(buf, len, "%04x:%02x:%02x.%u", r->seg, r->first >> 8, (r->first >> 3) & 0x1F,
	     r->first & 7);
	if (r->last != r->first)
		sfmt(buf + strlen(buf), len - strlen(buf), "-%02x:%02x.%u", r->last >> 8,
		     (r->last >> 3) & 0x1F, r->last & 7);
	return buf;
}

/* Whether @r's region is mapped already (by an entry applied before). */
static bool resv_mapped(const struct iommu_resv *r)
{
	for (unsigned int i = 0; i < resv.n; i++)
		if (resv.r[i].base == r->base && resv.r[i].size == r->size &&
		    resv.r[i].perm == r->perm)
			return true;
	return false;
}

/* Give one entry its identity map and attach what it names: 0, or an error
 * with the line that says what is not given. */
static int resv_give(const struct iommu_resv *r)
{
	unsigned long long lo = r->base, hi = r->base + r->size - 1;
	unsigned int funcs = 0;
	char span[40];
	int err = 0;

	if (r->all) {
		pr_warn("iommu: %s 0x%llx-0x%llx is for every device of segment %u: given to "
			"none (a VF reaches only its guest's RAM)\n",
			r->what, lo, hi, r->seg);
		return -ENOTSUP;
	}
	if (r->last < r->first || r->last - r->first >= RESV_MAX_FUNCS) {
		pr_warn("iommu: %s 0x%llx-0x%llx names %s, more than %u functions: given to "
			"none\n",
			r->what, lo, hi, resv_span(r, span, sizeof(span)), RESV_MAX_FUNCS);
		return -E2BIG;
	}
	if (!fw_domain && !(fw_domain = iommu_domain_create("firmware")))
		return -ENOSPC;
	if (!resv_mapped(r))
		err = iommu_domain_map(fw_domain, r->base, r->base, r->size, r->perm);
	if (err) {
		pr_err("iommu: %s 0x%llx-0x%llx: no identity map (%s): %s stay blocked\n", r->what,
		       lo, hi, err_name(err), resv_span(r, span, sizeof(span)));
		return err;
	}
	for (uint32_t rid = r->first; rid <= r->last; rid++) {
		if (!ops->attach(fw_domain, r->seg, (uint16_t)rid)) {
			fw_domain->attached++;
			funcs++;
		}
	}
	pr_info("iommu: %s 0x%llx-0x%llx identity-mapped for %s (%u function(s) attached)\n",
		r->what, lo, hi, resv_span(r, span, sizeof(span)), funcs);
	return 0;
}

/* Give every function a reserved region names an identity map of it (one
 * domain for all), instead of blocking the firmware's DMA. Only what was
 * given is kept: it is what iommu_attach then keeps from other domains. */
static void resv_apply(void)
{
	static struct iommu_resv_list table;

	memset(&resv, 0, sizeof(resv));
	memset(&table, 0, sizeof(table));
	fw_domain = NULL;
	if (!ops->resv)
		return;
	if (ops->resv(&table) == -E2BIG)
		pr_warn("iommu: more than %u reserved regions: those past it are not applied\n",
			IOMMU_RESV_MAX);
	for (unsigned int i = 0; i < table.n; i++)
		if (!resv_give(&table.r[i]))
			resv.r[resv.n++] = table.r[i];
}

int iommu_init(const struct acpi_info *ai, const struct iommu_setup *s)
{
	const struct iommu_ops *o = iommu_select(ai);
	int err;

	ops = NULL;
	if (!o)
		return -ENODEV;
	err = o->init(ai, s);
	if (err)
		return err;
	ops = o;
	omitted = s->omit;
	ops->report();
	resv_apply();
	return 0;
}

bool iommu_enabled(void)
{
	return ops;
}

bool iommu_dma_on(void)
{
	return ops && !(omitted & IOMMU_OMIT_DMA);
}

bool iommu_ir_on(void)
{
	return ops && !(omitted & IOMMU_OMIT_IR);
}

const char *iommu_vf_refusal(void)
{
	if (!ops)
		return "no IOMMU to confine its DMA and interrupts";
	if (!iommu_dma_on())
		return "DMA remapping is off (vtd.omit=dma): its DMA would reach any memory";
	if (!iommu_ir_on())
		return "interrupt remapping is off (vtd.omit=ir): its DMA writes to 0xFEExxxxx "
		       "would be MSIs to any CPU";
	return NULL;
}

/* ---- domains ----------------------------------------------------------------- */

struct iommu_domain *iommu_domain_create(const char *name)
{
	if (!ops)
		return NULL;
	for (unsigned int i = 0; i < IOMMU_MAX_DOMAINS; i++) {
		struct iommu_domain *d = &domains[i];

		if (d->used)
			continue;
		memset(d, 0, sizeof(*d));
		/* ID 0 is reserved where a unit caches not-present entries */
		d->id = (uint16_t)(i + 1);
		str_copy(d->name, name, sizeof(d->name));
		if (ops->domain_init(d))
			return NULL;
		d->used = true;
		return d;
	}
	pr_err("iommu: no free domain for %s\n", name);
	return NULL;
}

struct iommu_domain *iommu_domain_of(uint16_t id)
{
	return id && id <= IOMMU_MAX_DOMAINS && domains[id - 1].used ? &domains[id - 1] : NULL;
}

/* The units forget @d's old translations; only then may the tables the
 * engine detached be freed. */
static int domain_flush(struct iommu_domain *d)
{
	int err = ops->domain_flush(d);

	if (!err)
		pt_reclaim(&d->pt);
	return err;
}

int iommu_domain_map(struct iommu_domain *d, uint64_t iova, uint64_t hpa, uint64_t len,
		     unsigned int perm)
{
	int err;

	if (!ops || !d || !d->used)
		return -EINVAL;
	/* No memory type in IOMMU tables: the device's accesses snoop. */
	err = pt_map(&d->pt, iova, hpa, len, perm, PT_MT_WB);
	if (err == -EBUSY) { /* too many tables waiting: flush, then again */
		domain_flush(d);
		err = pt_map(&d->pt, iova, hpa, len, perm, PT_MT_WB);
	}
	/* Flush after a map too: units with caching mode keep non-present
	 * entries, and replaced mappings must go. */
	domain_flush(d);
	return err;
}

int iommu_domain_unmap(struct iommu_domain *d, uint64_t iova, uint64_t len)
{
	int err;

	if (!ops || !d || !d->used)
		return -EINVAL;
	err = pt_unmap(&d->pt, iova, len);
	if (err == -EBUSY) {
		domain_flush(d);
		err = pt_unmap(&d->pt, iova, len);
	}
	domain_flush(d);
	return err;
}

int iommu_domain_destroy(struct iommu_domain *d)
{
	if (!ops || !d || !d->used)
		return -EINVAL;
	if (d->attached)
		return -EBUSY;
	domain_flush(d);
	pt_destroy(&d->pt);
	d->used = false;
	return 0;
}

int iommu_attach(struct iommu_domain *d, uint16_t seg, uint8_t bus, uint8_t devfn)
{
	const struct iommu_resv *r;
	int err;

	if (!ops || !d || !d->used)
		return -EINVAL;
	r = d != fw_domain ? resv_find(&resv, seg, (uint16_t)(bus << 8 | devfn)) : NULL;
	if (r && !r->all) {
		/* Its firmware's DMA would break, or reach the guest's RAM. */
		pr_err("iommu: %04x:%02x:%02x.%u: firmware DMAs to 0x%llx-0x%llx for it (%s): "
		       "not given to domain %s\n",
		       seg, bus, devfn >> 3, devfn & 7, (unsigned long long)r->base,
		       (unsigned long long)(r->base + r->size - 1), r->what, d->name);
		return -EBUSY;
	}
	err = ops->attach(d, seg, (uint16_t)(bus << 8 | devfn));
	if (!err)
		d->attached++;
	else
		pr_err("iommu: cannot attach %04x:%02x:%02x.%u to domain %s: %s\n", seg, bus,
		       devfn >> 3, devfn & 7, d->name, err_name(err));
	return err;
}

int iommu_detach(uint16_t seg, uint8_t bus, uint8_t devfn)
{
	return ops ? ops->detach(seg, (uint16_t)(bus << 8 | devfn)) : -EINVAL;
}

int iommu_block(uint16_t seg, uint8_t bus, uint8_t devfn)
{
	return ops ? ops->block(seg, (uint16_t)(bus << 8 | devfn)) : -EINVAL;
}

/* ---- interrupt remapping ----------------------------------------------------- */

int iommu_irte_alloc(uint16_t seg, uint16_t rid)
{
	return ops ? ops->irte_alloc(seg, rid) : -ENODEV;
}

int iommu_irte_set(int h, uint32_t dest, uint8_t vector)
{
	return ops ? ops->irte_set(h, dest, vector) : -ENODEV;
}

void iommu_irte_clear(int h)
{
	if (ops)
		ops->irte_clear(h);
}

void iommu_irte_free(int h)
{
	if (ops)
		ops->irte_free(h);
}

int iommu_irte_msi(int h, uint64_t *addr, uint32_t *data)
{
	*addr = 0;
	*data = 0;
	if (!ops)
		return -ENODEV;
	ops->irte_msi(h, addr, data);
	return 0;
}

unsigned int iommu_irte_index(int h)
{
	return ops ? ops->irte_index(h) : 0;
}

/* ---- faults ------------------------------------------------------------------ */

void iommu_fault_poll(void)
{
	if (ops)
		ops->fault_poll();
}

unsigned int iommu_fault_count(uint16_t seg, uint16_t rid)
{
	return ops ? ops->fault_count(seg, rid) : 0;
}

unsigned int iommu_fault_irqs(void)
{
	return ops ? ops->fault_irqs() : 0;
}
