// SPDX-License-Identifier: MIT
/* A guest's virtual PCI function for its VF (see vpci.h for what it shows).
 * The bus (vbus.c) hands it dword reads and dword writes with a byte-enable
 * mask, merged here into the current value, so every size and offset goes
 * through the same per-register rules. */
#include <stddef.h>
#include "lib/err.h"
#include "lib/kstring.h"
#include "hv/platform/vpci.h"

#define VPCI_SUBSYS   0x2C
#define VPCI_INTR     0x3C
#define STATUS_ERRORS 0xF900 /* parity, target/master aborts, SERR */
#define CMD_KEPT      (PCI_CMD_MEM | PCI_CMD_MASTER)
#define BAR_TYPE64    0x4
#define BAR_PREF      0x8

#define MSIX_CTRL_ENABLE 0x8000
#define MSIX_CTRL_MASK	 0x4000
#define MSIX_CTRL_QSIZE	 0x07FF
#define MSIX_BIR	 0x7

#define PCIE_FLAGS_V2_RCIEP 0x0092 /* version 2, type 9 (RC integrated endpoint) */
#define PCIE_DEVSTA	    0x0A
#define DEVSTA_KEPT	    0x002F /* error detected bits, Transactions Pending */
#define DEVCAP_FLR	    (1u << 28)
#define DEVCAP_KEPT	    0x00008FE7u /* MPSS, ext tag, L0s/L1 latency, RBER */
#define DEVCTL_FLR	    0x8000
/* Error reporting, relaxed ordering, MPS, ext tag, no snoop, MRRS: kept only. */
#define DEVCTL_KEPT 0x79FF

#define CAP_WALK_MAX 48 /* a looping list is cut here */

/* ---- the real VF ------------------------------------------------------------ */

static uint32_t vf_rd(const struct vpci *v, unsigned int reg, unsigned int size)
{
	uint32_t val = v->ops->vf_read(v->ctx, reg, size);

	return size == 4 ? val : val & ((1u << (8 * size)) - 1);
}

/* Command to the real VF: only MEM and MASTER are ours to set. */
static void vf_cmd_sync(struct vpci *v)
{
	uint32_t real = vf_rd(v, PCI_COMMAND, 2);

	v->ops->vf_write(v->ctx, PCI_COMMAND, 2, (real & ~(uint32_t)CMD_KEPT) | v->cmd);
}

/* Offset of capability @id in the real VF's list, 0 if absent. */
static uint8_t vf_find_cap(const struct vpci *v, uint8_t id)
{
	unsigned int ptr;

	if (!(vf_rd(v, PCI_STATUS, 2) & PCI_STATUS_CAPS))
		return 0;
	ptr = vf_rd(v, PCI_CAP_PTR, 1) & 0xFC;
	for (int i = 0; i < CAP_WALK_MAX && ptr >= 0x40; i++) {
		if (vf_rd(v, ptr, 1) == id)
			return (uint8_t)ptr;
		ptr = vf_rd(v, ptr + 1, 1) & 0xFC;
	}
	return 0;
}

/* ---- BAR placement ---------------------------------------------------------- */

static bool in_window(const struct vpci *v, uint64_t a, uint64_t size)
{
	return a >= v->win_base && a - v->win_base < v->win_size &&
	       size <= v->win_size - (a - v->win_base);
}

static bool overlaps(const struct vpci_bar *a, const struct vpci_bar *b)
{
	return a->addr < b->addr + b->size && b->addr < a->addr + a->size;
}

/* Whether BAR @i should be mapped now (VPCI_BAR_OK), or why not. A BAR that
 * does not decode (no size, Command.MEM clear) is VPCI_BAR_OK and unwanted:
 * nothing to refuse. */
