// SPDX-License-Identifier: MIT
/* Unit tests for boot/mb2.c (and boot_fw_name() in boot/boot_info.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "boot/mb2.h"
#include "lib/err.h"
#include "lib/printk.h"
#include "fake_printk.h"

/* ---- multiboot2 info builder ---------------------------------------------- */

struct mbi {
	_Alignas(8) uint8_t buf[16384];
	size_t len;
};

struct e820 {
	uint64_t base, len;
	uint32_t type;
};

struct efi_desc {
	uint32_t type;
	uint64_t phys, pages, attr;
};

#define EFI_RUNTIME (1ull << 63)

static struct mbi mb;
static struct boot_info bi;

static void put32(size_t off, uint32_t v)
{
	memcpy(mb.buf + off, &v, 4);
}

static void put64(size_t off, uint64_t v)
{
	memcpy(mb.buf + off, &v, 8);
}

static void mb_begin(void)
{
	memset(&mb, 0, sizeof(mb));
	mb.len = 8;
}

/* Start a tag with room for @plen payload bytes; returns its offset. The
 * recorded size is 8 + @plen; the next tag starts 8-aligned after it. */
static size_t mb_tag(uint32_t type, const void *payload, size_t plen)
{
	size_t off = mb.len;

	assert_true(off + 8 + plen + 8 <= sizeof(mb.buf));
	put32(off, type);
	put32(off + 4, (uint32_t)(8 + plen));
	if (payload)
		memcpy(mb.buf + off + 8, payload, plen);
	mb.len = (off + 8 + plen + 7) & ~(size_t)7;
	return off;
}

/* Close with an end tag and set total_size; returns it. */
static uint32_t mb_end(void)
{
	mb_tag(0, NULL, 0);
	put32(0, (uint32_t)mb.len);
	return (uint32_t)mb.len;
}

/* Set total_size without an end tag. */
static uint32_t mb_close_without_end(void)
{
	put32(0, (uint32_t)mb.len);
	return (uint32_t)mb.len;
}

static size_t mb_string(uint32_t type, const char *s)
{
	return mb_tag(type, s, strlen(s) + 1);
}

static size_t mb_module(uint32_t start, uint32_t end, const char *name)
{
	uint8_t p[256];
	size_t n = strlen(name) + 1;

	assert_true(8 + n <= sizeof(p));
	memcpy(p, &start, 4);
	memcpy(p + 4, &end, 4);
	memcpy(p + 8, name, n);
	return mb_tag(3, p, 8 + n);
}

/* A type 6 map with entries of @esize bytes (24 is what GRUB writes). */
static size_t mb_e820_sized(const struct e820 *e, unsigned int n, uint32_t esize)
{
	size_t off = mb_tag(6, NULL, 8 + (size_t)n * esize);
	unsigned int k;

	put32(off + 8, esize);
	put32(off + 12, 0);
	for (k = 0; k < n; k++) {
		size_t eo = off + 16 + (size_t)k * esize;

		if (esize >= 8)
			put64(eo, e[k].base);
		if (esize >= 16)
			put64(eo + 8, e[k].len);
		if (esize >= 20)
			put32(eo + 16, e[k].type);
	}
	return off;
}

static size_t mb_e820(const struct e820 *e, unsigned int n)
{
	return mb_e820_sized(e, n, 24);
}

/* A type 17 map with descriptors of @dsize bytes (UEFI firmware uses 48). */
static size_t mb_efi_mmap(const struct efi_desc *d, unsigned int n, uint32_t dsize)
{
	size_t off = mb_tag(17, NULL, 8 + (size_t)n * dsize);
	unsigned int k;

	put32(off + 8, dsize);
	put32(off + 12, 1);
	for (k = 0; k < n; k++) {
		size_t o = off + 16 + (size_t)k * dsize;

		if (dsize >= 16) {
			put32(o, d[k].type);
			put64(o + 8, d[k].phys);
		}
		if (dsize >= 24)
			put64(o + 16, 0xdead0000ull + k); /* virt_start: not to be used */
		if (dsize >= 32)
			put64(o + 24, d[k].pages);
		if (dsize >= 40)
			put64(o + 32, d[k].attr);
		if (dsize >= 48)
			put64(o + 40, 0x5a5a5a5a5a5a5a5aull); /* padding, ignored */
	}
	return off;
}

static size_t mb_efi64(uint64_t systab)
{
	return mb_tag(12, &systab, 8);
}

static size_t mb_efi32(uint32_t systab)
{
	return mb_tag(11, &systab, 4);
}

static void make_rsdp(uint8_t *r, unsigned int len)
{
	unsigned int k;

	for (k = 0; k < len; k++)
		r[k] = (uint8_t)(0x40 + k);
	memcpy(r, "RSD PTR ", 8);
	r[15] = len == 36 ? 2 : 0; /* revision */
}

/* A minimal valid map, for tests about other tags. */
static const struct e820 small_map[] = {
	{0x0, 0x9fc00, 1},
	{0x100000, 0x7ff00000, 1},
};

static void check_range(unsigned int k, uint64_t base, uint64_t end, enum mem_type type)
{
	assert_true(k < bi.mmap.n);
	assert_int_equal(bi.mmap.r[k].base, base);
	assert_int_equal(bi.mmap.r[k].end, end);
	assert_int_equal(bi.mmap.r[k].type, type);
}

static int setup(void **state)
{
	(void)state;
	mb_begin();
	/* Garbage, so that the parser has to clear it. */
	memset(&bi, 0xa5, sizeof(bi));
	printk_reset();
	return 0;
}

/* ---- complete infos ----------------------------------------------------------- */

