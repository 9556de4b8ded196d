// SPDX-License-Identifier: MIT
/*
 * A guest's VF: its virtual config space (vpci.c) behind the guest's ECAM
 * and CF8/CFC, its BAR0 (registers, rings, doorbells) mapped straight into
 * the guest where the guest placed it, its MSI-X table (vmsix.c) trapped and
 * turned into interrupt remapping entries to the guest's own CPUs, and its
 * DMA confined to the guest's RAM by an IOMMU domain of the same map.
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

static struct vm *vm_of(void *ctx)
{
	return ctx;
}

static uint32_t vf_read(void *ctx, unsigned int reg, unsigned int size)
{
	struct vm *vm = vm_of(ctx);

	return pci_conf_read(vm->vf.seg, vm->vf.bus, vm->vf.devfn, (uint16_t)reg, size);
}

static void vf_write(void *ctx, unsigned int reg, unsigned int size, uint32_t val)
{
	struct vm *vm = vm_of(ctx);

	pci_conf_write(vm->vf.seg, vm->vf.bus, vm->vf.devfn, (uint16_t)reg, size, val);
}

static uint64_t msix_mmio_read(struct vm *vm, uint64_t gpa, unsigned int size)
{
	uint64_t v;

	spin_lock(&vm->io_lock);
	v = vmsix_read(&vm->vf.msix, gpa - vm->vf.msix_gpa, size);
	spin_unlock(&vm->io_lock);
	return v;
}

/* Say which entries were refused and why, once per entry and reason. The
 * caller holds io_lock. */
static void msix_tell(struct vm *vm)
{
	const struct vmsix *v = &vm->vf.msix;
	char note[RATELIMIT_NOTE];

	for (unsigned int i = 0; i < v->n; i++) {
		const struct vmsix_entry *e = &v->e[i];
		enum vmsix_why why = vmsix_why(v, i);

		if (why == VMSIX_LIVE || why == VMSIX_MASKED || vm->vf.msix_told[i] == why)
			continue;
		vm->vf.msix_told[i] = (uint8_t)why;
		if (ratelimit(&vm->vf.msix_log, note))
			pr_warn("guest %s: vf %d msi-x entry %u (address 0x%x data 0x%x) refused: "
				"%s; left masked%s\n",
				vm->name, vm->cfg->vf, i, e->addr_lo, e->data, vmsix_why_str(why),
				note);
	}
}

static void msix_mmio_write(struct vm *vm, uint64_t gpa, unsigned int size, uint64_t val)
{
	spin_lock(&vm->io_lock);
	vmsix_write(&vm->vf.msix, gpa - vm->vf.msix_gpa, size, val);
	msix_tell(vm);
	spin_unlock(&vm->io_lock);
}

/* The guest placed, moved or disabled one of its VF's BARs. */
static int bar_map(void *ctx, unsigned int bar, uint64_t gpa, uint64_t size, bool enable)
{
	struct vm *vm = vm_of(ctx);
	const struct vcpu_ops *ops = vm_backend();
	char note[RATELIMIT_NOTE];
	int err = 0;

	if (bar == vm->vf.msix_bar) {
		/* The MSI-X table stays trapped: an emulated region. */
		struct mmio_region *r = &vm->mmio[vm->vf.msix_region];

		*r = (struct mmio_region){enable ? gpa : 0, enable ? size : 0, "vf msi-x",
					  msix_mmio_read, msix_mmio_write};
		vm->vf.msix_gpa = gpa;
		return 0;
	}
	if (enable)
		err = ops->map(vm, gpa, vm->vf.bar_hpa[bar], size, true);
	else
		err = ops->unmap(vm, gpa, size);
	/* The vCPU that caused this enters again with its TLB flushed. */
	for (unsigned int i = 0; i < vm->vcpu_count; i++)
		vm->vcpu[i].flush_tlb = true;
	if (err && ratelimit(&vm->vf.bar_log, note))
		pr_warn("guest %s: vf bar%u at 0x%llx: %s%s\n", vm->name, bar,
			(unsigned long long)gpa, err_name(err), note);
	return err;
}

