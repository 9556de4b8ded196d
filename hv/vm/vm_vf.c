// SPDX-License-Identifier: MIT
/*
 * A guest's VFs, each: its virtual config space (vpci.c) on the guest's bus
 * (00:01.0, 00:02.0, ... in the configuration's order), its BAR0 (registers,
 * rings, doorbells) mapped straight into the guest where the guest placed
 * it, its MSI-X table (vmsix.c) trapped and turned into interrupt remapping
 * entries to the guest's own CPUs, and its DMA confined to the guest's RAM
 * by the guest's IOMMU domain (one for all its VFs: the same map).
 */
#include "drivers/apic/apic.h"
#include "lib/err.h"
#include "lib/kstring.h"
#include "hv/core/nic.h"
#include "hv/core/paging.h"
#include "drivers/pci/pci.h"
#include "lib/printk.h"
#include "drivers/timer/tsc.h"
#include "hv/vm/vm.h"
#include "hv/vm/vm_vf.h"
#include "iommu/iommu.h"
#include "lib/x86.h"

#define PCI_EXP_DEVCTL	   0x08
#define PCI_EXP_DEVCTL_FLR (1u << 15)
#define PCI_MSIX_FLAGS	   0x02
#define PCI_MSIX_ENABLE	   (1u << 15)
#define PCI_MSIX_MASKALL   (1u << 14)

static struct vm_vf *vf_of(void *ctx)
{
	return ctx;
}

static uint32_t vf_read(void *ctx, unsigned int reg, unsigned int size)
{
	struct vm_vf *vf = vf_of(ctx);

	return pci_conf_read(vf->seg, vf->bus, vf->devfn, (uint16_t)reg, size);
}

static void vf_write(void *ctx, unsigned int reg, unsigned int size, uint32_t val)
{
	struct vm_vf *vf = vf_of(ctx);

	pci_conf_write(vf->seg, vf->bus, vf->devfn, (uint16_t)reg, size, val);
}

/* The VF whose trapped MSI-X table the region at @gpa is. */
static struct vm_vf *msix_vf(struct vm *vm, uint64_t gpa)
{
	for (unsigned int i = 0; i < vm->nvf; i++) {
		struct vm_vf *vf = &vm->vf[i];
		const struct mmio_region *r = &vm->mmio[vf->msix_region];

		if (r->len && gpa - r->gpa < r->len)
			return vf;
	}
	return NULL;
}

static uint64_t msix_mmio_read(struct vm *vm, uint64_t gpa, unsigned int size)
{
	struct vm_vf *vf;
	uint64_t v = ~0ull;

	spin_lock(&vm->io_lock);
	vf = msix_vf(vm, gpa);
	if (vf)
		v = vmsix_read(&vf->msix, gpa - vf->msix_gpa, size);
	spin_unlock(&vm->io_lock);
	return v;
}

/* Say which entries were refused and why, once per entry and reason. The
 * caller holds io_lock. */
static void msix_tell(struct vm_vf *vf)
{
	const struct vmsix *v = &vf->msix;
	char note[RATELIMIT_NOTE];

	for (unsigned int i = 0; i < v->n; i++) {
		const struct vmsix_entry *e = &v->e[i];
		enum vmsix_why why = vmsix_why(v, i);

		if (why == VMSIX_LIVE || why == VMSIX_MASKED || vf->msix_told[i] == why)
			continue;
		vf->msix_told[i] = (uint8_t)why;
		if (ratelimit(&vf->msix_log, note))
			pr_warn("guest %s: vf %u msi-x entry %u (address 0x%x data 0x%x) refused: "
				"%s; left masked%s\n",
				vf->vm->name, vf->n, i, e->addr_lo, e->data, vmsix_why_str(why),
				note);
	}
}

static void msix_mmio_write(struct vm *vm, uint64_t gpa, unsigned int size, uint64_t val)
{
	struct vm_vf *vf;

	spin_lock(&vm->io_lock);
	vf = msix_vf(vm, gpa);
	if (vf) {
		vmsix_write(&vf->msix, gpa - vf->msix_gpa, size, val);
		msix_tell(vf);
	}
	spin_unlock(&vm->io_lock);
}

