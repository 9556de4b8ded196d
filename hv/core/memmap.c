// SPDX-License-Identifier: MIT
/*
 * The physical memory map. memmap_add() works in place: the map lives in
 * boot_info and a second 3 KiB copy on a small boot stack is best avoided.
 * It computes the result's size first, so a full map is never half-changed.
 */
#include <stdbool.h>
#include "hv/core/memmap.h"
#include "lib/err.h"
#include "lib/kstring.h"

void memmap_init(struct memmap *m)
{
	memset(m, 0, sizeof(*m));
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/*
 * The result is laid out as: ranges before the window, the low stub (the
 * part of a lower-type range below @b), the pieces of @type interleaved with
 * the ranges that outrank it, the high stub, ranges after the window. The
 * window r[i..j) is every range overlapping [b, e); equal-type neighbours
 * are folded into [b, e) first, so nothing else can need merging.
 */
int memmap_add(struct memmap *m, uint64_t base, uint64_t len, enum mem_type type)
{
	struct mem_range lo_stub = {0}, hi_stub = {0};
	bool has_lo = false, has_hi = false;
	unsigned int i, j, k, h = 0, pieces = 0, final, pos;
	uint64_t b = base, e = base + len, cur;

	if (!len || e < base || type < MEM_USABLE || type > MEM_BAD)
		return -EINVAL;

	/* Absorb overlapping or touching ranges of the same type. Sorted and
	 * already merged, so one ascending pass finds them all. */
	for (k = 0; k < m->n; k++) {
		if (m->r[k].type == type && m->r[k].base <= e && m->r[k].end >= b) {
			b = min_u64(b, m->r[k].base);
			e = max_u64(e, m->r[k].end);
		}
	}

	for (i = 0; i < m->n && m->r[i].end <= b; i++)
		;
	for (j = i; j < m->n && m->r[j].base < e; j++)
		;

	if (i < j && m->r[i].type < type && m->r[i].base < b) {
		lo_stub = m->r[i];
		lo_stub.end = b;
		has_lo = true;
	}
	if (i < j && m->r[j - 1].type < type && m->r[j - 1].end > e) {
		hi_stub = m->r[j - 1];
		hi_stub.base = e;
		has_hi = true;
	}

	/* Count the pieces of @type left between the ranges that outrank it. */
	cur = b;
	for (k = i; k < j; k++) {
		if (m->r[k].type <= type)
			continue;
		if (m->r[k].base > cur)
			pieces++;
		h++;
		cur = max_u64(cur, m->r[k].end);
	}
	if (cur < e)
		pieces++;

	final = i + has_lo + h + pieces + has_hi + (m->n - j);
	if (final > MEMMAP_MAX)
		return -ENOSPC;

	/* Gather the outranking ranges at r[i..i+h): only ever moves left. */
	pos = i;
	for (k = i; k < j; k++) {
		if (m->r[k].type > type)
			m->r[pos++] = m->r[k];
	}

	/* The tail goes to its final place; it lands at or beyond i + h. */
	memmove(&m->r[final - (m->n - j)], &m->r[j], (m->n - j) * sizeof(m->r[0]));

	/*
	 * Fill the middle right to left: each outranking range's final slot is
	 * at or beyond its gathered slot, so nothing unread is overwritten.
	 */
	pos = final - (m->n - j);
	if (has_hi)
		m->r[--pos] = hi_stub;
	cur = h ? max_u64(b, m->r[i + h - 1].end) : b;
	if (cur < e)
		m->r[--pos] = (struct mem_range){cur, e, type};
	for (k = h; k-- > 0;) {
		struct mem_range hr = m->r[i + k];
		uint64_t lo = k ? m->r[i + k - 1].end : b;
		uint64_t hi = min_u64(e, hr.base);

		m->r[--pos] = hr;
		if (lo < hi)
			m->r[--pos] = (struct mem_range){lo, hi, type};
	}
	if (has_lo)
		m->r[--pos] = lo_stub;
	m->n = final;
	return 0;
}

enum mem_type memmap_type_at(const struct memmap *m, uint64_t addr)
{
	unsigned int lo = 0, hi = m->n;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (addr < m->r[mid].base)
			hi = mid;
		else if (addr >= m->r[mid].end)
			lo = mid + 1;
		else
			return m->r[mid].type;
	}
	return MEM_RESERVED;
}

uint64_t memmap_total(const struct memmap *m, enum mem_type type)
{
	uint64_t sum = 0;
	unsigned int k;

	for (k = 0; k < m->n; k++) {
		if (m->r[k].type == type)
			sum += m->r[k].end - m->r[k].base;
	}
	return sum;
}

const char *memmap_type_name(enum mem_type type)
{
	switch (type) {
	case MEM_USABLE:
		return "usable";
	case MEM_ACPI_RECLAIM:
		return "acpi";
	case MEM_ACPI_NVS:
		return "acpi-nvs";
	case MEM_RESERVED:
		return "reserved";
	case MEM_BAD:
		return "bad";
	}
	return "unknown";
}
