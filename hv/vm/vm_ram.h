/* SPDX-License-Identifier: MIT */
/*
 * A guest's RAM in host memory: its guest-physical ranges (from 0 up to the
 * PCI window, the rest from 4 GiB) backed by pieces of host memory, each the
 * largest free block the allocator has, 1 GiB-aligned where it is that big
 * (so nested paging and the IOMMU can use 1 GiB leaves), else 2 MiB. A guest
 * thus starts on a host whose free memory is in pieces, up to VM_RAM_PIECES
 * of them. Pure bookkeeping over struct palloc: host-tested.
 */
#ifndef VF_VM_RAM_H
#define VF_VM_RAM_H

#include <stdbool.h>
#include <stdint.h>

struct palloc;

#define VM_RAM_PIECES 32

struct vm_ram_piece {
	uint64_t gpa, len, hpa; /* guest-physical [gpa, gpa+len) is host hpa.. */
};

struct vm_ram {
	struct vm_ram_piece p[VM_RAM_PIECES]; /* in guest-physical order */
	unsigned int n;
};

/* Back guest-physical [@gpa, @gpa+@size) (both multiples of 2 MiB, above
 * the pieces already there) with host memory from @pa. -ENOMEM when the
 * host has too little, -ENOSPC when it would take more than VM_RAM_PIECES
 * pieces; the pieces added by a failed call are given back. */
int vm_ram_carve(struct vm_ram *r, struct palloc *pa, uint64_t gpa, uint64_t size);

/* At most @bytes (a multiple of 2 MiB; 0: no limit) per piece from now on:
 * the ram.piece_mib test aid. */
void vm_ram_set_piece_max(uint64_t bytes);

/* Give every piece back to @pa; @r is empty after. */
void vm_ram_free(struct vm_ram *r, struct palloc *pa);

/* The host address of guest-physical [@gpa, @gpa+@len), which must lie in
 * one piece: false otherwise. */
static inline bool vm_ram_hpa(const struct vm_ram *r, uint64_t gpa, uint64_t len, uint64_t *hpa)
{
	for (unsigned int i = 0; i < r->n; i++) {
		const struct vm_ram_piece *p = &r->p[i];

		if (gpa < p->gpa || gpa - p->gpa >= p->len)
			continue;
		if (len > p->len - (gpa - p->gpa))
			return false;
		*hpa = p->hpa + (gpa - p->gpa);
		return true;
	}
	return false;
}

#endif
