// SPDX-License-Identifier: MIT
/*
 * Harness for boot/efi_mmap.c (and hv/core/memmap.c under it). Feeds: the
 * first byte picks a descriptor size (36-67: below the minimum, the
 * minimum 40, firmware's usual 48, odd sizes), the rest is the array of
 * descriptors as firmware hands it over (unaligned). Checks: the answer is
 * 0, -EINVAL (only for a size below 40) or -ENOSPC; the map that results is
 * sorted, disjoint, merged and within MEMMAP_MAX; a usable byte in the map
 * was described usable by some descriptor.
 */
#include <string.h>
#include "lib/err.h"
#include "boot/efi_mmap.h"
#include "fake_printk.h"
#include "memmap_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct memmap mm;
	size_t desc_size, count;
	int err;

	if (size < 1)
		return 0;
	desc_size = 36 + (data[0] & 31);
	count = (size - 1) / desc_size;
	printk_reset();
	memmap_init(&mm);
	err = efi_mmap_convert(&mm, data + 1, count, desc_size, "fuzz");
	FUZZ_CHECK(err == 0 || err == -EINVAL || err == -ENOSPC);
	FUZZ_CHECK(err != -EINVAL || desc_size < EFI_DESC_MIN);
	memmap_check(&mm);
	if (err == -EINVAL)
		return 0;
	/* Each usable range's first byte lies in a usable descriptor. */
	for (unsigned int i = 0; i < mm.n; i++) {
		bool found = false;

		if (mm.r[i].type != MEM_USABLE)
			continue;
		for (size_t k = 0; k < count && !found; k++) {
			const uint8_t *d = data + 1 + k * desc_size;
			uint32_t type;
			uint64_t base, pages, attr;

			memcpy(&type, d, 4);
			memcpy(&base, d + 8, 8);
			memcpy(&pages, d + 24, 8);
			memcpy(&attr, d + 32, 8);
			found = efi_mem_type(type, attr) == MEM_USABLE && pages &&
				pages <= (~0ull - base) / 4096 && mm.r[i].base >= base &&
				mm.r[i].base - base < pages * 4096;
		}
		FUZZ_CHECK(found);
	}
	return 0;
}
