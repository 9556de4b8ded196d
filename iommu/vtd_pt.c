// SPDX-License-Identifier: MIT
/*
 * VT-d second-level page tables.
 *
 * Every change walks its range twice: a counting pass that writes nothing
 * (how many table pages it needs, how many tables it would detach), then the
 * real pass with those pages already allocated. So a call that fails for
 * memory (-ENOMEM) or for deferral room (-EBUSY) has changed nothing, and the
 * real pass has nothing left that can fail.
 *
 * A non-coherent unit reads table memory behind the CPU caches, so a new
 * table is built while unreachable, flushed whole and only then linked with
 * one 8-byte write; in a reachable table every entry changes with one write
 * and the changed entries are flushed before the call returns. A device thus
 * sees, per IOVA, the old translation or the new one, never a half-built
 * table. Detached tables are kept intact (the unit may still be walking
 * them) until vtd_pt_reclaim().
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/err.h"
#include "lib/kstring.h"
#include "iommu/vtd_pt.h"

#define PTE_RW	  (VTD_PTE_R | VTD_PTE_W)
#define HPA_LIMIT (1ull << 52)
#define NR_DEFER  (sizeof(((struct vtd_pt *)0)->deferred) / sizeof(uint64_t))
/* A deferred slot holds a table's address with its level in the low bits:
 * the whole subtree below it goes with it, so one slot frees it all. */
#define DEFER_LVL 0x7ull

/* What the counting pass knows of a table it has only imagined creating. */
enum virt {
	REAL,	 /* a table in memory */
	V_EMPTY, /* a new, empty table */
	V_SPLIT, /* a new table holding a split large leaf: all leaves */
};

struct op {
	struct vtd_pt *pt;
	bool unmap;
	bool count;	     /* counting pass: change nothing */
	uint64_t start, end; /* the range */
	uint64_t delta;	     /* hpa - iova, modulo 2^64 */
	uint64_t attr;	     /* R/W bits of new leaves */
	uint64_t tables;     /* counted: new table pages needed */
	uint64_t defers;     /* counted: tables that would be detached */
	uint64_t budget;     /* real pass: deferral slots this call may use */
	uint64_t spare;	     /* real pass: allocated pages, chained through word 0 */
};

static uint64_t *table(uint64_t phys)
{
	return (uint64_t *)(uintptr_t)(phys & VTD_PTE_ADDR);
}

/* Bytes one entry of a level-@t table maps: 4 KiB at level 1. */
static uint64_t entry_size(unsigned int t)
{
	return 1ull << (3 + 9 * t);
}

static unsigned int entry_index(uint64_t iova, unsigned int t)
{
	return (unsigned int)(iova >> (3 + 9 * t)) & 511;
}

static bool present(uint64_t e)
{
	return e & PTE_RW;
}

static bool is_table(uint64_t e, unsigned int t)
{
	return t > 1 && present(e) && !(e & VTD_PTE_PS);
}

static void flush(const struct vtd_pt *pt, const void *p, uint64_t len)
{
	if (pt->flush)
		pt->flush(p, len);
}

static void free_tree(struct palloc *pa, uint64_t phys, unsigned int t)
{
	uint64_t *tbl = table(phys);

	for (unsigned int i = 0; t > 1 && i < 512; i++)
		if (is_table(tbl[i], t))
			free_tree(pa, tbl[i], t - 1);
	palloc_free(pa, phys & VTD_PTE_ADDR, PAGE_SIZE);
}

static int take_page(struct op *op, uint64_t *phys)
{
	if (op->spare) {
		*phys = op->spare;
		op->spare = table(op->spare)[0];
		return 0;
	}
	/* Not reached: the counting pass allocated all that is needed. */
	return palloc_alloc(op->pt->pa, PAGE_SIZE, PAGE_SIZE, 0, phys) ? -ENOMEM : 0;
}

static void free_spare(struct op *op)
{
	while (op->spare) {
		uint64_t p = op->spare;

		op->spare = table(p)[0];
		palloc_free(op->pt->pa, p, PAGE_SIZE);
	}
}

/* Fill a new level-@t table: empty, or the mapping of large leaf @e (a
 * level-(t+1) entry) in leaves one level smaller. */
static void fill(uint64_t *tbl, uint64_t e, unsigned int t)
{
	uint64_t base = e & VTD_PTE_ADDR, sz = entry_size(t);
	uint64_t attr = (e & PTE_RW) | (t > 1 ? VTD_PTE_PS : 0);

	if (!present(e)) {
		memset(tbl, 0, PAGE_SIZE);
		return;
	}
	for (unsigned int i = 0; i < 512; i++)
		tbl[i] = (base + i * sz) | attr;
}

