// SPDX-License-Identifier: MIT
/*
 * DMAR parsing (VT-d specification chapter 8) and the unit-for-a-function
 * lookup. The table comes from firmware: every length is checked against
 * what encloses it before anything inside is read, fields are fetched with
 * memcpy since the structures are packed, and any inconsistency refuses the
 * whole table.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "iommu/dmar.h"
#include "lib/err.h"
#include "lib/kstring.h"
#include "lib/unaligned.h"
#include "lib/printk.h"

#define DMAR_HDR_LEN   48 /* ACPI header, width, flags, 10 reserved */
#define DMAR_HAW_OFF   36
#define DMAR_FLAGS_OFF 37
#define STRUCT_HDR_LEN 4 /* type u16, length u16 */
#define DRHD_HDR_LEN   16
#define RMRR_HDR_LEN   24
#define SCOPE_HDR_LEN  6
#define SCOPE_MIN_LEN  (SCOPE_HDR_LEN + 2) /* at least one path element */

#define TYPE_DRHD 0
#define TYPE_RMRR 1

#define DMAR_FLAG_INTR_REMAP	 (1u << 0)
#define DMAR_FLAG_X2APIC_OPT_OUT (1u << 1)
#define DRHD_FLAG_INCLUDE_ALL	 (1u << 0)

#define PAGE_MASK 0xfffull

/* Bridge scope match ranks sit between these; an endpoint beats them all. */
#define RANK_INCLUDE_ALL 1
#define RANK_BRIDGE	 0x100
#define RANK_ENDPOINT	 0x300

static unsigned long long ull(uint64_t v)
{
	return (unsigned long long)v;
}

/*
 * The device scopes of the structure at table offset @base (@slen bytes at
 * @s, scopes from @hdr on) into @sc / *@count. @what names the parent.
 */
static int parse_scopes(const uint8_t *s, size_t base, size_t slen, size_t hdr, const char *what,
			struct dmar_scope *sc, unsigned int *count)
{
	size_t off = hdr;

	/* Each scope is at least SCOPE_MIN_LEN bytes, so this ends. */
	while (off < slen) {
		size_t at = base + off, left = slen - off;
		struct dmar_scope *e;
		uint8_t len;
		unsigned int n;

		if (left < 2) {
			pr_err("dmar: at offset 0x%zx: %zu byte(s) left in the %s, too few for a "
			       "device scope\n",
			       at, left, what);
			return -EINVAL;
		}
		len = s[off + 1];
		if (len < SCOPE_MIN_LEN) {
			pr_err("dmar: at offset 0x%zx: device scope length %u, below %u\n", at, len,
			       SCOPE_MIN_LEN);
			return -EINVAL;
		}
		if ((len - SCOPE_HDR_LEN) % 2) {
			pr_err("dmar: at offset 0x%zx: device scope length %u leaves an odd path\n",
			       at, len);
			return -EINVAL;
		}
		if (len > left) {
			pr_err("dmar: at offset 0x%zx: device scope of length %u runs past its %s "
			       "(%zu bytes left)\n",
			       at, len, what, left);
			return -EINVAL;
		}
		n = (len - SCOPE_HDR_LEN) / 2u;
		if (n > DMAR_MAX_PATH) {
			pr_err("dmar: at offset 0x%zx: device scope path of %u elements, more than "
			       "%d\n",
			       at, n, DMAR_MAX_PATH);
			return -E2BIG;
		}
		if (*count == DMAR_MAX_SCOPES) {
			pr_err("dmar: at offset 0x%zx: more than %d device scopes in one %s\n", at,
			       DMAR_MAX_SCOPES, what);
			return -E2BIG;
		}
		e = &sc[(*count)++];
		e->type = s[off];
		e->enum_id = s[off + 4];
		e->start_bus = s[off + 5];
		e->path_len = (uint8_t)n;
		for (unsigned int i = 0; i < n; i++) {
			uint8_t dev = s[off + SCOPE_HDR_LEN + 2 * i];
			uint8_t fn = s[off + SCOPE_HDR_LEN + 2 * i + 1];

			/* Would alias another function once packed into a devfn. */
			if (dev > 31 || fn > 7) {
				pr_err("dmar: at offset 0x%zx: device scope path element %u is "
				       "device 0x%x function 0x%x\n",
				       at, i, dev, fn);
				return -EINVAL;
			}
			e->path[i].dev = dev;
			e->path[i].fn = fn;
		}
		off += len;
	}
	return 0;
}

