// SPDX-License-Identifier: MIT
/*
 * IVRS parsing (AMD IOMMU specification section 5.2), the unit-for-a-function
 * lookup and the boot log lines. The table comes from firmware: every length
 * is checked against what encloses it before anything inside is read, fields
 * are fetched with memcpy since the structures are packed, and any
 * inconsistency refuses the whole table.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "iommu/ivrs.h"
#include "lib/err.h"
#include "lib/kstring.h"
#include "lib/unaligned.h"
#include "lib/printk.h"

#define IVRS_HDR_LEN	48 /* ACPI header, IVinfo, 8 reserved */
#define IVRS_IVINFO_OFF 36
#define ACPI_CSUM_OFF	9
#define BLOCK_HDR_LEN	4 /* type u8, flags u8, length u16 */

/* IVHD header fields */
#define IVHD_BDF_OFF	4
#define IVHD_CAP_OFF	6
#define IVHD_BASE_OFF	8
#define IVHD_SEG_OFF	16
#define IVHD_INFO_OFF	18
#define IVHD_FEAT_OFF	20
#define IVHD_EFR_OFF	24
#define IVHD_EFR2_OFF	32
#define IVHD_LEGACY_LEN 24
#define IVHD_EFR_LEN	40
#define IVHD_BASE_ALIGN 0x3fffull /* the registers take 16 KiB */

/* IVMD fields */
#define IVMD_LEN	32
#define IVMD_DEVID_OFF	4
#define IVMD_AUX_OFF	6 /* 22h: last device ID of the range */
#define IVMD_SEG_OFF	8 /* reserved (0) before spec revision 3.07 */
#define IVMD_START_OFF	16
#define IVMD_LENGTH_OFF 24

/* Device entry types. The top two bits of a type give the size of the
 * entry: 00b 4 bytes, 01b 8 bytes; from 80h on the length depends on the
 * type, and F0h (ACPI HID) is the only one defined. */
#define ENT_PAD4	 0x00
#define ENT_ALL		 0x01
#define ENT_SELECT	 0x02
#define ENT_START	 0x03
#define ENT_END		 0x04
#define ENT_PAD8	 0x40
#define ENT_ALIAS_SELECT 0x42
#define ENT_ALIAS_START	 0x43
#define ENT_EXT_SELECT	 0x46
#define ENT_EXT_START	 0x47
#define ENT_SPECIAL	 0x48
#define ENT_ACPI_HID	 0xf0
#define ENT_VARIABLE	 0x80
#define ACPI_HID_MIN	 22 /* up to and with the UID length at byte 21 */
#define ACPI_HID_UIDLEN	 21

#define BDF_FMT	      "%02x:%02x.%x"
#define BDF_ARGS(bdf) (bdf) >> 8, ((bdf) >> 3) & 0x1f, (bdf)&7

static unsigned long long ull(uint64_t v)
{
	return (unsigned long long)v;
}

static bool is_ivhd(uint8_t type)
{
	return type == IVRS_IVHD_LEGACY || type == IVRS_IVHD_EFR || type == IVRS_IVHD_ACPI;
}

static bool is_ivmd(uint8_t type)
{
	return type == IVRS_IVMD_ALL || type == IVRS_IVMD_ONE || type == IVRS_IVMD_RANGE;
}

/* Newer IVHD formats describe the same IOMMU more fully. */
static int ivhd_rank(uint8_t type)
{
	switch (type) {
	case IVRS_IVHD_LEGACY:
		return 1;
	case IVRS_IVHD_EFR:
		return 2;
	case IVRS_IVHD_ACPI:
		return 3;
	}
	return 0;
}

static unsigned int clamp(unsigned int n, unsigned int max)
{
	return n < max ? n : max;
}

/*
 * Span @k of the device IDs @u claims, @k below 2 * ranges + specials: its
 * ranges, then their alias targets, then its special devices. False for the
 * alias slot of a range that has none.
 */