/* Whether [gpa, gpa + size) meets a BAR another of the guest's VFs has
 * mapped (or its trapped MSI-X table): the first placed keeps its place. */
static bool bar_taken(const struct vm_vf *vf, uint64_t gpa, uint64_t size)
{
	const struct vm *vm = vf->vm;

	for (unsigned int i = 0; i < vm->nvf; i++) {
		const struct vpci *o = &vm->vf[i].vpci;

		if (&vm->vf[i] == vf)
			continue;
		for (unsigned int b = 0; b < 6; b++)
			if (o->bar[b].mapped && gpa < o->bar[b].gpa + o->bar[b].size &&
			    o->bar[b].gpa < gpa + size)
				return true;
	}
	return false;
}

/* The guest placed, moved or disabled one of its VF's BARs. */
static int bar_map(void *ctx, unsigned int bar, uint64_t gpa, uint64_t size, bool enable)
{
	struct vm_vf *vf = vf_of(ctx);
	struct vm *vm = vf->vm;
	const struct vcpu_ops *ops = vm_backend();
	char note[RATELIMIT_NOTE];
	int err = 0;

	if (enable && bar_taken(vf, gpa, size))
		err = -EBUSY;
	else if (bar == vf->msix_bar) {
		/* The MSI-X table stays trapped: an emulated region. */
		struct mmio_region *r = &vm->mmio[vf->msix_region];

		*r = (struct mmio_region){enable ? gpa : 0, enable ? size : 0, "vf msi-x",
					  msix_mmio_read, msix_mmio_write};
		vf->msix_gpa = gpa;
		return 0;
	} else if (enable)
		err = ops->map(vm, gpa, vf->bar_hpa[bar], size, true);
	else
		err = ops->unmap(vm, gpa, size);
	/* The vCPU that caused this enters again with its TLB flushed. */
	for (unsigned int i = 0; i < vm->vcpu_count; i++)
		vm->vcpu[i].flush_tlb = true;
	if (err && ratelimit(&vf->bar_log, note))
		pr_warn("guest %s: vf %u bar%u at 0x%llx: %s%s\n", vm->name, vf->n, bar,
			(unsigned long long)gpa,
			err == -EBUSY ? "another of its vfs has a bar there" : err_name(err), note);
	return err;
}

/* The guest placed a BAR where it gets nothing: say so. */
static void bar_refused(void *ctx, unsigned int bar, uint64_t addr, uint64_t size, int why)
{
	struct vm_vf *vf = vf_of(ctx);
	const struct vpci *v = &vf->vpci;
	char note[RATELIMIT_NOTE];

	if (!ratelimit(&vf->bar_log, note))
		return;
	if (why == VPCI_BAR_OVERLAP)
		pr_warn("guest %s: vf %u bar%u at 0x%llx (%llu KiB) not mapped: it overlaps "
			"another of its bars%s\n",
			vf->vm->name, vf->n, bar, (unsigned long long)addr,
			(unsigned long long)(size >> 10), note);
	else
		pr_warn("guest %s: vf %u bar%u at 0x%llx (%llu KiB) not mapped: outside its pci "
			"window 0x%llx-0x%llx%s\n",
			vf->vm->name, vf->n, bar, (unsigned long long)addr,
			(unsigned long long)(size >> 10), (unsigned long long)v->win_base,
			(unsigned long long)(v->win_base + v->win_size - 1), note);
}

static void msix_ctrl(void *ctx, bool enable, bool masked)
{
	vmsix_ctrl(&vf_of(ctx)->msix, enable, masked);
	msix_tell(vf_of(ctx));
}

/* FLR of the real VF (PCIe 6.6.2: 100 ms before it may be touched again). */
static void vf_flr_hw(struct vm_vf *vf)
{
	unsigned int cap = vf->pcie_cap;

	if (cap) {
		uint16_t ctl = (uint16_t)vf_read(vf, cap + PCI_EXP_DEVCTL, 2);

		vf_write(vf, cap + PCI_EXP_DEVCTL, 2, ctl | PCI_EXP_DEVCTL_FLR);
		udelay(100000);
	}
}

