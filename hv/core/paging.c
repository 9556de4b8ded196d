// SPDX-License-Identifier: MIT
/* Host page tables. Tables are reached by physical address: the hypervisor
 * runs identity-mapped (and host tests back the allocator with host memory). */
#include <stdbool.h>
#include "lib/err.h"
#include "lib/kstring.h"
#include "hv/core/paging.h"

#define SZ_2M (2ull << 20)
#define SZ_1G (1ull << 30)
#define SZ_4G (4ull << 30)

static uint64_t *table(uint64_t phys)
{
	return (uint64_t *)(uintptr_t)phys;
}

static int table_new(struct pagetable *pt, uint64_t *out)
{
	int err = palloc_alloc(pt->pa, PAGE_SIZE, PAGE_SIZE, SZ_4G, out);

	if (!err)
		memset(table(*out), 0, PAGE_SIZE);
	return err;
}

/* The next-level table under @e, created (or split from a 2 MiB leaf). */
static int table_next(struct pagetable *pt, uint64_t *e, bool split_ok, uint64_t **next)
{
	uint64_t phys;
	int err;

	if ((*e & PTE_P) && !(*e & PTE_PS)) {
		*next = table(*e & PTE_ADDR);
		return 0;
	}
	err = table_new(pt, &phys);
	if (err)
		return err;
	if (*e & PTE_P) { /* a large leaf: keep its mapping in smaller pages */
		uint64_t base = *e & PTE_ADDR & ~(SZ_2M - 1), attr = *e & ~PTE_ADDR & ~PTE_PS;

		if (!split_ok)
			return -EINVAL;
		for (int i = 0; i < 512; i++)
			table(phys)[i] = (base + (uint64_t)i * PAGE_SIZE) | attr;
	}
	*e = phys | (pt->table_flags ? pt->table_flags : PTE_P | PTE_W);
	*next = table(phys);
	return 0;
}

/* The PD entry covering @addr, creating the levels above it. */
static int pde_get(struct pagetable *pt, uint64_t addr, uint64_t **pde)
{
	uint64_t *pml4 = table(pt->root), *pdpt, *pd;
	int err;

	err = table_next(pt, &pml4[(addr >> 39) & 511], false, &pdpt);
	if (!err)
		err = table_next(pt, &pdpt[(addr >> 30) & 511], false, &pd);
	if (!err)
		*pde = &pd[(addr >> 21) & 511];
	return err;
}

static bool is_ram(enum mem_type t)
{
	return t == MEM_USABLE || t == MEM_ACPI_RECLAIM || t == MEM_ACPI_NVS;
}