static void test_grub_bios(void **state)
{
	static const struct e820 map[] = {
		{0x0, 0x9fc00, 1},
		{0x9fc00, 0x400, 2},
		{0xf0000, 0x10000, 2},
		{0x100000, 0x7fee0000, 1},
		{0x7ffe0000, 0x20000, 2},
		{0x7ffd0000, 0x8000, 3},
		{0x7ffd8000, 0x8000, 4},
		{0xfeffc000, 0x4000, 2},
		{0xfffc0000, 0x40000, 2},
		{0x100000000ull, 0x80000000ull, 1},
		{0x180000000ull, 0x1000, 5},
		{0x190000000ull, 0x1000, 12}, /* unknown type (e.g. PRAM) */
	};
	uint8_t rsdp[36], meminfo[8] = {0}, bootdev[12] = {0}, fb[24] = {0};
	uint32_t total;

	(void)state;
	make_rsdp(rsdp, 36);
	mb_string(1, "loglevel=3 iommu=off");
	mb_string(2, "GRUB 2.06-13+deb12u1");
	mb_tag(4, meminfo, sizeof(meminfo)); /* basic meminfo: skipped */
	mb_tag(5, bootdev, sizeof(bootdev)); /* boot device: skipped */
	mb_module(0x200000, 0x6f3a10, "/boot/bzImage console=ttyS0 root=/dev/vda");
	mb_module(0x6f4000, 0x9c0000, "/boot/initrd.img");
	mb_e820(map, sizeof(map) / sizeof(map[0]));
	mb_tag(8, fb, sizeof(fb)); /* framebuffer: skipped */
	mb_tag(15, rsdp, sizeof(rsdp));
	mb_tag(21, meminfo, 4); /* load base address: skipped */
	total = mb_end();

	assert_int_equal(mb2_parse(mb.buf, sizeof(mb.buf), &bi), 0);
	assert_int_equal(printk_count[LOG_ERR], 0);
	assert_int_equal(printk_count[LOG_WARN], 0);

	assert_int_equal(bi.fw, FW_BIOS);
	assert_string_equal(boot_fw_name(bi.fw), "bios");
	assert_string_equal(bi.cmdline, "loglevel=3 iommu=off");
	assert_string_equal(bi.loader, "GRUB 2.06-13+deb12u1");
	assert_int_equal(bi.mod_count, 2);
	assert_int_equal(bi.mods[0].start, 0x200000);
	assert_int_equal(bi.mods[0].end, 0x6f3a10);
	assert_string_equal(bi.mods[0].cmdline, "/boot/bzImage console=ttyS0 root=/dev/vda");
	assert_int_equal(bi.mods[1].start, 0x6f4000);
	assert_int_equal(bi.mods[1].end, 0x9c0000);
	assert_string_equal(bi.mods[1].cmdline, "/boot/initrd.img");
	/* The unused module slots are clear. */
	assert_int_equal(bi.mods[2].start, 0);
	assert_int_equal(bi.mods[2].cmdline[0], '\0');

	assert_false(bi.mmap_from_efi);
	assert_int_equal(bi.mmap.n, 12);
	check_range(0, 0x0, 0x9fc00, MEM_USABLE);
	check_range(1, 0x9fc00, 0xa0000, MEM_RESERVED);
	check_range(2, 0xf0000, 0x100000, MEM_RESERVED);
	/* The usable range runs to 0x7ffe0000 but ACPI and NVS take its top. */
	check_range(3, 0x100000, 0x7ffd0000, MEM_USABLE);
	check_range(4, 0x7ffd0000, 0x7ffd8000, MEM_ACPI_RECLAIM);
	check_range(5, 0x7ffd8000, 0x7ffe0000, MEM_ACPI_NVS);
	check_range(6, 0x7ffe0000, 0x80000000, MEM_RESERVED);
	check_range(7, 0xfeffc000, 0xff000000, MEM_RESERVED);
	check_range(8, 0xfffc0000, 0x100000000ull, MEM_RESERVED);
	check_range(9, 0x100000000ull, 0x180000000ull, MEM_USABLE);
	check_range(10, 0x180000000ull, 0x180001000ull, MEM_BAD);
	check_range(11, 0x190000000ull, 0x190001000ull, MEM_RESERVED);

	assert_int_equal(bi.rsdp_len, 36);
	assert_memory_equal(bi.rsdp, rsdp, 36);
	assert_int_equal(bi.efi_systab, 0);
	assert_int_equal(bi.info_len, total);
	assert_int_equal(bi.info_phys, 0);
}

