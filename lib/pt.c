// SPDX-License-Identifier: MIT
/*
 * The page-table engine (lib/pt.h).
 *
 * Every change walks its range twice: a counting pass that writes nothing
 * (how many table pages it needs, how many tables it would detach), then the
 * real pass with those pages already allocated, which has nothing left that
 * can fail. A new table is built while unreachable (and flushed whole for a
 * non-coherent walker) before one 8-byte store links it; in a reachable
 * table every entry changes with one store, and the changed entries are
 * flushed before the call returns. Detached tables stay intact until
 * pt_reclaim(): the walker may still be in them.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/err.h"
#include "lib/kstring.h"
#include "lib/pt.h"

#define PT_PAGE	  4096ull
#define DEFER_LVL 0x7ull /* a deferred slot's level, in its low bits */

/* What the counting pass knows of a table it has only imagined creating. */
enum virt {
	REAL,	 /* a table in memory */
	V_EMPTY, /* a new, empty table */
	V_SPLIT, /* a new table holding a split large leaf: all leaves */
};

enum kind { OP_MAP, OP_UNMAP, OP_SPLIT };

struct op {
	struct pt_table *t;
	const struct pt_format *f;
	enum kind kind;
	bool count;	     /* counting pass: change nothing */
	unsigned int leaves; /* leaf levels usable */
	uint64_t split_size; /* OP_SPLIT: the largest leaf left */
	uint64_t start, end; /* the range */
	uint64_t delta;	     /* pa - va, modulo 2^64 */
	uint64_t attr;	     /* bits of new leaves but address and level bits */
	uint64_t tables;     /* counted: new table pages needed */
	uint64_t defers;     /* counted: tables that would be detached */
	uint64_t budget;     /* real pass: deferral slots this call may use */
	uint64_t spare;	     /* real pass: allocated pages, chained through word 0 */
};

static uint64_t *table(const struct pt_format *f, uint64_t phys)
{
	return (uint64_t *)(uintptr_t)(phys & f->addr);
}

/* Bytes one entry of a level-@lv table maps: 4 KiB at level 1. */
static uint64_t entry_size(unsigned int lv)
{
	return 1ull << (3 + 9 * lv);
}

static unsigned int entry_index(uint64_t va, unsigned int lv)
{
	return (unsigned int)(va >> (3 + 9 * lv)) & 511;
}

static bool present(const struct pt_format *f, uint64_t e)
{
	return e & f->present;
}

static bool is_table(const struct pt_format *f, uint64_t e, unsigned int lv)
{
	return lv > 1 && present(f, e) && (e & f->kind) == (f->table[lv] & f->kind);
}

static void flush(const struct pt_table *t, const void *p, uint64_t len)
{
	if (t->flush)
		t->flush(p, len);
}

/* One 8-byte store, after every store before it (the filling of a table it
 * links). x86 keeps stores in order, so only the compiler must neither tear
 * nor reorder it. */
static void set_entry(uint64_t *p, uint64_t v)
{
	__asm__ volatile("" ::: "memory");
	*(volatile uint64_t *)p = v;
}

static void free_tree(struct pt_table *t, uint64_t phys, unsigned int lv)
{
	uint64_t *tbl = table(t->fmt, phys);

	for (unsigned int i = 0; lv > 1 && i < 512; i++)
		if (is_table(t->fmt, tbl[i], lv))
			free_tree(t, tbl[i], lv - 1);
	t->alloc.free(t->alloc.ctx, phys & t->fmt->addr);
}

static int page_alloc(struct pt_table *t, uint64_t *phys)
{
	return t->alloc.alloc(t->alloc.ctx, t->alloc.limit, phys);
}

static int take_page(struct op *op, uint64_t *phys)
{
	if (op->spare) {
		*phys = op->spare;
		op->spare = table(op->f, op->spare)[0];
		return 0;
	}
	/* Not reached: the counting pass allocated all that is needed. */
	return page_alloc(op->t, phys);
}

static void free_spare(struct op *op)
{
	while (op->spare) {
		uint64_t p = op->spare;

		op->spare = table(op->f, p)[0];
		op->t->alloc.free(op->t->alloc.ctx, p);
	}
}