/* The guest placed a BAR where it gets nothing: say so. */
static void bar_refused(void *ctx, unsigned int bar, uint64_t addr, uint64_t size, int why)
{
	struct vm *vm = vm_of(ctx);
	const struct vpci *v = &vm->vf.vpci;
	char note[RATELIMIT_NOTE];

	if (!ratelimit(&vm->vf.bar_log, note))
		return;
	if (why == VPCI_BAR_OVERLAP)
		pr_warn("guest %s: vf %d bar%u at 0x%llx (%llu KiB) not mapped: it overlaps "
			"another of its bars%s\n",
			vm->name, vm->cfg->vf, bar, (unsigned long long)addr,
			(unsigned long long)(size >> 10), note);
	else
		pr_warn("guest %s: vf %d bar%u at 0x%llx (%llu KiB) not mapped: outside its pci "
			"window 0x%llx-0x%llx%s\n",
			vm->name, vm->cfg->vf, bar, (unsigned long long)addr,
			(unsigned long long)(size >> 10), (unsigned long long)v->win_base,
			(unsigned long long)(v->win_base + v->win_size - 1), note);
}

static void msix_ctrl(void *ctx, bool enable, bool masked)
{
	vmsix_ctrl(&vm_of(ctx)->vf.msix, enable, masked);
	msix_tell(vm_of(ctx));
}

/* FLR of the real VF (PCIe 6.6.2: 100 ms before it may be touched again). */
static void vf_flr_hw(struct vm *vm)
{
	unsigned int cap = vm->vf.pcie_cap;

	if (cap) {
		uint16_t ctl = (uint16_t)vf_read(vm, cap + PCI_EXP_DEVCTL, 2);

		vf_write(vm, cap + PCI_EXP_DEVCTL, 2, ctl | PCI_EXP_DEVCTL_FLR);
		udelay(100000);
	}
}

/* The guest's FLR: forwarded, its MSI-X entries as after one. */
static void vf_flr(void *ctx)
{
	struct vm *vm = vm_of(ctx);
	char note[RATELIMIT_NOTE];

	/* Worth a line, but a guest may reset in a loop. */
	if (ratelimit(&vm->vf.flr_log, note))
		pr_info("guest %s: vf %d: function level reset; its interrupt entries cleared, its "
			"DMA domain kept%s\n",
			vm->name, vm->cfg->vf, note);
	vf_flr_hw(vm);
	vmsix_reset(&vm->vf.msix);
	for (unsigned int i = 0; i < VMSIX_MAX_ENTRIES; i++)
		vm->vf.msix_told[i] = VMSIX_LIVE; /* a refusal after the reset is news */
	vf_msix_enable(vm);
}

/* ---- MSI-X: entries become IRTEs to the guest's own CPUs ----------------- */

static int irte_set(void *ctx, unsigned int entry, uint32_t phys, uint8_t vector)
{
	return iommu_irte_set(vm_of(ctx)->vf.irte[entry], phys, vector);
}

static void irte_clear(void *ctx, unsigned int entry)
{
	iommu_irte_clear(vm_of(ctx)->vf.irte[entry]);
}

static void msi_msg(void *ctx, unsigned int entry, uint64_t *addr, uint32_t *data)
{
	iommu_irte_msi(vm_of(ctx)->vf.irte[entry], addr, data);
}

static uint64_t table_addr(struct vm *vm, unsigned int entry)
{
	return vm->vf.bar_hpa[vm->vf.msix_bar] + vm->vf.table_off + 16ull * entry;
}

static void hw_entry(void *ctx, unsigned int entry, uint64_t addr, uint32_t data, bool masked)
{
	struct vm *vm = vm_of(ctx);
	uint64_t t = table_addr(vm, entry);

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
	struct vm *vm = vm_of(ctx);

	return mmio_read32(vm->vf.bar_hpa[vm->vf.pba_bar] + vm->vf.pba_off + 4ull * dword);
}

static const struct vpci_ops vpci_ops = {vf_read, vf_write,  bar_map,
					 vf_flr,  msix_ctrl, bar_refused};
static const struct vmsix_ops vmsix_ops = {vm_guest_dest, irte_set, irte_clear,
					   msi_msg,	  hw_entry, hw_pba};

/* The real function's MSI-X stays enabled and unmasked: what the guest
 * asks for is expressed in the entries' mask bits (vmsix.c). */
void vf_msix_enable(struct vm *vm)
{
	unsigned int cap = vm->vf.msix_cap;
	uint16_t ctl = (uint16_t)vf_read(vm, cap + PCI_MSIX_FLAGS, 2);

	vf_write(vm, cap + PCI_MSIX_FLAGS, 2, (ctl | PCI_MSIX_ENABLE) & ~PCI_MSIX_MASKALL);
}