/* The guest's FLR: forwarded, its MSI-X entries as after one. */
static void vf_flr(void *ctx)
{
	struct vm_vf *vf = vf_of(ctx);
	char note[RATELIMIT_NOTE];

	/* Worth a line, but a guest may reset in a loop. */
	if (ratelimit(&vf->flr_log, note))
		pr_info("guest %s: vf %u: function level reset; its interrupt entries cleared, its "
			"DMA domain kept%s\n",
			vf->vm->name, vf->n, note);
	vf_flr_hw(vf);
	vmsix_reset(&vf->msix);
	for (unsigned int i = 0; i < VMSIX_MAX_ENTRIES; i++)
		vf->msix_told[i] = VMSIX_LIVE; /* a refusal after the reset is news */
	vf_msix_enable(vf);
}

/* ---- MSI-X: entries become IRTEs to the guest's own CPUs ----------------- */

static bool guest_dest(void *ctx, uint32_t guest_apic_id, uint32_t *phys)
{
	return vm_guest_dest(vf_of(ctx)->vm, guest_apic_id, phys);
}

static int irte_set(void *ctx, unsigned int entry, uint32_t phys, uint8_t vector)
{
	return iommu_irte_set(vf_of(ctx)->irte[entry], phys, vector);
}

static void irte_clear(void *ctx, unsigned int entry)
{
	iommu_irte_clear(vf_of(ctx)->irte[entry]);
}

static void msi_msg(void *ctx, unsigned int entry, uint64_t *addr, uint32_t *data)
{
	iommu_irte_msi(vf_of(ctx)->irte[entry], addr, data);
}

static uint64_t table_addr(const struct vm_vf *vf, unsigned int entry)
{
	return vf->bar_hpa[vf->msix_bar] + vf->table_off + 16ull * entry;
}

static void hw_entry(void *ctx, unsigned int entry, uint64_t addr, uint32_t data, bool masked)
{
	uint64_t t = table_addr(vf_of(ctx), entry);

	if (masked)
		mmio_write32(t + 12, 1);
	mmio_write32(t, (uint32_t)addr);
	mmio_write32(t + 4, (uint32_t)(addr >> 32));
	mmio_write32(t + 8, data);
	if (!masked)
		mmio_write32(t + 12, 0);
}

static uint32_t hw_pba(void *ctx, unsigned int dword)
{
	struct vm_vf *vf = vf_of(ctx);

	return mmio_read32(vf->bar_hpa[vf->pba_bar] + vf->pba_off + 4ull * dword);
}

static const struct vpci_ops vpci_ops = {vf_read, vf_write,  bar_map,
					 vf_flr,  msix_ctrl, bar_refused};
static const struct vmsix_ops vmsix_ops = {guest_dest, irte_set, irte_clear,
					   msi_msg,    hw_entry, hw_pba};

/* The real function's MSI-X stays enabled and unmasked: what the guest
 * asks for is expressed in the entries' mask bits (vmsix.c). */
void vf_msix_enable(struct vm_vf *vf)
{
	unsigned int cap = vf->msix_cap;
	uint16_t ctl = (uint16_t)vf_read(vf, cap + PCI_MSIX_FLAGS, 2);

	vf_write(vf, cap + PCI_MSIX_FLAGS, 2, (ctl | PCI_MSIX_ENABLE) & ~PCI_MSIX_MASKALL);
}

/* The VF's config space and MSI-X models as at power-on: no BAR placed,
 * nothing enabled, every real MSI-X entry masked; its function put on the
 * guest's bus (made afresh by devices_reset() before). */
