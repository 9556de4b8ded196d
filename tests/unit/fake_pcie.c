// SPDX-License-Identifier: MIT
/* A fake PCIe configuration space; see fake_pcie.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fake_pcie.h"

struct fake_pcie_op fake_pcie_log[FAKE_PCIE_LOG_MAX];
unsigned int fake_pcie_log_len;
unsigned int fake_pcie_bad_ops;

static struct fake_fn **fns;
static unsigned int nfns, capfns;

static void die(const char *what)
{
	fprintf(stderr, "fake_pcie: %s\n", what);
	abort();
}

static uint32_t ones(unsigned int size)
{
	return size >= 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}

static uint32_t get_le(const uint8_t *a, uint16_t off, unsigned int size)
{
	uint32_t v = 0;

	for (unsigned int k = 0; k < size; k++)
		v |= (uint32_t)a[off + k] << (8 * k);
	return v;
}

static void put_le(uint8_t *a, uint16_t off, unsigned int size, uint32_t v)
{
	for (unsigned int k = 0; k < size; k++)
		a[off + k] = (uint8_t)(v >> (8 * k));
}

static void check_range(uint16_t off, unsigned int size)
{
	if ((size != 1 && size != 2 && size != 4) || off + size > FAKE_PCIE_CFG_SIZE)
		die("register outside the configuration space");
}

/* ---- raw image ------------------------------------------------------------ */

void fake_pcie_set(struct fake_fn *f, uint16_t off, unsigned int size, uint32_t v)
{
	check_range(off, size);
	put_le(f->cfg, off, size, v);
	put_le(f->reset, off, size, v);
}

/* Firmware-made state (bus numbers, BAR bases, windows): not the reset state. */
static void set_live(struct fake_fn *f, uint16_t off, unsigned int size, uint32_t v)
{
	check_range(off, size);
	put_le(f->cfg, off, size, v);
}

uint32_t fake_pcie_get(const struct fake_fn *f, uint16_t off, unsigned int size)
{
	check_range(off, size);
	return get_le(f->cfg, off, size);
}

void fake_pcie_set_wmask(struct fake_fn *f, uint16_t off, unsigned int size, uint32_t mask)
{
	check_range(off, size);
	put_le(f->wmask, off, size, mask);
}

void fake_pcie_set_w1c(struct fake_fn *f, uint16_t off, unsigned int size, uint32_t mask)
{
	check_range(off, size);
	put_le(f->w1c, off, size, mask);
}

/* ---- functions -------------------------------------------------------------- */

void fake_pcie_reset(void)
{
	for (unsigned int i = 0; i < nfns; i++)
		free(fns[i]);
	free(fns);
	fns = NULL;
	nfns = capfns = 0;
	fake_pcie_log_clear();
	fake_pcie_bad_ops = 0;
}

static struct fake_fn *new_fn(void)
{
	struct fake_fn *f = calloc(1, sizeof(*f));

	if (!f)
		die("out of memory");
	if (nfns == capfns) {
		capfns = capfns ? capfns * 2 : 64;
		fns = realloc(fns, capfns * sizeof(*fns));
		if (!fns)
			die("out of memory");
	}
	fns[nfns++] = f;
	return f;
}

static bool is_bridge(const struct fake_fn *f)
{
	return (f->cfg[0x0e] & 0x7f) == 1;
}

static int nbars(const struct fake_fn *f)
{
	return (f->cfg[0x0e] & 0x7f) == 0 ? 6 : is_bridge(f) ? 2 : 0;
}

struct fake_fn *fake_pcie_add(struct fake_fn *up, uint8_t devfn, uint16_t vendor, uint16_t device,
			      uint32_t class_rev, uint8_t hdr_type)
{
	struct fake_fn *f;

	for (unsigned int i = 0; i < nfns; i++)
		if (fns[i]->up == up && !fns[i]->pf && fns[i]->devfn == devfn)
			die("two functions at one devfn");
	if (up && !is_bridge(up))
		die("parent is not a bridge");
	f = new_fn();
	f->up = up;
	f->devfn = devfn;
	fake_pcie_set(f, 0x00, 2, vendor);
	fake_pcie_set(f, 0x02, 2, device);
	fake_pcie_set(f, 0x08, 4, class_rev);
	fake_pcie_set(f, 0x0e, 1, hdr_type);
	/* IO, MEM, MASTER, PERR, SERR, INTX_OFF; status error bits are RW1C. */
	fake_pcie_set_wmask(f, 0x04, 2, 0x0547);
	fake_pcie_set_w1c(f, 0x06, 2, 0xf900);
	fake_pcie_set_wmask(f, 0x3c, 1, 0xff); /* interrupt line */
	if ((hdr_type & 0x7f) == 1) {
		fake_pcie_set_wmask(f, 0x18, 4, 0xffffffff); /* buses, latency */
		fake_pcie_set_wmask(f, 0x1c, 2, 0xf0f0);     /* 16-bit I/O window */
		fake_pcie_set_wmask(f, 0x20, 4, 0xfff0fff0);
		fake_pcie_set(f, 0x24, 4, 0x00010001); /* 64-bit prefetchable window */
		fake_pcie_set_wmask(f, 0x24, 4, 0xfff0fff0);
		fake_pcie_set_wmask(f, 0x28, 4, 0xffffffff);
		fake_pcie_set_wmask(f, 0x2c, 4, 0xffffffff);
		fake_pcie_set_wmask(f, 0x3e, 2, 0x0fff);
	}
	return f;
}

