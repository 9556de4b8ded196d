// SPDX-License-Identifier: MIT
/*
 * Harness for boot/mb2.c (with the EFI memory map of tag 17, boot_info and
 * the memory map under it). Feeds: the input as the multiboot2 information
 * structure, exactly that many bytes readable, to mb2_parse(). Checks: the
 * answer is 0, -EINVAL, -ENOENT or -ENOSPC; on success the memory map is
 * sorted, disjoint and holds usable memory, module count within the cap,
 * modules with start <= end, every string terminated inside its array, the
 * RSDP copy 0, 20 or 36 bytes.
 */
#include <string.h>
#include "lib/err.h"
#include "boot/mb2.h"
#include "fake_printk.h"
#include "memmap_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct boot_info bi;
	int err;

	printk_reset();
	memset(&bi, 0xA5, sizeof(bi));
	err = mb2_parse(data, size, &bi);
	FUZZ_CHECK(err == 0 || err == -EINVAL || err == -ENOENT || err == -ENOSPC);
	if (err)
		return 0;
	memmap_check(&bi.mmap);
	FUZZ_CHECK(memmap_total(&bi.mmap, MEM_USABLE) > 0);
	FUZZ_CHECK(bi.mod_count <= BOOT_MODS_MAX);
	for (unsigned int i = 0; i < bi.mod_count; i++) {
		FUZZ_CHECK(bi.mods[i].start <= bi.mods[i].end);
		FUZZ_CHECK(memchr(bi.mods[i].cmdline, 0, sizeof(bi.mods[i].cmdline)));
	}
	FUZZ_CHECK(memchr(bi.cmdline, 0, sizeof(bi.cmdline)));
	FUZZ_CHECK(memchr(bi.loader, 0, sizeof(bi.loader)));
	FUZZ_CHECK(bi.rsdp_len == 0 || bi.rsdp_len == 20 || bi.rsdp_len == 36);
	FUZZ_CHECK(bi.fw == FW_UNKNOWN || bi.fw == FW_BIOS || bi.fw == FW_UEFI);
	return 0;
}
