// SPDX-License-Identifier: MIT
/* SR-IOV enabling, per the PCIe base specification's SR-IOV chapter. */
#include "lib/err.h"
#include "lib/kstring.h"
#include "lib/printk.h"
#include "drivers/sriov/sriov.h"
#include "drivers/timer/tsc.h"

#define SZ_4G (1ull << 32)
/* Where the PC's fixed interrupt/APIC range starts: root-bus MMIO ends. */
#define PCI_ROOT_MMIO_END 0xFEC00000ull

struct span {
	uint64_t base, end; /* end exclusive */
};

#define MAX_SPANS 64

/* Address ranges already decoded below @bridge: BARs of the functions on its
 * secondary side and the windows of bridges there. */
static unsigned int used_spans(const struct pci_dev *bridge, const struct pci_dev *skip,
			       struct span *sp)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < pci_dev_count && n < MAX_SPANS - 2; i++) {
		const struct pci_dev *d = &pci_devs[i];

		if (d->parent != bridge || d->is_vf)
			continue;
		for (int b = 0; b < 6 && n < MAX_SPANS - 2; b++) {
			const struct pci_bar *bar = &d->bar[b];

			if (bar->size && bar->base && !(bar->flags & PCI_BAR_IO))
				sp[n++] = (struct span){bar->base, bar->base + bar->size};
		}
		if (d->hdr_type == 1 && d != skip) {
			if (d->mem.base <= d->mem.limit)
				sp[n++] = (struct span){d->mem.base, d->mem.limit + 1};
			if (d->pref.base <= d->pref.limit)
				sp[n++] = (struct span){d->pref.base, d->pref.limit + 1};
		}
	}
	return n;
}

/* Lowest @align-aligned address for @len bytes in window @w that overlaps no
 * span and stays below @below; 0 if none. */
static uint64_t window_fit(const struct pci_window *w, const struct span *sp, unsigned int n,
			   uint64_t len, uint64_t align, uint64_t below)
{
	uint64_t a, end_lim;

	if (w->base > w->limit || !len)
		return 0;
	end_lim = w->limit + 1 < below ? w->limit + 1 : below;
	a = (w->base + align - 1) & ~(align - 1);
	while (a >= w->base && a + len > a && a + len <= end_lim) {
		uint64_t bump = 0;

		for (unsigned int i = 0; i < n; i++)
			if (a < sp[i].end && sp[i].base < a + len && sp[i].end > bump)
				bump = sp[i].end;
		if (!bump)
			return a;
		a = (bump + align - 1) & ~(align - 1);
	}
	return 0;
}

static uint32_t cap_rd32(const struct sriov *s, uint16_t off)
{
	return pci_read32(s->pf, (uint16_t)(s->cap + off));
}

static uint16_t cap_rd16(const struct sriov *s, uint16_t off)
{
	return pci_read16(s->pf, (uint16_t)(s->cap + off));
}

static void cap_wr32(const struct sriov *s, uint16_t off, uint32_t v)
{
	pci_write32(s->pf, (uint16_t)(s->cap + off), v);
}

static void cap_wr16(const struct sriov *s, uint16_t off, uint16_t v)
{
	pci_write16(s->pf, (uint16_t)(s->cap + off), v);
}

/* Size the VF BARs (per-VF size); decoding is off since VFE/MSE are 0. */
static void vf_bars_probe(struct sriov *s)
{
	for (int i = 0; i < 6; i++) {
		uint16_t off = (uint16_t)(SRIOV_VF_BAR0 + 4 * i);
		uint32_t orig = cap_rd32(s, off), lo, hi = 0, orig_hi = 0;
		bool is64 = (orig & 0x6) == 0x4;
		uint64_t mask;

		memset(&s->vf_bar[i], 0, sizeof(s->vf_bar[i]));
		if (is64 && i == 5)
			break;
		cap_wr32(s, off, 0xFFFFFFFF);
		lo = cap_rd32(s, off);
		cap_wr32(s, off, orig);
		if (is64) {
			orig_hi = cap_rd32(s, (uint16_t)(off + 4));
			cap_wr32(s, (uint16_t)(off + 4), 0xFFFFFFFF);
			hi = cap_rd32(s, (uint16_t)(off + 4));
			cap_wr32(s, (uint16_t)(off + 4), orig_hi);
		}
		mask = ((uint64_t)(is64 ? hi : 0xFFFFFFFF) << 32) | (lo & ~0xFull);
		if (!(lo & ~0xFu) && !hi)
			continue; /* not implemented */
		s->vf_bar[i].size = ~mask + 1;
		s->vf_bar[i].flags =
			(uint8_t)((is64 ? PCI_BAR_MEM64 : 0) | (lo & 0x8 ? PCI_BAR_PREFETCH : 0));
		s->vf_bar[i].base = ((uint64_t)orig_hi << 32) | (orig & ~0xFu);
		if (is64)
			i++;
	}
}