static int bar_wanted(const struct vpci *v, int i, bool *want)
{
	const struct vpci_bar *b = &v->bar[i];

	*want = false;
	if (!b->size || !(v->cmd & PCI_CMD_MEM))
		return VPCI_BAR_OK;
	if (!in_window(v, b->addr, b->size))
		return VPCI_BAR_OUTSIDE;
	/* Both of two overlapping BARs lose: which one is placed "first" must
	 * not decide what the guest reaches. @b is in the window, so its end
	 * does not wrap; another BAR's end wraps only to 0 (sizes are aligned),
	 * which correctly reads as no overlap. */
	for (int j = 0; j < 6; j++)
		if (j != i && v->bar[j].size && overlaps(b, &v->bar[j]))
			return VPCI_BAR_OVERLAP;
	*want = true;
	return VPCI_BAR_OK;
}

/* Bring the mappings to what the registers say: unmap all that go or move
 * first, so that two mapped BARs never overlap even for a moment. */
static void bars_update(struct vpci *v)
{
	bool want[6];

	for (int i = 0; i < 6; i++) {
		struct vpci_bar *b = &v->bar[i];
		int why = bar_wanted(v, i, &want[i]);

		if (b->mapped && (!want[i] || b->gpa != b->addr)) {
			v->ops->bar_map(v->ctx, (unsigned int)i, b->gpa, b->size, false);
			b->mapped = false;
		}
		if (why != b->refused && why != VPCI_BAR_OK && v->ops->bar_refused)
			v->ops->bar_refused(v->ctx, (unsigned int)i, b->addr, b->size, why);
		b->refused = (uint8_t)why;
	}
	for (int i = 0; i < 6; i++) {
		struct vpci_bar *b = &v->bar[i];

		/* A refused map is retried at the next BAR or Command change. */
		if (want[i] && !b->mapped &&
		    v->ops->bar_map(v->ctx, (unsigned int)i, b->addr, b->size, true) == 0) {
			b->mapped = true;
			b->gpa = b->addr;
		}
	}
}

static void msix_set(struct vpci *v, uint16_t bits)
{
	bits &= MSIX_CTRL_ENABLE | MSIX_CTRL_MASK;
	if (bits == (v->msix_ctrl & (MSIX_CTRL_ENABLE | MSIX_CTRL_MASK)))
		return;
	v->msix_ctrl = (uint16_t)((v->msix_ctrl & MSIX_CTRL_QSIZE) | bits);
	v->ops->msix_ctrl(v->ctx, bits & MSIX_CTRL_ENABLE, bits & MSIX_CTRL_MASK);
}

static void vf_flr(struct vpci *v)
{
	v->cmd = 0;
	bars_update(v); /* unmaps everything: MEM is off */
	msix_set(v, 0);
	v->ops->vf_flr(v->ctx);
	for (int i = 0; i < 6; i++)
		v->bar[i].addr = 0;
	v->devctl = v->devctl_reset;
	v->flrs++;
	vf_cmd_sync(v); /* whatever vf_flr did, the real VF matches the shadow */
}

/* ---- the functions' registers ----------------------------------------------- */

static uint32_t bar_read32(const struct vpci *v, int i)
{
	const struct vpci_bar *b = &v->bar[i];

	if (i > 0 && (v->bar[i - 1].flags & PCI_BAR_MEM64))
		return (uint32_t)(v->bar[i - 1].addr >> 32);
	if (!b->size)
		return 0;
	return (uint32_t)b->addr | (b->flags & PCI_BAR_MEM64 ? BAR_TYPE64 : 0) |
	       (b->flags & PCI_BAR_PREFETCH ? BAR_PREF : 0);
}

