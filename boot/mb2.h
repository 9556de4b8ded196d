/* SPDX-License-Identifier: MIT */
/* Multiboot2: turn the loader's boot information into struct boot_info. */
#ifndef VF_MB2_H
#define VF_MB2_H

#include <stddef.h>
#include "boot/boot_info.h"

/* What the loader leaves in EAX when it hands over a multiboot2 info. */
#define MB2_BOOTLOADER_MAGIC 0x36d76289u

/*
 * Parse the multiboot2 information at @mbi, of which @avail bytes may be read,
 * into @bi (cleared first; bi->info_phys is left for the caller to set).
 * The EFI memory map (tag 17) is used if it holds usable memory, else the
 * e820-style one (tag 6). Returns 0; -EINVAL for a malformed structure
 * (nothing in @bi is to be used then); -ENOENT if it holds no usable memory
 * map; -ENOSPC if the memory map does not fit in MEMMAP_MAX ranges.
 */
int mb2_parse(const void *mbi, size_t avail, struct boot_info *bi);

#endif