static bool unit_span(const struct ivrs_unit *u, unsigned int k, uint16_t *first, uint16_t *last)
{
	unsigned int nr = clamp(u->range_count, IVRS_MAX_RANGES);

	if (k < nr) {
		*first = u->range[k].first;
		*last = u->range[k].last;
		return true;
	}
	k -= nr;
	if (k < nr) {
		*first = *last = u->range[k].alias;
		return u->range[k].aliased;
	}
	k -= nr;
	if (k < clamp(u->special_count, IVRS_MAX_SPECIALS)) {
		*first = *last = u->special[k].bdf;
		return true;
	}
	return false;
}

static unsigned int span_count(const struct ivrs_unit *u)
{
	return 2 * clamp(u->range_count, IVRS_MAX_RANGES) +
	       clamp(u->special_count, IVRS_MAX_SPECIALS);
}

/* Whether @u claims a device ID in @first..@last; the first one in *@hit. */
static bool unit_claims(const struct ivrs_unit *u, uint16_t first, uint16_t last, uint16_t *hit)
{
	for (unsigned int k = 0; k < span_count(u); k++) {
		uint16_t f, l;

		if (!unit_span(u, k, &f, &l) || l < first || f > last)
			continue;
		*hit = f > first ? f : first;
		return true;
	}
	return false;
}

/* The unit just added, at table offset @at, against those before it. */
static int check_overlap(const struct ivrs *iv, size_t at)
{
	unsigned int n = iv->unit_count - 1;
	const struct ivrs_unit *u = &iv->unit[n];

	for (unsigned int j = 0; j < n; j++) {
		if (iv->unit[j].segment != u->segment)
			continue;
		for (unsigned int k = 0; k < span_count(u); k++) {
			uint16_t f, l, hit;

			if (!unit_span(u, k, &f, &l) || !unit_claims(&iv->unit[j], f, l, &hit))
				continue;
			pr_err("ivrs: at offset 0x%zx: device " BDF_FMT " of segment %u is claimed "
			       "by unit %u and unit %u\n",
			       at, BDF_ARGS(hit), u->segment, j, n);
			return -EINVAL;
		}
	}
	return 0;
}

/* Add @r to @u (NULL: the block is only checked). */
static int add_range(struct ivrs_unit *u, size_t at, const struct ivrs_range *r)
{
	if (!u)
		return 0;
	if (u->range_count == IVRS_MAX_RANGES) {
		pr_err("ivrs: at offset 0x%zx: more than %d device ranges in one IVHD\n", at,
		       IVRS_MAX_RANGES);
		return -E2BIG;
	}
	u->range[u->range_count++] = *r;
	return 0;
}

static int add_special(struct ivrs *iv, struct ivrs_unit *u, size_t at, const uint8_t *e)
{
	struct ivrs_special sp = {
		.variety = e[7],
		.handle = e[4],
		.bdf = rd16(e + 5),
		.dte = e[3],
	};

	if (sp.variety != IVRS_SPECIAL_IOAPIC && sp.variety != IVRS_SPECIAL_HPET) {
		pr_err("ivrs: at offset 0x%zx: special device of variety %u (neither IOAPIC nor "
		       "HPET)\n",
		       at, sp.variety);
		return -EINVAL;
	}
	if (!u)
		return 0;
	/* One IOAPIC or HPET has one requester ID; a second is a firmware bug. */
	for (unsigned int i = 0; i < iv->unit_count; i++) {
		for (unsigned int k = 0; k < iv->unit[i].special_count; k++) {
			const struct ivrs_special *o = &iv->unit[i].special[k];

			if (o->variety == sp.variety && o->handle == sp.handle) {
				pr_err("ivrs: at offset 0x%zx: %s %u named a second time\n", at,
				       sp.variety == IVRS_SPECIAL_IOAPIC ? "IOAPIC" : "HPET",
				       sp.handle);
				return -EINVAL;
			}
		}
	}
	if (u->special_count == IVRS_MAX_SPECIALS) {
		pr_err("ivrs: at offset 0x%zx: more than %d special devices in one IVHD\n", at,
		       IVRS_MAX_SPECIALS);
		return -E2BIG;
	}
	u->special[u->special_count++] = sp;
	return 0;
}