static uint32_t vf_read32(const struct vpci *v, unsigned int reg)
{
	uint32_t status;

	switch (reg) {
	case PCI_VENDOR_ID:
		return (uint32_t)v->device << 16 | v->vendor;
	case PCI_COMMAND:
		status = (vf_rd(v, PCI_STATUS, 2) & STATUS_ERRORS) | PCI_STATUS_CAPS;
		return status << 16 | v->cmd | PCI_CMD_INTX_OFF;
	case PCI_CLASS_REV:
		return v->class_rev;
	case PCI_BAR0:
	case PCI_BAR0 + 4:
	case PCI_BAR0 + 8:
	case PCI_BAR0 + 12:
	case PCI_BAR0 + 16:
	case PCI_BAR0 + 20:
		return bar_read32(v, (int)(reg - PCI_BAR0) / 4);
	case VPCI_SUBSYS:
		return v->subsys;
	case PCI_CAP_PTR:
		return VPCI_CAP_MSIX;
	case VPCI_CAP_MSIX:
		return (uint32_t)v->msix_ctrl << 16 | VPCI_CAP_PCIE << 8 | PCI_CAP_MSIX;
	case VPCI_CAP_MSIX + 4:
		return v->msix_table;
	case VPCI_CAP_MSIX + 8:
		return v->msix_pba;
	case VPCI_CAP_PCIE:
		return (uint32_t)PCIE_FLAGS_V2_RCIEP << 16 | PCI_CAP_PCIE;
	case VPCI_CAP_PCIE + PCIE_DEVCAP:
		return v->devcap;
	case VPCI_CAP_PCIE + PCIE_DEVCTL: {
		uint32_t sta = 0;

		if (v->real_pcie)
			sta = vf_rd(v, v->real_pcie + PCIE_DEVSTA, 2) & DEVSTA_KEPT;
		return sta << 16 | v->devctl;
	}
	default:
		return 0; /* header type 0, no ROM, no INTx, extended space empty */
	}
}

/* @val: the whole dword, the guest's bytes already merged in. */
static void bar_write32(struct vpci *v, int i, uint32_t val)
{
	if (i > 0 && (v->bar[i - 1].flags & PCI_BAR_MEM64)) {
		struct vpci_bar *b = &v->bar[i - 1];

		b->addr = (((uint64_t)val << 32) | (uint32_t)b->addr) & ~(b->size - 1);
	} else if (v->bar[i].size) {
		struct vpci_bar *b = &v->bar[i];

		b->addr = ((b->addr & ~0xFFFFFFFFull) | (val & ~0xFu)) & ~(b->size - 1);
	} else {
		return;
	}
	bars_update(v);
}

static void vf_write32(struct vpci *v, unsigned int reg, uint32_t val, uint32_t be)
{
	uint32_t cur = vf_read32(v, reg);

	val = (cur & ~be) | (val & be);
	switch (reg) {
	case PCI_COMMAND:
		if (!(be & 0xFFFF) || (val & CMD_KEPT) == v->cmd)
			return; /* Status is read-only here */
		v->cmd = (uint16_t)(val & CMD_KEPT);
		vf_cmd_sync(v);
		bars_update(v);
		return;
	case PCI_BAR0:
	case PCI_BAR0 + 4:
	case PCI_BAR0 + 8:
	case PCI_BAR0 + 12:
	case PCI_BAR0 + 16:
	case PCI_BAR0 + 20:
		bar_write32(v, (int)(reg - PCI_BAR0) / 4, val);
		return;
	case VPCI_CAP_MSIX:
		if (be & 0xFFFF0000)
			msix_set(v, (uint16_t)(val >> 16));
		return;
	case VPCI_CAP_PCIE + PCIE_DEVCTL:
		if (!(be & 0xFFFF))
			return;
		if (val & DEVCTL_FLR)
			vf_flr(v); /* the function resets: the other bits go with it */
		else
			v->devctl = (uint16_t)(val & DEVCTL_KEPT);
		return;
	default:
		return;
	}
}

/* ---- the bus's view ------------------------------------------------------- */

static uint32_t fn_read32(void *ctx, unsigned int reg)
{
	return vf_read32(ctx, reg);
}

static void fn_write32(void *ctx, unsigned int reg, uint32_t val, uint32_t be)
{
	struct vpci *v = ctx;

	if (!v->shut)
		vf_write32(v, reg, val, be);
}

/* ---- creation --------------------------------------------------------------- */

static bool pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