static void test_grub_uefi(void **state)
{
	static const struct e820 map[] = {
		/* What GRUB derives for tag 6 on UEFI: coarser, must not be used. */
		{0x0, 0xa0000, 1},
		{0x100000, 0x3f00000, 1},
	};
	static const struct efi_desc efi[] = {
		{7, 0x0, 0xa0, 0},			  /* Conventional */
		{0, 0xa0000, 0x60, 0},			  /* Reserved */
		{7, 0x100000, 0x700, 0xf},		  /* Conventional */
		{10, 0x800000, 0x8, 0xf},		  /* ACPI NVS */
		{7, 0x808000, 0x8, 0xf},		  /* Conventional */
		{10, 0x810000, 0xf0, 0xf},		  /* ACPI NVS */
		{4, 0x900000, 0x700, 0xf},		  /* BootServicesData */
		{1, 0x1000000, 0x1000, 0xf},		  /* LoaderCode */
		{3, 0x2000000, 0x1000, 0xf},		  /* BootServicesCode */
		{2, 0x3000000, 0x100, 0xf},		  /* LoaderData */
		{6, 0x3100000, 0x100, EFI_RUNTIME | 0xf}, /* RuntimeServicesData */
		{7, 0x3200000, 0x100, EFI_RUNTIME | 0xf}, /* Conventional, but runtime */
		{9, 0x3300000, 0x10, 0xf},		  /* ACPI reclaim */
		{8, 0x3310000, 0x10, 0xf},		  /* Unusable */
		{14, 0x3500000, 0x100, 0xf},		  /* Persistent, out of order */
		{13, 0x3400000, 0x100, 0xf},		  /* PalCode */
		{99, 0x3600000, 0x1, 0xf},		  /* unknown */
		{7, 0x3700000, 0x0, 0xf},		  /* empty: skipped */
		{5, 0x3f000000, 0x800, EFI_RUNTIME},	  /* RuntimeServicesCode */
		{11, 0xffc00000, 0x400, EFI_RUNTIME},	  /* MMIO */
		{12, 0xfed00000, 0x1, 0},		  /* MMIOPortSpace */
		{7, 0x100000000ull, 0x40000, 0xf},	  /* Conventional above 4 GiB */
	};
	uint8_t rsdp[36];
	uint32_t total;

	(void)state;
	make_rsdp(rsdp, 36);
	mb_string(1, "");
	mb_string(2, "GRUB 2.12");
	mb_e820(map, 2);
	mb_efi64(0x7fb8e018);
	mb_tag(15, rsdp, 36);
	mb_efi_mmap(efi, sizeof(efi) / sizeof(efi[0]), 48);
	mb_tag(20, "\x18\xe0\xb8\x7f\0\0\0\0", 8); /* EFI64 image handle: skipped */
	total = mb_end();

	assert_int_equal(mb2_parse(mb.buf, total, &bi), 0);
	assert_int_equal(printk_count[LOG_ERR], 0);
	assert_int_equal(printk_count[LOG_WARN], 0);

	assert_int_equal(bi.fw, FW_UEFI);
	assert_string_equal(boot_fw_name(bi.fw), "uefi");
	assert_int_equal(bi.efi_systab, 0x7fb8e018);
	assert_string_equal(bi.cmdline, "");
	assert_string_equal(bi.loader, "GRUB 2.12");
	assert_int_equal(bi.mod_count, 0);
	assert_int_equal(bi.rsdp_len, 36);
	assert_memory_equal(bi.rsdp, rsdp, 36);
	assert_int_equal(bi.info_len, total);

	assert_true(bi.mmap_from_efi);
	assert_int_equal(bi.mmap.n, 15);
	check_range(0, 0x0, 0xa0000, MEM_USABLE);
	check_range(1, 0xa0000, 0x100000, MEM_RESERVED);
	check_range(2, 0x100000, 0x800000, MEM_USABLE);
	check_range(3, 0x800000, 0x808000, MEM_ACPI_NVS);
	check_range(4, 0x808000, 0x810000, MEM_USABLE);
	check_range(5, 0x810000, 0x900000, MEM_ACPI_NVS);
	/* Boot services and loader memory are free once the OS runs. */
	check_range(6, 0x900000, 0x3100000, MEM_USABLE);
	/* Runtime attribute: reserved, even on conventional memory. */
	check_range(7, 0x3100000, 0x3300000, MEM_RESERVED);
	check_range(8, 0x3300000, 0x3310000, MEM_ACPI_RECLAIM);
	check_range(9, 0x3310000, 0x3320000, MEM_BAD);
	check_range(10, 0x3400000, 0x3601000, MEM_RESERVED);
	check_range(11, 0x3f000000, 0x3f800000, MEM_RESERVED);
	check_range(12, 0xfed00000, 0xfed01000, MEM_RESERVED);
	/* MMIO right below 4 GiB, then RAM above: touching, but not one type. */
	check_range(13, 0xffc00000, 0x100000000ull, MEM_RESERVED);
	check_range(14, 0x100000000ull, 0x140000000ull, MEM_USABLE);
	assert_int_equal(memmap_total(&bi.mmap, MEM_USABLE),
			 0xa0000 + 0x700000 + 0x8000 + 0x2800000 + 0x40000000ull);
}

/* A 32-bit system table pointer; the smallest EFI descriptor size. */
static void test_uefi_mmio_and_efi32(void **state)
{
	static const struct efi_desc efi[] = {
		{7, 0x100000, 0x100, 0},
		{11, 0xffc00000, 0x400, EFI_RUNTIME},
		{0, 0x200000, 1ull << 52, 0}, /* 2^64 bytes: skipped */
	};
	uint32_t total;

	(void)state;
	mb_efi_mmap(efi, 3, 40); /* the smallest descriptor size allowed */
	mb_efi32(0x3e9f8f18);
	total = mb_end();

	assert_int_equal(mb2_parse(mb.buf, total, &bi), 0);
	assert_true(printk_saw(
		"multiboot2: EFI descriptor 2 at 0x200000 has 0x10000000000000 pages, skipped"));
	assert_int_equal(printk_count[LOG_WARN], 1);
	assert_int_equal(bi.fw, FW_UEFI);
	assert_int_equal(bi.efi_systab, 0x3e9f8f18);
	assert_true(bi.mmap_from_efi);
	assert_int_equal(bi.mmap.n, 2);
	check_range(0, 0x100000, 0x200000, MEM_USABLE);
	check_range(1, 0xffc00000, 0x100000000ull, MEM_RESERVED);
	assert_int_equal(bi.rsdp_len, 0);
	assert_string_equal(bi.cmdline, "");
	assert_string_equal(bi.loader, "");
}