static int parse_drhd(struct dmar_info *d, const uint8_t *s, size_t at, uint16_t slen)
{
	struct dmar_unit *u;
	uint16_t seg;
	uint64_t base;
	bool all;

	if (slen < DRHD_HDR_LEN) {
		pr_err("dmar: at offset 0x%zx: DRHD length %u, below %u\n", at, slen, DRHD_HDR_LEN);
		return -EINVAL;
	}
	all = s[4] & DRHD_FLAG_INCLUDE_ALL;
	seg = rd16(s + 6);
	base = rd64(s + 8);
	/* The driver maps one page of registers there. */
	if (!base || (base & PAGE_MASK)) {
		pr_err("dmar: at offset 0x%zx: DRHD register base 0x%llx is not a page\n", at,
		       ull(base));
		return -EINVAL;
	}
	for (unsigned int i = 0; i < d->unit_count; i++) {
		if (d->unit[i].base == base) {
			pr_err("dmar: at offset 0x%zx: DRHD register base 0x%llx already taken by "
			       "unit %u\n",
			       at, ull(base), i);
			return -EINVAL;
		}
		if (all && d->unit[i].include_all && d->unit[i].segment == seg) {
			pr_err("dmar: at offset 0x%zx: second INCLUDE_PCI_ALL DRHD for segment "
			       "%u (unit %u is the first)\n",
			       at, seg, i);
			return -EINVAL;
		}
	}
	if (d->unit_count == DMAR_MAX_UNITS) {
		pr_err("dmar: at offset 0x%zx: more than %d DRHDs\n", at, DMAR_MAX_UNITS);
		return -E2BIG;
	}
	u = &d->unit[d->unit_count++];
	u->base = base;
	u->segment = seg;
	u->include_all = all;
	return parse_scopes(s, at, slen, DRHD_HDR_LEN, "DRHD", u->scope, &u->scope_count);
}

static int parse_rmrr(struct dmar_info *d, const uint8_t *s, size_t at, uint16_t slen)
{
	struct dmar_rmrr *r;
	uint64_t base, limit;

	if (slen < RMRR_HDR_LEN) {
		pr_err("dmar: at offset 0x%zx: RMRR length %u, below %u\n", at, slen, RMRR_HDR_LEN);
		return -EINVAL;
	}
	base = rd64(s + 8);
	limit = rd64(s + 16);
	if (limit < base) {
		pr_err("dmar: at offset 0x%zx: RMRR limit 0x%llx below its base 0x%llx\n", at,
		       ull(limit), ull(base));
		return -EINVAL;
	}
	/* Whole pages: the limit is the last byte of one. */
	if ((base & PAGE_MASK) || (limit & PAGE_MASK) != PAGE_MASK) {
		pr_err("dmar: at offset 0x%zx: RMRR 0x%llx-0x%llx is not page-aligned\n", at,
		       ull(base), ull(limit));
		return -EINVAL;
	}
	if (d->rmrr_count == DMAR_MAX_RMRRS) {
		pr_err("dmar: at offset 0x%zx: more than %d RMRRs\n", at, DMAR_MAX_RMRRS);
		return -E2BIG;
	}
	r = &d->rmrr[d->rmrr_count++];
	r->segment = rd16(s + 6);
	r->base = base;
	r->limit = limit;
	return parse_scopes(s, at, slen, RMRR_HDR_LEN, "RMRR", r->scope, &r->scope_count);
}

static int parse(struct dmar_info *d, const uint8_t *p, size_t len)
{
	size_t off;

	if (!p || len < DMAR_HDR_LEN) {
		pr_err("dmar: at offset 0x0: table of %zu bytes, shorter than its %u-byte header\n",
		       p ? len : 0, DMAR_HDR_LEN);
		return -EINVAL;
	}
	/* The field holds width - 1; past 64 bits is nonsense. */
	if (p[DMAR_HAW_OFF] > 63) {
		pr_err("dmar: at offset 0x%x: host address width of %u bits\n", DMAR_HAW_OFF,
		       p[DMAR_HAW_OFF] + 1u);
		return -EINVAL;
	}
	d->haw = (uint8_t)(p[DMAR_HAW_OFF] + 1);
	d->intr_remap = p[DMAR_FLAGS_OFF] & DMAR_FLAG_INTR_REMAP;
	d->x2apic_opt_out = p[DMAR_FLAGS_OFF] & DMAR_FLAG_X2APIC_OPT_OUT;

	/* Every structure is at least STRUCT_HDR_LEN bytes, so this ends. */
	for (off = DMAR_HDR_LEN; off < len;) {
		const uint8_t *s = p + off;
		uint16_t type, slen;
		int err = 0;

		if (len - off < STRUCT_HDR_LEN) {
			pr_err("dmar: at offset 0x%zx: %zu byte(s) left, too few for a structure\n",
			       off, len - off);
			return -EINVAL;
		}
		type = rd16(s);
		slen = rd16(s + 2);
		if (slen < STRUCT_HDR_LEN) {
			pr_err("dmar: at offset 0x%zx: structure type %u has length %u\n", off,
			       type, slen);
			return -EINVAL;
		}
		if (slen > len - off) {
			pr_err("dmar: at offset 0x%zx: structure type %u of length %u runs past "
			       "the "
			       "table end (%zu bytes left)\n",
			       off, type, slen, len - off);
			return -EINVAL;
		}
		/* ATSR, RHSA, ANDD, SATC and anything newer are not used. */
		if (type == TYPE_DRHD)
			err = parse_drhd(d, s, off, slen);
		else if (type == TYPE_RMRR)
			err = parse_rmrr(d, s, off, slen);
		if (err)
			return err;
		off += slen;
	}
	return 0;
}

