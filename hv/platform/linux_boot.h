/* SPDX-License-Identifier: MIT */
/*
 * Linux bzImage loader: validates the image and lays out a guest for the
 * 64-bit boot protocol (Documentation/arch/x86/boot.rst, zero-page.rst).
 * Pure: the guest's RAM is a host buffer and a guest-physical address is an
 * offset into it, so it is unit-tested on the host.
 *
 * Guest layout:
 *   0x7000   zero page (struct boot_params, 4 KiB)
 *   0x20000  command line (NUL-terminated, must end below 0xA0000)
 *   kernel   pref_address, or if relocatable and that does not fit, the
 *            lowest kernel_alignment-aligned address >= 16 MiB; init_size
 *            bytes are kept for it
 *   initrd   as high as it fits below min(RAM, initrd_addr_max + 1, 4 GiB),
 *            page-aligned, clear of the kernel's init_size
 * The low megabyte holds only the zero page and the command line; nothing
 * else is placed below 1 MiB.
 */
#ifndef VF_LINUX_BOOT_H
#define VF_LINUX_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LINUX_ZERO_PAGE_GPA 0x7000ull
#define LINUX_CMDLINE_GPA   0x20000ull
#define LINUX_CMDLINE_END   0xa0000ull	 /* the command line ends below this */
#define LINUX_LOW_END	    0x100000ull	 /* kernel and initrd stay above this */
#define LINUX_RELOC_MIN	    0x1000000ull /* lowest relocated kernel address */
#define LINUX_E820_MAX	    16

struct linux_image {
	uint64_t kernel_off, kernel_len; /* protected-mode part inside the bzImage */
	uint16_t version;		 /* boot protocol, (major << 8) | minor */
	uint32_t init_size;
	uint32_t kernel_alignment;
	uint64_t pref_address;
	bool relocatable;
	uint8_t setup_sects; /* after the 0-means-4 rule */
	uint16_t xloadflags;
	uint32_t cmdline_size;	  /* longest command line, without the NUL */
	uint32_t initrd_addr_max; /* highest byte the initrd may occupy */
	uint32_t hdr_end;	  /* setup header spans [0x1f1, hdr_end) of the file */
};

/*
 * Validate a bzImage of @len bytes: boot flag 0xAA55 and "HdrS" magic,
 * protocol >= 2.12 with the 64-bit entry (XLF_KERNEL_64), setup_sects
 * (0 means 4) and syssize keeping the protected-mode part inside the file,
 * kernel_alignment a power of two. Returns 0 or -EINVAL (with a pr_err naming
 * what is wrong).
 */
int linux_image_parse(const void *bz, size_t len, struct linux_image *img);

struct linux_guest {
	uint8_t *ram; /* guest RAM, GPA 0 = ram[0] */
	uint64_t ram_size;
	const char *cmdline; /* NULL means empty */
	const void *initrd;  /* may be NULL (then initrd_len is 0) */
	uint64_t initrd_len;
	uint64_t acpi_rsdp; /* GPA of the guest's RSDP, 0 if none */
	struct {
		uint64_t base, len;
		uint32_t type;
	} e820[LINUX_E820_MAX]; /* the memory map the guest sees */
	unsigned int e820_count;
};

struct linux_entry {
	uint64_t rip; /* 64-bit entry: kernel_gpa + 0x200 */
	uint64_t rsi; /* boot_params GPA */
	uint64_t kernel_gpa, initrd_gpa, cmdline_gpa;
};

/*
 * Load the image parsed into @img (from @bz) into @g's RAM, write the zero
 * page, and return where to enter in @out. Everything is checked before the
 * first byte of guest RAM is written. Errors: -ENOSPC (kernel, initrd or the
 * low area does not fit; the message names which), -EINVAL (command line
 * longer than cmdline_size, malformed @g).
 */
int linux_load(const struct linux_image *img, const void *bz, const struct linux_guest *g,
	       struct linux_entry *out);

#endif