uint8_t fake_pcie_bus_of(const struct fake_fn *f)
{
	return f->up ? f->up->cfg[0x19] : 0;
}

/* ---- BARs ------------------------------------------------------------------- */

/* A BAR register at @off; a 64-bit one also uses @off + 4 if @room. */
static void bar_at(struct fake_fn *f, uint16_t off, bool room, uint64_t size, unsigned int flags)
{
	uint64_t mask = ~(size - 1);

	if (size & (size - 1))
		die("BAR size not a power of two");
	fake_pcie_set_wmask(f, off, 4, 0);
	if (room)
		fake_pcie_set_wmask(f, off + 4, 4, 0);
	if (!size) {
		fake_pcie_set(f, off, 4, 0);
		return;
	}
	if (flags & PCI_BAR_IO) {
		if (size < 4 || size > 0x10000)
			die("bad I/O BAR size");
		fake_pcie_set(f, off, 4, 1);
		fake_pcie_set_wmask(f, off, 4, (uint32_t)mask & 0xfffc);
		return;
	}
	if (size < 16 || (!(flags & PCI_BAR_MEM64) && size > (1ull << 31)))
		die("bad memory BAR size");
	fake_pcie_set(f, off, 4,
		      (flags & PCI_BAR_MEM64 ? 4u : 0u) | (flags & PCI_BAR_PREFETCH ? 8u : 0u));
	fake_pcie_set_wmask(f, off, 4, (uint32_t)mask & 0xfffffff0u);
	if ((flags & PCI_BAR_MEM64) && room) {
		fake_pcie_set(f, off + 4, 4, 0);
		fake_pcie_set_wmask(f, off + 4, 4, (uint32_t)(mask >> 32));
	}
}

void fake_pcie_bar(struct fake_fn *f, int i, uint64_t size, unsigned int flags)
{
	if (i < 0 || i >= nbars(f))
		die("no such BAR");
	bar_at(f, (uint16_t)(0x10 + 4 * i), i + 1 < nbars(f), size, flags);
}

static void bar_base_at(struct fake_fn *f, uint16_t off, bool room, uint64_t base)
{
	uint32_t lo = fake_pcie_get(f, off, 4), m = get_le(f->wmask, off, 4);

	set_live(f, off, 4, (lo & ~m) | ((uint32_t)base & m));
	if (!(lo & 1) && ((lo >> 1) & 3) == 2 && room) {
		m = get_le(f->wmask, off + 4, 4);
		set_live(f, off + 4, 4, (uint32_t)(base >> 32) & m);
	}
}

void fake_pcie_bar_base(struct fake_fn *f, int i, uint64_t base)
{
	if (i < 0 || i >= nbars(f))
		die("no such BAR");
	bar_base_at(f, (uint16_t)(0x10 + 4 * i), i + 1 < nbars(f), base);
}

/* ---- bridges ---------------------------------------------------------------- */

void fake_pcie_buses(struct fake_fn *b, uint8_t pri, uint8_t sec, uint8_t sub)
{
	set_live(b, 0x18, 1, pri);
	set_live(b, 0x19, 1, sec);
	set_live(b, 0x1a, 1, sub);
}

void fake_pcie_window_mem(struct fake_fn *b, uint32_t base, uint32_t limit)
{
	set_live(b, 0x20, 2, (base >> 16) & 0xfff0);
	set_live(b, 0x22, 2, (limit >> 16) & 0xfff0);
}

