// SPDX-License-Identifier: MIT
/*
 * pci_scan: enumerate a segment through its bridges. Bridges are taken
 * depth-first; on each bus, its functions are recorded first, then the bridges
 * whose firmware bus numbers are usable are descended, and only then are the
 * rest given numbers, from buses nothing else routes, so a number we assign can
 * never collide with a range firmware gave a sibling. A bitmap of used buses
 * (scanned, or inside a finished bridge's range) refuses a bus twice, which
 * also ends any bridge loop; nesting is limited besides.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/err.h"
#include "lib/kstring.h"
#include "drivers/pci/pci.h"
#include "lib/printk.h"

#define SCAN_DEPTH 32 /* bridges nested below the first bus */
#define STR(x)	   #x
#define XSTR(x)	   STR(x)

struct scan {
	uint16_t seg;
	uint8_t first;
	bool full;
	uint8_t used[256 / 8];
};

static bool bus_used(const struct scan *s, unsigned int bus)
{
	return s->used[bus / 8] & (1u << (bus % 8));
}

static void bus_mark(struct scan *s, unsigned int lo, unsigned int hi)
{
	for (unsigned int b = lo; b <= hi; b++)
		s->used[b / 8] |= (uint8_t)(1u << (b % 8));
}

static bool range_free(const struct scan *s, unsigned int lo, unsigned int hi)
{
	for (unsigned int b = lo; b <= hi; b++)
		if (bus_used(s, b))
			return false;
	return true;
}

/* Windows as the bridge decodes them now; base > limit reads as closed. */
static void read_windows(struct pci_dev *b)
{
	uint16_t mb = pci_read16(b, PCI_MEM_BASE), ml = pci_read16(b, PCI_MEM_BASE + 2);
	uint16_t pb = pci_read16(b, PCI_PREF_BASE), pl = pci_read16(b, PCI_PREF_BASE + 2);
	uint8_t ib = pci_read8(b, PCI_IO_BASE), il = pci_read8(b, PCI_IO_BASE + 1);

	/* Memory windows have 1 MiB granularity, I/O windows 4 KiB. */
	b->mem.base = (uint64_t)(mb & 0xfff0) << 16;
	b->mem.limit = (uint64_t)(ml & 0xfff0) << 16 | 0xfffff;

	b->pref64 = (pb & 0xf) == 1;
	b->pref.base = (uint64_t)(pb & 0xfff0) << 16;
	b->pref.limit = (uint64_t)(pl & 0xfff0) << 16 | 0xfffff;
	if (b->pref64) {
		b->pref.base |= (uint64_t)pci_read32(b, PCI_PREF_BASE_HI) << 32;
		b->pref.limit |= (uint64_t)pci_read32(b, PCI_PREF_LIMIT_HI) << 32;
	}

	b->io.base = (uint64_t)(ib & 0xf0) << 8;
	b->io.limit = (uint64_t)(il & 0xf0) << 8 | 0xfff;
	if ((ib & 0xf) == 1) {
		b->io.base |= (uint64_t)pci_read16(b, 0x30) << 16;
		b->io.limit |= (uint64_t)pci_read16(b, 0x32) << 16;
	}
}

static struct pci_dev *record(struct scan *s, uint8_t bus, uint8_t devfn, uint16_t vendor,
			      struct pci_dev *parent)
{
	struct pci_dev *d;
	int nbars;

	if (pci_dev_count == PCI_MAX_DEVS) {
		if (!s->full)
			pr_warn("pci: more than %d functions, the rest not scanned\n",
				PCI_MAX_DEVS);
		s->full = true;
		return NULL;
	}
	d = &pci_devs[pci_dev_count++];
	memset(d, 0, sizeof(*d));
	d->seg = s->seg;
	d->bus = bus;
	d->devfn = devfn;
	d->vendor = vendor;
	d->device = pci_read16(d, PCI_DEVICE_ID);
	d->class_rev = pci_read32(d, PCI_CLASS_REV);
	d->hdr_type = pci_read8(d, PCI_HEADER_TYPE) & 0x7f;
	d->parent = parent;
	pci_read_caps(d);

	nbars = d->hdr_type == 0 ? 6 : d->hdr_type == 1 ? 2 : 0;
	for (int i = 0; i < nbars;)
		i += pci_bar_probe(d, i);
	if (d->hdr_type == 1)
		read_windows(d);
	return d;
}

/* Set the bridge's bus numbers, keeping the secondary latency timer. */
static void set_buses(const struct pci_dev *b, uint8_t sec, uint8_t sub)
{
	uint32_t v = pci_read32(b, PCI_PRIMARY_BUS) & 0xff000000u;

	pci_write32(b, PCI_PRIMARY_BUS, v | (uint32_t)sub << 16 | (uint32_t)sec << 8 | b->bus);
}

/* Leave the bridge routing nothing, so that no bus we hand out elsewhere is
 * also claimed by it. */
