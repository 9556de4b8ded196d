// SPDX-License-Identifier: MIT
/*
 * Multiboot2 boot information (the Multiboot2 specification, section 3.6).
 * The structure comes from the loader, so every size in it is checked before
 * anything is read: a first pass validates the tag chain as a whole, and only
 * then are the tags interpreted, so a broken chain leaves nothing half-used.
 */
#include <stdbool.h>
#include <stdint.h>
#include "boot/efi_mmap.h"
#include "boot/mb2.h"
#include "lib/err.h"
#include "lib/kstring.h"
#include "lib/unaligned.h"
#include "lib/printk.h"

enum {
	MB2_TAG_END = 0,
	MB2_TAG_CMDLINE = 1,
	MB2_TAG_LOADER = 2,
	MB2_TAG_MODULE = 3,
	MB2_TAG_MMAP = 6,
	MB2_TAG_EFI32 = 11,
	MB2_TAG_EFI64 = 12,
	MB2_TAG_ACPI_OLD = 14,
	MB2_TAG_ACPI_NEW = 15,
	MB2_TAG_EFI_MMAP = 17,
	MB2_TAG_KINDS = 18, /* one past the highest type tracked below */
};

#define MB2_HDR_SIZE 8u
#define MB2_E820_MIN 24u
#define RSDP_V1_LEN  20u
#define RSDP_V2_LEN  36u

/* The loader promises 8-byte alignment, but nothing here relies on it. */
static bool mb2_single(uint32_t type)
{
	switch (type) {
	case MB2_TAG_CMDLINE:
	case MB2_TAG_LOADER:
	case MB2_TAG_MMAP:
	case MB2_TAG_EFI32:
	case MB2_TAG_EFI64:
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
	case MB2_TAG_EFI_MMAP:
		return true;
	}
	return false;
}

/* Check the header and that the tags chain, each inside total_size, to an end tag. */
static int mb2_check(const uint8_t *p, size_t avail, uint32_t *total_out)
{
	uint64_t off = MB2_HDR_SIZE;
	uint32_t total;

	if (avail < MB2_HDR_SIZE) {
		pr_err("multiboot2: only %zu bytes of info readable\n", avail);
		return -EINVAL;
	}
	total = rd32(p);
	if (total < MB2_HDR_SIZE + 8) {
		pr_err("multiboot2: total_size %u is below the minimum of 16\n", total);
		return -EINVAL;
	}
	if (total > avail) {
		pr_err("multiboot2: total_size %u exceeds the %zu bytes readable\n", total, avail);
		return -EINVAL;
	}

	for (;;) {
		uint32_t type, size;

		if (off > total || total - off < 8) {
			pr_err("multiboot2: no end tag before offset 0x%x\n", (unsigned int)off);
			return -EINVAL;
		}
		type = rd32(p + off);
		size = rd32(p + off + 4);
		if (size < 8) {
			pr_err("multiboot2: tag type %u at offset 0x%x has size %u, below 8\n",
			       type, (unsigned int)off, size);
			return -EINVAL;
		}
		if (size > total - off) {
			pr_err("multiboot2: tag type %u at offset 0x%x runs past the end\n", type,
			       (unsigned int)off);
			return -EINVAL;
		}
		if (type == MB2_TAG_END)
			break;
		off += ((uint64_t)size + 7) & ~7ull;
	}
	*total_out = total;
	return 0;
}

/* Copy a tag's string payload into @dst; @what names it in the warning. */
static void mb2_string(char *dst, size_t dst_size, const uint8_t *s, size_t len, const char *what)
{
	size_t n = str_ncopy(dst, (const char *)s, len, dst_size);

	if (n >= dst_size)
		pr_warn("multiboot2: %s cut from %zu to %zu bytes\n", what, n, dst_size - 1);
}