static void vf_bars_write(const struct sriov *s, bool clear)
{
	for (int i = 0; i < 6; i++) {
		const struct pci_bar *b = &s->vf_bar[i];
		uint64_t base = clear ? 0 : b->base;
		uint16_t off = (uint16_t)(SRIOV_VF_BAR0 + 4 * i);

		if (!b->size)
			continue;
		cap_wr32(s, off,
			 (uint32_t)base | (b->flags & PCI_BAR_MEM64 ? 0x4 : 0) |
				 (b->flags & PCI_BAR_PREFETCH ? 0x8 : 0));
		if (b->flags & PCI_BAR_MEM64)
			cap_wr32(s, (uint16_t)(off + 4), (uint32_t)(base >> 32));
	}
}

/*
 * A root bus has no bridge, and the host bridge's apertures are in ACPI
 * (_CRS), which is not read. On PC chipsets the 32-bit one runs up to the
 * interrupt/APIC range at 0xFEC00000 from below where firmware put the root
 * buses' BARs: from the lowest of those to there is taken as the window
 * (what lies in it is avoided like any used span). -ENOENT without a BAR.
 */
static int root_window(struct pci_dev *root)
{
	uint64_t low = PCI_ROOT_MMIO_END;

	for (unsigned int i = 0; i < pci_dev_count; i++) {
		const struct pci_dev *d = &pci_devs[i];

		if (d->parent || d->is_vf)
			continue;
		for (int b = 0; b < 6; b++) {
			const struct pci_bar *bar = &d->bar[b];

			if (bar->size && bar->base && !(bar->flags & PCI_BAR_IO) && bar->base < low)
				low = bar->base;
		}
	}
	if (low >= PCI_ROOT_MMIO_END)
		return -ENOENT;
	root->mem = (struct pci_window){low, PCI_ROOT_MMIO_END - 1};
	root->pref = (struct pci_window){1, 0}; /* closed */
	return 0;
}

/*
 * Place each VF BAR (NumVFs copies, each aligned to the per-VF size) in a
 * window the bridge above already decodes, nothing outside it. Below 4 GiB
 * first (prefetchable window, then the other one), a 64-bit prefetchable
 * window above 4 GiB last: QEMU 10.0's igb VFs decode only the low dword of
 * their 64-bit BARs (the VFs register them before the PF sets their type).
 */
static int vf_bars_place(struct sriov *s)
{
	const struct pci_dev *br = s->pf->parent;
	struct pci_dev root = {0};
	struct span sp[MAX_SPANS];
	unsigned int n;
	char name[16], brname[16];

	if (!br) {
		if (root_window(&root)) {
			pr_err("sriov: PF %s is on a root bus with no memory BAR below 4 GiB: no "
			       "window known for its VF BARs\n",
			       pci_name(s->pf, name));
			return -ENOSPC;
		}
		pr_info("sriov: PF %s is on a root bus: VF BARs go in free space of "
			"0x%llx-0x%llx\n",
			pci_name(s->pf, name), (unsigned long long)root.mem.base,
			(unsigned long long)root.mem.limit);
		br = &root;
	}
	n = used_spans(s->pf->parent, NULL, sp);
	/* Largest first, so that alignment wastes least. */
	for (;;) {
		int best = -1;

		for (int i = 0; i < 6; i++)
			if (s->vf_bar[i].size && !s->vf_bar[i].base &&
			    (best < 0 || s->vf_bar[i].size > s->vf_bar[best].size))
				best = i;
		if (best < 0)
			return 0;

		struct pci_bar *b = &s->vf_bar[best];
		uint64_t len = b->size * s->num_vfs, a = 0;
		bool pref_above = br->pref64 && (b->flags & PCI_BAR_MEM64);

		if (b->flags & PCI_BAR_PREFETCH)
			a = window_fit(&br->pref, sp, n, len, b->size, SZ_4G);
		if (!a)
			a = window_fit(&br->mem, sp, n, len, b->size, SZ_4G);
		if (!a && (b->flags & PCI_BAR_PREFETCH) && pref_above)
			a = window_fit(&br->pref, sp, n, len, b->size, ~0ull);
		if (!a || n >= MAX_SPANS) {
			pr_err("sriov: PF %s: no room for VF BAR%d (%u x 0x%llx bytes) in the "
			       "windows of bridge %s\n",
			       pci_name(s->pf, name), best, s->num_vfs, (unsigned long long)b->size,
			       pci_name(br, brname));
			return -ENOSPC;
		}
		b->base = a;
		sp[n++] = (struct span){a, a + len};
	}
}

