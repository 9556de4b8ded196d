// SPDX-License-Identifier: MIT
/*
 * Linux bzImage loader for the 64-bit boot protocol. Field offsets follow
 * Documentation/arch/x86/boot.rst (setup header, at 0x1f1 of both the file
 * and boot_params) and zero-page.rst (the rest of boot_params). Every header
 * field is read with rd16/rd32 since the header is packed.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "hv/platform/linux_boot.h"
#include "lib/err.h"
#include "lib/kstring.h"
#include "lib/printk.h"
#include "lib/unaligned.h"

/* Setup header, offsets in the file and in boot_params alike. */
#define HDR_START	  0x1f1
#define HDR_SETUP_SECTS	  0x1f1
#define HDR_SYSSIZE	  0x1f4
#define HDR_BOOT_FLAG	  0x1fe
#define HDR_JUMP	  0x200
#define HDR_MAGIC	  0x202
#define HDR_VERSION	  0x206
#define HDR_LOADER_TYPE	  0x210
#define HDR_LOADFLAGS	  0x211
#define HDR_CODE32_START  0x214
#define HDR_RAMDISK_IMAGE 0x218
#define HDR_RAMDISK_SIZE  0x21c
#define HDR_HEAP_END_PTR  0x224
#define HDR_CMD_LINE_PTR  0x228
#define HDR_INITRD_MAX	  0x22c
#define HDR_KERNEL_ALIGN  0x230
#define HDR_RELOCATABLE	  0x234
#define HDR_XLOADFLAGS	  0x236
#define HDR_CMDLINE_SIZE  0x238
#define HDR_PREF_ADDRESS  0x258
#define HDR_INIT_SIZE	  0x260
#define HDR_MIN_END	  0x264 /* the fields above must all be present */

/* The rest of boot_params. */
#define BP_ACPI_RSDP	     0x070
#define BP_EXT_RAMDISK_IMAGE 0x0c0
#define BP_EXT_RAMDISK_SIZE  0x0c4
#define BP_EXT_CMD_LINE_PTR  0x0c8
#define BP_E820_ENTRIES	     0x1e8
#define BP_E820_TABLE	     0x2d0
#define BP_E820_ENTRY_LEN    20
#define BP_SIZE		     4096

#define BOOT_FLAG     0xaa55
#define HDRS_MAGIC    0x53726448 /* "HdrS" */
#define PROTO_MIN     0x020c	 /* 2.12: xloadflags, the 64-bit entry */
#define PROTO_RSDP    0x020e	 /* 2.14: boot_params.acpi_rsdp_addr read */
#define LOADED_HIGH   0x01
#define CAN_USE_HEAP  0x80
#define XLF_KERNEL_64 0x0001
#define LOADER_UNDEF  0xff /* no assigned boot loader ID */
#define ENTRY_64      0x200
#define PAGE_SIZE     0x1000ull
#define SZ_4G	      0x100000000ull

/*
 * The zero page stands where a real-mode setup would be loaded; its 64 KiB
 * segment ends at 0x17000, below the command line. heap_end_ptr is "end of
 * heap minus 0x200" from that base, as boot.rst's sample loader writes it.
 */
#define HEAP_END_PTR 0xfe00

static unsigned long long ull(uint64_t v)
{
	return (unsigned long long)v;
}

static void wr8(uint8_t *p, uint8_t v)
{
	*p = v;
}

static void wr16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void wr32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void wr64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* @align is a power of two; 0 if rounding up would wrap. */
static uint64_t align_up(uint64_t v, uint64_t align)
{
	if (v > ~0ull - (align - 1))
		return 0;
	return (v + align - 1) & ~(align - 1);
}