/* Can [a, a + entry_size(t)) of the range, a whole entry, be one leaf? */
static bool leaf_fits(const struct op *op, unsigned int t, uint64_t a)
{
	const struct vtd_pt *pt = op->pt;

	if (t == 1)
		return true;
	/* 1 GiB only with 2 MiB too: splitting a 1 GiB leaf needs 2 MiB ones */
	if ((t == 2 && pt->sp_2m) || (t == 3 && pt->sp_1g && pt->sp_2m))
		return !((a + op->delta) & (entry_size(t) - 1));
	return false;
}

/* Detach table entry @e of a level-@t table: true if it may go (slot
 * taken, or counted), false if out of slots and it must be worked in place. */
static bool detach(struct op *op, uint64_t e, unsigned int t)
{
	struct vtd_pt *pt = op->pt;

	if (op->count) {
		op->defers++;
		return true;
	}
	if (!op->budget)
		return false;
	op->budget--;
	pt->deferred[pt->deferred_count++] = (e & VTD_PTE_ADDR) | (t - 1);
	return true;
}

static int walk(struct op *op, uint64_t *tbl, unsigned int t, uint64_t lo, uint64_t hi, enum virt v,
		bool fresh);

/* Work on [a, b) below entry @e of a level-@t table: in its table, or in a
 * new one (empty or split from a large leaf) put in *@ne when built. */
static int descend(struct op *op, uint64_t e, unsigned int t, uint64_t a, uint64_t b, uint64_t *ne)
{
	uint64_t phys;
	int err;

	if (is_table(e, t))
		return walk(op, table(e), t - 1, a, b, REAL, false);
	if (op->count) {
		op->tables++;
		return walk(op, NULL, t - 1, a, b, present(e) ? V_SPLIT : V_EMPTY, false);
	}
	err = take_page(op, &phys);
	if (err)
		return err;
	fill(table(phys), e, t - 1);
	err = walk(op, table(phys), t - 1, a, b, REAL, true);
	if (err) { /* nothing links to it yet */
		free_tree(op->pt->pa, phys, t - 1);
		return err;
	}
	/* Whole page in memory before the unit can reach it. */
	flush(op->pt, table(phys), PAGE_SIZE);
	*ne = phys | PTE_RW;
	return 0;
}

/* The new value of entry @e (covering [a, b) of the range, all of the entry
 * if @whole) of a level-@t table. */
static int step(struct op *op, uint64_t e, unsigned int t, uint64_t a, uint64_t b, bool whole,
		uint64_t *ne)
{
	*ne = e;
	if (op->unmap) {
		if (!present(e))
			return 0;
		if (!whole || (is_table(e, t) && !detach(op, e, t)))
			return descend(op, e, t, a, b, ne); /* split, or clear in place */
		*ne = 0;
		return 0;
	}
	if (!whole || !leaf_fits(op, t, a) || (is_table(e, t) && !detach(op, e, t)))
		return descend(op, e, t, a, b, ne);
	*ne = (a + op->delta) | op->attr | (t > 1 ? VTD_PTE_PS : 0);
	return 0;
}

/* Apply the operation to [lo, hi) inside the level-@t table @tbl (NULL when
 * only counted). A @fresh table is not reachable yet: its caller flushes it
 * whole, so its entries need no flush of their own. */
static int walk(struct op *op, uint64_t *tbl, unsigned int t, uint64_t lo, uint64_t hi, enum virt v,
		bool fresh)
{
	uint64_t sz = entry_size(t), eb = lo & ~(sz - 1);
	unsigned int first = entry_index(lo, t), last = entry_index(hi - 1, t);
	int mod_lo = -1, mod_hi = -1, err = 0;

	for (unsigned int i = first; i <= last && !err; i++, eb += sz) {
		uint64_t a = lo > eb ? lo : eb, b = hi < eb + sz ? hi : eb + sz, e, ne;

		if (v == REAL)
			e = tbl[i];
		else if (v == V_SPLIT) /* any leaf stands for the split one */
			e = VTD_PTE_R | (t > 1 ? VTD_PTE_PS : 0);
		else
			e = 0;
		err = step(op, e, t, a, b, a == eb && b - a == sz, &ne);
		if (err || op->count || ne == e)
			continue;
		tbl[i] = ne;
		mod_lo = mod_lo < 0 ? (int)i : mod_lo;
		mod_hi = (int)i;
	}
	if (mod_lo >= 0 && !fresh)
		flush(op->pt, &tbl[mod_lo], (uint64_t)(mod_hi - mod_lo + 1) * sizeof(uint64_t));
	return err;
}