/* The EFI map is preferred even when it comes first or last. */
static void test_efi_map_preferred_when_first(void **state)
{
	static const struct efi_desc efi[] = {{7, 0x200000, 0x200, 0}};
	uint32_t total;

	(void)state;
	mb_efi_mmap(efi, 1, 48);
	mb_e820(small_map, 2);
	total = mb_end();
	assert_int_equal(mb2_parse(mb.buf, total, &bi), 0);
	assert_true(bi.mmap_from_efi);
	assert_int_equal(bi.mmap.n, 1);
	check_range(0, 0x200000, 0x400000, MEM_USABLE);
	/* No system table tag: the EFI map alone does not make it UEFI. */
	assert_int_equal(bi.fw, FW_BIOS);
	assert_int_equal(bi.efi_systab, 0);
}

/* An EFI map that cannot be used falls back to the e820 one. */
static void test_bad_efi_map_falls_back(void **state)
{
	static const struct efi_desc efi[] = {{7, 0x200000, 0x200, 0}};
	uint32_t total;

	(void)state;
	mb_efi_mmap(efi, 1, 32); /* descriptors too small */
	mb_e820(small_map, 2);
	total = mb_end();
	assert_int_equal(mb2_parse(mb.buf, total, &bi), 0);
	assert_true(printk_saw("EFI descriptor size 32 invalid"));
	assert_true(printk_saw("falling back to the e820 memory map"));
	assert_false(bi.mmap_from_efi);
	assert_int_equal(bi.mmap.n, 2);
	check_range(0, 0x0, 0x9fc00, MEM_USABLE);
	check_range(1, 0x100000, 0x80000000, MEM_USABLE);
}

static void test_efi_map_without_usable(void **state)
{
	static const struct efi_desc efi[] = {
		{7, 0x100000, 0x100, EFI_RUNTIME},
		{0, 0x200000, 0x100, 0},
	};
	uint32_t total;

	(void)state;
	mb_efi_mmap(efi, 2, 48);
	mb_efi64(0x7fb8e018);
	total = mb_end();
	assert_int_equal(mb2_parse(mb.buf, total, &bi), -ENOENT);
	assert_true(printk_saw("EFI memory map holds no usable memory"));
	assert_true(printk_saw("multiboot2: no memory map"));
	assert_false(printk_saw("falling back"));
	assert_int_equal(bi.mmap.n, 0);
	assert_false(bi.mmap_from_efi);
}

/* ---- structural errors -------------------------------------------------------- */

static void test_truncated_info(void **state)
{
	uint32_t total;

	(void)state;
	mb_string(1, "console=com1");
	mb_e820(small_map, 2);
	total = mb_end();
	assert_int_equal(mb2_parse(mb.buf, total - 1, &bi), -EINVAL);
	assert_true(printk_saw("exceeds the"));
	assert_int_equal(printk_count[LOG_ERR], 1);
	/* Nothing parsed is left behind. */
	assert_int_equal(bi.cmdline[0], '\0');
	assert_int_equal(bi.mmap.n, 0);

	printk_reset();
	assert_int_equal(mb2_parse(mb.buf, 7, &bi), -EINVAL);
	assert_true(printk_saw("only 7 bytes of info readable"));
	assert_int_equal(mb2_parse(mb.buf, 0, &bi), -EINVAL);
	assert_int_equal(mb2_parse(NULL, 4096, &bi), -EINVAL);
	/* Exactly enough is fine. */
	assert_int_equal(mb2_parse(mb.buf, total, &bi), 0);
}

static void test_total_size_too_small(void **state)
{
	(void)state;
	put32(0, 8);
	assert_int_equal(mb2_parse(mb.buf, sizeof(mb.buf), &bi), -EINVAL);
	assert_true(printk_saw("total_size 8 is below the minimum of 16"));
	put32(0, 15);
	assert_int_equal(mb2_parse(mb.buf, sizeof(mb.buf), &bi), -EINVAL);
	put32(0, 0);
	assert_int_equal(mb2_parse(mb.buf, sizeof(mb.buf), &bi), -EINVAL);
	assert_int_equal(printk_count[LOG_ERR], 3);

	/* 16: just the header and an end tag; no memory map then. */
	printk_reset();
	assert_int_equal(mb_end(), 16);
	assert_int_equal(mb2_parse(mb.buf, 16, &bi), -ENOENT);
	assert_true(printk_saw("multiboot2: no memory map"));
}

static void test_tag_size_below_8(void **state)
{
	size_t off;
	uint32_t total;

	(void)state;
	mb_e820(small_map, 2);
	off = mb_string(1, "abc");
	total = mb_end();
	put32(off + 4, 4);
	assert_int_equal(mb2_parse(mb.buf, total, &bi), -EINVAL);
	assert_true(printk_saw("tag type 1 at offset 0x48 has size 4, below 8"));
	assert_int_equal(off, 0x48);
	assert_int_equal(bi.mmap.n, 0);

	/* Size 0 would loop forever if accepted. */
	put32(off + 4, 0);
	assert_int_equal(mb2_parse(mb.buf, total, &bi), -EINVAL);
}