void fake_pcie_window_pref(struct fake_fn *b, uint64_t base, uint64_t limit)
{
	set_live(b, 0x24, 2, ((uint32_t)(base >> 16) & 0xfff0) | 1);
	set_live(b, 0x26, 2, ((uint32_t)(limit >> 16) & 0xfff0) | 1);
	set_live(b, 0x28, 4, (uint32_t)(base >> 32));
	set_live(b, 0x2c, 4, (uint32_t)(limit >> 32));
}

void fake_pcie_window_io(struct fake_fn *b, uint16_t base, uint16_t limit)
{
	set_live(b, 0x1c, 1, (base >> 8) & 0xf0);
	set_live(b, 0x1d, 1, (limit >> 8) & 0xf0);
}

/* ---- capabilities ----------------------------------------------------------- */

uint8_t fake_pcie_cap(struct fake_fn *f, uint8_t off, uint8_t id)
{
	uint8_t pos = f->cfg[0x34];

	if (off < 0x40 || (off & 3))
		die("bad capability offset");
	fake_pcie_set(f, off, 2, id);
	fake_pcie_set(f, 0x06, 2, fake_pcie_get(f, 0x06, 2) | 0x10);
	if (!pos) {
		fake_pcie_set(f, 0x34, 1, off);
		return off;
	}
	for (int steps = 0; f->cfg[pos + 1]; steps++) {
		if (steps > 48)
			die("capability list loops");
		pos = f->cfg[pos + 1];
	}
	fake_pcie_set(f, pos + 1, 1, off);
	return off;
}

void fake_pcie_cap_link(struct fake_fn *f, uint8_t off, uint8_t next)
{
	fake_pcie_set(f, off + 1, 1, next);
}

uint16_t fake_pcie_ext_cap(struct fake_fn *f, uint16_t off, uint16_t id, uint8_t ver)
{
	uint16_t pos = 0x100;

	if (off < 0x100 || (off & 3) || off > FAKE_PCIE_CFG_SIZE - 4)
		die("bad extended capability offset");
	if (off != 0x100 && !fake_pcie_get(f, 0x100, 4))
		die("the extended list starts at 0x100");
	fake_pcie_set(f, off, 4, id | (uint32_t)(ver & 0xf) << 16);
	if (off == 0x100)
		return off;
	for (int steps = 0; fake_pcie_get(f, pos, 4) >> 20; steps++) {
		if (steps > 960)
			die("extended capability list loops");
		pos = (uint16_t)(fake_pcie_get(f, pos, 4) >> 20);
	}
	fake_pcie_ext_link(f, pos, off);
	return off;
}

void fake_pcie_ext_link(struct fake_fn *f, uint16_t off, uint16_t next)
{
	fake_pcie_set(f, off, 4, (fake_pcie_get(f, off, 4) & 0xfffff) | (uint32_t)next << 20);
}

void fake_pcie_cap_exp(struct fake_fn *f, uint8_t off, uint8_t type, unsigned int flags)
{
	fake_pcie_cap(f, off, PCI_CAP_PCIE);
	fake_pcie_set(f, off + PCIE_CAPS, 2, 0x0002 | (uint32_t)(type & 0xf) << 4);
	/* max payload 512, role-based error reporting, FLR */
	fake_pcie_set(f, off + PCIE_DEVCAP, 4, 0x8002 | (flags & FAKE_PCIE_FLR ? 1u << 28 : 0));
	fake_pcie_set(f, off + PCIE_DEVCTL, 2, 0x2810);
	fake_pcie_set_wmask(f, off + PCIE_DEVCTL, 2, 0x7fff);
	fake_pcie_set_w1c(f, off + 0x0a, 2, 0x000f);   /* DEVSTA errors */
	fake_pcie_set(f, off + 0x0c, 4, 0x00000011);   /* LNKCAP x1 2.5GT/s */
	fake_pcie_set_wmask(f, off + 0x10, 2, 0x0ffb); /* LNKCTL */
	fake_pcie_set(f, off + 0x12, 2, 0x1011);       /* LNKSTA */
	fake_pcie_set(f, off + PCIE_DEVCAP2, 4, 0x10 | (flags & FAKE_PCIE_ARI_FWD ? 0x20 : 0));
	fake_pcie_set_wmask(f, off + PCIE_DEVCTL2, 2,
			    0x0010 | (flags & FAKE_PCIE_ARI_FWD ? 0x20 : 0));
	f->pcie = off;
}

