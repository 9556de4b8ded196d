// SPDX-License-Identifier: MIT
/* x86 long-mode page tables (host and NPT formats) over lib/pt.c, and the
 * hypervisor's identity map with its image W^X. */
#include <stdbool.h>
#include <stddef.h>
#include "lib/err.h"
#include "hv/core/paging.h"

#define SZ_2M (2ull << 20)
#define SZ_4G (4ull << 30)

/* Long-mode entries; @tbl: the bits of a pointer to a table, @nx: the bit
 * that takes execute away (0 where EFER.NXE is off: every leaf executable). */
#define X86_FORMAT(fmt_name, tbl, nx)                                                        \
	{                                                                                    \
		.name = fmt_name, .max_levels = 4, .leaf_levels = PT_4K | PT_2M | PT_1G,     \
		.addr = PTE_ADDR, .present = PTE_P, .kind = PTE_PS,                          \
		.table = {[2] = (tbl), [3] = (tbl), [4] = (tbl)},                            \
		.leaf = {[2] = PTE_PS, [3] = PTE_PS}, .prot_bits = {PTE_P, PTE_W, 0, PTE_U}, \
		.prot_deny = {[2] = (nx)}, .prot_ok = PT_R | PT_W | PT_X | PT_U,             \
		.prot_must = PT_R | ((nx) ? 0 : PT_X),                                       \
		.mt_bits = {[PT_MT_UC] = PTE_UC, [PT_MT_WB] = 0},                            \
		.mt_ok = 1u << PT_MT_UC | 1u << PT_MT_WB,                                    \
	}

const struct pt_format paging_host_format = X86_FORMAT("host", PTE_P | PTE_W, 0);
const struct pt_format paging_host_nx_format = X86_FORMAT("host-nx", PTE_P | PTE_W, PTE_NX);
const struct pt_format paging_npt_format = X86_FORMAT("npt", PTE_P | PTE_W | PTE_U, 0);

static int init(struct pt_table *pt, const struct pt_format *fmt, struct palloc *pa, bool gb)
{
	const struct pt_alloc alloc = {palloc_pt_alloc, palloc_pt_free, pa, SZ_4G};
	int err = pt_init(pt, fmt, 4, &alloc, NULL);

	pt->leaves = PT_4K | PT_2M | (gb ? PT_1G : 0);
	return err;
}

/* @prot with what @pt's format cannot take away (execute, without NX). */
static unsigned int prot_in(const struct pt_table *pt, unsigned int prot)
{
	return prot | pt->fmt->prot_must;
}

/* Leaf @flags as the engine's access and memory type. */
static int flags_to(const struct pt_table *pt, uint64_t flags, unsigned int *prot, unsigned int *mt)
{
	if (flags & ~(PTE_P | PTE_W | PTE_U | PTE_UC | PTE_NX))
		return -EINVAL;
	if ((flags & PTE_UC) && (flags & PTE_UC) != PTE_UC)
		return -EINVAL;
	*prot = prot_in(pt, PT_R | (flags & PTE_NX ? 0 : PT_X) | (flags & PTE_W ? PT_W : 0) |
				    (flags & PTE_U ? PT_U : 0));
	*mt = flags & PTE_UC ? PT_MT_UC : PT_MT_WB;
	return 0;
}

int paging_init_nested(struct pt_table *pt, struct palloc *pa, bool gb)
{
	return init(pt, &paging_npt_format, pa, gb);
}

int paging_map_to(struct pt_table *pt, uint64_t virt, uint64_t phys, uint64_t len, uint64_t flags)
{
	unsigned int prot, mt;

	if (!pt->fmt || flags_to(pt, flags, &prot, &mt))
		return -EINVAL;
	return pt_map(pt, virt, phys, len, prot, mt);
}

int paging_unmap(struct pt_table *pt, uint64_t virt, uint64_t len)
{
	return pt_unmap(pt, virt, len);
}

static bool is_ram(enum mem_type t)
{
	return t == MEM_USABLE || t == MEM_ACPI_RECLAIM || t == MEM_ACPI_NVS;
}

/* RAM bytes of @mm inside [base, base + 2 MiB). */
static uint64_t ram_in(const struct memmap *mm, uint64_t base)
{
	uint64_t end = base + SZ_2M, n = 0;

	for (unsigned int i = 0; i < mm->n; i++) {
		const struct mem_range *r = &mm->r[i];
		uint64_t lo = r->base > base ? r->base : base, hi = r->end < end ? r->end : end;

		if (is_ram(r->type) && lo < hi)
			n += hi - lo;
	}
	return n;
}