/* The length of the entry at @e with @left bytes in its block, or 0 after
 * saying why there is none. */
static size_t entry_len(const uint8_t *e, size_t at, size_t left)
{
	size_t len;

	if (e[0] < ENT_VARIABLE) {
		len = 4u << (e[0] >> 6);
	} else if (e[0] == ENT_ACPI_HID) {
		if (left < ACPI_HID_MIN) {
			pr_err("ivrs: at offset 0x%zx: %zu byte(s) left in the IVHD, too few for "
			       "an ACPI HID entry\n",
			       at, left);
			return 0;
		}
		len = ACPI_HID_MIN + e[ACPI_HID_UIDLEN];
	} else {
		pr_err("ivrs: at offset 0x%zx: device entry type 0x%02x of unknown length\n", at,
		       e[0]);
		return 0;
	}
	if (len > left) {
		pr_err("ivrs: at offset 0x%zx: device entry type 0x%02x of length %zu runs past "
		       "its IVHD (%zu bytes left)\n",
		       at, e[0], len, left);
		return 0;
	}
	return len;
}

/*
 * The device entries of the IVHD at table offset @base (@blen bytes at @s,
 * entries from @hlen on) into @u, or only checked when @u is NULL.
 */
static int parse_entries(struct ivrs *iv, struct ivrs_unit *u, const uint8_t *s, size_t base,
			 size_t blen, size_t hlen)
{
	struct ivrs_range start = {0};
	size_t start_at = 0, off;
	bool open = false;

	/* Every entry is at least 4 bytes, so this ends. */
	for (off = hlen; off < blen;) {
		const uint8_t *e = s + off;
		size_t at = base + off, len = entry_len(e, at, blen - off);
		struct ivrs_range r = {0};
		int err = 0;

		if (!len)
			return -EINVAL;
		r.first = r.last = rd16(e + 1);
		r.dte = e[3];
		/* The spec pairs a start with the end that follows it. */
		if (open && e[0] != ENT_END) {
			pr_err("ivrs: at offset 0x%zx: device entry type 0x%02x where the end of "
			       "the range started at 0x%zx belongs\n",
			       at, e[0], start_at);
			return -EINVAL;
		}
		switch (e[0]) {
		case ENT_PAD4:
		case ENT_PAD8:
			break;
		case ENT_ALL:
			r.first = 0;
			r.last = 0xffff;
			err = add_range(u, at, &r);
			break;
		case ENT_SELECT:
			err = add_range(u, at, &r);
			break;
		case ENT_ALIAS_SELECT:
			r.aliased = true;
			r.alias = rd16(e + 5);
			err = add_range(u, at, &r);
			break;
		case ENT_EXT_SELECT:
			r.ext = rd32(e + 4);
			err = add_range(u, at, &r);
			break;
		case ENT_ACPI_HID:
			r.acpi = true;
			err = add_range(u, at, &r);
			break;
		case ENT_START:
		case ENT_ALIAS_START:
		case ENT_EXT_START:
			if (e[0] == ENT_ALIAS_START) {
				r.aliased = true;
				r.alias = rd16(e + 5);
			} else if (e[0] == ENT_EXT_START) {
				r.ext = rd32(e + 4);
			}
			start = r;
			start_at = at;
			open = true;
			break;
		case ENT_END:
			if (!open) {
				pr_err("ivrs: at offset 0x%zx: end of range without a start of "
				       "range before it\n",
				       at);
				return -EINVAL;
			}
			if (r.last < start.first) {
				pr_err("ivrs: at offset 0x%zx: range end " BDF_FMT
				       " below its start " BDF_FMT "\n",
				       at, BDF_ARGS(r.last), BDF_ARGS(start.first));
				return -EINVAL;
			}
			start.last = r.last;
			open = false;
			err = add_range(u, start_at, &start);
			break;
		case ENT_SPECIAL:
			err = add_special(iv, u, at, e);
			break;
		default:
			pr_err("ivrs: at offset 0x%zx: unknown device entry type 0x%02x\n", at,
			       e[0]);
			return -EINVAL;
		}
		if (err)
			return err;
		off += len;
	}
	if (open) {
		pr_err("ivrs: at offset 0x%zx: start of range with no end of range in its IVHD\n",
		       start_at);
		return -EINVAL;
	}
	return 0;
}