static int vf_models_init(struct vm_vf *vf)
{
	struct vm *vm = vf->vm;
	const struct pci_dev *d = nic_vf(vf->n);
	struct vpci_cfg cfg;
	int err;

	if (!d)
		return -ENODEV;
	vm->mmio[vf->msix_region] = (struct mmio_region){0, 0, "vf msi-x", NULL, NULL};
	vf->msix_gpa = 0;
	for (unsigned int i = 0; i < VMSIX_MAX_ENTRIES; i++)
		vf->msix_told[i] = VMSIX_LIVE;
	err = vmsix_init(&vf->msix, vf->msix_entries, vf->table_off, vf->pba_off,
			 iommu_irte_index(vf->irte[0]), &vmsix_ops, vf);
	if (err)
		return err;
	memset(&cfg, 0, sizeof(cfg));
	cfg.ops = &vpci_ops;
	cfg.ctx = vf;
	cfg.vendor = d->vendor;
	cfg.device = d->device;
	nic_vf_bars(cfg.bar);
	cfg.win_base = vf->win_base;
	cfg.win_size = vf->win_size;
	cfg.vf_devfn = PCI_DEVFN(vf->index + 1, 0);
	err = vpci_init(&vf->vpci, &cfg);
	if (err)
		return err;
	return vbus_add(&vm->bus, &vf->vpci.fn);
}

int vm_vf_reset(struct vm *vm)
{
	int err = 0;

	for (unsigned int i = 0; i < vm->nvf && !err; i++) {
		struct vm_vf *vf = &vm->vf[i];

		/* Whatever the last run left in the function (rings,
		 * enables) goes: the guest's next driver finds it as after
		 * power-on. */
		vf_flr_hw(vf);
		spin_lock(&vm->io_lock);
		err = vf_models_init(vf);
		if (!err)
			vf_msix_enable(vf);
		spin_unlock(&vm->io_lock);
	}
	return err;
}

int vm_vf_attach(struct vm *vm, unsigned int n, uint64_t win_base, uint64_t win_size)
{
	const struct pci_dev *d = nic_vf(n);
	struct vm_vf *vf = &vm->vf[vm->nvf];
	unsigned int entries;
	uint32_t tbl, pba;
	int err;

	if (vm->nvf >= CONFIG_GUEST_VFS)
		return -ENOSPC;
	if (!d || !d->msix_cap)
		return -ENODEV;
	/* The administrator's VF settings, before the guest can talk to it. */
	err = nic_vf_configure(n, &vm->cfg->vfc);
	if (err)
		return err;
	memset(vf, 0, sizeof(*vf));
	vf->vm = vm;
	vf->n = n;
	vf->index = vm->nvf;
	vf->seg = d->seg, vf->bus = d->bus, vf->devfn = d->devfn;
	vf->pcie_cap = d->pcie_cap;
	vf->msix_cap = d->msix_cap;
	vf->win_base = win_base;
	vf->win_size = win_size;
	for (unsigned int i = 0; i < 6; i++) {
		vf->bar_hpa[i] = d->bar[i].base;
		if (d->bar[i].size)
			paging_map_mmio(d->bar[i].base, d->bar[i].size);
	}
	entries = (pci_read16(d, d->msix_cap + PCI_MSIX_FLAGS) & 0x7FF) + 1;
	tbl = pci_read32(d, d->msix_cap + 4);
	pba = pci_read32(d, d->msix_cap + 8);
	vf->msix_bar = tbl & 7, vf->table_off = tbl & ~7u;
	vf->pba_bar = pba & 7, vf->pba_off = pba & ~7u;
	if (entries > VMSIX_MAX_ENTRIES)
		return -E2BIG;

	/* One remapping entry per MSI-X entry, in a row (vmsix.c has entry i
	 * use IRTE base + i). */
	for (unsigned int i = 0; i < entries; i++) {
		vf->irte[i] = iommu_irte_alloc(d->seg, (uint16_t)(d->bus << 8 | d->devfn));
		if (vf->irte[i] < 0)
			return vf->irte[i];
		if (i && iommu_irte_index(vf->irte[i]) != iommu_irte_index(vf->irte[0]) + i)
			return -ENOSPC;
	}
	if (vm->mmio_count >= VM_MMIO_MAX)
		return -ENOSPC;
	vf->msix_region = vm->mmio_count++;
	vf->msix_entries = entries;
	err = vf_models_init(vf);
	if (err)
		return err;
	vf_msix_enable(vf);
	vm->nvf++;
	return 0;
}