static void test_tag_past_end(void **state)
{
	size_t off;
	uint32_t total;

	(void)state;
	mb_e820(small_map, 2);
	off = mb_string(2, "GRUB");
	total = mb_end(); /* loader tag at 0x48 (13 bytes), end tag at 0x58 */
	assert_int_equal(off, 0x48);
	assert_int_equal(total, 0x60);

	/* Overlapping the end tag and running 8 bytes past total_size. */
	put32(off + 4, 0x20);
	assert_int_equal(mb2_parse(mb.buf, sizeof(mb.buf), &bi), -EINVAL);
	assert_true(printk_saw("tag type 2 at offset 0x48 runs past the end"));
	assert_int_equal(bi.mmap.n, 0);
	assert_int_equal(bi.loader[0], '\0');

	/* A huge size must not wrap the bounds check. */
	printk_reset();
	put32(off + 4, 0xfffffff8u);
	assert_int_equal(mb2_parse(mb.buf, sizeof(mb.buf), &bi), -EINVAL);
	assert_true(printk_saw("runs past the end"));

	/* Swallowing the end tag but ending exactly at total_size: no end tag. */
	printk_reset();
	put32(off + 4, 0x18);
	assert_int_equal(mb2_parse(mb.buf, sizeof(mb.buf), &bi), -EINVAL);
	assert_true(printk_saw("no end tag before offset 0x60"));

	/* The end tag itself may not run past total_size either. */
	printk_reset();
	put32(off + 4, 13);
	put32(0x5c, 16);
	assert_int_equal(mb2_parse(mb.buf, sizeof(mb.buf), &bi), -EINVAL);
	assert_true(printk_saw("tag type 0 at offset 0x58 runs past the end"));
}

static void test_missing_end_tag(void **state)
{
	uint32_t total;

	(void)state;
	mb_string(1, "x");
	mb_e820(small_map, 2);
	total = mb_close_without_end();
	assert_int_equal(mb2_parse(mb.buf, sizeof(mb.buf), &bi), -EINVAL);
	assert_true(printk_saw("no end tag before offset"));
	assert_int_equal(printk_count[LOG_ERR], 1);
	assert_int_equal(bi.cmdline[0], '\0');
	assert_int_equal(bi.mmap.n, 0);
	(void)total;

	/* total_size ending 4 bytes into where the next tag would be. */
	printk_reset();
	put32(0, (uint32_t)mb.len + 4);
	assert_int_equal(mb2_parse(mb.buf, sizeof(mb.buf), &bi), -EINVAL);
	assert_true(printk_saw("no end tag"));
}

/* Tags after the end tag (inside total_size) are not looked at. */
static void test_tags_after_end_ignored(void **state)
{
	size_t end_off;

	(void)state;
	mb_e820(small_map, 2);
	end_off = mb_tag(0, NULL, 0);
	mb_string(1, "after the end");
	put32(0, (uint32_t)mb.len);
	assert_int_equal(mb2_parse(mb.buf, mb.len, &bi), 0);
	assert_string_equal(bi.cmdline, "");
	assert_int_equal(bi.info_len, mb.len);
	assert_true(end_off < mb.len);
}

/* ---- memory map errors -------------------------------------------------------- */

static void test_missing_memory_map(void **state)
{
	uint32_t total;

	(void)state;
	mb_string(1, "console=com1");
	total = mb_end();
	assert_int_equal(mb2_parse(mb.buf, total, &bi), -ENOENT);
	assert_true(printk_saw("multiboot2: no memory map"));
	assert_int_equal(printk_count[LOG_ERR], 1);
	assert_int_equal(bi.mmap.n, 0);
}

static void test_memory_map_without_usable(void **state)
{
	static const struct e820 map[] = {
		{0xf0000, 0x10000, 2},
		{0x100000, 0x0, 1}, /* empty usable entry: skipped */
		{0x7ffe0000, 0x20000, 3},
	};
	uint32_t total;

	(void)state;
	mb_e820(map, 3);
	total = mb_end();
	assert_int_equal(mb2_parse(mb.buf, total, &bi), -ENOENT);
	assert_true(printk_saw("holds no usable memory"));
	assert_true(printk_saw("multiboot2: no memory map"));
	assert_int_equal(bi.mmap.n, 0);
}

static void check_bad_entry_size(uint32_t esize)
{
	char msg[64];
	uint32_t total;

	mb_begin();
	printk_reset();
	mb_e820_sized(small_map, 2, esize);
	total = mb_end();
	assert_int_equal(mb2_parse(mb.buf, total, &bi), -ENOENT);
	snprintf(msg, sizeof(msg), "entry_size %u invalid", esize);
	assert_true(printk_saw(msg));
	assert_true(printk_saw("multiboot2: no memory map"));
	assert_int_equal(bi.mmap.n, 0);
}

static void test_mmap_entry_size(void **state)
{
	uint32_t total;

	(void)state;
	check_bad_entry_size(0);
	check_bad_entry_size(20);
	check_bad_entry_size(28);
	check_bad_entry_size(16);

	/* A larger multiple of 8 is a newer layout: read with that stride. */
	mb_begin();
	printk_reset();
	mb_e820_sized(small_map, 2, 32);
	total = mb_end();
	assert_int_equal(mb2_parse(mb.buf, total, &bi), 0);
	assert_int_equal(bi.mmap.n, 2);
	check_range(0, 0x0, 0x9fc00, MEM_USABLE);
	check_range(1, 0x100000, 0x80000000, MEM_USABLE);
}

static void test_mmap_tag_too_short(void **state)
{
	uint32_t total;

	(void)state;
	mb_tag(6, "\x18\0\0\0", 4); /* no entry_version */
	total = mb_end();
	assert_int_equal(mb2_parse(mb.buf, total, &bi), -ENOENT);
	assert_true(printk_saw("memory map tag too short"));
}

/* Entries beyond the tag's size are not read; a partial last one is dropped. */
static void test_mmap_partial_entry(void **state)
{
	size_t off;
	uint32_t total;

	(void)state;
	off = mb_e820(small_map, 2);
	put32(off + 4, 16 + 24 + 20);
	total = mb_end();
	assert_int_equal(mb2_parse(mb.buf, total, &bi), 0);
	assert_int_equal(bi.mmap.n, 1);
	check_range(0, 0x0, 0x9fc00, MEM_USABLE);
}

