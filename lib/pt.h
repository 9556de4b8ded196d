/* SPDX-License-Identifier: MIT */
/*
 * One page-table engine for every radix table the hypervisor builds: its own
 * (host), a guest's nested map (AMD NPT, Intel EPT) and a device's DMA map
 * (VT-d second level). A struct pt_format describes the entry format; the
 * engine maps, unmaps, splits, walks and frees tables of any such format.
 *
 * Tables are 4 KiB pages of 512 8-byte entries, level 1 (4 KiB leaves) up to
 * the table's top level; a level-t entry maps 2^(3 + 9t) bytes. Table pages
 * are reached by physical address: the hypervisor runs identity-mapped, and
 * host tests back the allocator with host memory.
 *
 * Guarantees of every change (pt_map, pt_unmap, pt_split):
 *  - all or nothing: a counting pass finds the table pages the change needs
 *    and they are allocated before anything is written, so a call that fails
 *    has changed nothing (tables and allocator as they were);
 *  - safe against a walker (a vCPU, a device) using the table meanwhile: a
 *    new table is filled while unreachable and linked with one 8-byte store
 *    after a write barrier; a large leaf is split by linking a table mapping
 *    the same; every entry changes with one store. Each address translates
 *    the old way or the new, never through a half-built table;
 *  - with a flush hook (a walker that reads behind the CPU caches, VT-d with
 *    ECAP.C=0), every written table entry is flushed before the call
 *    returns, a new table whole before it is linked.
 * The caller invalidates the walker's TLB after a change to a present entry.
 */
#ifndef VF_PT_H
#define VF_PT_H

#include <stdbool.h>
#include <stdint.h>

#define PT_LEVELS_MAX 5
#define PT_DEFER_MAX  64

/* Access a leaf grants (pt_map @prot). */
#define PT_R	     1u /* read */
#define PT_W	     2u /* write */
#define PT_X	     4u /* execute */
#define PT_U	     8u /* user-mode (and, for nested paging, every guest) access */
#define PT_PROT_BITS 4

/* Memory types (pt_map @mt): the x86 encoding, as MTRRs and PAT have it. */
#define PT_MT_UC    0u
#define PT_MT_WC    1u
#define PT_MT_WT    4u
#define PT_MT_WP    5u
#define PT_MT_WB    6u
#define PT_MT_COUNT 8

/* Leaf sizes (a set of levels: bit t for level t). */
#define PT_4K (1u << 1)
#define PT_2M (1u << 2)
#define PT_1G (1u << 3)

struct pt_format {
	const char *name;
	unsigned int max_levels;  /* the deepest walk a table of it may have */
	unsigned int leaf_levels; /* levels whose entries may be leaves (PT_4K...) */
	uint64_t addr;		  /* the address field */
	uint64_t present;	  /* an entry with any of these set is present */
	/* What tells a table pointer from a leaf above level 1: those bits of
	 * @kind in a pointer equal those in table[level]. One large-page bit
	 * on x86; AMD-Vi's next-level field (bits 11:9) is three. */
	uint64_t kind;
	uint64_t table[PT_LEVELS_MAX + 1]; /* bits of a level-t table pointer */
	uint64_t leaf[PT_LEVELS_MAX + 1];  /* bits every level-t leaf has */
	/* Leaf bits per PT_R/W/X/U: prot_bits[i] where access i is granted
	 * (bit i of prot), prot_deny[i] where it is not (a format that grants
	 * by a clear bit: x86's NX); @prot must be within @prot_ok, hold all of
	 * @prot_must and one of @prot_any. */
	uint64_t prot_bits[PT_PROT_BITS];
	uint64_t prot_deny[PT_PROT_BITS];
	unsigned int prot_ok, prot_must, prot_any;
	uint64_t mt_bits[PT_MT_COUNT]; /* leaf bits per memory type */
	unsigned int mt_ok;	       /* bit mt: the format has type mt */
};

/* Table pages (4 KiB, 4 KiB aligned) ending at or below @limit (0: any). */
struct pt_alloc {
	int (*alloc)(void *ctx, uint64_t limit, uint64_t *phys);
	void (*free)(void *ctx, uint64_t phys);
	void *ctx;
	uint64_t limit;
};