/* Consecutive pieces of the identity map alike in type and leaf sizes, made
 * one engine call so that it can use the largest leaves. */
struct run {
	uint64_t start, end;
	unsigned int mt, leaves;
};

static int run_end(struct pt_table *pt, struct run *r)
{
	int err = 0;

	if (r->end > r->start)
		err = pt_map_leaves(pt, r->start, r->start, r->end - r->start,
				    prot_in(pt, PT_R | PT_W), r->mt, r->leaves);
	r->start = r->end;
	return err;
}

static int run_add(struct pt_table *pt, struct run *r, uint64_t a, uint64_t len, unsigned int mt,
		   unsigned int leaves)
{
	int err = 0;

	if (r->end != a || r->mt != mt || r->leaves != leaves) {
		err = run_end(pt, r);
		*r = (struct run){a, a, mt, leaves};
	}
	r->end = a + len;
	return err;
}

static bool image_ok(const struct paging_host *h)
{
	uint64_t all = h->text | h->rodata | h->data | h->end;

	return !(all & (PAGE_SIZE - 1)) && h->text <= h->rodata && h->rodata <= h->data &&
	       h->data <= h->end;
}

/* The image's own protection, over the RAM mapping that covers it: text
 * read-only and executable, rodata read-only; data keeps RAM's. */
static int image_protect(struct pt_table *pt, const struct paging_host *h)
{
	int err = 0;

	if (h->rodata > h->text)
		err = pt_map(pt, h->text, h->text, h->rodata - h->text, prot_in(pt, PT_R | PT_X),
			     PT_MT_WB);
	if (!err && h->data > h->rodata)
		err = pt_map(pt, h->rodata, h->rodata, h->data - h->rodata, prot_in(pt, PT_R),
			     PT_MT_WB);
	return err;
}

int paging_build(struct pt_table *pt, const struct memmap *mm, struct palloc *pa,
		 const struct paging_host *h)
{
	struct run r = {0, 0, PT_MT_WB, 0};
	uint64_t top = SZ_4G;
	int err;

	if (!image_ok(h))
		return -EINVAL;
	err = init(pt, h->nx ? &paging_host_nx_format : &paging_host_format, pa, h->gb);
	for (unsigned int i = 0; i < mm->n; i++)
		if (is_ram(mm->r[i].type) && mm->r[i].end > top)
			top = (mm->r[i].end + SZ_2M - 1) & ~(SZ_2M - 1);

	for (uint64_t a = 0; a < top && !err; a += SZ_2M) {
		uint64_t ram = ram_in(mm, a);

		if (ram == SZ_2M) /* RAM: whole 1 GiB pages of it too */
			err = run_add(pt, &r, a, SZ_2M, PT_MT_WB, pt->leaves);
		else if (!ram && a < SZ_4G) /* MMIO: not 1 GiB across unknown devices */
			err = run_add(pt, &r, a, SZ_2M, PT_MT_UC, PT_4K | PT_2M);
		/* MMIO above 4 GiB is mapped on demand. A mixed block: per-page
		 * caching from the map. */
		for (uint64_t p = a; ram && ram < SZ_2M && p < a + SZ_2M && !err; p += PAGE_SIZE)
			err = run_add(pt, &r, p, PAGE_SIZE,
				      is_ram(memmap_type_at(mm, p)) ? PT_MT_WB : PT_MT_UC, PT_4K);
	}
	err = err ? err : run_end(pt, &r);
	return err ? err : image_protect(pt, h);
}

int paging_map(struct pt_table *pt, uint64_t phys, uint64_t len, uint64_t flags)
{
	uint64_t a = phys & ~(PAGE_SIZE - 1), end = phys + len;
	unsigned int prot, mt;

	if (!len || end < phys || end > ~(PAGE_SIZE - 1) || !pt->fmt ||
	    flags_to(pt, flags, &prot, &mt))
		return -EINVAL;
	end = (end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	return pt_map_leaves(pt, a, a, end - a, prot, mt, PT_4K | PT_2M);
}

uint64_t paging_lookup(const struct pt_table *pt, uint64_t addr, uint64_t *size)
{
	return pt_walk(pt, addr, size);
}

#ifndef HOST_TEST
#include "lib/x86.h"

struct pt_table hv_pt;

void paging_activate(const struct pt_table *pt)
{
	write_cr3(pt->root);
}

int paging_map_mmio(uint64_t phys, uint64_t len)
{
	int err = paging_map(&hv_pt, phys, len, PTE_W | PTE_UC | PTE_NX);

	write_cr3(read_cr3()); /* flush: entries may have been split */
	return err;
}
#endif