/* The IVHD of @blen bytes at @s, table offset @at; kept as a unit if @keep. */
static int parse_ivhd(struct ivrs *iv, const uint8_t *s, size_t at, uint16_t blen, bool keep)
{
	size_t hlen = s[0] == IVRS_IVHD_LEGACY ? IVHD_LEGACY_LEN : IVHD_EFR_LEN;
	struct ivrs_unit *u = NULL;
	uint64_t base;
	uint16_t seg;
	int err;

	if (blen < hlen) {
		pr_err("ivrs: at offset 0x%zx: IVHD type 0x%02x length %u, below its %zu-byte "
		       "header\n",
		       at, s[0], blen, hlen);
		return -EINVAL;
	}
	base = rd64(s + IVHD_BASE_OFF);
	seg = rd16(s + IVHD_SEG_OFF);
	if (!base || (base & IVHD_BASE_ALIGN)) {
		pr_err("ivrs: at offset 0x%zx: IVHD register base 0x%llx is not a 16 KiB "
		       "block\n",
		       at, ull(base));
		return -EINVAL;
	}
	if (keep) {
		for (unsigned int i = 0; i < iv->unit_count; i++) {
			if (iv->unit[i].base == base) {
				pr_err("ivrs: at offset 0x%zx: IVHD register base 0x%llx already "
				       "taken by unit %u\n",
				       at, ull(base), i);
				return -EINVAL;
			}
		}
		if (iv->unit_count == IVRS_MAX_UNITS) {
			pr_err("ivrs: at offset 0x%zx: more than %d IVHDs of type 0x%02x\n", at,
			       IVRS_MAX_UNITS, s[0]);
			return -E2BIG;
		}
		u = &iv->unit[iv->unit_count++];
		u->type = s[0];
		u->flags = s[1];
		u->bdf = rd16(s + IVHD_BDF_OFF);
		u->cap_off = rd16(s + IVHD_CAP_OFF);
		u->base = base;
		u->segment = seg;
		u->info = rd16(s + IVHD_INFO_OFF);
		u->feature = rd32(s + IVHD_FEAT_OFF);
		if (hlen == IVHD_EFR_LEN) {
			u->has_efr = true;
			u->efr = rd64(s + IVHD_EFR_OFF);
			u->efr2 = rd64(s + IVHD_EFR2_OFF);
		}
	}
	err = parse_entries(iv, u, s, at, blen, hlen);
	if (err || !keep)
		return err;
	return check_overlap(iv, at);
}

