/* SPDX-License-Identifier: MIT */
/* Physical memory through the identity map: which RAM is mapped, zeroed pages. */
#ifndef VF_PHYSMEM_H
#define VF_PHYSMEM_H

#include <stdint.h>
#include "hv/core/memmap.h"
#include "hv/core/palloc.h"

/* Tell acpi_map() which memory above 4 GiB is RAM (and so mapped). */
void physmem_set_map(const struct memmap *mm);
/* @n zeroed pages (VMCBs, VMCSs, bitmaps, save areas); palloc_alloc's errors. */
int physmem_zpages(struct palloc *pa, unsigned int n, uint64_t *out);

#endif