static void refuse(struct pci_dev *b, const char *why)
{
	char name[13];

	pr_warn("pci: %s: %s, bridge not scanned\n", pci_name(b, name), why);
	set_buses(b, 0, 0);
	b->sec_bus = b->sub_bus = 0;
}

static unsigned int scan_bus(struct scan *s, uint8_t bus, uint8_t limit, struct pci_dev *parent,
			     int depth);

/* Descend a bridge whose firmware numbers are usable; false if they are not. */
static bool scan_firmware(struct scan *s, struct pci_dev *b, uint8_t limit, int depth)
{
	uint8_t sec = pci_read8(b, PCI_PRIMARY_BUS + 1), sub = pci_read8(b, PCI_PRIMARY_BUS + 2);

	if (sec <= b->bus || sec > sub || sec < s->first || sub > limit || !range_free(s, sec, sub))
		return false;
	b->sec_bus = sec;
	b->sub_bus = sub;
	scan_bus(s, sec, sub, b, depth + 1);
	/* The whole range stays the bridge's, found populated or not. */
	bus_mark(s, sec, sub);
	return true;
}

/* Number a bridge from the lowest free bus and as many free buses after it as
 * there are, then trim its subordinate to what was found below. */
static void scan_assign(struct scan *s, struct pci_dev *b, uint8_t limit, int depth)
{
	uint8_t fw_sec = pci_read8(b, PCI_PRIMARY_BUS + 1);
	uint8_t fw_sub = pci_read8(b, PCI_PRIMARY_BUS + 2);
	unsigned int sec, hole, max;
	char name[13];

	for (sec = b->bus + 1u; sec <= limit && bus_used(s, sec); sec++)
		;
	if (sec > limit) {
		refuse(b, "no free bus number");
		return;
	}
	for (hole = sec; hole < limit && !bus_used(s, hole + 1); hole++)
		;
	set_buses(b, (uint8_t)sec, (uint8_t)hole);
	max = scan_bus(s, (uint8_t)sec, (uint8_t)hole, b, depth + 1);
	pci_write8(b, PCI_PRIMARY_BUS + 2, (uint8_t)max);
	b->sec_bus = (uint8_t)sec;
	b->sub_bus = (uint8_t)max;
	bus_mark(s, sec, max);
	if (!fw_sec && !fw_sub)
		pr_warn("pci: %s: bus numbers unset, assigned %u-%u\n", pci_name(b, name), sec,
			max);
	else
		pr_warn("pci: %s: bus numbers %u-%u invalid, assigned %u-%u\n", pci_name(b, name),
			fw_sec, fw_sub, sec, max);
}

/*
 * Record the functions on @bus, then descend its bridges; buses below it may
 * go up to @limit. Returns the highest bus number used at or below @bus.
 */
static unsigned int scan_bus(struct scan *s, uint8_t bus, uint8_t limit, struct pci_dev *parent,
			     int depth)
{
	unsigned int first = pci_dev_count, end, max = bus;

	bus_mark(s, bus, bus);
	for (unsigned int dev = 0; dev < 32 && !s->full; dev++) {
		unsigned int nfn = 1;

		for (unsigned int fn = 0; fn < nfn; fn++) {
			uint8_t devfn = PCI_DEVFN(dev, fn);
			uint16_t vendor =
				(uint16_t)pci_conf_read(s->seg, bus, devfn, PCI_VENDOR_ID, 2);

			if (vendor == 0xffff)
				continue;
			/* Functions 1-7 exist only if function 0 says so. */
			if (fn == 0 &&
			    (pci_conf_read(s->seg, bus, devfn, PCI_HEADER_TYPE, 1) & 0x80))
				nfn = 8;
			if (!record(s, bus, devfn, vendor, parent))
				break;
		}
	}
	end = pci_dev_count;

	for (unsigned int pass = 0; pass < 2; pass++) {
		for (unsigned int i = first; i < end && !s->full; i++) {
			struct pci_dev *b = &pci_devs[i];

			if (b->hdr_type != 1 || b->sec_bus)
				continue;
			if (depth >= SCAN_DEPTH) {
				if (pass)
					refuse(b, "nested more than " XSTR(
							  SCAN_DEPTH) " bridges deep");
				continue;
			}
			if (pass == 0)
				scan_firmware(s, b, limit, depth);
			else
				scan_assign(s, b, limit, depth);
			if (b->sec_bus && b->sub_bus > max)
				max = b->sub_bus;
		}
	}
	return max;
}

int pci_scan(uint16_t seg, uint8_t bus_first, uint8_t bus_last)
{
	struct scan s;

	memset(pci_devs, 0, sizeof(pci_devs));
	pci_dev_count = 0;
	if (bus_first > bus_last)
		return -EINVAL;
	memset(&s, 0, sizeof(s));
	s.seg = seg;
	s.first = bus_first;
	scan_bus(&s, bus_first, bus_last, NULL, 0);
	return s.full ? -E2BIG : (int)pci_dev_count;
}