void fake_pcie_cap_pm(struct fake_fn *f, uint8_t off)
{
	fake_pcie_cap(f, off, PCI_CAP_PM);
	fake_pcie_set(f, off + 2, 2, 0x0003); /* version 3 */
	fake_pcie_set_wmask(f, off + 4, 2, 0x0103);
	fake_pcie_set_w1c(f, off + 4, 2, 0x8000);
}

void fake_pcie_cap_msi(struct fake_fn *f, uint8_t off, unsigned int log2_vectors, bool maskable)
{
	fake_pcie_cap(f, off, PCI_CAP_MSI);
	/* 64-bit; Multiple Message Capable */
	fake_pcie_set(f, off + 2, 2, 0x0080 | (maskable ? 0x0100 : 0) | (log2_vectors & 7) << 1);
	fake_pcie_set_wmask(f, off + 2, 2, 0x0071);
	fake_pcie_set_wmask(f, off + 4, 4, 0xfffffffc);
	fake_pcie_set_wmask(f, off + 8, 4, 0xffffffff);
	fake_pcie_set_wmask(f, off + 12, 2, 0xffff);
	if (maskable)
		fake_pcie_set_wmask(f, off + 16, 4, (uint32_t)((1ull << (1u << log2_vectors)) - 1));
}

void fake_pcie_cap_msix(struct fake_fn *f, uint8_t off, unsigned int nvec, uint32_t table,
			uint32_t pba)
{
	if (!nvec || nvec > 2048)
		die("bad MSI-X vector count");
	fake_pcie_cap(f, off, PCI_CAP_MSIX);
	fake_pcie_set(f, off + 2, 2, nvec - 1);
	fake_pcie_set_wmask(f, off + 2, 2, 0xc000);
	fake_pcie_set(f, off + 4, 4, table);
	fake_pcie_set(f, off + 8, 4, pba);
}

void fake_pcie_ext_aer(struct fake_fn *f, uint16_t off)
{
	fake_pcie_ext_cap(f, off, 0x0001, 2);
	fake_pcie_set_w1c(f, off + 4, 4, 0x03fff030);	 /* uncorrectable status */
	fake_pcie_set_wmask(f, off + 8, 4, 0x03fff030);	 /* uncorrectable mask */
	fake_pcie_set_w1c(f, off + 16, 4, 0x0000f1c1);	 /* correctable status */
	fake_pcie_set_wmask(f, off + 20, 4, 0x0000f1c1); /* correctable mask */
}

void fake_pcie_ext_ari(struct fake_fn *f, uint16_t off, uint8_t next_fn)
{
	fake_pcie_ext_cap(f, off, PCI_EXT_CAP_ARI, 1);
	fake_pcie_set(f, off + 4, 2, (uint32_t)next_fn << 8);
	fake_pcie_set_wmask(f, off + 6, 2, 0x0073);
}

/* ---- SR-IOV ----------------------------------------------------------------- */

#define SRIOV_CTRL   0x08
#define SRIOV_NUMVFS 0x10
#define SRIOV_OFFSET 0x14
#define SRIOV_STRIDE 0x16
#define SRIOV_VFE    0x0001

void fake_pcie_ext_sriov(struct fake_fn *pf, uint16_t off, const struct fake_sriov *c)
{
	uint32_t class_rev = fake_pcie_get(pf, 0x08, 4);

	if (c->total > FAKE_PCIE_MAX_VFS || pf->pf || pf->sriov)
		die("bad SR-IOV set-up");
	fake_pcie_ext_cap(pf, off, PCI_EXT_CAP_SRIOV, 1);
	fake_pcie_set_wmask(pf, off + SRIOV_CTRL, 2, 0x001f);
	fake_pcie_set_w1c(pf, off + 0x0a, 2, 0x0001);
	fake_pcie_set(pf, off + 0x0c, 2, c->initial);
	fake_pcie_set(pf, off + 0x0e, 2, c->total);
	fake_pcie_set_wmask(pf, off + SRIOV_NUMVFS, 2, 0xffff);
	fake_pcie_set(pf, off + 0x12, 1, pf->devfn & 7);
	fake_pcie_set(pf, off + SRIOV_OFFSET, 2, c->offset);
	fake_pcie_set(pf, off + SRIOV_STRIDE, 2, c->stride);
	fake_pcie_set(pf, off + 0x1a, 2, c->vf_device);
	fake_pcie_set(pf, off + 0x1c, 4, c->page_sizes);
	fake_pcie_set(pf, off + 0x20, 4, 1);
	fake_pcie_set_wmask(pf, off + 0x20, 4, 0xffffffff);
	for (int i = 0; i < 6; i++) {
		bar_at(pf, (uint16_t)(off + 0x24 + 4 * i), i < 5, c->bar[i].size, c->bar[i].flags);
		/* the next slot is this one's upper half */
		if (c->bar[i].size && (c->bar[i].flags & PCI_BAR_MEM64) &&
		    !(c->bar[i].flags & PCI_BAR_IO))
			i++;
	}
	pf->sriov = off;
	pf->nvfs = c->total;
	for (unsigned int n = 0; n < c->total; n++) {
		struct fake_fn *vf = new_fn();

		vf->up = pf->up;
		vf->pf = pf;
		vf->vf_index = (uint16_t)n;
		fake_pcie_set(vf, 0x00, 4, 0xffffffff);
		fake_pcie_set(vf, 0x08, 4, class_rev);
		fake_pcie_set_wmask(vf, 0x04, 2, 0x0004);
		fake_pcie_set_w1c(vf, 0x06, 2, 0xf900);
		pf->vf[n] = vf;
	}
}