/* Fill a new level-@lv table: empty, or the mapping of large leaf @e (a
 * level-(lv+1) entry) in leaves one level smaller with all its other bits
 * (accessed/dirty included: the whole large page was). */
static void fill(const struct pt_format *f, uint64_t *tbl, uint64_t e, unsigned int lv)
{
	uint64_t sz = entry_size(lv), base = e & f->addr & ~(entry_size(lv + 1) - 1);
	uint64_t attr = (e & ~f->addr & ~f->leaf[lv + 1]) | f->leaf[lv];

	if (!present(f, e)) {
		memset(tbl, 0, PT_PAGE);
		return;
	}
	for (unsigned int i = 0; i < 512; i++)
		tbl[i] = (base + i * sz) | attr;
}

/* Can [a, a + entry_size(lv)), a whole entry of the range, be one leaf? */
static bool leaf_fits(const struct op *op, unsigned int lv, uint64_t a)
{
	if (!(op->leaves & (1u << lv)))
		return false;
	return !((a + op->delta) & (entry_size(lv) - 1));
}

/* Detach table entry @e of a level-@lv table: true if it may go (slot
 * taken, or counted), false if it must be worked in place. */
static bool detach(struct op *op, uint64_t e, unsigned int lv)
{
	struct pt_table *t = op->t;

	if (!t->merge)
		return false;
	if (op->count) {
		op->defers++;
		return true;
	}
	if (!op->budget)
		return false;
	op->budget--;
	t->deferred[t->deferred_count++] = (e & op->f->addr) | (lv - 1);
	return true;
}

static int walk(struct op *op, uint64_t *tbl, unsigned int lv, uint64_t lo, uint64_t hi,
		enum virt v, bool fresh);

/* Work on [a, b) below entry @e of a level-@lv table: in its table, or in a
 * new one (empty or split from a large leaf) put in *@ne when built. */
static int descend(struct op *op, uint64_t e, unsigned int lv, uint64_t a, uint64_t b, uint64_t *ne)
{
	const struct pt_format *f = op->f;
	uint64_t phys;
	int err;

	if (is_table(f, e, lv))
		return walk(op, table(f, e), lv - 1, a, b, REAL, false);
	if (op->count) {
		op->tables++;
		return walk(op, NULL, lv - 1, a, b, present(f, e) ? V_SPLIT : V_EMPTY, false);
	}
	err = take_page(op, &phys);
	if (err)
		return err;
	fill(f, table(f, phys), e, lv - 1);
	err = walk(op, table(f, phys), lv - 1, a, b, REAL, true);
	if (err) { /* not reached (see take_page); nothing links to it yet */
		free_tree(op->t, phys, lv - 1);
		return err;
	}
	/* The whole page in memory before the walker can reach it. */
	flush(op->t, table(f, phys), PT_PAGE);
	*ne = phys | f->table[lv];
	return 0;
}

/* The new value of entry @e (covering [a, b) of the range, all of the entry
 * if @whole) of a level-@lv table. */
static int step(struct op *op, uint64_t e, unsigned int lv, uint64_t a, uint64_t b, bool whole,
		uint64_t *ne)
{
	const struct pt_format *f = op->f;

	*ne = e;
	switch (op->kind) {
	case OP_UNMAP:
		if (!present(f, e))
			return 0;
		if (!whole || (is_table(f, e, lv) && !detach(op, e, lv)))
			return descend(op, e, lv, a, b, ne); /* split, or clear inside */
		*ne = 0;
		return 0;
	case OP_SPLIT:
		if (!present(f, e) || (!is_table(f, e, lv) && entry_size(lv) <= op->split_size))
			return 0;
		return descend(op, e, lv, a, b, ne);
	case OP_MAP:
		break;
	}
	if (!whole || !leaf_fits(op, lv, a) || (is_table(f, e, lv) && !detach(op, e, lv)))
		return descend(op, e, lv, a, b, ne);
	*ne = (a + op->delta) | op->attr | f->leaf[lv];
	return 0;
}

