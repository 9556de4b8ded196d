// SPDX-License-Identifier: MIT
/*
 * Harness for hv/platform/linux_boot.c. Feeds: the input as a bzImage to
 * linux_image_parse() and, if accepted, to linux_load() into guest RAM of
 * 1, 20, 96 or 128 MiB (picked by bits 1:0 of the image's first byte, which the
 * boot protocol leaves unused), with a short or an over-long command line
 * (bit 2) and a small initrd or none (bit 3). Checks: the protected-mode
 * part lies inside the file right after the setup sectors, protocol >= 2.12,
 * alignment a power of two; a load puts the kernel at or above 1 MiB with
 * its init_size inside RAM, the initrd page-aligned inside RAM above 1 MiB
 * and clear of the kernel, the entry at kernel + 0x200 and boot_params at
 * the zero page; a refused load wrote nothing into guest RAM.
 */
#include <string.h>
#include "lib/err.h"
#include "hv/platform/linux_boot.h"
#include "fake_printk.h"
#include "fuzz.h"

#define MIB (1ull << 20)

static uint8_t *ram;
static const uint64_t ram_sizes[4] = {1 * MIB, 20 * MIB, 96 * MIB, 128 * MIB};
/* Bytes of guest RAM a refused load must leave alone: zero page, command
 * line, 1 MiB, the relocation minimum, just below the top. */
static const uint64_t watch[] = {LINUX_ZERO_PAGE_GPA, LINUX_CMDLINE_GPA, MIB,	       16 * MIB,
				 20 * MIB - 1,	      96 * MIB - 1,	 128 * MIB - 1};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t initrd[5000];
	static char long_cl[70000];
	struct linux_image img;
	struct linux_guest g;
	struct linux_entry e;
	int err;

	if (!ram) {
		ram = calloc(1, 128 * MIB); /* pages are only touched as written */
		FUZZ_CHECK(ram);
		memset(long_cl, 'x', sizeof(long_cl) - 1);
	}
	printk_reset();
	err = linux_image_parse(data, size, &img);
	FUZZ_CHECK(err == 0 || err == -EINVAL);
	if (err)
		return 0;
	FUZZ_CHECK(img.version >= 0x020c);
	FUZZ_CHECK(img.kernel_off == 512ull * (img.setup_sects + 1u));
	FUZZ_CHECK(img.kernel_off <= size && img.kernel_len <= size - img.kernel_off);
	FUZZ_CHECK(img.kernel_alignment && !(img.kernel_alignment & (img.kernel_alignment - 1)));

	memset(&g, 0, sizeof(g));
	g.ram = ram;
	g.ram_size = ram_sizes[data[0] & 3];
	g.cmdline = (data[0] & 4) ? long_cl : "console=ttyS0 root=/dev/ram0";
	if (data[0] & 8) {
		g.initrd = initrd;
		g.initrd_len = sizeof(initrd);
	}
	g.e820[0].base = 0;
	g.e820[0].len = g.ram_size;
	g.e820[0].type = 1;
	g.e820_count = 1;
	for (unsigned int i = 0; i < sizeof(watch) / sizeof(watch[0]); i++)
		ram[watch[i]] = 0xA5;
	err = linux_load(&img, data, &g, &e);
	FUZZ_CHECK(err == 0 || err == -EINVAL || err == -ENOSPC);
	if (err) {
		for (unsigned int i = 0; i < sizeof(watch) / sizeof(watch[0]); i++)
			FUZZ_CHECK(ram[watch[i]] == 0xA5);
		return 0;
	}
	uint64_t span = img.init_size > img.kernel_len ? img.init_size : img.kernel_len;

	FUZZ_CHECK(e.kernel_gpa >= LINUX_LOW_END && e.kernel_gpa <= g.ram_size &&
		   span <= g.ram_size - e.kernel_gpa);
	FUZZ_CHECK(e.rip == e.kernel_gpa + 0x200 && e.rsi == LINUX_ZERO_PAGE_GPA &&
		   e.cmdline_gpa == LINUX_CMDLINE_GPA);
	if (g.initrd_len) {
		FUZZ_CHECK(!(e.initrd_gpa & 0xFFF) && e.initrd_gpa >= LINUX_LOW_END &&
			   e.initrd_gpa + g.initrd_len <= g.ram_size);
		FUZZ_CHECK(e.initrd_gpa + g.initrd_len <= e.kernel_gpa ||
			   e.kernel_gpa + span <= e.initrd_gpa);
		FUZZ_CHECK(!memcmp(ram + e.initrd_gpa, initrd, sizeof(initrd)));
	}
	FUZZ_CHECK(!memcmp(ram + e.kernel_gpa, data + img.kernel_off, img.kernel_len));
	return 0;
}