static void test_mmap_overflow(void **state)
{
	static struct e820 map[MEMMAP_MAX + 2];
	unsigned int k;
	uint32_t total;

	(void)state;
	/* Touching ranges of alternating types: none merge. */
	for (k = 0; k < MEMMAP_MAX + 2; k++) {
		map[k].base = 0x100000 + (uint64_t)k * 0x1000;
		map[k].len = 0x1000;
		map[k].type = k % 2 ? 2 : 1;
	}
	mb_e820(map, MEMMAP_MAX + 1);
	total = mb_end();
	assert_int_equal(mb2_parse(mb.buf, total, &bi), -ENOSPC);
	assert_true(printk_saw("more than 128 distinct ranges"));

	/* MEMMAP_MAX fits. */
	mb_begin();
	mb_e820(map, MEMMAP_MAX);
	total = mb_end();
	assert_int_equal(mb2_parse(mb.buf, total, &bi), 0);
	assert_int_equal(bi.mmap.n, MEMMAP_MAX);
	check_range(MEMMAP_MAX - 1, 0x100000 + (MEMMAP_MAX - 1) * 0x1000ull,
		    0x100000 + MEMMAP_MAX * 0x1000ull, MEM_RESERVED);
}

static void test_mmap_wrapping_entry(void **state)
{
	static const struct e820 map[] = {
		{0x100000, 0x100000, 1},
		{0xfffffffffffff000ull, 0x2000, 2},
	};
	uint32_t total;

	(void)state;
	mb_e820(map, 2);
	total = mb_end();
	assert_int_equal(mb2_parse(mb.buf, total, &bi), 0);
	assert_true(printk_saw("wraps, skipped"));
	assert_int_equal(bi.mmap.n, 1);
	check_range(0, 0x100000, 0x200000, MEM_USABLE);
}

/* ---- other tags ----------------------------------------------------------------- */

static void test_too_many_modules(void **state)
{
	unsigned int k;
	uint32_t total;

	(void)state;
	mb_e820(small_map, 2);
	for (k = 0; k < BOOT_MODS_MAX + 2; k++) {
		char name[16];

		snprintf(name, sizeof(name), "mod%u", k);
		mb_module(0x1000000 + k * 0x10000, 0x1000000 + k * 0x10000 + 0x800, name);
	}
	total = mb_end();
	assert_int_equal(mb2_parse(mb.buf, total, &bi), 0);
	assert_int_equal(bi.mod_count, BOOT_MODS_MAX);
	assert_int_equal(printk_count[LOG_WARN], 2);
	assert_true(printk_saw("more than 16 modules, module at 0x1100000 skipped"));
	assert_true(printk_saw("module at 0x1110000 skipped"));
	assert_int_equal(bi.mods[0].start, 0x1000000);
	assert_string_equal(bi.mods[0].cmdline, "mod0");
	assert_int_equal(bi.mods[BOOT_MODS_MAX - 1].start, 0x10f0000);
	assert_int_equal(bi.mods[BOOT_MODS_MAX - 1].end, 0x10f0800);
	assert_string_equal(bi.mods[BOOT_MODS_MAX - 1].cmdline, "mod15");
}

static void test_module_end_not_after_start(void **state)
{
	uint32_t total;

	(void)state;
	mb_e820(small_map, 2);
	mb_module(0x2000000, 0x2000000, "empty");
	mb_module(0x3000000, 0x2fff000, "backwards");
	mb_module(0x4000000, 0x4001000, "good");
	total = mb_end();
	assert_int_equal(mb2_parse(mb.buf, total, &bi), 0);
	assert_int_equal(printk_count[LOG_WARN], 2);
	assert_true(printk_saw("has end 0x2000000 <= start 0x2000000, skipped"));
	assert_true(printk_saw("has end 0x2fff000 <= start 0x3000000, skipped"));
	assert_int_equal(bi.mod_count, 1);
	assert_int_equal(bi.mods[0].start, 0x4000000);
	assert_int_equal(bi.mods[0].end, 0x4001000);
	assert_string_equal(bi.mods[0].cmdline, "good");
}

static void test_module_tag_short_and_long_name(void **state)
{
	char name[BOOT_MODNAME_MAX + 40];
	uint32_t total;

	(void)state;
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	mb_e820(small_map, 2);
	mb_tag(3, "\0\0\x10\0", 4); /* no mod_end */
	mb_module(0x5000000, 0x5100000, name);
	total = mb_end();
	assert_int_equal(mb2_parse(mb.buf, total, &bi), 0);
	assert_true(printk_saw("module tag at offset 0x48 too short"));
	assert_true(printk_saw("module name cut from 167 to 127 bytes"));
	assert_int_equal(bi.mod_count, 1);
	assert_int_equal(strlen(bi.mods[0].cmdline), BOOT_MODNAME_MAX - 1);
	assert_memory_equal(bi.mods[0].cmdline, name, BOOT_MODNAME_MAX - 1);
}

/* A name without its NUL stops at the tag's end. */
static void test_unterminated_string(void **state)
{
	uint32_t total;

	(void)state;
	size_t c, l;

	mb_e820(small_map, 2);
	c = mb_tag(1, "abcdefgh", 5);
	l = mb_tag(2, "GRUBxxxx", 4);
	total = mb_end();
	/* Fill the padding after each string, so no stray NUL ends it. */
	memset(mb.buf + c + 13, 'X', 3);
	memset(mb.buf + l + 12, 'X', 4);
	assert_int_equal(mb2_parse(mb.buf, total, &bi), 0);
	assert_string_equal(bi.cmdline, "abcde");
	assert_string_equal(bi.loader, "GRUB");
}