static int bars_check(const struct pci_bar *bar)
{
	for (int i = 0; i < 6; i++) {
		const struct pci_bar *b = &bar[i];

		if (b->flags & ~(PCI_BAR_MEM64 | PCI_BAR_PREFETCH))
			return -EINVAL; /* VFs have no I/O BARs */
		if (!b->size) {
			if (b->flags)
				return -EINVAL;
			continue;
		}
		if (!pow2(b->size) || b->size < VPCI_BAR_MIN)
			return -EINVAL;
		if (b->flags & PCI_BAR_MEM64) {
			if (i == 5 || bar[i + 1].size || bar[i + 1].flags)
				return -EINVAL;
			i++;
		} else if (b->size > 0x80000000ull) {
			return -EINVAL;
		}
	}
	return 0;
}

/* An MSI-X structure of @len bytes at @off_bir must lie in a BAR we show. */
static bool msix_fits(const struct vpci *v, uint32_t off_bir, uint64_t len)
{
	unsigned int bir = off_bir & MSIX_BIR;
	uint64_t off = off_bir & ~(uint32_t)MSIX_BIR;

	if (bir > 5 || !v->bar[bir].size)
		return false;
	return off < v->bar[bir].size && len <= v->bar[bir].size - off;
}

int vpci_init(struct vpci *v, const struct vpci_cfg *cfg)
{
	const struct vpci_ops *ops = cfg->ops;
	uint8_t devfn = cfg->vf_devfn ? cfg->vf_devfn : VPCI_VF_DEVFN;
	uint8_t msix, pcie;
	unsigned int nvec;
	int err;

	if (!ops || !ops->vf_read || !ops->vf_write || !ops->bar_map || !ops->vf_flr ||
	    !ops->msix_ctrl)
		return -EINVAL;
	if (!cfg->vendor || cfg->vendor == 0xFFFF || PCI_FUNC(devfn) || !PCI_SLOT(devfn))
		return -EINVAL;
	if (!cfg->win_base || !cfg->win_size || cfg->win_base + cfg->win_size < cfg->win_base)
		return -EINVAL;
	err = bars_check(cfg->bar);
	if (err)
		return err;

	memset(v, 0, sizeof(*v));
	v->ops = ops;
	v->ctx = cfg->ctx;
	v->fn = (struct vbus_fn){devfn, fn_read32, fn_write32, v};
	v->vendor = cfg->vendor;
	v->device = cfg->device;
	v->win_base = cfg->win_base;
	v->win_size = cfg->win_size;
	for (int i = 0; i < 6; i++) {
		v->bar[i].size = cfg->bar[i].size;
		v->bar[i].flags = cfg->bar[i].flags;
	}

	v->class_rev = vf_rd(v, PCI_CLASS_REV, 4);
	if (v->class_rev == 0xFFFFFFFF)
		return -EIO;
	v->subsys = vf_rd(v, VPCI_SUBSYS, 4);

	msix = vf_find_cap(v, PCI_CAP_MSIX);
	if (!msix)
		return -ENODEV;
	v->msix_ctrl = (uint16_t)(vf_rd(v, msix + 2u, 2) & MSIX_CTRL_QSIZE);
	v->msix_table = vf_rd(v, msix + 4u, 4);
	v->msix_pba = vf_rd(v, msix + 8u, 4);
	nvec = (v->msix_ctrl & MSIX_CTRL_QSIZE) + 1u;
	if (!msix_fits(v, v->msix_table, 16ull * nvec) ||
	    !msix_fits(v, v->msix_pba, 8ull * ((nvec + 63) / 64)))
		return -EINVAL;

	pcie = vf_find_cap(v, PCI_CAP_PCIE);
	v->real_pcie = pcie;
	v->devcap = DEVCAP_FLR;
	if (pcie) {
		v->devcap |= vf_rd(v, pcie + PCIE_DEVCAP, 4) & DEVCAP_KEPT;
		v->devctl_reset = (uint16_t)(vf_rd(v, pcie + PCIE_DEVCTL, 2) & DEVCTL_KEPT);
	}
	v->devctl = v->devctl_reset;

	vf_cmd_sync(v);
	return 0;
}

void vpci_shutdown(struct vpci *v)
{
	v->shut = true; /* first: what follows uses no guest write path */
	v->cmd = 0;
	vf_cmd_sync(v); /* no more DMA from a VF whose guest is gone */
	bars_update(v);
	msix_set(v, 0);
}
