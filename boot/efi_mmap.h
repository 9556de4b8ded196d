/* SPDX-License-Identifier: MIT */
/*
 * The UEFI memory map, as firmware gives it (GetMemoryMap) or as GRUB passes
 * it (multiboot2 tag 17), turned into the hypervisor's memory map. Shared by
 * both boot paths.
 */
#ifndef VF_EFI_MMAP_H
#define VF_EFI_MMAP_H

#include <stddef.h>
#include <stdint.h>
#include "hv/core/memmap.h"

#define EFI_DESC_MIN 40u /* type, pad, phys, virt, pages, attribute */
#ifndef EFI_MEMORY_RUNTIME
#define EFI_MEMORY_RUNTIME (1ull << 63)
#endif

/* The memory type an EFI descriptor type and attribute stand for: loader and
 * boot-services memory is free after ExitBootServices; anything the runtime
 * services keep, or that the spec does not call RAM, stays reserved. */
enum mem_type efi_mem_type(uint32_t type, uint64_t attr);

/*
 * Add @count descriptors of @desc_size bytes each (at @descs, unaligned is
 * fine) to @mm. Descriptors with zero or absurd page counts are skipped with
 * a warning naming @who. -EINVAL for a descriptor size below EFI_DESC_MIN,
 * -ENOSPC when @mm fills up (what was added stays).
 */
int efi_mmap_convert(struct memmap *mm, const void *descs, size_t count, size_t desc_size,
		     const char *who);

#endif