int linux_image_parse(const void *bz, size_t len, struct linux_image *img)
{
	const uint8_t *b = bz;
	uint32_t hdr_end, syssize;
	unsigned int sects;

	/* Enough to see the magic and version before trusting the jump length. */
	if (len < HDR_VERSION + 2) {
		pr_err("linux: image truncated (%zu bytes, no setup header)\n", len);
		return -EINVAL;
	}
	if (rd16(b + HDR_BOOT_FLAG) != BOOT_FLAG || rd32(b + HDR_MAGIC) != HDRS_MAGIC) {
		pr_err("linux: not a bzImage (no 0xAA55 boot flag and \"HdrS\" magic)\n");
		return -EINVAL;
	}
	img->version = rd16(b + HDR_VERSION);
	if (img->version < PROTO_MIN) {
		pr_err("linux: boot protocol %u.%02u, need 2.12 or later (64-bit entry)\n",
		       img->version >> 8, img->version & 0xff);
		return -EINVAL;
	}
	/* The jump over the header (0xEB, signed offset from 0x202) gives its length. */
	hdr_end = HDR_MAGIC + (uint32_t)b[HDR_JUMP + 1];
	if (b[HDR_JUMP] != 0xeb || b[HDR_JUMP + 1] > 0x7f || hdr_end < HDR_MIN_END) {
		pr_err("linux: setup header length 0x%x (jump %02x %02x) is malformed\n",
		       hdr_end - HDR_START, b[HDR_JUMP], b[HDR_JUMP + 1]);
		return -EINVAL;
	}
	if (hdr_end > len) {
		pr_err("linux: image truncated (%zu bytes, setup header ends at 0x%x)\n", len,
		       hdr_end);
		return -EINVAL;
	}
	img->hdr_end = hdr_end;
	img->xloadflags = rd16(b + HDR_XLOADFLAGS);
	if (!(img->xloadflags & XLF_KERNEL_64)) {
		pr_err("linux: no 64-bit entry point (xloadflags 0x%x lacks XLF_KERNEL_64)\n",
		       img->xloadflags);
		return -EINVAL;
	}
	if (!(b[HDR_LOADFLAGS] & LOADED_HIGH)) {
		pr_err("linux: zImage (LOADED_HIGH clear), only bzImage is supported\n");
		return -EINVAL;
	}
	sects = b[HDR_SETUP_SECTS] ? b[HDR_SETUP_SECTS] : 4;
	img->setup_sects = (uint8_t)sects;
	img->kernel_off = (uint64_t)(sects + 1) * 512;
	if (img->kernel_off >= len) {
		pr_err("linux: setup_sects %u puts the kernel at 0x%llx, past the end (%zu "
		       "bytes)\n",
		       sects, ull(img->kernel_off), len);
		return -EINVAL;
	}
	/* syssize counts the protected-mode part (padding and CRC included); a
	 * signature may follow it, so the file may be longer but not shorter. */
	syssize = rd32(b + HDR_SYSSIZE);
	img->kernel_len = (uint64_t)syssize * 16;
	if (!syssize || img->kernel_len > len - img->kernel_off) {
		pr_err("linux: image truncated: syssize says 0x%llx bytes of kernel, file has "
		       "0x%llx\n",
		       ull(img->kernel_len), ull(len - img->kernel_off));
		return -EINVAL;
	}
	img->kernel_alignment = rd32(b + HDR_KERNEL_ALIGN);
	if (!is_pow2(img->kernel_alignment)) {
		pr_err("linux: kernel_alignment 0x%x is not a power of two\n",
		       img->kernel_alignment);
		return -EINVAL;
	}
	img->relocatable = b[HDR_RELOCATABLE] != 0;
	img->init_size = rd32(b + HDR_INIT_SIZE);
	img->pref_address = rd64(b + HDR_PREF_ADDRESS);
	img->cmdline_size = rd32(b + HDR_CMDLINE_SIZE);
	img->initrd_addr_max = rd32(b + HDR_INITRD_MAX);
	return 0;
}

/* [a, a + alen) and [b, b + blen) share a byte. */
static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* The kernel at @addr keeps @span bytes from its runtime start (realigned
 * if relocatable, boot.rst "init_size") inside RAM and above the low area. */
static bool kernel_fits(const struct linux_image *img, uint64_t addr, uint64_t span,
			uint64_t ram_size)
{
	uint64_t start = img->relocatable ? align_up(addr, img->kernel_alignment) : addr;

	return addr >= LINUX_LOW_END && start && start <= ram_size && span <= ram_size - start;
}