static int parse_ivmd(struct ivrs *iv, const uint8_t *s, size_t at, uint16_t blen)
{
	struct ivrs_ivmd m = {
		.type = s[0],
		.flags = s[1],
	};

	if (blen < IVMD_LEN) {
		pr_err("ivrs: at offset 0x%zx: IVMD length %u, below %u\n", at, blen, IVMD_LEN);
		return -EINVAL;
	}
	m.segment = rd16(s + IVMD_SEG_OFF);
	m.start = rd64(s + IVMD_START_OFF);
	m.length = rd64(s + IVMD_LENGTH_OFF);
	m.first = m.last = rd16(s + IVMD_DEVID_OFF);
	if (m.type == IVRS_IVMD_ALL) {
		m.first = 0;
		m.last = 0xffff;
	} else if (m.type == IVRS_IVMD_RANGE) {
		m.last = rd16(s + IVMD_AUX_OFF);
		if (m.last < m.first) {
			pr_err("ivrs: at offset 0x%zx: IVMD device range end " BDF_FMT
			       " below its start " BDF_FMT "\n",
			       at, BDF_ARGS(m.last), BDF_ARGS(m.first));
			return -EINVAL;
		}
	}
	if (!m.length || m.start + (m.length - 1) < m.start) {
		pr_err("ivrs: at offset 0x%zx: IVMD memory 0x%llx length 0x%llx is empty or "
		       "wraps\n",
		       at, ull(m.start), ull(m.length));
		return -EINVAL;
	}
	if (iv->ivmd_count == IVRS_MAX_IVMDS) {
		pr_err("ivrs: at offset 0x%zx: more than %d IVMDs\n", at, IVRS_MAX_IVMDS);
		return -E2BIG;
	}
	iv->ivmd[iv->ivmd_count++] = m;
	return 0;
}

/* Check that the blocks tile the table; the newest IVHD type among them. */
static int check_blocks(const uint8_t *p, size_t len, uint8_t *best)
{
	*best = 0;
	/* Every block is at least BLOCK_HDR_LEN bytes, so this ends. */
	for (size_t off = IVRS_HDR_LEN; off < len;) {
		uint16_t blen;

		if (len - off < BLOCK_HDR_LEN) {
			pr_err("ivrs: at offset 0x%zx: %zu byte(s) left, too few for a block\n",
			       off, len - off);
			return -EINVAL;
		}
		blen = rd16(p + off + 2);
		if (blen < BLOCK_HDR_LEN) {
			pr_err("ivrs: at offset 0x%zx: block type 0x%02x has length %u\n", off,
			       p[off], blen);
			return -EINVAL;
		}
		if (blen > len - off) {
			pr_err("ivrs: at offset 0x%zx: block type 0x%02x of length %u runs past "
			       "the table end (%zu bytes left)\n",
			       off, p[off], blen, len - off);
			return -EINVAL;
		}
		if (ivhd_rank(p[off]) > ivhd_rank(*best))
			*best = p[off];
		off += blen;
	}
	return 0;
}

static uint8_t checksum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + p[i]);
	return sum;
}

static int parse(struct ivrs *iv, const uint8_t *p, size_t len)
{
	uint8_t best;
	size_t off;
	int err;

	if (!p || len < IVRS_HDR_LEN) {
		pr_err("ivrs: at offset 0x0: table of %zu bytes, shorter than its %u-byte header\n",
		       p ? len : 0, IVRS_HDR_LEN);
		return -EINVAL;
	}
	if (memcmp(p, "IVRS", 4)) {
		pr_err("ivrs: at offset 0x0: signature is not IVRS\n");
		return -EBADMSG;
	}
	if (rd32(p + 4) != len) {
		pr_err("ivrs: at offset 0x4: length field %u, but the table is %zu bytes\n",
		       rd32(p + 4), len);
		return -EINVAL;
	}
	/* drivers/acpi checks it too; this parser does not rely on that. */
	if (checksum(p, len)) {
		pr_err("ivrs: at offset 0x%x: checksum does not add up (sum 0x%02x)\n",
		       ACPI_CSUM_OFF, checksum(p, len));
		return -EBADMSG;
	}
	iv->ivinfo = rd32(p + IVRS_IVINFO_OFF);
	err = check_blocks(p, len, &best);
	if (err)
		return err;
	/*
	 * Firmware lists an IOMMU once per IVHD format it supports so that
	 * older systems find one they know. Like Linux, use one format for the
	 * whole table, the newest present (40h, else 11h, else 10h); the other
	 * blocks are still checked.
	 */
	iv->ivhd_type = best;
	for (off = IVRS_HDR_LEN; off < len; off += rd16(p + off + 2)) {
		const uint8_t *s = p + off;
		uint16_t blen = rd16(s + 2);

		err = 0;
		if (is_ivhd(s[0]))
			err = parse_ivhd(iv, s, off, blen, s[0] == best);
		else if (is_ivmd(s[0]))
			err = parse_ivmd(iv, s, off, blen);
		/* Other block types are newer than this parser: skipped. */
		if (err)
			return err;
	}
	/* An older block must describe one of the units kept, or that IOMMU
	 * would be lost with the format. */
	for (off = IVRS_HDR_LEN; off < len; off += rd16(p + off + 2)) {
		const uint8_t *s = p + off;
		bool found = false;
		uint64_t base;

		/* Other blocks may be shorter than an IVHD header. */
		if (!is_ivhd(s[0]) || s[0] == best)
			continue;
		base = rd64(s + IVHD_BASE_OFF);
		for (unsigned int i = 0; i < iv->unit_count; i++)
			if (iv->unit[i].base == base &&
			    iv->unit[i].segment == rd16(s + IVHD_SEG_OFF))
				found = true;
		if (!found) {
			pr_err("ivrs: at offset 0x%zx: IVHD type 0x%02x for the IOMMU at 0x%llx "
			       "has no type 0x%02x block\n",
			       off, s[0], ull(base), best);
			return -EINVAL;
		}
	}
	return 0;
}

