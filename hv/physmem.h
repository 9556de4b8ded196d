/* SPDX-License-Identifier: MIT */
#ifndef VF_PHYSMEM_H
#define VF_PHYSMEM_H

#include "memmap.h"

/* Tell acpi_map() which memory above 4 GiB is RAM (and so mapped). */
void physmem_set_map(const struct memmap *mm);

#endif
