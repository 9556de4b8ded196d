// SPDX-License-Identifier: MIT
/*
 * EPT builder.
 *
 * Every change walks its range twice: a counting pass that writes nothing
 * and counts the table pages the change needs, then, with those pages
 * allocated up front, the real pass, which has nothing left that can fail.
 * So a call that fails for memory has changed nothing.
 *
 * Another CPU may be walking the table meanwhile (a vCPU of the VM): a new
 * table is filled while unreachable and then linked with one 8-byte write,
 * a large leaf is split by linking a table that maps the same, and every
 * entry changes with one write, so each address translates the old way or
 * the new, never through a half-built table. Tables are never freed while
 * the EPT lives, as the CPU may cache paging-structure entries pointing at
 * them until the caller's INVEPT.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/err.h"
#include "hv/vmx/ept.h"
#include "lib/kstring.h"

/* What the counting pass knows of a table it has only imagined creating. */
enum virt {
	REAL,	 /* a table in memory */
	V_EMPTY, /* a new, empty table */
	V_SPLIT, /* a new table holding a split large leaf: all leaves */
};

struct op {
	struct ept *ept;
	bool unmap;
	bool count;	     /* counting pass: change nothing */
	bool sp_2m, sp_1g;   /* large leaves allowed */
	uint64_t start, end; /* the gpa range */
	uint64_t delta;	     /* hpa - gpa, modulo 2^64 */
	uint64_t attr;	     /* bits of new leaves but address and large */
	uint64_t tables;     /* counted: new table pages needed */
	uint64_t spare;	     /* real pass: allocated pages, chained through word 0 */
};

static uint64_t *table(uint64_t phys)
{
	return (uint64_t *)(uintptr_t)(phys & EPT_ADDR);
}

/* Bytes one entry of a level-@t table maps: 4 KiB at level 1 (PT), 512 GiB
 * at level 4 (PML4). */
static uint64_t entry_size(unsigned int t)
{
	return 1ull << (3 + 9 * t);
}

static unsigned int entry_index(uint64_t gpa, unsigned int t)
{
	return (unsigned int)(gpa >> (3 + 9 * t)) & 511;
}

/* Any of R/W/X makes an entry present (SDM 29.3.2). */
static bool present(uint64_t e)
{
	return e & EPT_RWX;
}

static bool is_table(uint64_t e, unsigned int t)
{
	return t > 1 && present(e) && !(e & EPT_LARGE);
}

/* One 8-byte store, after every store before it (the filling of a table it
 * links): the compiler must neither tear nor reorder it. */
static void set_entry(uint64_t *p, uint64_t v)
{
	__asm__ volatile("" ::: "memory");
	*(volatile uint64_t *)p = v;
}

static void free_tree(struct palloc *pa, uint64_t phys, unsigned int t)
{
	uint64_t *tbl = table(phys);

	for (unsigned int i = 0; t > 1 && i < 512; i++)
		if (is_table(tbl[i], t))
			free_tree(pa, tbl[i], t - 1);
	palloc_free(pa, phys & EPT_ADDR, PAGE_SIZE);
}

static int take_page(struct op *op, uint64_t *phys)
{
	if (op->spare) {
		*phys = op->spare;
		op->spare = table(op->spare)[0];
		return 0;
	}
	/* Not reached: the counting pass allocated all that is needed. */
	return palloc_alloc(op->ept->pa, PAGE_SIZE, PAGE_SIZE, 0, phys);
}

static void free_spare(struct op *op)
{
	while (op->spare) {
		uint64_t p = op->spare;

		op->spare = table(p)[0];
		palloc_free(op->ept->pa, p, PAGE_SIZE);
	}
}

/* Fill a new level-@t table: empty, or the mapping of large leaf @e (a
 * level-(t+1) entry) in leaves one level smaller with all its other bits
 * (A/D included: the whole large page was accessed or dirty). */
static void fill(uint64_t *tbl, uint64_t e, unsigned int t)
{
	uint64_t base = e & EPT_ADDR, sz = entry_size(t);
	uint64_t attr = (e & ~EPT_ADDR & ~EPT_LARGE) | (t > 1 ? EPT_LARGE : 0);

	if (!present(e)) {
		memset(tbl, 0, PAGE_SIZE);
		return;
	}
	for (unsigned int i = 0; i < 512; i++)
		tbl[i] = (base + i * sz) | attr;
}

/* Can [a, a + entry_size(t)), a whole entry of the range, be one leaf? */
static bool leaf_fits(const struct op *op, unsigned int t, uint64_t a)
{
	if (t == 1)
		return true;
	/* 1 GiB only with 2 MiB too: splitting a 1 GiB leaf needs 2 MiB ones */
	if ((t == 2 && op->sp_2m) || (t == 3 && op->sp_1g && op->sp_2m))
		return !((a + op->delta) & (entry_size(t) - 1));
	return false;
}

static int walk(struct op *op, uint64_t *tbl, unsigned int t, uint64_t lo, uint64_t hi,
		enum virt v);

/* Work on [a, b) below entry @e of a level-@t table: in its table, or in a
 * new one (empty, or split from a large leaf) put in *@ne once built. */