static void test_cmdline_too_long(void **state)
{
	char line[600];
	uint32_t total;

	(void)state;
	memset(line, 'a', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	line[BOOT_CMDLINE_MAX - 2] = 'Y';
	line[BOOT_CMDLINE_MAX - 1] = 'Z'; /* the first byte that is cut */
	mb_string(1, line);
	mb_e820(small_map, 2);
	total = mb_end();
	assert_int_equal(mb2_parse(mb.buf, total, &bi), 0);
	assert_true(printk_saw("command line cut from 599 to 511 bytes"));
	assert_int_equal(printk_count[LOG_WARN], 1);
	assert_int_equal(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
	assert_int_equal(bi.cmdline[BOOT_CMDLINE_MAX - 2], 'Y');
	assert_memory_equal(bi.cmdline, line, BOOT_CMDLINE_MAX - 1);

	/* BOOT_CMDLINE_MAX characters: one too many. */
	mb_begin();
	printk_reset();
	line[BOOT_CMDLINE_MAX] = '\0';
	mb_string(1, line);
	mb_e820(small_map, 2);
	total = mb_end();
	assert_int_equal(mb2_parse(mb.buf, total, &bi), 0);
	assert_true(printk_saw("command line cut from 512 to 511 bytes"));
	assert_int_equal(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);

	/* Exactly BOOT_CMDLINE_MAX - 1 characters fit without a warning. */
	mb_begin();
	printk_reset();
	line[BOOT_CMDLINE_MAX - 1] = '\0';
	mb_string(1, line);
	mb_e820(small_map, 2);
	total = mb_end();
	assert_int_equal(mb2_parse(mb.buf, total, &bi), 0);
	assert_int_equal(printk_count[LOG_WARN], 0);
	assert_string_equal(bi.cmdline, line);
}

static void test_loader_name_too_long(void **state)
{
	char name[100];
	uint32_t total;

	(void)state;
	memset(name, 'g', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	mb_string(2, name);
	mb_e820(small_map, 2);
	total = mb_end();
	assert_int_equal(mb2_parse(mb.buf, total, &bi), 0);
	assert_true(printk_saw("loader name cut from 99 to 63 bytes"));
	assert_int_equal(strlen(bi.loader), BOOT_LOADER_MAX - 1);
}

static void test_rsdp_v1_only(void **state)
{
	uint8_t r1[20];
	uint32_t total;

	(void)state;
	make_rsdp(r1, 20);
	mb_e820(small_map, 2);
	mb_tag(14, r1, 20);
	total = mb_end();
	assert_int_equal(mb2_parse(mb.buf, total, &bi), 0);
	assert_int_equal(bi.rsdp_len, 20);
	assert_memory_equal(bi.rsdp, r1, 20);
	assert_int_equal(bi.rsdp[20], 0);
}

static void test_rsdp_v2_preferred_in_either_order(void **state)
{
	uint8_t r1[20], r2[36];
	uint32_t total;

	(void)state;
	make_rsdp(r1, 20);
	r1[9] = 0x11; /* tell them apart */
	make_rsdp(r2, 36);
	mb_tag(15, r2, 36);
	mb_tag(14, r1, 20);
	mb_e820(small_map, 2);
	total = mb_end();
	assert_int_equal(mb2_parse(mb.buf, total, &bi), 0);
	assert_int_equal(bi.rsdp_len, 36);
	assert_memory_equal(bi.rsdp, r2, 36);

	mb_begin();
	mb_tag(14, r1, 20);
	mb_e820(small_map, 2);
	mb_tag(15, r2, 36);
	total = mb_end();
	assert_int_equal(mb2_parse(mb.buf, total, &bi), 0);
	assert_int_equal(bi.rsdp_len, 36);
	assert_memory_equal(bi.rsdp, r2, 36);
	assert_int_equal(printk_count[LOG_WARN], 0);
}

static void test_rsdp_too_short(void **state)
{
	uint8_t r1[20], r2[36];
	uint32_t total;

	(void)state;
	make_rsdp(r1, 20);
	make_rsdp(r2, 36);
	/* A v2 tag holding only a v1 RSDP: ignored, the v1 tag is used. */
	mb_tag(15, r2, 20);
	mb_tag(14, r1, 20);
	mb_e820(small_map, 2);
	total = mb_end();
	assert_int_equal(mb2_parse(mb.buf, total, &bi), 0);
	assert_true(
		printk_saw("multiboot2: RSDP tag at offset 0x8 holds 20 bytes, needs 36; ignored"));
	assert_int_equal(printk_count[LOG_WARN], 1);
	assert_int_equal(bi.rsdp_len, 20);
	assert_memory_equal(bi.rsdp, r1, 20);

	/* A v1 tag too short as well: no RSDP at all. */
	mb_begin();
	printk_reset();
	mb_e820(small_map, 2);
	mb_tag(14, r1, 19);
	total = mb_end();
	assert_int_equal(mb2_parse(mb.buf, total, &bi), 0);
	assert_true(printk_saw("holds 19 bytes, needs 20; ignored"));
	assert_int_equal(bi.rsdp_len, 0);
	assert_int_equal(bi.rsdp[0], 0);
}

static void test_duplicate_tags_first_wins(void **state)
{
	static const struct e820 second[] = {{0x0, 0x10000000, 1}};
	uint32_t total;

	(void)state;
	mb_string(1, "first");
	mb_e820(small_map, 2);
	mb_string(1, "second");
	mb_string(2, "loader1");
	mb_string(2, "loader2");
	mb_e820(second, 1);
	mb_efi64(0x1000);
	mb_efi64(0x2000);
	total = mb_end();
	assert_int_equal(mb2_parse(mb.buf, total, &bi), 0);
	assert_int_equal(printk_count[LOG_WARN], 4);
	assert_true(printk_saw("duplicate tag type 1 at offset 0x58 ignored"));
	assert_true(printk_saw("duplicate tag type 6"));
	assert_true(printk_saw("duplicate tag type 2"));
	assert_true(printk_saw("duplicate tag type 12"));
	assert_string_equal(bi.cmdline, "first");
	assert_string_equal(bi.loader, "loader1");
	assert_int_equal(bi.mmap.n, 2);
	check_range(1, 0x100000, 0x80000000, MEM_USABLE);
	assert_int_equal(bi.efi_systab, 0x1000);
}

static void test_efi64_preferred_over_efi32(void **state)
{
	uint32_t total;

	(void)state;
	mb_efi32(0x3000);
	mb_efi64(0x7fb8e018);
	mb_e820(small_map, 2);
	total = mb_end();
	assert_int_equal(mb2_parse(mb.buf, total, &bi), 0);
	assert_int_equal(bi.fw, FW_UEFI);
	assert_int_equal(bi.efi_systab, 0x7fb8e018);

	/* A short EFI64 tag: ignored, the EFI32 one stands. */
	mb_begin();
	printk_reset();
	mb_tag(12, "\x18\xe0\xb8\x7f", 4);
	mb_efi32(0x3000);
	mb_e820(small_map, 2);
	total = mb_end();
	assert_int_equal(mb2_parse(mb.buf, total, &bi), 0);
	assert_true(printk_saw("EFI64 system table tag too short"));
	assert_int_equal(bi.fw, FW_UEFI);
	assert_int_equal(bi.efi_systab, 0x3000);
}

static void test_unknown_tags_skipped(void **state)
{
	uint32_t total;

	(void)state;
	mb_tag(0x1234, "xyz", 3);
	mb_e820(small_map, 2);
	mb_tag(9, NULL, 20); /* ELF sections */
	total = mb_end();
	assert_int_equal(mb2_parse(mb.buf, total, &bi), 0);
	assert_int_equal(printk_count[LOG_WARN], 0);
	assert_int_equal(printk_count[LOG_ERR], 0);
	assert_int_equal(printk_count[LOG_DEBUG], 2);
	assert_int_equal(bi.mmap.n, 2);
}

/* The loader promises 8-byte alignment; a copy elsewhere must parse alike. */
static void test_unaligned_buffer(void **state)
{
	static uint8_t copy[sizeof(mb.buf) + 1];
	uint32_t total;

	(void)state;
	mb_string(1, "x=1");
	mb_e820(small_map, 2);
	total = mb_end();
	memcpy(copy + 1, mb.buf, total);
	assert_int_equal(mb2_parse(copy + 1, total, &bi), 0);
	assert_string_equal(bi.cmdline, "x=1");
	assert_int_equal(bi.mmap.n, 2);
}

static void test_fw_names(void **state)
{
	(void)state;
	assert_string_equal(boot_fw_name(FW_BIOS), "bios");
	assert_string_equal(boot_fw_name(FW_UEFI), "uefi");
	assert_string_equal(boot_fw_name(FW_UNKNOWN), "unknown");
	assert_string_equal(boot_fw_name((enum fw_kind)7), "unknown");
	assert_int_equal(MB2_BOOTLOADER_MAGIC, 0x36d76289u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_grub_bios, setup),
		cmocka_unit_test_setup(test_grub_uefi, setup),
		cmocka_unit_test_setup(test_uefi_mmio_and_efi32, setup),
		cmocka_unit_test_setup(test_efi_map_preferred_when_first, setup),
		cmocka_unit_test_setup(test_bad_efi_map_falls_back, setup),
		cmocka_unit_test_setup(test_efi_map_without_usable, setup),
		cmocka_unit_test_setup(test_truncated_info, setup),
		cmocka_unit_test_setup(test_total_size_too_small, setup),
		cmocka_unit_test_setup(test_tag_size_below_8, setup),
		cmocka_unit_test_setup(test_tag_past_end, setup),
		cmocka_unit_test_setup(test_missing_end_tag, setup),
		cmocka_unit_test_setup(test_tags_after_end_ignored, setup),
		cmocka_unit_test_setup(test_missing_memory_map, setup),
		cmocka_unit_test_setup(test_memory_map_without_usable, setup),
		cmocka_unit_test_setup(test_mmap_entry_size, setup),
		cmocka_unit_test_setup(test_mmap_tag_too_short, setup),
		cmocka_unit_test_setup(test_mmap_partial_entry, setup),
		cmocka_unit_test_setup(test_mmap_overflow, setup),
		cmocka_unit_test_setup(test_mmap_wrapping_entry, setup),
		cmocka_unit_test_setup(test_too_many_modules, setup),
		cmocka_unit_test_setup(test_module_end_not_after_start, setup),
		cmocka_unit_test_setup(test_module_tag_short_and_long_name, setup),
		cmocka_unit_test_setup(test_unterminated_string, setup),
		cmocka_unit_test_setup(test_cmdline_too_long, setup),
		cmocka_unit_test_setup(test_loader_name_too_long, setup),
		cmocka_unit_test_setup(test_rsdp_v1_only, setup),
		cmocka_unit_test_setup(test_rsdp_v2_preferred_in_either_order, setup),
		cmocka_unit_test_setup(test_rsdp_too_short, setup),
		cmocka_unit_test_setup(test_duplicate_tags_first_wins, setup),
		cmocka_unit_test_setup(test_efi64_preferred_over_efi32, setup),
		cmocka_unit_test_setup(test_unknown_tags_skipped, setup),
		cmocka_unit_test_setup(test_unaligned_buffer, setup),
		cmocka_unit_test_setup(test_fw_names, setup),
	};

	return cmocka_run_group_tests_name("mb2", tests, NULL, NULL);
}