static void mb2_module(struct boot_info *bi, const uint8_t *tag, uint32_t size, uint32_t off)
{
	struct boot_module *mod;
	uint32_t start, end;

	if (size < 16) {
		pr_warn("multiboot2: module tag at offset 0x%x too short (%u bytes), skipped\n",
			off, size);
		return;
	}
	start = rd32(tag + 8);
	end = rd32(tag + 12);
	if (end <= start) {
		pr_warn("multiboot2: module at offset 0x%x has end 0x%x <= start 0x%x, skipped\n",
			off, end, start);
		return;
	}
	if (bi->mod_count >= BOOT_MODS_MAX) {
		pr_warn("multiboot2: more than %u modules, module at 0x%x skipped\n", BOOT_MODS_MAX,
			start);
		return;
	}
	mod = &bi->mods[bi->mod_count++];
	mod->start = start;
	mod->end = end;
	mb2_string(mod->cmdline, sizeof(mod->cmdline), tag + 16, size - 16, "module name");
}

/* Add one firmware range; only a full map is fatal, a bad entry is skipped. */
static int mb2_mmap_add(struct boot_info *bi, uint64_t base, uint64_t len, enum mem_type type,
			const char *what)
{
	int err;

	if (!len)
		return 0;
	err = memmap_add(&bi->mmap, base, len, type);
	if (err == -ENOSPC) {
		pr_err("multiboot2: %s has more than %u distinct ranges\n", what, MEMMAP_MAX);
		return err;
	}
	if (err)
		pr_warn("multiboot2: %s entry 0x%llx+0x%llx wraps, skipped\n", what,
			(unsigned long long)base, (unsigned long long)len);
	return 0;
}

static enum mem_type mb2_e820_type(uint32_t type)
{
	switch (type) {
	case 1:
		return MEM_USABLE;
	case 3:
		return MEM_ACPI_RECLAIM;
	case 4:
		return MEM_ACPI_NVS;
	case 5:
		return MEM_BAD;
	}
	return MEM_RESERVED;
}

static int mb2_mmap_e820(struct boot_info *bi, const uint8_t *tag, uint32_t size)
{
	uint32_t esize, k, count;

	if (size < 16) {
		pr_err("multiboot2: memory map tag too short (%u bytes)\n", size);
		return -EINVAL;
	}
	esize = rd32(tag + 8);
	if (esize < MB2_E820_MIN || esize % 8) {
		pr_err("multiboot2: memory map entry_size %u invalid, map rejected\n", esize);
		return -EINVAL;
	}
	count = (size - 16) / esize;
	for (k = 0; k < count; k++) {
		const uint8_t *e = tag + 16 + (size_t)k * esize;
		int err = mb2_mmap_add(bi, rd64(e), rd64(e + 8), mb2_e820_type(rd32(e + 16)),
				       "memory map");

		if (err)
			return err;
	}
	return 0;
}

static int mb2_mmap_efi(struct boot_info *bi, const uint8_t *tag, uint32_t size)
{
	uint32_t dsize;

	if (size < 16) {
		pr_err("multiboot2: EFI memory map tag too short (%u bytes)\n", size);
		return -EINVAL;
	}
	dsize = rd32(tag + 8);
	if (dsize < EFI_DESC_MIN) {
		pr_err("multiboot2: EFI descriptor size %u invalid, map rejected\n", dsize);
		return -EINVAL;
	}
	return efi_mmap_convert(&bi->mmap, tag + 16, (size - 16) / dsize, dsize, "multiboot2");
}

/* Fill bi->mmap from the EFI map if it is usable, else from the e820 one. */
static int mb2_mmap(struct boot_info *bi, const uint8_t *p, const uint32_t *first)
{
	int err = -ENOENT;

	if (first[MB2_TAG_EFI_MMAP]) {
		const uint8_t *tag = p + first[MB2_TAG_EFI_MMAP];

		err = mb2_mmap_efi(bi, tag, rd32(tag + 4));
		if (err == -ENOSPC)
			return err;
		if (!err && !memmap_total(&bi->mmap, MEM_USABLE)) {
			pr_warn("multiboot2: EFI memory map holds no usable memory\n");
			err = -ENOENT;
		}
		if (!err)
			bi->mmap_from_efi = true;
		else if (first[MB2_TAG_MMAP])
			pr_warn("multiboot2: falling back to the e820 memory map\n");
	}
	if (err && first[MB2_TAG_MMAP]) {
		const uint8_t *tag = p + first[MB2_TAG_MMAP];

		memmap_init(&bi->mmap);
		err = mb2_mmap_e820(bi, tag, rd32(tag + 4));
		if (err == -ENOSPC)
			return err;
		if (!err && !memmap_total(&bi->mmap, MEM_USABLE)) {
			pr_warn("multiboot2: e820 memory map holds no usable memory\n");
			err = -ENOENT;
		}
	}
	if (err) {
		memmap_init(&bi->mmap);
		pr_err("multiboot2: no memory map\n");
		return -ENOENT;
	}
	return 0;
}