static int run(struct op *op)
{
	struct vtd_pt *pt = op->pt;
	uint64_t room = NR_DEFER - pt->deferred_count;
	int err;

	op->count = true;
	err = walk(op, table(pt->root), pt->levels, op->start, op->end, REAL, false);
	if (err)
		return err;
	/* With an empty array, a call detaching more than it holds works the
	 * rest in place instead (correct, just smaller leaves). */
	if (op->defers > room && pt->deferred_count)
		return -EBUSY;
	for (uint64_t n = 0; n < op->tables; n++) {
		uint64_t p;

		if (palloc_alloc(pt->pa, PAGE_SIZE, PAGE_SIZE, 0, &p)) {
			free_spare(op);
			return -ENOMEM;
		}
		table(p)[0] = op->spare;
		op->spare = p;
	}
	op->count = false;
	op->budget = room;
	err = walk(op, table(pt->root), pt->levels, op->start, op->end, REAL, false);
	free_spare(op);
	return err;
}

static uint64_t iova_limit(const struct vtd_pt *pt)
{
	return 1ull << (12 + 9 * pt->levels);
}

static bool range_ok(uint64_t a, uint64_t len, uint64_t limit)
{
	return !((a | len) & (PAGE_SIZE - 1)) && len && a < limit && len <= limit - a;
}

int vtd_pt_init(struct vtd_pt *pt, unsigned int levels, bool sp_2m, bool sp_1g, struct palloc *pa,
		void (*flush_fn)(const void *p, uint64_t len))
{
	int err;

	if (levels != 3 && levels != 4)
		return -EINVAL;
	memset(pt, 0, sizeof(*pt));
	pt->levels = levels;
	pt->sp_2m = sp_2m;
	pt->sp_1g = sp_1g;
	pt->pa = pa;
	pt->flush = flush_fn;
	err = palloc_alloc(pa, PAGE_SIZE, PAGE_SIZE, 0, &pt->root);
	if (err) {
		pt->root = 0;
		return -ENOMEM;
	}
	memset(table(pt->root), 0, PAGE_SIZE);
	flush(pt, table(pt->root), PAGE_SIZE);
	return 0;
}

int vtd_pt_map(struct vtd_pt *pt, uint64_t iova, uint64_t hpa, uint64_t len, unsigned int perm)
{
	struct op op = {.pt = pt, .start = iova, .end = iova + len, .delta = hpa - iova};

	if (!pt->root || !range_ok(iova, len, iova_limit(pt)) || !range_ok(hpa, len, HPA_LIMIT) ||
	    !perm || (perm & ~(VTD_PERM_R | VTD_PERM_W)))
		return -EINVAL;
	op.attr = (perm & VTD_PERM_R ? VTD_PTE_R : 0) | (perm & VTD_PERM_W ? VTD_PTE_W : 0);
	return run(&op);
}

int vtd_pt_unmap(struct vtd_pt *pt, uint64_t iova, uint64_t len)
{
	struct op op = {.pt = pt, .unmap = true, .start = iova, .end = iova + len};

	if (!pt->root || !range_ok(iova, len, iova_limit(pt)))
		return -EINVAL;
	return run(&op);
}

int vtd_pt_lookup(const struct vtd_pt *pt, uint64_t iova, uint64_t *hpa, uint64_t *size,
		  unsigned int *perm)
{
	uint64_t e = pt->root;

	if (!pt->root || iova >= iova_limit(pt))
		return -ENOENT;
	for (unsigned int t = pt->levels; t >= 1; t--) {
		uint64_t sz = entry_size(t);

		e = table(e)[entry_index(iova, t)];
		if (!present(e))
			return -ENOENT;
		if (is_table(e, t))
			continue;
		if (hpa)
			*hpa = (e & VTD_PTE_ADDR & ~(sz - 1)) + (iova & (sz - 1));
		if (size)
			*size = sz;
		if (perm)
			*perm = (e & VTD_PTE_R ? VTD_PERM_R : 0) | (e & VTD_PTE_W ? VTD_PERM_W : 0);
		return 0;
	}
	return -ENOENT;
}

void vtd_pt_reclaim(struct vtd_pt *pt)
{
	for (unsigned int i = 0; i < pt->deferred_count && i < NR_DEFER; i++)
		free_tree(pt->pa, pt->deferred[i], (unsigned int)(pt->deferred[i] & DEFER_LVL));
	pt->deferred_count = 0;
}

void vtd_pt_destroy(struct vtd_pt *pt)
{
	vtd_pt_reclaim(pt);
	if (pt->root)
		free_tree(pt->pa, pt->root, pt->levels);
	pt->root = 0;
}