int dmar_parse(struct dmar_info *d, const void *table, size_t len)
{
	int err;

	memset(d, 0, sizeof(*d));
	err = parse(d, table, len);
	if (err)
		memset(d, 0, sizeof(*d));
	return err;
}

/*
 * Where @sc leads in segment @seg: the bus and devfn its last element names,
 * and for a bridge the buses below it. False if it leads nowhere.
 */
static bool scope_resolve(const struct dmar_scope *sc, uint16_t seg, dmar_bridge_fn bridge,
			  uint8_t *bus, uint8_t *devfn, uint8_t *sec, uint8_t *sub)
{
	uint8_t b = sc->start_bus, s, t;
	unsigned int n = sc->path_len;

	if (!n || n > DMAR_MAX_PATH)
		return false;
	for (unsigned int i = 0; i < n; i++) {
		uint8_t df = (uint8_t)(sc->path[i].dev << 3 | sc->path[i].fn);
		bool last = i == n - 1;

		if (sc->path[i].dev > 31 || sc->path[i].fn > 7)
			return false;
		if (last && sc->type == DMAR_SCOPE_ENDPOINT) {
			*bus = b;
			*devfn = df;
			return true;
		}
		/* Every other element must be a bridge that leads further down;
		 * one whose buses do not lie above its own was not enumerated. */
		if (!bridge || !bridge(seg, b, df, &s, &t) || s <= b || t < s)
			return false;
		if (last) {
			*bus = b;
			*devfn = df;
			*sec = s;
			*sub = t;
			return true;
		}
		b = s;
	}
	return false;
}

bool dmar_scope_rids(const struct dmar_scope *sc, uint16_t seg, dmar_bridge_fn bridge,
		     uint16_t *first, uint16_t *last)
{
	uint8_t bus, devfn, sec = 0, sub = 0;

	if (sc->type != DMAR_SCOPE_ENDPOINT && sc->type != DMAR_SCOPE_BRIDGE)
		return false;
	if (!scope_resolve(sc, seg, bridge, &bus, &devfn, &sec, &sub))
		return false;
	if (sc->type == DMAR_SCOPE_ENDPOINT) {
		*first = *last = (uint16_t)(bus << 8 | devfn);
	} else {
		*first = (uint16_t)(sec << 8);
		*last = (uint16_t)(sub << 8 | 0xFF);
	}
	return true;
}

/* How closely @u names @seg:@bus:@devfn: 0 not at all, higher is closer. */
static int unit_rank(const struct dmar_unit *u, uint16_t seg, uint8_t bus, uint8_t devfn,
		     dmar_bridge_fn bridge)
{
	int best = 0;
	unsigned int n = u->scope_count < DMAR_MAX_SCOPES ? u->scope_count : DMAR_MAX_SCOPES;

	for (unsigned int i = 0; i < n; i++) {
		const struct dmar_scope *sc = &u->scope[i];
		uint8_t b, df, sec = 0, sub = 0;
		int r = 0;

		if (sc->type != DMAR_SCOPE_ENDPOINT && sc->type != DMAR_SCOPE_BRIDGE)
			continue;
		if (!scope_resolve(sc, seg, bridge, &b, &df, &sec, &sub))
			continue;
		if (sc->type == DMAR_SCOPE_ENDPOINT) {
			if (b == bus && df == devfn)
				r = RANK_ENDPOINT;
		} else if ((b == bus && df == devfn) || (bus >= sec && bus <= sub)) {
			/* Nested bridges have nested bus ranges: the narrower one
			 * lies deeper. */
			r = RANK_BRIDGE + 255 - (sub - sec);
		}
		if (r > best)
			best = r;
	}
	return best;
}

int dmar_unit_for(const struct dmar_info *d, uint16_t seg, uint8_t bus, uint8_t devfn,
		  dmar_bridge_fn bridge)
{
	unsigned int n = d->unit_count < DMAR_MAX_UNITS ? d->unit_count : DMAR_MAX_UNITS;
	int best = 0, which = -ENOENT;

	for (unsigned int i = 0; i < n; i++) {
		const struct dmar_unit *u = &d->unit[i];
		int r;

		if (u->segment != seg)
			continue;
		r = unit_rank(u, seg, bus, devfn, bridge);
		if (!r && u->include_all)
			r = RANK_INCLUDE_ALL;
		/* On a tie the unit listed first keeps it. */
		if (r > best) {
			best = r;
			which = (int)i;
		}
	}
	return which;
}
