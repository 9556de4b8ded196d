// SPDX-License-Identifier: MIT
/* Host test helpers for lib/pt.h tables (fake_pt.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>
#include "lib/err.h"
#include "fake_pt.h"

void fake_pt_pool_init(struct fake_pt_pool *p, size_t size, struct palloc *pa)
{
	p->mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT,
		      -1, 0);
	assert_true(p->mem != MAP_FAILED);
	p->base = (uint64_t)(uintptr_t)p->mem;
	p->size = size;
	memset(p->mem, 0xa5, size);
	p->shadow = malloc(size);
	assert_non_null(p->shadow);
	memcpy(p->shadow, p->mem, size);
	palloc_init(pa);
	assert_int_equal(palloc_add(pa, p->base, size), 0);
}

void fake_pt_pool_fini(struct fake_pt_pool *p)
{
	free(p->shadow);
	munmap(p->mem, p->size);
}

static int fake_alloc(void *ctx, uint64_t limit, uint64_t *phys)
{
	struct fake_pt_alloc *f = ctx;
	int err;

	if (!f->budget)
		return -ENOMEM;
	err = f->real.alloc(f->real.ctx, limit, phys);
	if (!err) {
		f->budget--;
		f->allocs++;
	}
	return err;
}

static void fake_free(void *ctx, uint64_t phys)
{
	struct fake_pt_alloc *f = ctx;

	f->frees++;
	f->real.free(f->real.ctx, phys);
}

void fake_pt_wrap(struct fake_pt_alloc *f, struct pt_table *t, unsigned int budget)
{
	f->real = t->alloc;
	f->budget = budget;
	f->allocs = f->frees = 0;
	t->alloc = (struct pt_alloc){fake_alloc, fake_free, f, f->real.limit};
}

void fake_pt_unwrap(struct fake_pt_alloc *f, struct pt_table *t)
{
	t->alloc = f->real;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	return (h ^ v) * 0x100000001b3ull;
}

static uint64_t hash_tree(const struct pt_format *fmt, uint64_t h, uint64_t phys, unsigned int lv)
{
	const uint64_t *tbl = (const uint64_t *)(uintptr_t)(phys & fmt->addr);

	h = mix(h, phys);
	for (int i = 0; i < 512; i++) {
		uint64_t e = tbl[i];

		h = mix(h, e);
		if (lv > 1 && (e & fmt->present) && (e & fmt->kind) == (fmt->table[lv] & fmt->kind))
			h = hash_tree(fmt, h, e, lv - 1);
	}
	return h;
}

uint64_t fake_pt_hash(const struct pt_table *t)
{
	uint64_t h = hash_tree(t->fmt, 0xcbf29ce484222325ull, t->root, t->levels);

	for (unsigned int i = 0; i < t->deferred_count; i++)
		h = hash_tree(t->fmt, h, t->deferred[i], (unsigned int)(t->deferred[i] & 7));
	return mix(h, t->deferred_count);
}

struct xlate {
	int err;
	uint64_t pa, leaf, size;
};

static struct xlate xlate(const struct pt_table *t, uint64_t va)
{
	struct xlate x = {0, 0, 0, 0};

	x.err = pt_translate(t, va, &x.pa, &x.leaf, &x.size);
	return x;
}

unsigned int fake_pt_fail_each(struct pt_table *t, int (*change)(struct pt_table *t, void *arg),
			       void *arg, const uint64_t *va, unsigned int n, unsigned int max)
{
	struct xlate before[64];
	struct fake_pt_alloc f;
	unsigned int k;

	assert_true(n <= 64);
	for (unsigned int i = 0; i < n; i++)
		before[i] = xlate(t, va[i]);
	for (k = 0; k <= max; k++) {
		uint64_t h = fake_pt_hash(t);
		int err;

		fake_pt_wrap(&f, t, k);
		err = change(t, arg);
		fake_pt_unwrap(&f, t);
		if (!err)
			break;
		assert_int_equal(err, -ENOMEM);
		assert_int_equal(f.allocs, k);	     /* it failed on allocation k + 1 ... */
		assert_int_equal(f.frees, f.allocs); /* ... and gave back the k it had */
		assert_int_equal(fake_pt_hash(t), h);
		for (unsigned int i = 0; i < n; i++) {
			struct xlate x = xlate(t, va[i]);

			assert_int_equal(x.err, before[i].err);
			assert_int_equal(x.pa, before[i].pa);
			assert_int_equal(x.leaf, before[i].leaf);
			assert_int_equal(x.size, before[i].size);
		}
	}
	assert_true(k <= max);
	assert_true(k > 0); /* the change did need pages: the tries above meant something */
	assert_int_equal(f.allocs, k);
	assert_int_equal(f.frees, 0); /* every page it took is in use */
	return k;
}
