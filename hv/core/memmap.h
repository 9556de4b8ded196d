/* SPDX-License-Identifier: MIT */
/*
 * The physical memory map: a sorted list of non-overlapping ranges, each of
 * one type. Firmware maps (e820, EFI) arrive unsorted and may overlap; where
 * they overlap the most restrictive type wins (see memmap_add()).
 */
#ifndef VF_MEMMAP_H
#define VF_MEMMAP_H

#include <stdint.h>

#define MEMMAP_MAX 128

/* Ordered by precedence: a higher value wins an overlap. */
enum mem_type {
	MEM_USABLE = 1,
	MEM_ACPI_RECLAIM = 2, /* ACPI tables: RAM, but keep until parsed */
	MEM_ACPI_NVS = 3,
	MEM_RESERVED = 4, /* firmware, MMIO, EFI runtime, anything unknown */
	MEM_BAD = 5,
};

struct mem_range {
	uint64_t base;
	uint64_t end; /* exclusive */
	enum mem_type type;
};

struct memmap {
	struct mem_range r[MEMMAP_MAX];
	unsigned int n;
};

void memmap_init(struct memmap *m);
/* Insert [base, base+len) of @type, keeping the map sorted and disjoint and
 * merging neighbours of equal type. Returns 0, -EINVAL (zero length or
 * wrap-around), or -ENOSPC (map full: the map is left unchanged). */
int memmap_add(struct memmap *m, uint64_t base, uint64_t len, enum mem_type type);
/* Type of the byte at @addr; MEM_RESERVED if no range covers it. */
enum mem_type memmap_type_at(const struct memmap *m, uint64_t addr);
/* Bytes of @type in the map. */
uint64_t memmap_total(const struct memmap *m, enum mem_type type);
const char *memmap_type_name(enum mem_type type);

#endif
