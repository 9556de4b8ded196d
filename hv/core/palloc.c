// SPDX-License-Identifier: MIT
/* The physical page allocator: a sorted list of free, page-aligned ranges. */
#include <stdbool.h>
#include "hv/core/palloc.h"
#include "lib/err.h"
#include "lib/kstring.h"

/* The highest page-aligned end a range can have: the last page of the
 * address space has no representable exclusive end. */
#define PALLOC_TOP (~0ull & ~(PAGE_SIZE - 1))

void palloc_init(struct palloc *pa)
{
	memset(pa, 0, sizeof(*pa));
}

static uint64_t page_down(uint64_t a)
{
	return a & ~(PAGE_SIZE - 1);
}

/* Round @a up to a multiple of @align; false if that would wrap. */
static bool align_up(uint64_t a, uint64_t align, uint64_t *out)
{
	uint64_t r = (a + align - 1) & ~(align - 1);

	if (r < a)
		return false;
	*out = r;
	return true;
}

static void range_remove(struct palloc *pa, unsigned int k)
{
	memmove(&pa->r[k], &pa->r[k + 1], (pa->n - k - 1) * sizeof(pa->r[0]));
	pa->n--;
}

static void range_insert(struct palloc *pa, unsigned int k, uint64_t base, uint64_t end)
{
	memmove(&pa->r[k + 1], &pa->r[k], (pa->n - k) * sizeof(pa->r[0]));
	pa->r[k].base = base;
	pa->r[k].end = end;
	pa->n++;
}

/* Put page-aligned [base, end) back in the list, merging with neighbours. */
static int palloc_insert(struct palloc *pa, uint64_t base, uint64_t end)
{
	unsigned int k;
	bool left, right;

	for (k = 0; k < pa->n && pa->r[k].end <= base; k++)
		;
	/* r[k] is the first range ending above @base: overlap if it starts below @end. */
	if (k < pa->n && pa->r[k].base < end)
		return -EEXIST;

	left = k > 0 && pa->r[k - 1].end == base;
	right = k < pa->n && pa->r[k].base == end;
	if (left && right) {
		pa->r[k - 1].end = pa->r[k].end;
		range_remove(pa, k);
	} else if (left) {
		pa->r[k - 1].end = end;
	} else if (right) {
		pa->r[k].base = base;
	} else {
		if (pa->n == PALLOC_MAX_RANGES)
			return -ENOSPC;
		range_insert(pa, k, base, end);
	}
	return 0;
}

static int add_locked(struct palloc *pa, uint64_t base, uint64_t len)
{
	uint64_t b, e = base + len;

	if (!len || e < base)
		return -EINVAL;
	/* Only whole pages are usable; a range holding none adds nothing. */
	if (!align_up(base, PAGE_SIZE, &b))
		return 0;
	e = page_down(e);
	if (b >= e)
		return 0;
	return palloc_insert(pa, b, e);
}

static int reserve_locked(struct palloc *pa, uint64_t base, uint64_t len)
{
	uint64_t b, e = base + len;
	unsigned int k;

	if (!len || e < base)
		return -EINVAL;
	b = page_down(base);
	if (!align_up(e, PAGE_SIZE, &e) || e > PALLOC_TOP)
		e = PALLOC_TOP; /* no free range reaches beyond this anyway */

	/* A range strictly containing [b, e) is the only one touched; it splits. */
	for (k = 0; k < pa->n; k++) {
		if (pa->r[k].base < b && pa->r[k].end > e) {
			if (pa->n == PALLOC_MAX_RANGES)
				return -ENOSPC;
			range_insert(pa, k + 1, e, pa->r[k].end);
			pa->r[k].end = b;
			return 0;
		}
	}

	for (k = 0; k < pa->n;) {
		if (pa->r[k].end <= b || pa->r[k].base >= e) {
			k++;
		} else if (pa->r[k].base >= b && pa->r[k].end <= e) {
			range_remove(pa, k);
		} else {
			if (pa->r[k].base < b)
				pa->r[k].end = b;
			else
				pa->r[k].base = e;
			k++;
		}
	}
	return 0;
}