/* The VF's config space and MSI-X models as at power-on: no BAR placed,
 * nothing enabled, every real MSI-X entry masked. */
static int vf_models_init(struct vm *vm)
{
	const struct pci_dev *d = nic_vf((unsigned int)vm->cfg->vf);
	struct vpci_cfg cfg;
	int err;

	if (!d)
		return -ENODEV;
	vm->mmio[vm->vf.msix_region] = (struct mmio_region){0, 0, "vf msi-x", NULL, NULL};
	vm->vf.msix_gpa = 0;
	for (unsigned int i = 0; i < VMSIX_MAX_ENTRIES; i++)
		vm->vf.msix_told[i] = VMSIX_LIVE;
	err = vmsix_init(&vm->vf.msix, vm->vf.msix_entries, vm->vf.table_off, vm->vf.pba_off,
			 iommu_irte_index(vm->vf.irte[0]), &vmsix_ops, vm);
	if (err)
		return err;
	memset(&cfg, 0, sizeof(cfg));
	cfg.ops = &vpci_ops;
	cfg.ctx = vm;
	cfg.vendor = d->vendor;
	cfg.device = d->device;
	nic_vf_bars(cfg.bar);
	cfg.win_base = vm->vf.win_base;
	cfg.win_size = vm->vf.win_size;
	err = vpci_init(&vm->vf.vpci, &cfg);
	if (err)
		return err;
	/* On the bus devices_reset() just made afresh. */
	return vbus_add(&vm->bus, &vm->vf.vpci.fn);
}

int vm_vf_reset(struct vm *vm)
{
	int err;

	if (!vm->vf.present)
		return 0;
	/* Whatever the last run left in the function (rings, enables) goes:
	 * the guest's next driver finds it as after power-on. */
	vf_flr_hw(vm);
	spin_lock(&vm->io_lock);
	err = vf_models_init(vm);
	if (!err)
		vf_msix_enable(vm);
	spin_unlock(&vm->io_lock);
	return err;
}

int vm_vf_attach(struct vm *vm, unsigned int n, uint64_t win_base, uint64_t win_size)
{
	const struct pci_dev *d = nic_vf(n);
	unsigned int entries;
	uint32_t tbl, pba;
	int err;

	if (!d || !d->msix_cap)
		return -ENODEV;
	/* The administrator's VF settings, before the guest can talk to it. */
	err = nic_vf_configure(n, &vm->cfg->vfc);
	if (err)
		return err;
	memset(&vm->vf, 0, sizeof(vm->vf));
	vm->vf.seg = d->seg, vm->vf.bus = d->bus, vm->vf.devfn = d->devfn;
	vm->vf.pcie_cap = d->pcie_cap;
	vm->vf.msix_cap = d->msix_cap;
	vm->vf.win_base = win_base;
	vm->vf.win_size = win_size;
	for (unsigned int i = 0; i < 6; i++) {
		vm->vf.bar_hpa[i] = d->bar[i].base;
		if (d->bar[i].size)
			paging_map_mmio(d->bar[i].base, d->bar[i].size);
	}
	entries = (pci_read16(d, d->msix_cap + PCI_MSIX_FLAGS) & 0x7FF) + 1;
	tbl = pci_read32(d, d->msix_cap + 4);
	pba = pci_read32(d, d->msix_cap + 8);
	vm->vf.msix_bar = tbl & 7, vm->vf.table_off = tbl & ~7u;
	vm->vf.pba_bar = pba & 7, vm->vf.pba_off = pba & ~7u;
	if (entries > VMSIX_MAX_ENTRIES)
		return -E2BIG;

	/* One remapping entry per MSI-X entry, in a row (vmsix.c has entry i
	 * use IRTE base + i). */
	for (unsigned int i = 0; i < entries; i++) {
		vm->vf.irte[i] = iommu_irte_alloc(d->seg, (uint16_t)(d->bus << 8 | d->devfn));
		if (vm->vf.irte[i] < 0)
			return vm->vf.irte[i];
		if (i && iommu_irte_index(vm->vf.irte[i]) != iommu_irte_index(vm->vf.irte[0]) + i)
			return -ENOSPC;
	}
	if (vm->mmio_count >= VM_MMIO_MAX)
		return -ENOSPC;
	vm->vf.msix_region = vm->mmio_count++;
	vm->vf.msix_entries = entries;
	err = vf_models_init(vm);
	if (err)
		return err;
	vf_msix_enable(vm);
	vm->vf.present = true;
	return 0;
}