struct fake_fn *fake_pcie_vf(const struct fake_fn *pf, unsigned int n)
{
	if (n >= pf->nvfs)
		die("no such VF");
	return pf->vf[n];
}

uint32_t fake_pcie_vf_rid(const struct fake_fn *pf, unsigned int n)
{
	uint32_t rid = (uint32_t)fake_pcie_bus_of(pf) << 8 | pf->devfn;

	return rid + fake_pcie_get(pf, pf->sriov + SRIOV_OFFSET, 2) +
	       fake_pcie_get(pf, pf->sriov + SRIOV_STRIDE, 2) * n;
}

static bool vfs_enabled(const struct fake_fn *f)
{
	return f->sriov && (fake_pcie_get(f, f->sriov + SRIOV_CTRL, 2) & SRIOV_VFE);
}

static void reset_fn(struct fake_fn *f)
{
	memcpy(f->cfg, f->reset, sizeof(f->cfg));
	for (unsigned int n = 0; n < f->nvfs; n++)
		memcpy(f->vf[n]->cfg, f->vf[n]->reset, sizeof(f->vf[n]->cfg));
}

/* ---- routing ---------------------------------------------------------------- */

static struct fake_fn *child_at(const struct fake_fn *up, uint8_t devfn)
{
	for (unsigned int i = 0; i < nfns; i++) {
		struct fake_fn *f = fns[i];

		if (f->up == up && !f->pf && !f->gone && f->devfn == devfn)
			return f;
	}
	return NULL;
}

static struct fake_fn *bridge_for(const struct fake_fn *up, uint8_t bus)
{
	for (unsigned int i = 0; i < nfns; i++) {
		struct fake_fn *f = fns[i];

		if (f->up == up && !f->pf && !f->gone && is_bridge(f) && f->cfg[0x19] <= bus &&
		    bus <= f->cfg[0x1a])
			return f;
	}
	return NULL;
}

/* A VF of a PF below @up, on the bus numbered @cur, answering routing ID @rid. */
static struct fake_fn *vf_for(const struct fake_fn *up, uint8_t cur, uint32_t rid)
{
	for (unsigned int i = 0; i < nfns; i++) {
		struct fake_fn *pf = fns[i];
		uint32_t n, num, first, stride;

		if (pf->up != up || pf->pf || pf->gone || !vfs_enabled(pf))
			continue;
		num = fake_pcie_get(pf, pf->sriov + SRIOV_NUMVFS, 2);
		first = ((uint32_t)cur << 8 | pf->devfn) +
			fake_pcie_get(pf, pf->sriov + SRIOV_OFFSET, 2);
		stride = fake_pcie_get(pf, pf->sriov + SRIOV_STRIDE, 2);
		for (n = 0; n < num && n < pf->nvfs; n++) {
			uint32_t r = first + stride * n;

			if (r == rid && !pf->vf[n]->gone)
				return pf->vf[n];
		}
	}
	return NULL;
}

struct fake_fn *fake_pcie_route(uint16_t seg, uint8_t bus, uint8_t devfn)
{
	const struct fake_fn *up = NULL;
	uint8_t cur = 0;
	uint32_t rid = (uint32_t)bus << 8 | devfn;

	if (seg != 0)
		return NULL;
	/* Each step goes one bridge down a tree built top-down: it ends. */
	for (;;) {
		struct fake_fn *f;

		if (bus == cur) {
			f = child_at(up, devfn);
			return f ? f : vf_for(up, cur, rid);
		}
		f = bridge_for(up, bus);
		if (!f)
			return vf_for(up, cur, rid);
		up = f;
		cur = f->cfg[0x19];
	}
}