int ivrs_parse(struct ivrs *iv, const void *table, size_t len)
{
	int err;

	memset(iv, 0, sizeof(*iv));
	err = parse(iv, table, len);
	if (err)
		memset(iv, 0, sizeof(*iv));
	return err;
}

const struct ivrs_unit *ivrs_unit_for(const struct ivrs *iv, uint16_t seg, uint16_t bdf)
{
	unsigned int n = clamp(iv->unit_count, IVRS_MAX_UNITS);

	for (unsigned int i = 0; i < n; i++) {
		const struct ivrs_unit *u = &iv->unit[i];
		uint16_t hit;

		if (u->segment == seg && unit_claims(u, bdf, bdf, &hit))
			return u;
	}
	return NULL;
}

const struct ivrs_range *ivrs_range_for(const struct ivrs_unit *u, uint16_t bdf)
{
	const struct ivrs_range *found = NULL;
	unsigned int n = clamp(u->range_count, IVRS_MAX_RANGES);

	for (unsigned int i = 0; i < n; i++)
		if (u->range[i].first <= bdf && bdf <= u->range[i].last)
			found = &u->range[i];
	return found;
}

int ivrs_format_summary(const struct ivrs *iv, char *buf, size_t size)
{
	return sfmt(buf, size,
		    "ivrs: %u unit(s), %u ivmd(s), ivhd type 0x%02x, physical address size %u, "
		    "efr %s",
		    iv->unit_count, iv->ivmd_count, iv->ivhd_type, IVRS_IVINFO_PASIZE(iv->ivinfo),
		    iv->ivinfo & IVRS_IVINFO_EFR_SUP ? "supported" : "not supported");
}

int ivrs_format_unit(const struct ivrs *iv, unsigned int i, char *buf, size_t size)
{
	const struct ivrs_unit *u;

	if (i >= clamp(iv->unit_count, IVRS_MAX_UNITS))
		return sfmt(buf, size, "ivrs: no unit %u", i);
	u = &iv->unit[i];
	if (!u->has_efr)
		return sfmt(buf, size,
			    "ivrs: unit %u at 0x%llx segment %u, iommu " BDF_FMT
			    ", %u range(s), %u special(s)",
			    i, ull(u->base), u->segment, BDF_ARGS(u->bdf), u->range_count,
			    u->special_count);
	return sfmt(buf, size,
		    "ivrs: unit %u at 0x%llx segment %u, iommu " BDF_FMT
		    ", %u range(s), %u special(s), efr 0x%llx",
		    i, ull(u->base), u->segment, BDF_ARGS(u->bdf), u->range_count, u->special_count,
		    ull(u->efr));
}
