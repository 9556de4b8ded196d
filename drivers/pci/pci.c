// SPDX-License-Identifier: MIT
/*
 * PCI configuration access, capability walks, BAR sizing and the device table.
 * Everything read from configuration space is device-provided: capability
 * pointers are range-checked and every walk is bounded, so a broken or hostile
 * function can cut its own list short but never make us loop or read outside
 * its space.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/err.h"
#include "lib/kstring.h"
#include "drivers/pci/pci.h"
#include "lib/printk.h"

#define CAP_STD_FIRST 0x40
#define CAP_STD_STEPS 48 /* (256 - 64) / 4 dword-aligned slots: more is a loop */
#define CAP_EXT_FIRST 0x100
#define CAP_EXT_STEPS ((4096 - 256) / 4)

/* Long enough for six BARs and a bridge's windows (see pci_report). */
#define REPORT_LINE 256

struct pci_dev pci_devs[PCI_MAX_DEVS];
unsigned int pci_dev_count;

static const struct pci_access *cfg_access;

static unsigned long long ull(uint64_t v)
{
	return (unsigned long long)v;
}

void pci_set_access(const struct pci_access *a)
{
	cfg_access = a;
}

/* What an access of @size bytes reads from nothing (any bad size: 32 bits). */
static uint32_t ones(unsigned int size)
{
	return size == 1 ? 0xffu : size == 2 ? 0xffffu : 0xffffffffu;
}

/* An access the back end cannot make (bad size, misaligned, past the space)
 * reads as an absent function would and writes nothing. */
static bool conf_ok(uint16_t off, unsigned int size)
{
	return cfg_access && (size == 1 || size == 2 || size == 4) && !(off & (size - 1)) &&
	       (uint32_t)off + size <= cfg_access->cfg_size;
}

uint16_t pci_cfg_size(void)
{
	return cfg_access ? cfg_access->cfg_size : 0;
}

uint32_t pci_conf_read(uint16_t seg, uint8_t bus, uint8_t devfn, uint16_t off, unsigned int size)
{
	if (!conf_ok(off, size))
		return ones(size);
	return cfg_access->read(seg, bus, devfn, off, size) & ones(size);
}

void pci_conf_write(uint16_t seg, uint8_t bus, uint8_t devfn, uint16_t off, unsigned int size,
		    uint32_t v)
{
	if (conf_ok(off, size))
		cfg_access->write(seg, bus, devfn, off, size, v & ones(size));
}

uint8_t pci_read8(const struct pci_dev *d, uint16_t off)
{
	return (uint8_t)pci_conf_read(d->seg, d->bus, d->devfn, off, 1);
}

uint16_t pci_read16(const struct pci_dev *d, uint16_t off)
{
	return (uint16_t)pci_conf_read(d->seg, d->bus, d->devfn, off, 2);
}

uint32_t pci_read32(const struct pci_dev *d, uint16_t off)
{
	return pci_conf_read(d->seg, d->bus, d->devfn, off, 4);
}

void pci_write8(const struct pci_dev *d, uint16_t off, uint8_t v)
{
	pci_conf_write(d->seg, d->bus, d->devfn, off, 1, v);
}

void pci_write16(const struct pci_dev *d, uint16_t off, uint16_t v)
{
	pci_conf_write(d->seg, d->bus, d->devfn, off, 2, v);
}

void pci_write32(const struct pci_dev *d, uint16_t off, uint32_t v)
{
	pci_conf_write(d->seg, d->bus, d->devfn, off, 4, v);
}

const char *pci_name(const struct pci_dev *d, char *buf)
{
	sfmt(buf, 13, "%04x:%02x:%02x.%x", d->seg, d->bus, PCI_SLOT(d->devfn), PCI_FUNC(d->devfn));
	return buf;
}

/* ---- capability walks ------------------------------------------------------- */

static void keep_std(struct pci_dev *rec, uint8_t id, uint8_t pos)
{
	uint8_t *slot = id == PCI_CAP_PM     ? &rec->pm_cap
			: id == PCI_CAP_MSI  ? &rec->msi_cap
			: id == PCI_CAP_PCIE ? &rec->pcie_cap
			: id == PCI_CAP_MSIX ? &rec->msix_cap
					     : NULL;

	/* The first one counts, as for pci_find_cap. */
	if (slot && !*slot)
		*slot = pos;
}

/*
 * Walk the standard list of @d: return the offset of capability @id, or 0.
 * With @rec, record every capability the device table keeps instead (one walk
 * for all, so a broken list is reported once) and return 0.
 */