/* Apply the operation to [lo, hi) inside the level-@lv table @tbl (NULL when
 * only counted). A @fresh table is not reachable yet: its caller flushes it
 * whole, so its entries need no flush of their own. */
static int walk(struct op *op, uint64_t *tbl, unsigned int lv, uint64_t lo, uint64_t hi,
		enum virt v, bool fresh)
{
	uint64_t sz = entry_size(lv), eb = lo & ~(sz - 1);
	unsigned int first = entry_index(lo, lv), last = entry_index(hi - 1, lv);
	int mod_lo = -1, mod_hi = -1, err = 0;

	for (unsigned int i = first; i <= last && !err; i++, eb += sz) {
		uint64_t a = lo > eb ? lo : eb, b = hi < eb + sz ? hi : eb + sz, e, ne;

		if (v == REAL)
			e = tbl[i];
		else if (v == V_SPLIT) /* any leaf stands for the split one */
			e = op->f->present | op->f->leaf[lv];
		else
			e = 0;
		err = step(op, e, lv, a, b, a == eb && b - a == sz, &ne);
		if (err || op->count || ne == e)
			continue;
		set_entry(&tbl[i], ne);
		mod_lo = mod_lo < 0 ? (int)i : mod_lo;
		mod_hi = (int)i;
	}
	if (mod_lo >= 0 && !fresh)
		flush(op->t, &tbl[mod_lo], (uint64_t)(mod_hi - mod_lo + 1) * sizeof(uint64_t));
	return err;
}

static int run(struct op *op)
{
	struct pt_table *t = op->t;
	uint64_t room = PT_DEFER_MAX - t->deferred_count;
	int err;

	op->f = t->fmt;
	op->count = true;
	err = walk(op, table(op->f, t->root), t->levels, op->start, op->end, REAL, false);
	if (err)
		return err;
	/* With an empty array, a call detaching more than it holds works the
	 * rest in place instead (correct, just smaller leaves). */
	if (op->defers > room && t->deferred_count)
		return -EBUSY;
	for (uint64_t n = 0; n < op->tables; n++) {
		uint64_t p;

		err = page_alloc(t, &p);
		if (err) {
			free_spare(op);
			return err;
		}
		table(op->f, p)[0] = op->spare;
		op->spare = p;
	}
	op->count = false;
	op->budget = room;
	err = walk(op, table(op->f, t->root), t->levels, op->start, op->end, REAL, false);
	free_spare(op);
	return err;
}

static bool range_ok(uint64_t a, uint64_t len, uint64_t limit)
{
	return !((a | len) & (PT_PAGE - 1)) && len && a < limit && len <= limit - a;
}

/* The leaf levels @leaves allows in @t: a size only with every smaller one
 * (splitting a leaf needs the next size down). */
static unsigned int usable_leaves(const struct pt_table *t, unsigned int leaves)
{
	unsigned int want = leaves & t->leaves & t->fmt->leaf_levels, ok = 0;

	for (unsigned int lv = 1; lv <= t->levels && (want & (1u << lv)); lv++)
		ok |= 1u << lv;
	return ok;
}

uint64_t pt_va_limit(const struct pt_table *t)
{
	return 1ull << (12 + 9 * t->levels);
}

int pt_leaf_bits(const struct pt_format *f, unsigned int prot, unsigned int mt, uint64_t *bits)
{
	uint64_t b = f->mt_bits[mt < PT_MT_COUNT ? mt : 0];

	if ((prot & ~f->prot_ok) || (prot & f->prot_must) != f->prot_must ||
	    (f->prot_any && !(prot & f->prot_any)) || mt >= PT_MT_COUNT || !(f->mt_ok & (1u << mt)))
		return -EINVAL;
	for (unsigned int i = 0; i < PT_PROT_BITS; i++)
		b |= prot & (1u << i) ? f->prot_bits[i] : f->prot_deny[i];
	*bits = b;
	return 0;
}