uint16_t sriov_vf_rid(const struct sriov *s, unsigned int n)
{
	return (uint16_t)(((s->pf->bus << 8) | s->pf->devfn) + s->offset + s->stride * n);
}

/* ARI forwarding in the port above, when both ends support it. */
static void ari_enable(struct sriov *s)
{
	struct pci_dev *port = s->pf->parent;

	s->ari = false;
	if (!s->pf->ari_cap || !port || !port->pcie_cap || PCI_FUNC(s->pf->devfn))
		return;
	if (!(pci_read32(port, port->pcie_cap + PCIE_DEVCAP2) & (1u << 5)))
		return;
	pci_write16(port, port->pcie_cap + PCIE_DEVCTL2,
		    pci_read16(port, port->pcie_cap + PCIE_DEVCTL2) | (1u << 5));
	s->ari = true;
}

static void ari_disable(struct sriov *s)
{
	struct pci_dev *port = s->pf->parent;

	if (s->ari)
		pci_write16(port, port->pcie_cap + PCIE_DEVCTL2,
			    pci_read16(port, port->pcie_cap + PCIE_DEVCTL2) & ~(1u << 5));
	s->ari = false;
}

static int vfs_probe(struct sriov *s)
{
	char name[16], vname[16];

	for (unsigned int n = 0; n < s->num_vfs; n++) {
		uint16_t rid = sriov_vf_rid(s, n);
		uint8_t bus = (uint8_t)(rid >> 8), devfn = (uint8_t)rid;
		struct pci_dev *vf;

		/* A VF reads vendor 0xFFFF by design; an absent one reads all-ones
		 * everywhere, so look at the class dword instead. */
		if (pci_conf_read(s->pf->seg, bus, devfn, PCI_CLASS_REV, 4) == 0xFFFFFFFF) {
			pr_err("sriov: PF %s: VF %u at %02x:%02x.%u does not answer\n",
			       pci_name(s->pf, name), n, bus, PCI_SLOT(devfn), PCI_FUNC(devfn));
			return -EIO;
		}
		vf = pci_add_vf(s->pf, bus, devfn, (uint16_t)n);
		if (!vf) {
			pr_err("sriov: PF %s: device table full at VF %u\n", pci_name(s->pf, name),
			       n);
			return -E2BIG;
		}
		vf->device = s->vf_device;
		for (int i = 0; i < 6; i++) {
			vf->bar[i] = s->vf_bar[i];
			if (vf->bar[i].size)
				vf->bar[i].base += vf->bar[i].size * n;
		}
		pci_write16(vf, PCI_COMMAND, PCI_CMD_MEM | PCI_CMD_MASTER | PCI_CMD_INTX_OFF);
		s->vf[n] = vf;
		pr_debug("sriov: VF %u at %s\n", n, pci_name(vf, vname));
	}
	return 0;
}

/* Drop the VFs this PF added to the device table (they are the last ones). */
static void vfs_forget(struct sriov *s)
{
	while (pci_dev_count && pci_devs[pci_dev_count - 1].is_vf &&
	       pci_devs[pci_dev_count - 1].pf == s->pf)
		memset(&pci_devs[--pci_dev_count], 0, sizeof(pci_devs[0]));
	memset(s->vf, 0, sizeof(s->vf));
}

