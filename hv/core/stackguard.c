// SPDX-License-Identifier: MIT
/* Guard pages below the hypervisor's stacks (hv/core/stackguard.h). Guards
 * are added and dropped by the boot CPU while it starts the others; the
 * exception path only reads the table. */
#include <stdbool.h>
#include <stddef.h>
#include "hv/core/paging.h"
#include "hv/core/stackguard.h"
#include "lib/err.h"
#include "lib/kstring.h"

static struct stackguard guards[STACKGUARD_MAX];

const struct stackguard *stackguard_find(uint64_t addr)
{
	for (unsigned int i = 0; i < STACKGUARD_MAX; i++)
		if (guards[i].page && addr - guards[i].page < PAGE_SIZE)
			return &guards[i];
	return NULL;
}

const struct stackguard *stackguard_of(unsigned int cpu, const char *stack)
{
	for (unsigned int i = 0; i < STACKGUARD_MAX; i++)
		if (guards[i].page && guards[i].cpu == cpu && !strcmp(guards[i].stack, stack))
			return &guards[i];
	return NULL;
}

int stackguard_add(struct pt_table *pt, uint64_t page, unsigned int cpu, const char *stack)
{
	struct stackguard *g = NULL;
	int err;

	if (!page || (page & (PAGE_SIZE - 1)))
		return -EINVAL;
	if (stackguard_find(page))
		return -EEXIST;
	for (unsigned int i = 0; i < STACKGUARD_MAX && !g; i++)
		if (!guards[i].page)
			g = &guards[i];
	if (!g)
		return -ENOSPC;
	err = paging_unmap(pt, page, PAGE_SIZE);
	if (!err)
		*g = (struct stackguard){page, cpu, stack};
	return err;
}

int stackguard_drop(struct pt_table *pt, uint64_t page)
{
	struct stackguard *g = (struct stackguard *)stackguard_find(page);
	int err;

	if (!g || g->page != page)
		return -ENOENT;
	err = paging_map(pt, page, PAGE_SIZE, PTE_W | PTE_NX);
	if (!err)
		g->page = 0;
	return err;
}

int stackguard_alloc(struct palloc *pa, struct pt_table *pt, uint64_t size, unsigned int cpu,
		     const char *stack, uint64_t *top)
{
	uint64_t base;
	int err;

	if (!size || (size & (PAGE_SIZE - 1)))
		return -EINVAL;
	err = palloc_alloc(pa, PAGE_SIZE + size, PAGE_SIZE, 0, &base);
	if (err)
		return err;
	err = stackguard_add(pt, base, cpu, stack);
	if (err) {
		palloc_free(pa, base, PAGE_SIZE + size);
		return err;
	}
	*top = base + PAGE_SIZE + size;
	return 0;
}

void stackguard_free(struct palloc *pa, struct pt_table *pt, uint64_t size, uint64_t top)
{
	uint64_t base = top - size - PAGE_SIZE;

	/* mapped again first: the memory goes back to those who expect it so */
	if (!stackguard_drop(pt, base))
		palloc_free(pa, base, PAGE_SIZE + size);
}
