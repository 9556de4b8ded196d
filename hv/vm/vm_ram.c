// SPDX-License-Identifier: MIT
/*
 * A guest's RAM carved from host memory (vm_ram.h).
 */
#include "hv/core/palloc.h"
#include "hv/vm/vm_ram.h"
#include "lib/err.h"

#define SZ_2M (2ull << 20)
#define SZ_1G (1ull << 30)

static uint64_t piece_max;

void vm_ram_set_piece_max(uint64_t bytes)
{
	piece_max = bytes & ~(SZ_2M - 1);
}

/* The largest block of at most @want bytes (a multiple of 2 MiB) that @pa
 * has, 1 GiB-aligned when that costs no size; 0 if not even 2 MiB is free. */
static uint64_t take(struct palloc *pa, uint64_t want, uint64_t *hpa)
{
	uint64_t g = palloc_largest(pa, SZ_1G), m = palloc_largest(pa, SZ_2M);

	if (piece_max && want > piece_max)
		want = piece_max;

	g = g < want ? g : want;
	m = m < want ? m : want;
	if (g >= SZ_1G && g >= m && !palloc_alloc(pa, g, SZ_1G, 0, hpa))
		return g;
	if (m < SZ_2M || palloc_alloc(pa, m, SZ_2M, 0, hpa))
		return 0;
	return m;
}

int vm_ram_carve(struct vm_ram *r, struct palloc *pa, uint64_t gpa, uint64_t size)
{
	unsigned int first = r->n;

	if ((gpa | size) & (SZ_2M - 1))
		return -EINVAL;
	while (size) {
		uint64_t hpa, got;
		int err = 0;

		if (r->n == VM_RAM_PIECES)
			err = -ENOSPC;
		else if (!(got = take(pa, size, &hpa)))
			err = -ENOMEM;
		if (err) {
			while (r->n > first) {
				r->n--;
				palloc_free(pa, r->p[r->n].hpa, r->p[r->n].len);
			}
			return err;
		}
		r->p[r->n++] = (struct vm_ram_piece){gpa, got, hpa};
		gpa += got;
		size -= got;
	}
	return 0;
}

void vm_ram_free(struct vm_ram *r, struct palloc *pa)
{
	while (r->n) {
		r->n--;
		palloc_free(pa, r->p[r->n].hpa, r->p[r->n].len);
	}
}