static int place_kernel(const struct linux_image *img, const struct linux_guest *g, uint64_t span,
			uint64_t *kaddr)
{
	/* Protocol 2.10+ always gives pref_address; 0 is the historic 1 MiB. */
	uint64_t addr = img->pref_address ? img->pref_address : LINUX_LOW_END;

	if (kernel_fits(img, addr, span, g->ram_size)) {
		*kaddr = addr;
		return 0;
	}
	if (!img->relocatable) {
		pr_err("linux: kernel at 0x%llx needs 0x%llx bytes (init_size), RAM is 0x%llx, "
		       "and it is not relocatable\n",
		       ull(addr), ull(span), ull(g->ram_size));
		return -ENOSPC;
	}
	addr = align_up(LINUX_RELOC_MIN, img->kernel_alignment);
	if (!kernel_fits(img, addr, span, g->ram_size)) {
		pr_err("linux: kernel needs 0x%llx bytes (init_size) at 0x%llx or above, RAM is "
		       "0x%llx\n",
		       ull(span), ull(addr), ull(g->ram_size));
		return -ENOSPC;
	}
	pr_info("linux: kernel relocated from 0x%llx to 0x%llx\n", ull(img->pref_address),
		ull(addr));
	*kaddr = addr;
	return 0;
}

/* Highest page-aligned spot below the ceiling, else just below the kernel. */
static int place_initrd(const struct linux_image *img, const struct linux_guest *g, uint64_t kaddr,
			uint64_t span, uint64_t *iaddr)
{
	uint64_t top = g->ram_size, len = g->initrd_len, a;

	if ((uint64_t)img->initrd_addr_max + 1 < top)
		top = (uint64_t)img->initrd_addr_max + 1;
	if (SZ_4G < top)
		top = SZ_4G;
	if (top > LINUX_LOW_END && len <= top - LINUX_LOW_END) {
		a = (top - len) & ~(PAGE_SIZE - 1);
		if (a >= LINUX_LOW_END && !overlaps(a, len, kaddr, span)) {
			*iaddr = a;
			return 0;
		}
		if (kaddr >= LINUX_LOW_END + len) {
			a = (kaddr - len) & ~(PAGE_SIZE - 1);
			if (a >= LINUX_LOW_END && a + len <= top) {
				*iaddr = a;
				return 0;
			}
		}
	}
	pr_err("linux: initrd of 0x%llx bytes does not fit below 0x%llx beside the kernel "
	       "(0x%llx-0x%llx)\n",
	       ull(len), ull(top), ull(kaddr), ull(kaddr + span));
	return -ENOSPC;
}

static void fill_zero_page(const struct linux_image *img, const uint8_t *bz,
			   const struct linux_guest *g, const struct linux_entry *e)
{
	uint8_t *bp = g->ram + LINUX_ZERO_PAGE_GPA;

	/* boot.rst, 64-bit protocol: zero it, then copy the setup header in. */
	memset(bp, 0, BP_SIZE);
	memcpy(bp + HDR_START, bz + HDR_START, img->hdr_end - HDR_START);
	wr8(bp + HDR_LOADER_TYPE, LOADER_UNDEF);
	wr8(bp + HDR_LOADFLAGS, (uint8_t)(bp[HDR_LOADFLAGS] | LOADED_HIGH | CAN_USE_HEAP));
	wr16(bp + HDR_HEAP_END_PTR, HEAP_END_PTR);
	/* A loader that moves a relocatable kernel must say where it is. */
	wr32(bp + HDR_CODE32_START, (uint32_t)e->kernel_gpa);
	wr32(bp + HDR_CMD_LINE_PTR, (uint32_t)e->cmdline_gpa);
	wr32(bp + BP_EXT_CMD_LINE_PTR, (uint32_t)(e->cmdline_gpa >> 32));
	wr32(bp + HDR_RAMDISK_IMAGE, (uint32_t)e->initrd_gpa);
	wr32(bp + HDR_RAMDISK_SIZE, (uint32_t)g->initrd_len);
	wr32(bp + BP_EXT_RAMDISK_IMAGE, (uint32_t)(e->initrd_gpa >> 32));
	wr32(bp + BP_EXT_RAMDISK_SIZE, (uint32_t)(g->initrd_len >> 32));
	if (g->acpi_rsdp && img->version >= PROTO_RSDP)
		wr64(bp + BP_ACPI_RSDP, g->acpi_rsdp);
	wr8(bp + BP_E820_ENTRIES, (uint8_t)g->e820_count);
	for (unsigned int i = 0; i < g->e820_count; i++) {
		uint8_t *ent = bp + BP_E820_TABLE + i * BP_E820_ENTRY_LEN;

		wr64(ent, g->e820[i].base);
		wr64(ent + 8, g->e820[i].len);
		wr32(ent + 16, g->e820[i].type);
	}
}