struct pt_table {
	uint64_t root; /* physical address of the top table; 0 if none */
	const struct pt_format *fmt;
	unsigned int levels; /* of the walk */
	unsigned int leaves; /* leaf sizes this table uses (the CPU's support) */
	/* Merge: a region wholly remapped (or unmapped) whose table could go
	 * becomes one large leaf (or empty) and the table is detached into
	 * @deferred. Without it, tables stay until pt_destroy(). */
	bool merge;
	uint64_t root_flags; /* what the hardware's root pointer carries */
	struct pt_alloc alloc;
	/* Called for every range of table memory written (non-coherent
	 * walker); NULL when the walker snoops the CPU caches. */
	void (*flush)(const void *p, uint64_t len);
	/* Detached tables the walker may still use, until pt_reclaim(): the
	 * table's address with its level in bits 2:0 (its subtree goes too). */
	uint64_t deferred[PT_DEFER_MAX];
	unsigned int deferred_count;
};

/* Leaf bits for @prot and @mt in @fmt; -EINVAL where it has no such. */
int pt_leaf_bits(const struct pt_format *fmt, unsigned int prot, unsigned int mt, uint64_t *bits);

/* An empty table of @fmt with @levels levels (at most fmt->max_levels), all
 * of the format's leaf sizes, no merging, no root flags; the caller narrows
 * t->leaves and sets t->merge and t->root_flags after. -EINVAL for bad
 * levels, else the allocator's error (t->root is 0 then). */
int pt_init(struct pt_table *t, const struct pt_format *fmt, unsigned int levels,
	    const struct pt_alloc *alloc, void (*flush)(const void *p, uint64_t len));
/* The addresses the table translates: [0, pt_va_limit()). */
uint64_t pt_va_limit(const struct pt_table *t);

/*
 * Map [va, va+len) to [pa, pa+len) with @prot and @mt (all three 4 KiB
 * aligned). Leaves: the largest of @leaves (narrowed to t->leaves) that the
 * alignment of va and pa and the range allow, a size used only where every
 * smaller one is too (a split needs them). A mapping in the range is
 * replaced; a large leaf crossing an edge of it is split, keeping the rest of
 * its mapping and bits. -EINVAL: no table, misaligned, zero length, wrapping,
 * beyond the table's or the format's address width, @prot or @mt not in the
 * format. -EBUSY: merging would detach more tables than @deferred has room
 * for (pt_reclaim() first). Else the allocator's error. Failures change
 * nothing.
 */
int pt_map_leaves(struct pt_table *t, uint64_t va, uint64_t pa, uint64_t len, unsigned int prot,
		  unsigned int mt, unsigned int leaves);
/* pt_map_leaves() with t->leaves. */
int pt_map(struct pt_table *t, uint64_t va, uint64_t pa, uint64_t len, unsigned int prot,
	   unsigned int mt);
/* Unmap [va, va+len) (4 KiB aligned); large leaves crossing its edges are
 * split so that only the range goes. Unmapped parts are fine. Errors as
 * pt_map(). */
int pt_unmap(struct pt_table *t, uint64_t va, uint64_t len);
/* Split every leaf in [va, va+len) larger than @size (a leaf size of the
 * table) into leaves of @size, mapping exactly as before. Errors as pt_map(). */
int pt_split(struct pt_table *t, uint64_t va, uint64_t len, uint64_t size);

/* The leaf entry that maps @va, or 0; its size (0 when unmapped) in @size if
 * not NULL. */
uint64_t pt_walk(const struct pt_table *t, uint64_t va, uint64_t *size);
/* The address @va translates to (-ENOENT if unmapped); the leaf entry and
 * its size in @leaf and @size if not NULL. */
int pt_translate(const struct pt_table *t, uint64_t va, uint64_t *pa, uint64_t *leaf,
		 uint64_t *size);

/* Free the detached tables (after the walker's TLB invalidation). */
void pt_reclaim(struct pt_table *t);
/* Free every table page (no walker uses the table any more). */
void pt_destroy(struct pt_table *t);

#endif