static int alloc_locked(struct palloc *pa, uint64_t len, uint64_t align, uint64_t limit,
			uint64_t *out)
{
	unsigned int k;

	if (!len || !align_up(len, PAGE_SIZE, &len))
		return -EINVAL;
	if (!align)
		align = PAGE_SIZE;
	if (align < PAGE_SIZE || (align & (align - 1)))
		return -EINVAL;

	for (k = 0; k < pa->n; k++) {
		uint64_t a, end = pa->r[k].end;

		if (!align_up(pa->r[k].base, align, &a))
			break; /* so would every later range */
		if (a >= end || end - a < len)
			continue;
		/* Ranges are sorted: once one fit misses the limit, all later do. */
		if (limit && (a + len > limit || a + len < a))
			break;

		if (a == pa->r[k].base && a + len == end) {
			range_remove(pa, k);
		} else if (a == pa->r[k].base) {
			pa->r[k].base = a + len;
		} else if (a + len == end) {
			pa->r[k].end = a;
		} else {
			if (pa->n == PALLOC_MAX_RANGES)
				return -ENOSPC;
			range_insert(pa, k + 1, a + len, end);
			pa->r[k].end = a;
		}
		*out = a;
		return 0;
	}
	return -ENOMEM;
}

static int free_locked(struct palloc *pa, uint64_t base, uint64_t len)
{
	uint64_t e;

	if (!len || base & (PAGE_SIZE - 1) || !align_up(len, PAGE_SIZE, &len))
		return -EINVAL;
	e = base + len;
	if (e < base)
		return -EINVAL;
	return palloc_insert(pa, base, e);
}

static uint64_t free_bytes_locked(const struct palloc *pa)
{
	uint64_t sum = 0;
	unsigned int k;

	for (k = 0; k < pa->n; k++)
		sum += pa->r[k].end - pa->r[k].base;
	return sum;
}

static uint64_t largest_locked(const struct palloc *pa, uint64_t align)
{
	uint64_t best = 0;

	for (unsigned int k = 0; k < pa->n; k++) {
		uint64_t a = (pa->r[k].base + align - 1) & ~(align - 1);
		uint64_t len = a < pa->r[k].end ? (pa->r[k].end - a) & ~(align - 1) : 0;

		if (len > best)
			best = len;
	}
	return best;
}

/* The interface: each call whole under the allocator's lock. Guests' CPUs
 * grow their nested page tables at run time (a BAR placed, a restart's RAM)
 * on their own CPUs at once; without the lock two of them could take the
 * same page (tests/unit/test_palloc.c: test_concurrent). */
int palloc_add(struct palloc *pa, uint64_t base, uint64_t len)
{
	int err;

	spin_lock(&pa->lock);
	err = add_locked(pa, base, len);
	spin_unlock(&pa->lock);
	return err;
}

int palloc_reserve(struct palloc *pa, uint64_t base, uint64_t len)
{
	int err;

	spin_lock(&pa->lock);
	err = reserve_locked(pa, base, len);
	spin_unlock(&pa->lock);
	return err;
}

int palloc_alloc(struct palloc *pa, uint64_t len, uint64_t align, uint64_t limit, uint64_t *out)
{
	int err;

	spin_lock(&pa->lock);
	err = alloc_locked(pa, len, align, limit, out);
	spin_unlock(&pa->lock);
	return err;
}

int palloc_free(struct palloc *pa, uint64_t base, uint64_t len)
{
	int err;

	spin_lock(&pa->lock);
	err = free_locked(pa, base, len);
	spin_unlock(&pa->lock);
	return err;
}

uint64_t palloc_free_bytes(const struct palloc *pa)
{
	spinlock_t *l = (spinlock_t *)&pa->lock; /* a look changes nothing but the lock */
	uint64_t n;

	spin_lock(l);
	n = free_bytes_locked(pa);
	spin_unlock(l);
	return n;
}

uint64_t palloc_largest(const struct palloc *pa, uint64_t align)
{
	spinlock_t *l = (spinlock_t *)&pa->lock;
	uint64_t n;

	spin_lock(l);
	n = largest_locked(pa, align);
	spin_unlock(l);
	return n;
}

int palloc_pt_alloc(void *pa, uint64_t limit, uint64_t *phys)
{
	return palloc_alloc(pa, PAGE_SIZE, PAGE_SIZE, limit, phys) ? -ENOMEM : 0;
}

void palloc_pt_free(void *pa, uint64_t phys)
{
	palloc_free(pa, phys, PAGE_SIZE);
}