int linux_load(const struct linux_image *img, const void *bz, const struct linux_guest *g,
	       struct linux_entry *out)
{
	const char *cl = g->cmdline ? g->cmdline : "";
	size_t cl_len = strlen(cl);
	uint64_t span, kaddr, iaddr = 0;
	int err;

	if (!g->ram || g->ram_size < LINUX_LOW_END) {
		pr_err("linux: guest RAM of 0x%llx bytes, need at least the low 1 MiB\n",
		       ull(g->ram_size));
		return -ENOSPC;
	}
	if (!g->e820_count || g->e820_count > LINUX_E820_MAX) {
		pr_err("linux: %u e820 entries, need 1 to %u\n", g->e820_count, LINUX_E820_MAX);
		return -EINVAL;
	}
	if (g->initrd_len && !g->initrd) {
		pr_err("linux: initrd length 0x%llx without data\n", ull(g->initrd_len));
		return -EINVAL;
	}
	if (cl_len > img->cmdline_size) {
		pr_err("linux: command line of %zu bytes, the kernel takes at most %u\n", cl_len,
		       img->cmdline_size);
		return -EINVAL;
	}
	/* cmdline_size comes from the image; low memory bounds it in any case. */
	if (cl_len >= LINUX_CMDLINE_END - LINUX_CMDLINE_GPA) {
		pr_err("linux: command line of %zu bytes does not fit below 0x%llx\n", cl_len,
		       ull(LINUX_CMDLINE_END));
		return -EINVAL;
	}
	/* The kernel needs init_size from its start; a bogus small one still
	 * must cover what is copied. */
	span = img->init_size > img->kernel_len ? img->init_size : img->kernel_len;
	err = place_kernel(img, g, span, &kaddr);
	if (err)
		return err;
	if (g->initrd_len) {
		err = place_initrd(img, g, kaddr, span, &iaddr);
		if (err)
			return err;
	}
	if (g->acpi_rsdp && img->version < PROTO_RSDP)
		pr_warn("linux: boot protocol %u.%02u predates acpi_rsdp_addr; the kernel must "
			"find the RSDP by scanning\n",
			img->version >> 8, img->version & 0xff);

	out->kernel_gpa = kaddr;
	out->initrd_gpa = iaddr;
	out->cmdline_gpa = LINUX_CMDLINE_GPA;
	out->rsi = LINUX_ZERO_PAGE_GPA;
	out->rip = kaddr + ENTRY_64;

	memcpy(g->ram + kaddr, (const uint8_t *)bz + img->kernel_off, img->kernel_len);
	if (g->initrd_len)
		memcpy(g->ram + iaddr, g->initrd, g->initrd_len);
	memcpy(g->ram + LINUX_CMDLINE_GPA, cl, cl_len + 1);
	fill_zero_page(img, bz, g, out);
	pr_info("linux: kernel 0x%llx+0x%llx (init_size 0x%x), initrd 0x%llx+0x%llx, "
		"cmdline 0x%llx, boot_params 0x%llx\n",
		ull(kaddr), ull(img->kernel_len), img->init_size, ull(iaddr), ull(g->initrd_len),
		ull(out->cmdline_gpa), ull(out->rsi));
	return 0;
}