static uint8_t std_walk(const struct pci_dev *d, uint8_t id, struct pci_dev *rec)
{
	char name[13];
	unsigned int steps;
	uint8_t pos;

	if (!(pci_read16(d, PCI_STATUS) & PCI_STATUS_CAPS))
		return 0;
	pos = pci_read8(d, PCI_CAP_PTR) & 0xfc;
	for (steps = 0; pos && steps < CAP_STD_STEPS; steps++) {
		uint16_t hdr;
		uint8_t cid;

		if (pos < CAP_STD_FIRST) {
			pr_warn("pci: %s: capability pointer 0x%x points into the header, list "
				"cut\n",
				pci_name(d, name), pos);
			return 0;
		}
		hdr = pci_read16(d, pos);
		cid = (uint8_t)hdr;
		/* 0xff is no capability ID: the function stopped answering. */
		if (cid == 0xff)
			return 0;
		if (rec)
			keep_std(rec, cid, pos);
		else if (cid == id)
			return pos;
		pos = (hdr >> 8) & 0xfc;
	}
	if (pos)
		pr_warn("pci: %s: capability list loops, cut after %d entries\n", pci_name(d, name),
			CAP_STD_STEPS);
	return 0;
}

static void keep_ext(struct pci_dev *rec, uint16_t id, uint16_t pos)
{
	if (id == PCI_EXT_CAP_SRIOV && !rec->sriov_cap)
		rec->sriov_cap = pos;
	else if (id == PCI_EXT_CAP_ARI && !rec->ari_cap)
		rec->ari_cap = pos;
}

/* As std_walk, for the extended list from 0x100. */
static uint16_t ext_walk(const struct pci_dev *d, uint16_t id, struct pci_dev *rec)
{
	uint16_t cfg_size = cfg_access ? cfg_access->cfg_size : 0;
	uint16_t pos = CAP_EXT_FIRST;
	char name[13];
	unsigned int steps;

	/* CF8/CFC reaches only the first 256 bytes: no extended space to walk. */
	if (cfg_size <= CAP_EXT_FIRST)
		return 0;
	for (steps = 0; steps < CAP_EXT_STEPS; steps++) {
		uint32_t hdr = pci_read32(d, pos);
		uint16_t next;

		/* At 0x100 both mean "no extended list"; further on, the end of
		 * the list or a function that stopped answering. */
		if (hdr == 0 || hdr == 0xffffffffu)
			return 0;
		if (rec)
			keep_ext(rec, (uint16_t)hdr, pos);
		else if ((uint16_t)hdr == id)
			return pos;
		next = (hdr >> 20) & 0xffc;
		if (!next)
			return 0;
		if (next < CAP_EXT_FIRST || next > cfg_size - 4) {
			pr_warn("pci: %s: extended capability at 0x%x points to 0x%x, outside "
				"the extended space, list cut\n",
				pci_name(d, name), pos, next);
			return 0;
		}
		pos = next;
	}
	pr_warn("pci: %s: extended capability list loops, cut after %d entries\n",
		pci_name(d, name), CAP_EXT_STEPS);
	return 0;
}

uint8_t pci_find_cap(const struct pci_dev *d, uint8_t id)
{
	return std_walk(d, id, NULL);
}

uint16_t pci_find_ext_cap(const struct pci_dev *d, uint16_t id)
{
	return ext_walk(d, id, NULL);
}

void pci_read_caps(struct pci_dev *d)
{
	d->pm_cap = d->msi_cap = d->pcie_cap = d->msix_cap = 0;
	d->pcie_type = 0;
	d->sriov_cap = d->ari_cap = 0;
	std_walk(d, 0, d);
	if (d->pcie_cap) {
		d->pcie_type = (pci_read16(d, d->pcie_cap + PCIE_CAPS) >> 4) & 0xf;
		/* Only PCIe functions have extended space, and only with ECAM. */
		ext_walk(d, 0, d);
	}
}

/* ---- BARs ------------------------------------------------------------------- */