static uint64_t attr_of(enum mem_type t)
{
	return PTE_P | PTE_W | (is_ram(t) ? 0 : PTE_UC);
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

int paging_build(struct pagetable *pt, const struct memmap *mm, struct palloc *pa)
{
	uint64_t top = SZ_4G;
	int err;

	pt->pa = pa;
	pt->table_flags = 0;
	err = table_new(pt, &pt->root);
	if (err)
		return err;
	for (unsigned int i = 0; i < mm->n; i++)
		if (is_ram(mm->r[i].type) && mm->r[i].end > top)
			top = (mm->r[i].end + SZ_2M - 1) & ~(SZ_2M - 1);

	for (uint64_t a = 0; a < top; a += SZ_2M) {
		uint64_t ram = ram_in(mm, a), *pde, *pt4;

		if (a >= SZ_4G && !ram)
			continue; /* MMIO above 4 GiB: mapped on demand */
		err = pde_get(pt, a, &pde);
		if (err)
			return err;
		if (ram == SZ_2M || !ram) {
			*pde = a | PTE_PS | (ram ? PTE_P | PTE_W : PTE_P | PTE_W | PTE_UC);
			continue;
		}
		/* Mixed block: per-page caching from the map. */
		err = table_next(pt, pde, false, &pt4);
		if (err)
			return err;
		for (int i = 0; i < 512; i++) {
			uint64_t p = a + (uint64_t)i * PAGE_SIZE;

			pt4[i] = p | attr_of(memmap_type_at(mm, p));
		}
	}
	return 0;
}

int paging_init_empty(struct pagetable *pt, struct palloc *pa, uint64_t table_flags)
{
	pt->pa = pa;
	pt->table_flags = table_flags;
	return table_new(pt, &pt->root);
}

int paging_map_to(struct pagetable *pt, uint64_t virt, uint64_t phys, uint64_t len, uint64_t flags)
{
	const uint64_t sz2m = 2ull << 20;

	if (!len || ((virt | phys | len) & (PAGE_SIZE - 1)) || virt + len < virt ||
	    phys + len < phys)
		return -EINVAL;
	while (len) {
		uint64_t *pde, *pt4;
		int err = pde_get(pt, virt, &pde);

		if (err)
			return err;
		if (!((virt | phys) & (sz2m - 1)) && len >= sz2m && !(*pde & PTE_P)) {
			*pde = phys | PTE_P | PTE_PS | flags;
			virt += sz2m, phys += sz2m, len -= sz2m;
			continue;
		}
		err = table_next(pt, pde, true, &pt4);
		if (err)
			return err;
		pt4[(virt >> 12) & 511] = phys | PTE_P | flags;
		virt += PAGE_SIZE, phys += PAGE_SIZE, len -= PAGE_SIZE;
	}
	return 0;
}

int paging_unmap(struct pagetable *pt, uint64_t virt, uint64_t len)
{
	const uint64_t sz2m = 2ull << 20;

	if (!len || ((virt | len) & (PAGE_SIZE - 1)) || virt + len < virt)
		return -EINVAL;
	while (len) {
		uint64_t *pml4 = table(pt->root), e, *pd, *pde, *pt4;
		int err;

		/* Nothing mapped at this level: skip what it would cover. */
		e = pml4[(virt >> 39) & 511];
		if (!(e & PTE_P) || !((e = table(e & PTE_ADDR)[(virt >> 30) & 511]) & PTE_P)) {
			uint64_t step = sz2m - (virt & (sz2m - 1));

			step = step < len ? step : len;
			virt += step, len -= step;
			continue;
		}
		if (e & PTE_PS) /* 1 GiB leaves are not made by paging_map_to */
			return -EINVAL;
		pd = table(e & PTE_ADDR);
		pde = &pd[(virt >> 21) & 511];
		if (!(*pde & PTE_P) || ((*pde & PTE_PS) && !(virt & (sz2m - 1)) && len >= sz2m)) {
			uint64_t step = sz2m - (virt & (sz2m - 1));

			*pde = (*pde & PTE_PS) ? 0 : *pde;
			step = step < len ? step : len;
			virt += step, len -= step;
			continue;
		}
		err = table_next(pt, pde, true, &pt4); /* a 2 MiB leaf cut in part: split */
		if (err)
			return err;
		pt4[(virt >> 12) & 511] = 0;
		virt += PAGE_SIZE, len -= PAGE_SIZE;
	}
	return 0;
}

int paging_map(struct pagetable *pt, uint64_t phys, uint64_t len, uint64_t flags)
{
	uint64_t a = phys & ~(PAGE_SIZE - 1), end = phys + len;

	if (!len || end < phys)
		return -EINVAL;
	for (; a < end; a += PAGE_SIZE) {
		uint64_t *pde, *pt4;
		int err = pde_get(pt, a, &pde);

		if (!err)
			err = table_next(pt, pde, true, &pt4);
		if (err)
			return err;
		pt4[(a >> 12) & 511] = a | PTE_P | flags;
	}
	return 0;
}

uint64_t paging_lookup(const struct pagetable *pt, uint64_t addr, uint64_t *size)
{
	uint64_t e = pt->root | PTE_P;
	unsigned int shift = 39;

	for (int level = 4; level >= 1; level--, shift -= 9) {
		e = table(e & PTE_ADDR)[(addr >> shift) & 511];
		if (!(e & PTE_P))
			return 0;
		if (level == 1 || (level <= 3 && (e & PTE_PS))) {
			*size = 1ull << shift;
			return e;
		}
	}
	return 0;
}

#ifndef HOST_TEST
#include "lib/x86.h"

struct pagetable hv_pt;

void paging_activate(const struct pagetable *pt)
{
	write_cr3(pt->root);
}

int paging_map_mmio(uint64_t phys, uint64_t len)
{
	int err = paging_map(&hv_pt, phys, len, PTE_W | PTE_UC);

	write_cr3(read_cr3()); /* flush: entries may have been split */
	return err;
}
#endif
