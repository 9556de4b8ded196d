/* SPDX-License-Identifier: MIT */
/*
 * What the boot path (GRUB's multiboot2, or vfvisor.efi) hands to the hypervisor.
 * Everything is copied in, so nothing the loader left in memory needs to be
 * kept alive except the modules themselves.
 */
#ifndef VF_BOOT_INFO_H
#define VF_BOOT_INFO_H

#include <stdbool.h>
#include <stdint.h>
#include "hv/core/memmap.h"

#define BOOT_CMDLINE_MAX 512
#define BOOT_MODS_MAX	 16
#define BOOT_MODNAME_MAX 128
#define BOOT_LOADER_MAX	 64

enum fw_kind { FW_UNKNOWN = 0, FW_BIOS, FW_UEFI };

struct boot_module {
	uint64_t start; /* physical, inclusive */
	uint64_t end;	/* physical, exclusive */
	char cmdline[BOOT_MODNAME_MAX];
};

struct boot_info {
	enum fw_kind fw;
	char cmdline[BOOT_CMDLINE_MAX];
	char loader[BOOT_LOADER_MAX];
	struct memmap mmap; /* normalised: sorted, no overlaps */
	bool mmap_from_efi; /* came from the EFI memory map rather than e820 */
	struct boot_module mods[BOOT_MODS_MAX];
	unsigned int mod_count;
	/* A copy of the RSDP as the loader gave it (v1: 20 bytes, v2: 36). */
	uint8_t rsdp[36];
	uint32_t rsdp_len;	      /* 0: none given, search the BIOS areas */
	uint64_t efi_systab;	      /* physical, 0 when not booted from UEFI */
	uint64_t info_phys, info_len; /* the loader's own structure, to reserve */
};

const char *boot_fw_name(enum fw_kind fw);
/* The module whose command line (its name) is @name, or NULL. */
const struct boot_module *boot_module_find(const struct boot_info *bi, const char *name);

/*
 * The 64-bit boot protocol (vfvisor.efi): the image carries, within its
 * first 32 KiB and 8-byte aligned, the 8 bytes "VFVISOR\x01" followed by
 * the 64-bit entry address. The loader calls it with a struct boot_info
 * below 4 GiB in rdi and VF_BOOT_INFO_MAGIC in rsi; the hypervisor copies
 * the struct before it allocates anything.
 */
#define VF_BOOT_HDR_MAGIC  "VFVISOR\x01"
#define VF_BOOT_INFO_MAGIC 0x564656424f4f5431ull /* "VFVBOOT1" */

#endif