int pci_bar_probe(struct pci_dev *d, int i)
{
	int nbars = d->hdr_type == 0 ? 6 : d->hdr_type == 1 ? 2 : 0;
	uint16_t off = (uint16_t)(PCI_BAR0 + 4 * i), cmd;
	struct pci_bar *bar;
	uint32_t lo, hi = 0, mlo, mhi = 0;
	uint64_t mask;
	char name[13];

	/* Past the BARs of a bridge lie its bus numbers: never write ones there. */
	if (i < 0 || i >= nbars)
		return -EINVAL;
	bar = &d->bar[i];
	memset(bar, 0, sizeof(*bar));
	lo = pci_read32(d, off);
	if (lo == 0xffffffffu)
		return 1; /* the function stopped answering */
	if (lo & 1) {
		bar->flags = PCI_BAR_IO;
	} else {
		if (((lo >> 1) & 3) == 2)
			bar->flags |= PCI_BAR_MEM64;
		if (lo & 8)
			bar->flags |= PCI_BAR_PREFETCH;
	}
	if ((bar->flags & PCI_BAR_MEM64) && i == nbars - 1) {
		pr_warn("pci: %s: bar%d is 64-bit but has no upper half, ignored\n",
			pci_name(d, name), i);
		bar->flags = 0;
		return 1;
	}

	/* Decoding off while the BAR holds all-ones: the device would
	 * otherwise claim whatever address range that happens to be. */
	cmd = pci_read16(d, PCI_COMMAND);
	if (cmd & (PCI_CMD_IO | PCI_CMD_MEM))
		pci_write16(d, PCI_COMMAND, cmd & ~(PCI_CMD_IO | PCI_CMD_MEM));
	pci_write32(d, off, 0xffffffffu);
	mlo = pci_read32(d, off);
	pci_write32(d, off, lo);
	if (bar->flags & PCI_BAR_MEM64) {
		hi = pci_read32(d, off + 4);
		pci_write32(d, off + 4, 0xffffffffu);
		mhi = pci_read32(d, off + 4);
		pci_write32(d, off + 4, hi);
	}
	if (cmd & (PCI_CMD_IO | PCI_CMD_MEM))
		pci_write16(d, PCI_COMMAND, cmd);

	if (bar->flags & PCI_BAR_IO) {
		/* Only the low 16 bits decode on x86; the rest may read 0. */
		mask = mlo & 0xfffcu;
		bar->base = lo & 0xfffffffcu;
	} else if (bar->flags & PCI_BAR_MEM64) {
		mask = (uint64_t)mhi << 32 | (mlo & 0xfffffff0u);
		bar->base = (uint64_t)hi << 32 | (lo & 0xfffffff0u);
	} else {
		mask = mlo & 0xfffffff0u;
		bar->base = lo & 0xfffffff0u;
	}
	/* The lowest writable bit is the size (~mask + 1 for a well-formed
	 * mask, and still a power of two for a malformed one). */
	bar->size = mask & (~mask + 1);
	if (!bar->size)
		bar->base = 0; /* unimplemented */
	return bar->flags & PCI_BAR_MEM64 ? 2 : 1;
}

/* ---- the device table ------------------------------------------------------- */

struct pci_dev *pci_find(uint16_t seg, uint8_t bus, uint8_t devfn)
{
	for (unsigned int i = 0; i < pci_dev_count; i++) {
		struct pci_dev *d = &pci_devs[i];

		if (d->seg == seg && d->bus == bus && d->devfn == devfn)
			return d;
	}
	return NULL;
}

struct pci_dev *pci_find_id(uint16_t vendor, uint16_t device, unsigned int n)
{
	for (unsigned int i = 0; i < pci_dev_count; i++) {
		struct pci_dev *d = &pci_devs[i];

		if (d->vendor == vendor && d->device == device && !n--)
			return d;
	}
	return NULL;
}

struct pci_dev *pci_add_vf(struct pci_dev *pf, uint8_t bus, uint8_t devfn, uint16_t index)
{
	struct pci_dev *d = pci_find(pf->seg, bus, devfn);
	char name[13], pfname[13];

	/* Enabling VFs again after disabling them finds the old entries. */
	if (d && !(d->is_vf && d->pf == pf)) {
		pr_warn("pci: %s: vf %u of %s collides with a function already there\n",
			pci_name(d, name), index, pci_name(pf, pfname));
		return NULL;
	}
	if (!d) {
		if (pci_dev_count == PCI_MAX_DEVS)
			return NULL;
		d = &pci_devs[pci_dev_count++];
	}
	memset(d, 0, sizeof(*d));
	d->seg = pf->seg;
	d->bus = bus;
	d->devfn = devfn;
	/* A VF's own vendor and device ID registers read 0xffff. */
	d->vendor = pf->vendor;
	d->class_rev = pci_read32(d, PCI_CLASS_REV);
	d->hdr_type = pci_read8(d, PCI_HEADER_TYPE) & 0x7f;
	d->parent = pf->parent;
	d->is_vf = true;
	d->pf = pf;
	d->vf_index = index;
	pci_read_caps(d);
	return d;
}