int pt_init(struct pt_table *t, const struct pt_format *fmt, unsigned int levels,
	    const struct pt_alloc *alloc, void (*flush_fn)(const void *p, uint64_t len))
{
	int err;

	if (levels < 2 || levels > fmt->max_levels || levels > PT_LEVELS_MAX)
		return -EINVAL;
	memset(t, 0, sizeof(*t));
	t->fmt = fmt;
	t->levels = levels;
	t->leaves = fmt->leaf_levels;
	t->alloc = *alloc;
	t->flush = flush_fn;
	err = page_alloc(t, &t->root);
	if (err) {
		t->root = 0;
		return err;
	}
	memset(table(fmt, t->root), 0, PT_PAGE);
	flush(t, table(fmt, t->root), PT_PAGE);
	return 0;
}

int pt_map_leaves(struct pt_table *t, uint64_t va, uint64_t pa, uint64_t len, unsigned int prot,
		  unsigned int mt, unsigned int leaves)
{
	struct op op = {.t = t, .kind = OP_MAP, .start = va, .end = va + len, .delta = pa - va};

	if (!t->root || !range_ok(va, len, pt_va_limit(t)) ||
	    !range_ok(pa, len, (t->fmt->addr | (PT_PAGE - 1)) + 1) ||
	    pt_leaf_bits(t->fmt, prot, mt, &op.attr))
		return -EINVAL;
	op.leaves = usable_leaves(t, leaves);
	if (!op.leaves)
		return -EINVAL;
	return run(&op);
}

int pt_map(struct pt_table *t, uint64_t va, uint64_t pa, uint64_t len, unsigned int prot,
	   unsigned int mt)
{
	return pt_map_leaves(t, va, pa, len, prot, mt, t->leaves);
}

int pt_unmap(struct pt_table *t, uint64_t va, uint64_t len)
{
	struct op op = {.t = t, .kind = OP_UNMAP, .start = va, .end = va + len};

	if (!t->root || !range_ok(va, len, pt_va_limit(t)))
		return -EINVAL;
	return run(&op);
}

int pt_split(struct pt_table *t, uint64_t va, uint64_t len, uint64_t size)
{
	struct op op = {.t = t, .kind = OP_SPLIT, .split_size = size, .start = va, .end = va + len};
	unsigned int lv;

	if (!t->root || !range_ok(va, len, pt_va_limit(t)))
		return -EINVAL;
	for (lv = 1; lv <= t->levels && entry_size(lv) != size; lv++)
		;
	if (lv > t->levels || !(usable_leaves(t, ~0u) & (1u << lv)))
		return -EINVAL;
	return run(&op);
}

uint64_t pt_walk(const struct pt_table *t, uint64_t va, uint64_t *size)
{
	uint64_t e = t->root;

	if (size)
		*size = 0;
	if (!t->root || va >= pt_va_limit(t))
		return 0;
	for (unsigned int lv = t->levels; lv >= 1; lv--) {
		e = table(t->fmt, e)[entry_index(va, lv)];
		if (!present(t->fmt, e))
			return 0;
		if (is_table(t->fmt, e, lv))
			continue;
		if (size)
			*size = entry_size(lv);
		return e;
	}
	return 0;
}

int pt_translate(const struct pt_table *t, uint64_t va, uint64_t *pa, uint64_t *leaf,
		 uint64_t *size)
{
	uint64_t sz, e = pt_walk(t, va, &sz);

	if (!e)
		return -ENOENT;
	if (pa)
		*pa = (e & t->fmt->addr & ~(sz - 1)) + (va & (sz - 1));
	if (leaf)
		*leaf = e;
	if (size)
		*size = sz;
	return 0;
}

void pt_reclaim(struct pt_table *t)
{
	for (unsigned int i = 0; i < t->deferred_count && i < PT_DEFER_MAX; i++)
		free_tree(t, t->deferred[i], (unsigned int)(t->deferred[i] & DEFER_LVL));
	t->deferred_count = 0;
}

void pt_destroy(struct pt_table *t)
{
	if (!t->fmt)
		return;
	pt_reclaim(t);
	if (t->root)
		free_tree(t, t->root, t->levels);
	t->root = 0;
}