/* ---- accesses --------------------------------------------------------------- */

void fake_pcie_log_clear(void)
{
	fake_pcie_log_len = 0;
}

static void log_op(bool write, bool hit, uint16_t seg, uint8_t bus, uint8_t devfn, uint16_t off,
		   unsigned int size, uint32_t v)
{
	if (fake_pcie_log_len < FAKE_PCIE_LOG_MAX) {
		struct fake_pcie_op *op = &fake_pcie_log[fake_pcie_log_len];

		op->write = write;
		op->hit = hit;
		op->seg = seg;
		op->bus = bus;
		op->devfn = devfn;
		op->off = off;
		op->size = (uint8_t)size;
		op->v = v;
	}
	fake_pcie_log_len++;
}

unsigned int fake_pcie_ops(int write, int bus, int devfn, unsigned int lo, unsigned int hi)
{
	unsigned int n = 0, len = fake_pcie_log_len;

	if (len > FAKE_PCIE_LOG_MAX)
		len = FAKE_PCIE_LOG_MAX;
	for (unsigned int i = 0; i < len; i++) {
		const struct fake_pcie_op *op = &fake_pcie_log[i];

		if ((write < 0 || op->write == (write != 0)) && (bus < 0 || op->bus == bus) &&
		    (devfn < 0 || op->devfn == devfn) && op->off >= lo && op->off < hi)
			n++;
	}
	return n;
}

static bool access_ok(uint16_t off, unsigned int size, unsigned int space)
{
	if ((size == 1 || size == 2 || size == 4) && !(off & (size - 1)) && off + size <= space)
		return true;
	fake_pcie_bad_ops++;
	return false;
}

static uint32_t read_space(uint16_t seg, uint8_t bus, uint8_t devfn, uint16_t off,
			   unsigned int size, unsigned int space)
{
	struct fake_fn *f = NULL;
	uint32_t v = ones(size);

	if (access_ok(off, size, space))
		f = fake_pcie_route(seg, bus, devfn);
	if (f) {
		v = get_le(f->cfg, off, size);
		f->reads++;
	}
	log_op(false, f != NULL, seg, bus, devfn, off, size, v);
	return v;
}

static void apply_write(struct fake_fn *f, uint16_t off, unsigned int size, uint32_t v)
{
	bool vfe = vfs_enabled(f), flr = false;

	for (unsigned int k = 0; k < size; k++) {
		uint16_t o = (uint16_t)(off + k);
		uint8_t b = (uint8_t)(v >> (8 * k));

		/* NumVFs is read-only while VFs are enabled. */
		if (vfe && o >= f->sriov + SRIOV_NUMVFS && o < f->sriov + SRIOV_NUMVFS + 2)
			continue;
		if (f->pcie && o == f->pcie + PCIE_DEVCTL + 1 && (b & 0x80) &&
		    (get_le(f->cfg, f->pcie + PCIE_DEVCAP, 4) & (1u << 28)))
			flr = true;
		f->cfg[o] = (uint8_t)((f->cfg[o] & ~f->wmask[o]) | (b & f->wmask[o]));
		f->cfg[o] &= (uint8_t) ~(b & f->w1c[o]);
	}
	if (flr) {
		reset_fn(f);
		f->flr_count++;
	} else if (vfe && !vfs_enabled(f)) {
		/* VF Enable cleared: the VFs are reset (and gone). */
		for (unsigned int n = 0; n < f->nvfs; n++)
			memcpy(f->vf[n]->cfg, f->vf[n]->reset, sizeof(f->vf[n]->cfg));
	}
}

static void write_space(uint16_t seg, uint8_t bus, uint8_t devfn, uint16_t off, unsigned int size,
			uint32_t v, unsigned int space)
{
	struct fake_fn *f = NULL;

	if (access_ok(off, size, space))
		f = fake_pcie_route(seg, bus, devfn);
	if (f) {
		apply_write(f, off, size, v & ones(size));
		f->writes++;
	}
	log_op(true, f != NULL, seg, bus, devfn, off, size, v);
}

uint32_t fake_pcie_read(uint16_t seg, uint8_t bus, uint8_t devfn, uint16_t off, unsigned int size)
{
	return read_space(seg, bus, devfn, off, size, FAKE_PCIE_CFG_SIZE);
}

void fake_pcie_write(uint16_t seg, uint8_t bus, uint8_t devfn, uint16_t off, unsigned int size,
		     uint32_t v)
{
	write_space(seg, bus, devfn, off, size, v, FAKE_PCIE_CFG_SIZE);
}