int sriov_enable(struct sriov *s, struct pci_dev *pf, unsigned int num_vfs)
{
	char name[16];
	uint16_t ctrl;
	uint32_t pgsup;
	int err;

	memset(s, 0, sizeof(*s));
	s->pf = pf;
	pci_name(pf, name);
	s->cap = pf->sriov_cap ? pf->sriov_cap : pci_find_ext_cap(pf, PCI_EXT_CAP_SRIOV);
	if (!s->cap) {
		pr_err("sriov: %s has no SR-IOV capability\n", name);
		return -ENODEV;
	}
	s->total_vfs = cap_rd16(s, SRIOV_TOTAL_VFS);
	ctrl = cap_rd16(s, SRIOV_CTRL);
	if (num_vfs == 0 || num_vfs > s->total_vfs || num_vfs > SRIOV_MAX_VFS) {
		pr_err("sriov: %s: %u VFs asked for, it offers 1 to %u\n", name, num_vfs,
		       s->total_vfs < SRIOV_MAX_VFS ? s->total_vfs : SRIOV_MAX_VFS);
		return -ERANGE;
	}
	if (ctrl & SRIOV_CTRL_VFE) {
		pr_err("sriov: %s: VFs are already enabled\n", name);
		return -EBUSY;
	}
	s->num_vfs = (uint16_t)num_vfs;

	/* ARI first: offset and stride may depend on it and on NumVFs. */
	ari_enable(s);
	cap_wr16(s, SRIOV_CTRL,
		 (uint16_t)((ctrl & ~(SRIOV_CTRL_VFE | SRIOV_CTRL_MSE | SRIOV_CTRL_ARI)) |
			    (s->ari ? SRIOV_CTRL_ARI : 0)));
	pgsup = cap_rd32(s, SRIOV_PGSIZE_SUP);
	if (!(pgsup & 1)) {
		pr_err("sriov: %s does not support 4 KiB system pages (0x%x)\n", name, pgsup);
		err = -ENOTSUP;
		goto undo_ari;
	}
	cap_wr32(s, SRIOV_PGSIZE, 1);
	cap_wr16(s, SRIOV_NUM_VFS, s->num_vfs);
	s->offset = cap_rd16(s, SRIOV_VF_OFFSET);
	s->stride = cap_rd16(s, SRIOV_VF_STRIDE);
	s->vf_device = cap_rd16(s, SRIOV_VF_DID);
	if (!s->offset || (num_vfs > 1 && !s->stride)) {
		pr_err("sriov: %s: bad VF offset/stride %u/%u\n", name, s->offset, s->stride);
		err = -EINVAL;
		goto undo_numvfs;
	}
	if ((((uint32_t)pf->bus << 8) | pf->devfn) + s->offset +
		    (uint32_t)s->stride * (num_vfs - 1) >
	    0xFFFF) {
		pr_err("sriov: %s: VF routing IDs run past bus 255\n", name);
		err = -ENOSPC;
		goto undo_numvfs;
	}

	/* Every VF must sit on a bus the bridge above forwards to. */
	if (pf->parent && (sriov_vf_rid(s, num_vfs - 1) >> 8) > pf->parent->sub_bus) {
		pr_err("sriov: %s: VF %u would be on bus %u, beyond bridge bus range %u-%u\n", name,
		       num_vfs - 1, sriov_vf_rid(s, num_vfs - 1) >> 8, pf->parent->sec_bus,
		       pf->parent->sub_bus);
		err = -ENOSPC;
		goto undo_numvfs;
	}
	vf_bars_probe(s);
	for (int i = 0; i < 6; i++)
		s->vf_bar[i].base = 0; /* firmware never places them; we always do */
	err = vf_bars_place(s);
	if (err)
		goto undo_numvfs;
	vf_bars_write(s, false);

	cap_wr16(s, SRIOV_CTRL,
		 (uint16_t)(cap_rd16(s, SRIOV_CTRL) | SRIOV_CTRL_VFE | SRIOV_CTRL_MSE));
	mdelay(100); /* no VF config request within 100 ms of VF Enable */
	err = vfs_probe(s);
	if (err)
		goto undo_enable;
	pr_info("sriov: PF %s enabled %u VFs\n", name, num_vfs);
	return 0;

undo_enable:
	vfs_forget(s);
	cap_wr16(s, SRIOV_CTRL,
		 (uint16_t)(cap_rd16(s, SRIOV_CTRL) & ~(SRIOV_CTRL_VFE | SRIOV_CTRL_MSE)));
	vf_bars_write(s, true);
undo_numvfs:
	cap_wr16(s, SRIOV_NUM_VFS, 0);
undo_ari:
	cap_wr16(s, SRIOV_CTRL, (uint16_t)(cap_rd16(s, SRIOV_CTRL) & ~SRIOV_CTRL_ARI));
	ari_disable(s);
	s->num_vfs = 0;
	return err;
}

void sriov_disable(struct sriov *s)
{
	if (!s->pf || !s->num_vfs)
		return;
	for (unsigned int n = 0; n < s->num_vfs; n++)
		if (s->vf[n])
			pci_write16(s->vf[n], PCI_COMMAND, 0);
	vfs_forget(s);
	cap_wr16(s, SRIOV_CTRL,
		 (uint16_t)(cap_rd16(s, SRIOV_CTRL) & ~(SRIOV_CTRL_VFE | SRIOV_CTRL_MSE)));
	mdelay(1);
	vf_bars_write(s, true);
	cap_wr16(s, SRIOV_NUM_VFS, 0);
	cap_wr16(s, SRIOV_CTRL, (uint16_t)(cap_rd16(s, SRIOV_CTRL) & ~SRIOV_CTRL_ARI));
	ari_disable(s);
	s->num_vfs = 0;
}