/* ---- names ------------------------------------------------------------------ */

/* Up to @max hex digits at *@s; advances *@s and returns how many (0: none). */
static unsigned int parse_hex(const char **s, unsigned int max, unsigned int *out)
{
	unsigned int v = 0, n;

	for (n = 0; n < max; n++) {
		char c = (*s)[n];
		unsigned int digit;

		if (c >= '0' && c <= '9')
			digit = (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			digit = (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			digit = (unsigned int)(c - 'A' + 10);
		else
			break;
		v = v << 4 | digit;
	}
	*s += n;
	*out = v;
	return n;
}

bool pci_parse_name(const char *s, uint16_t *seg, uint8_t *bus, uint8_t *devfn)
{
	unsigned int first, a, b, dev, fn, sg = 0, bs;

	if (!s)
		return false;
	first = parse_hex(&s, 4, &a);
	if (!first || *s++ != ':' || !parse_hex(&s, 2, &b))
		return false;
	if (*s == ':') {
		/* "SSSS:BB:DD.F" */
		s++;
		sg = a;
		bs = b;
		if (!parse_hex(&s, 2, &dev))
			return false;
	} else {
		/* "BB:DD.F": the first field was the bus */
		if (first > 2)
			return false;
		bs = a;
		dev = b;
	}
	if (*s++ != '.' || !parse_hex(&s, 1, &fn) || *s)
		return false;
	if (dev > 0x1f || fn > 7)
		return false;
	*seg = (uint16_t)sg;
	*bus = (uint8_t)bs;
	*devfn = PCI_DEVFN(dev, fn);
	return true;
}

/* ---- report ----------------------------------------------------------------- */

struct line {
	char buf[REPORT_LINE];
	size_t len;
};

__attribute__((format(printf, 2, 3))) static void line_add(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vfmt(l->buf + l->len, sizeof(l->buf) - l->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->len += (size_t)n;
	/* A cut line stays terminated; later adds then append nothing. */
	if (l->len > sizeof(l->buf) - 1)
		l->len = sizeof(l->buf) - 1;
}

/* " 128K", " 2M", " 32": K/M/G only where exact. */
static void line_size(struct line *l, uint64_t size)
{
	static const char unit[] = "GMK";

	for (int i = 0; i < 3; i++) {
		uint64_t u = 1ull << (10 * (3 - i));

		if (size >= u && !(size & (u - 1))) {
			line_add(l, " %llu%c", ull(size >> (10 * (3 - i))), unit[i]);
			return;
		}
	}
	line_add(l, " %llu", ull(size));
}

static void line_window(struct line *l, const char *what, const struct pci_window *w)
{
	if (w->base <= w->limit)
		line_add(l, " %s 0x%llx-0x%llx", what, ull(w->base), ull(w->limit));
}

static void report_one(const struct pci_dev *d)
{
	int nbars = d->hdr_type == 0 ? 6 : d->hdr_type == 1 ? 2 : 0;
	char name[13];
	struct line l;

	l.len = 0;
	l.buf[0] = '\0';
	line_add(&l, "pci: %s %04x:%04x class %06x", pci_name(d, name), d->vendor, d->device,
		 d->class_rev >> 8);
	for (int i = 0; i < nbars; i++) {
		const struct pci_bar *b = &d->bar[i];

		if (!b->size)
			continue;
		line_add(&l, " bar%d %s%s", i,
			 b->flags & PCI_BAR_IO	    ? "io"
			 : b->flags & PCI_BAR_MEM64 ? "mem64"
						    : "mem32",
			 b->flags & PCI_BAR_PREFETCH ? " pref" : "");
		if (b->base)
			line_add(&l, " 0x%llx", ull(b->base));
		else
			line_add(&l, " unassigned");
		line_size(&l, b->size);
	}
	if (d->hdr_type == 1) {
		if (d->sec_bus)
			line_add(&l, " bridge buses %u-%u", d->sec_bus, d->sub_bus);
		else
			line_add(&l, " bridge not scanned");
		line_window(&l, "io", &d->io);
		line_window(&l, "mem", &d->mem);
		line_window(&l, "pref", &d->pref);
	}
	if (d->is_vf && d->pf)
		line_add(&l, " vf %u of %s", d->vf_index, pci_name(d->pf, name));
	pr_info("%s\n", l.buf);
}

void pci_report(void)
{
	for (unsigned int i = 0; i < pci_dev_count; i++)
		report_one(&pci_devs[i]);
}