static uint32_t cf8_read(uint16_t seg, uint8_t bus, uint8_t devfn, uint16_t off, unsigned int size)
{
	return read_space(seg, bus, devfn, off, size, 256);
}

static void cf8_write(uint16_t seg, uint8_t bus, uint8_t devfn, uint16_t off, unsigned int size,
		      uint32_t v)
{
	write_space(seg, bus, devfn, off, size, v, 256);
}

const struct pci_access fake_pcie_ecam = {fake_pcie_read, fake_pcie_write, FAKE_PCIE_CFG_SIZE};
const struct pci_access fake_pcie_cf8 = {cf8_read, cf8_write, 256};

/* ---- ready-made functions --------------------------------------------------- */

struct fake_fn *fake_pcie_host_bridge(struct fake_fn *up, uint8_t devfn)
{
	return fake_pcie_add(up, devfn, 0x8086, 0x29c0, 0x06000000, 0);
}

struct fake_fn *fake_pcie_root_port(struct fake_fn *up, uint8_t devfn)
{
	struct fake_fn *f = fake_pcie_add(up, devfn, 0x1b36, 0x000c, 0x06040000, 1);

	fake_pcie_cap_exp(f, 0x40, PCIE_TYPE_ROOT_PORT, FAKE_PCIE_ARI_FWD);
	fake_pcie_cap_msi(f, 0x80, 0, true);
	fake_pcie_ext_aer(f, 0x100);
	return f;
}

static struct fake_fn *switch_port(struct fake_fn *up, uint8_t devfn, uint16_t device, uint8_t type,
				   unsigned int flags)
{
	struct fake_fn *f = fake_pcie_add(up, devfn, 0x104c, device, 0x06040002, 1);

	fake_pcie_cap_msi(f, 0x70, 0, false);
	fake_pcie_cap(f, 0x80, 0x0d); /* bridge subsystem vendor ID */
	fake_pcie_set(f, 0x84, 4, 0x11001af4);
	fake_pcie_cap_exp(f, 0x90, type, flags);
	fake_pcie_ext_aer(f, 0x100);
	return f;
}

struct fake_fn *fake_pcie_switch_up(struct fake_fn *up, uint8_t devfn)
{
	return switch_port(up, devfn, 0x8232, PCIE_TYPE_UPSTREAM, 0);
}

struct fake_fn *fake_pcie_switch_down(struct fake_fn *up, uint8_t devfn)
{
	return switch_port(up, devfn, 0x8233, PCIE_TYPE_DOWNSTREAM, FAKE_PCIE_ARI_FWD);
}

struct fake_fn *fake_pcie_igb(struct fake_fn *up, uint8_t devfn)
{
	struct fake_fn *f = fake_pcie_add(up, devfn, 0x8086, 0x10c9, 0x02000001, 0);
	struct fake_sriov c = {
		.total = 8,
		.initial = 8,
		.offset = 0x80,
		.stride = 2,
		.vf_device = 0x10ca,
		.page_sizes = 0x553,
	};

	c.bar[0].size = c.bar[3].size = 16 << 10;
	c.bar[0].flags = c.bar[3].flags = PCI_BAR_MEM64 | PCI_BAR_PREFETCH;
	fake_pcie_bar(f, 0, 128 << 10, 0);
	fake_pcie_bar(f, 1, 128 << 10, 0);
	fake_pcie_bar(f, 2, 32, PCI_BAR_IO);
	fake_pcie_bar(f, 3, 16 << 10, PCI_BAR_MEM64);
	fake_pcie_set(f, 0x2c, 4, 0xa01c8086); /* subsystem */
	fake_pcie_set(f, 0x3d, 1, 1);	       /* INTA */
	fake_pcie_cap_pm(f, FAKE_IGB_PM);
	fake_pcie_cap_msi(f, FAKE_IGB_MSI, 0, true);
	fake_pcie_cap_msix(f, FAKE_IGB_MSIX, 10, 0x00000003, 0x00002003);
	fake_pcie_cap_exp(f, FAKE_IGB_PCIE, PCIE_TYPE_ENDPOINT, FAKE_PCIE_FLR);
	fake_pcie_ext_aer(f, FAKE_IGB_AER);
	fake_pcie_ext_ari(f, FAKE_IGB_ARI, 0);
	fake_pcie_ext_sriov(f, FAKE_IGB_SRIOV, &c);
	for (unsigned int n = 0; n < f->nvfs; n++) {
		struct fake_fn *vf = f->vf[n];

		fake_pcie_cap_msix(vf, FAKE_IGB_MSIX, 3, 0x00000003, 0x00002003);
		fake_pcie_cap_exp(vf, FAKE_IGB_PCIE, PCIE_TYPE_ENDPOINT, FAKE_PCIE_FLR);
		fake_pcie_ext_aer(vf, FAKE_IGB_AER);
		fake_pcie_ext_ari(vf, FAKE_IGB_ARI, 0);
	}
	return f;
}