static int descend(struct op *op, uint64_t e, unsigned int t, uint64_t a, uint64_t b, uint64_t *ne)
{
	uint64_t phys;
	int err;

	if (is_table(e, t))
		return walk(op, table(e), t - 1, a, b, REAL);
	if (op->count) {
		op->tables++;
		return walk(op, NULL, t - 1, a, b, present(e) ? V_SPLIT : V_EMPTY);
	}
	err = take_page(op, &phys);
	if (err)
		return err;
	fill(table(phys), e, t - 1);
	err = walk(op, table(phys), t - 1, a, b, REAL);
	if (err) { /* not reached (see take_page); nothing links to it yet */
		free_tree(op->ept->pa, phys, t - 1);
		return err;
	}
	*ne = phys | EPT_RWX; /* non-leaf: all access, no memory type */
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
		if (whole && !is_table(e, t)) {
			*ne = 0;
			return 0;
		}
		return descend(op, e, t, a, b, ne); /* split, or clear inside */
	}
	if (whole && !is_table(e, t) && leaf_fits(op, t, a)) {
		*ne = (a + op->delta) | op->attr | (t > 1 ? EPT_LARGE : 0);
		return 0;
	}
	return descend(op, e, t, a, b, ne);
}

/* Apply the operation to [lo, hi) inside the level-@t table @tbl (NULL when
 * only counted). */
static int walk(struct op *op, uint64_t *tbl, unsigned int t, uint64_t lo, uint64_t hi, enum virt v)
{
	uint64_t sz = entry_size(t), eb = lo & ~(sz - 1);
	unsigned int first = entry_index(lo, t), last = entry_index(hi - 1, t);

	for (unsigned int i = first; i <= last; i++, eb += sz) {
		uint64_t a = lo > eb ? lo : eb, b = hi < eb + sz ? hi : eb + sz, e, ne;
		int err;

		if (v == REAL)
			e = tbl[i];
		else if (v == V_SPLIT) /* any leaf stands for the split one */
			e = EPT_R | (t > 1 ? EPT_LARGE : 0);
		else
			e = 0;
		err = step(op, e, t, a, b, a == eb && b - a == sz, &ne);
		if (err)
			return err;
		if (!op->count && ne != e)
			set_entry(&tbl[i], ne);
	}
	return 0;
}

static int run(struct op *op)
{
	struct ept *ept = op->ept;
	int err;

	op->count = true;
	err = walk(op, table(ept->root), 4, op->start, op->end, REAL);
	if (err)
		return err;
	for (uint64_t n = 0; n < op->tables; n++) {
		uint64_t p;

		err = palloc_alloc(ept->pa, PAGE_SIZE, PAGE_SIZE, 0, &p);
		if (err) {
			free_spare(op);
			return err;
		}
		table(p)[0] = op->spare;
		op->spare = p;
	}
	op->count = false;
	err = walk(op, table(ept->root), 4, op->start, op->end, REAL);
	free_spare(op);
	return err;
}

static bool range_ok(uint64_t a, uint64_t len, uint64_t limit)
{
	return !((a | len) & (PAGE_SIZE - 1)) && len && a < limit && len <= limit - a;
}

static bool type_ok(unsigned int type)
{
	return type == EPT_UC || type == EPT_WC || type == EPT_WT || type == EPT_WP ||
	       type == EPT_WB;
}

int ept_init(struct ept *e, struct palloc *pa, bool ad)
{
	int err;

	e->pa = pa;
	e->ad = ad;
	e->root = 0;
	err = palloc_alloc(pa, PAGE_SIZE, PAGE_SIZE, 0, &e->root);
	if (err) {
		e->root = 0;
		return err;
	}
	memset(table(e->root), 0, PAGE_SIZE);
	return 0;
}

int ept_map(struct ept *e, uint64_t gpa, uint64_t hpa, uint64_t len, unsigned int rwx,
	    unsigned int type, bool allow_2m, bool allow_1g)
{
	struct op op = {
		.ept = e,
		.sp_2m = allow_2m,
		.sp_1g = allow_1g,
		.start = gpa,
		.end = gpa + len,
		.delta = hpa - gpa,
	};

	if (!e->root || !range_ok(gpa, len, EPT_GPA_LIMIT) || !range_ok(hpa, len, EPT_HPA_LIMIT) ||
	    !(rwx & EPT_R) || (rwx & ~EPT_RWX) || !type_ok(type))
		return -EINVAL;
	/* WB lets the guest's PAT refine it; anything else is forced (ept.h). */
	op.attr = rwx | ((uint64_t)type << EPT_MT_SHIFT) | (type == EPT_WB ? 0 : EPT_IPAT);
	return run(&op);
}

int ept_unmap(struct ept *e, uint64_t gpa, uint64_t len)
{
	struct op op = {.ept = e, .unmap = true, .start = gpa, .end = gpa + len};

	if (!e->root || !range_ok(gpa, len, EPT_GPA_LIMIT))
		return -EINVAL;
	return run(&op);
}

uint64_t ept_lookup(const struct ept *e, uint64_t gpa, uint64_t *size)
{
	uint64_t ent = e->root;

	if (size)
		*size = 0;
	if (!e->root || gpa >= EPT_GPA_LIMIT)
		return 0;
	for (unsigned int t = 4; t >= 1; t--) {
		ent = table(ent)[entry_index(gpa, t)];
		if (!present(ent))
			return 0;
		if (is_table(ent, t))
			continue;
		if (size)
			*size = entry_size(t);
		return ent;
	}
	return 0;
}

uint64_t ept_pointer(const struct ept *e)
{
	return (e->root & EPT_ADDR) | EPTP_MT_WB | EPTP_WALK4 | (e->ad ? EPTP_AD : 0);
}

void ept_destroy(struct ept *e)
{
	if (e->root)
		free_tree(e->pa, e->root, 4);
	e->root = 0;
}