/* Copy the RSDP from a tag of @type if it is long enough; false if not. */
static bool mb2_rsdp(struct boot_info *bi, const uint8_t *p, uint32_t off, uint32_t len)
{
	uint32_t size;

	if (!off)
		return false;
	size = rd32(p + off + 4);
	if (size - 8 < len) {
		pr_warn("multiboot2: RSDP tag at offset 0x%x holds %u bytes, needs %u; ignored\n",
			off, size - 8, len);
		return false;
	}
	memcpy(bi->rsdp, p + off + 8, len);
	bi->rsdp_len = len;
	return true;
}

static void mb2_firmware(struct boot_info *bi, const uint8_t *p, const uint32_t *first)
{
	uint64_t systab = 0;
	uint32_t off;

	bi->fw = FW_BIOS;
	/* A 64-bit table pointer is the one a 64-bit OS uses; the 32-bit one is a fallback. */
	off = first[MB2_TAG_EFI64];
	if (off && rd32(p + off + 4) >= 16)
		systab = rd64(p + off + 8);
	else if (off)
		pr_warn("multiboot2: EFI64 system table tag too short, ignored\n");
	off = first[MB2_TAG_EFI32];
	if (!systab && off && rd32(p + off + 4) >= 12)
		systab = rd32(p + off + 8);
	else if (!systab && off)
		pr_warn("multiboot2: EFI32 system table tag too short, ignored\n");
	if (systab) {
		bi->fw = FW_UEFI;
		bi->efi_systab = systab;
	} else if (first[MB2_TAG_EFI64] || first[MB2_TAG_EFI32]) {
		pr_warn("multiboot2: no usable EFI system table pointer, assuming BIOS\n");
	}
}

int mb2_parse(const void *mbi, size_t avail, struct boot_info *bi)
{
	const uint8_t *p = mbi;
	uint32_t first[MB2_TAG_KINDS] = {0}; /* offset of each single tag; 0: absent */
	uint32_t total, off = MB2_HDR_SIZE;
	int err;

	memset(bi, 0, sizeof(*bi));
	if (!p) {
		pr_err("multiboot2: no info pointer\n");
		return -EINVAL;
	}
	err = mb2_check(p, avail, &total);
	if (err)
		return err;
	bi->info_len = total;

	/* mb2_check() has vouched for every size on this walk. */
	for (;;) {
		const uint8_t *tag = p + off;
		uint32_t type = rd32(tag), size = rd32(tag + 4);

		if (type == MB2_TAG_END)
			break;
		if (mb2_single(type) && first[type]) {
			pr_warn("multiboot2: duplicate tag type %u at offset 0x%x ignored\n", type,
				off);
		} else if (mb2_single(type)) {
			first[type] = off;
		}

		switch (type) {
		case MB2_TAG_CMDLINE:
			if (first[type] == off)
				mb2_string(bi->cmdline, sizeof(bi->cmdline), tag + 8, size - 8,
					   "command line");
			break;
		case MB2_TAG_LOADER:
			if (first[type] == off)
				mb2_string(bi->loader, sizeof(bi->loader), tag + 8, size - 8,
					   "loader name");
			break;
		case MB2_TAG_MODULE:
			mb2_module(bi, tag, size, off);
			break;
		default:
			if (!mb2_single(type))
				pr_debug("multiboot2: tag type %u skipped\n", type);
			break;
		}
		off += (size + 7) & ~7u;
	}

	/* The newer RSDP carries the XSDT address; prefer it wherever it sits. */
	if (!mb2_rsdp(bi, p, first[MB2_TAG_ACPI_NEW], RSDP_V2_LEN))
		mb2_rsdp(bi, p, first[MB2_TAG_ACPI_OLD], RSDP_V1_LEN);
	mb2_firmware(bi, p, first);
	return mb2_mmap(bi, p, first);
}