/* ---- ready-made topologies -------------------------------------------------- */

static void firmware_windows(struct fake_fn *b)
{
	fake_pcie_window_mem(b, 0xfe600000, 0xfe7fffff);
	fake_pcie_window_pref(b, 0xfea00000, 0xfebfffff);
	fake_pcie_window_io(b, 0xc000, 0xcfff);
	set_live(b, 0x04, 2, 0x0007);
}

void fake_pcie_q35(struct fake_q35 *q, unsigned int flags)
{
	struct fake_fn *above;

	memset(q, 0, sizeof(*q));
	q->host = fake_pcie_host_bridge(NULL, PCI_DEVFN(0, 0));
	q->rp = fake_pcie_root_port(NULL, PCI_DEVFN(2, 0));
	q->lpc = fake_pcie_add(NULL, PCI_DEVFN(0x1f, 0), 0x8086, 0x2918, 0x06010002, 0x80);
	q->sata = fake_pcie_add(NULL, PCI_DEVFN(0x1f, 2), 0x8086, 0x2922, 0x01060102, 0);
	fake_pcie_bar(q->sata, 4, 32, PCI_BAR_IO);
	fake_pcie_bar(q->sata, 5, 4 << 10, 0);
	fake_pcie_cap_msi(q->sata, 0x80, 0, false);
	fake_pcie_cap(q->sata, 0xa8, 0x12); /* SATA */
	q->smbus = fake_pcie_add(NULL, PCI_DEVFN(0x1f, 3), 0x8086, 0x2930, 0x0c050002, 0);
	fake_pcie_bar(q->smbus, 4, 64, PCI_BAR_IO);

	above = q->rp;
	if (flags & FAKE_Q35_SWITCH) {
		q->sw_up = fake_pcie_switch_up(q->rp, PCI_DEVFN(0, 0));
		q->sw_down[0] = fake_pcie_switch_down(q->sw_up, PCI_DEVFN(0, 0));
		q->sw_down[1] = fake_pcie_switch_down(q->sw_up, PCI_DEVFN(1, 0));
		above = q->sw_down[1];
	}
	q->igb = fake_pcie_igb(above, PCI_DEVFN(0, 0));
	if (!(flags & FAKE_Q35_FIRMWARE))
		return;

	if (flags & FAKE_Q35_SWITCH) {
		fake_pcie_buses(q->rp, 0, 1, 4);
		fake_pcie_buses(q->sw_up, 1, 2, 4);
		fake_pcie_buses(q->sw_down[0], 2, 3, 3);
		fake_pcie_buses(q->sw_down[1], 2, 4, 4);
		firmware_windows(q->sw_up);
		firmware_windows(q->sw_down[1]);
		/* nothing below: windows closed (base above limit) */
		fake_pcie_window_mem(q->sw_down[0], 0xfff00000, 0);
		fake_pcie_window_pref(q->sw_down[0], 0xfff00000, 0);
		fake_pcie_window_io(q->sw_down[0], 0xf000, 0);
	} else {
		fake_pcie_buses(q->rp, 0, 1, 1);
	}
	firmware_windows(q->rp);
	fake_pcie_bar_base(q->igb, 0, 0xfe600000);
	fake_pcie_bar_base(q->igb, 1, 0xfe620000);
	fake_pcie_bar_base(q->igb, 2, 0xc000);
	fake_pcie_bar_base(q->igb, 3, 0xfe640000);
	bar_base_at(q->igb, FAKE_IGB_SRIOV + 0x24, true, 0xfea00000);
	bar_base_at(q->igb, FAKE_IGB_SRIOV + 0x30, true, 0xfea20000);
	set_live(q->igb, 0x04, 2, 0x0007);
	fake_pcie_bar_base(q->sata, 4, 0xd040);
	fake_pcie_bar_base(q->sata, 5, 0xfebd4000);
	set_live(q->sata, 0x04, 2, 0x0007);
	fake_pcie_bar_base(q->smbus, 4, 0x0700);
	set_live(q->smbus, 0x04, 2, 0x0001);
}
