// SPDX-License-Identifier: MIT
/*
 * Unit tests for hv/platform/linux_boot.c. Synthetic protocol-2.15 bzImages are built
 * here from the offsets in boot.rst (written out as numbers, not taken from
 * the loader, so a wrong offset there shows up). Guest RAM is a heap buffer,
 * so ASan catches any write outside it; the 4 GiB test maps sparse memory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <setjmp.h>
#include <string.h>
#include <glob.h>
#include <sys/mman.h>
#include <cmocka.h>
#include "hv/platform/linux_boot.h"
#include "lib/err.h"
#include "lib/printk.h"
#include "fake_printk.h"

#define MiB (1ull << 20)

#define SETUP_SECTS 4
#define KOFF	    ((SETUP_SECTS + 1) * 512)
#define PAYLOAD	    (64u << 10)
#define IMG_LEN	    (KOFF + PAYLOAD)
#define HDR_END	    0x26c /* 2.15 header: jump byte 0x6a */
#define INIT_SIZE   (8u << 20)
#define PREF	    0x1000000ull
#define ALIGN	    0x200000u

static uint8_t img[IMG_LEN + 4096];
static struct linux_guest g;
static struct linux_image li;
static struct linux_entry e;

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* A bzImage as build.c lays one out: setup sectors, then syssize * 16 bytes. */
static void make_image(void)
{
	memset(img, 0, sizeof(img));
	for (size_t i = 0; i < KOFF; i++)
		img[i] = 0xcc; /* setup code; none of it may reach boot_params */
	img[0x1f1] = SETUP_SECTS;
	put16(img + 0x1f2, 1);		  /* root_flags */
	put32(img + 0x1f4, PAYLOAD / 16); /* syssize */
	put16(img + 0x1f8, 0);		  /* ram_size */
	put16(img + 0x1fa, 0xffff);	  /* vid_mode: normal */
	put16(img + 0x1fc, 0);		  /* root_dev */
	put16(img + 0x1fe, 0xaa55);
	img[0x200] = 0xeb;
	img[0x201] = HDR_END - 0x202;
	memcpy(img + 0x202, "HdrS", 4);
	put16(img + 0x206, 0x020f);
	put32(img + 0x208, 0);		/* realmode_swtch */
	put16(img + 0x20c, 0x1000);	/* start_sys_seg */
	put16(img + 0x20e, 0x0200);	/* kernel_version */
	img[0x210] = 0;			/* type_of_loader */
	img[0x211] = 0x01;		/* loadflags: LOADED_HIGH */
	put16(img + 0x212, 0x8000);	/* setup_move_size */
	put32(img + 0x214, 0x100000);	/* code32_start */
	put32(img + 0x218, 0);		/* ramdisk_image */
	put32(img + 0x21c, 0);		/* ramdisk_size */
	put32(img + 0x220, 0);		/* bootsect_kludge */
	put16(img + 0x224, 0);		/* heap_end_ptr */
	img[0x226] = 0;			/* ext_loader_ver */
	img[0x227] = 0;			/* ext_loader_type */
	put32(img + 0x228, 0);		/* cmd_line_ptr */
	put32(img + 0x22c, 0x7fffffff); /* initrd_addr_max */
	put32(img + 0x230, ALIGN);	/* kernel_alignment */
	img[0x234] = 1;			/* relocatable_kernel */
	img[0x235] = 21;		/* min_alignment */
	put16(img + 0x236, 0x0003);	/* XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G */
	put32(img + 0x238, 2047);	/* cmdline_size */
	put32(img + 0x23c, 0);		/* hardware_subarch */
	put64(img + 0x240, 0);		/* hardware_subarch_data */
	put32(img + 0x248, 0x3b5);	/* payload_offset */
	put32(img + 0x24c, 0x1234);	/* payload_length */
	put64(img + 0x250, 0);		/* setup_data */
	put64(img + 0x258, PREF);	/* pref_address */
	put32(img + 0x260, INIT_SIZE);	/* init_size */
	put32(img + 0x264, 0x190);	/* handover_offset */
	put32(img + 0x268, 0x4000);	/* kernel_info_offset */
	for (size_t i = 0; i < PAYLOAD; i++)
		img[KOFF + i] = (uint8_t)(i * 7 + 3);
}

static void guest(uint64_t ram_size)
{
	free(g.ram);
	memset(&g, 0, sizeof(g));
	g.ram = calloc(1, ram_size);
	assert_non_null(g.ram);
	g.ram_size = ram_size;
	g.cmdline = "console=ttyS0 earlyprintk=serial";
	g.acpi_rsdp = 0xe0000;
	g.e820[0].base = 0;
	g.e820[0].len = 0x9f000;
	g.e820[0].type = 1;
	g.e820[1].base = 0x9f000;
	g.e820[1].len = 0x61000;
	g.e820[1].type = 2;
	g.e820[2].base = 0x100000;
	g.e820[2].len = ram_size - 0x100000;
	g.e820[2].type = 1;
	g.e820_count = 3;
}

static int setup(void **state)
{
	(void)state;
	printk_reset();
	make_image();
	memset(&li, 0, sizeof(li));
	memset(&e, 0, sizeof(e));
	guest(64 * MiB);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(g.ram);
	g.ram = NULL;
	return 0;
}

static int parse(size_t len)
{
	return linux_image_parse(img, len, &li);
}

static int load(void)
{
	assert_int_equal(parse(IMG_LEN), 0);
	return linux_load(&li, img, &g, &e);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* ---- parsing ---------------------------------------------------------------- */

static void test_parse_ok(void **state)
{
	(void)state;
	assert_int_equal(parse(IMG_LEN), 0);
	assert_int_equal(li.kernel_off, KOFF);
	assert_int_equal(li.kernel_len, PAYLOAD);
	assert_int_equal(li.version, 0x020f);
	assert_int_equal(li.init_size, INIT_SIZE);
	assert_int_equal(li.kernel_alignment, ALIGN);
	assert_int_equal(li.pref_address, PREF);
	assert_true(li.relocatable);
	assert_int_equal(li.setup_sects, SETUP_SECTS);
	assert_int_equal(li.xloadflags, 3);
	assert_int_equal(li.cmdline_size, 2047);
	assert_int_equal(li.initrd_addr_max, 0x7fffffff);
	assert_int_equal(li.hdr_end, HDR_END);
	/* A signature appended after syssize's bytes is allowed. */
	assert_int_equal(parse(IMG_LEN + 512), 0);
	assert_int_equal(li.kernel_len, PAYLOAD);
}

static void test_parse_setup_sects_zero_means_4(void **state)
{
	(void)state;
	img[0x1f1] = 0;
	assert_int_equal(parse(IMG_LEN), 0);
	assert_int_equal(li.setup_sects, 4);
	assert_int_equal(li.kernel_off, 5 * 512);
}

static void test_parse_truncated(void **state)
{
	(void)state;
	assert_int_equal(parse(0), -EINVAL);
	assert_int_equal(parse(0x200), -EINVAL);
	assert_true(printk_saw("linux: image truncated (512 bytes, no setup header)"));
	printk_reset();
	assert_int_equal(parse(0x260), -EINVAL); /* header runs to 0x26c */
	assert_true(printk_saw("linux: image truncated (608 bytes, setup header ends at 0x26c)"));
	printk_reset();
	assert_int_equal(parse(IMG_LEN - 16), -EINVAL); /* short of syssize */
	assert_true(printk_saw("syssize says 0x10000 bytes of kernel, file has 0xfff0"));
	printk_reset();
	put32(img + 0x1f4, 0);
	assert_int_equal(parse(IMG_LEN), -EINVAL);
	assert_true(printk_saw("syssize says 0x0 bytes"));
}

static void test_parse_bad_magic(void **state)
{
	(void)state;
	img[0x205] = 'T';
	assert_int_equal(parse(IMG_LEN), -EINVAL);
	assert_true(printk_saw("linux: not a bzImage (no 0xAA55 boot flag and \"HdrS\" magic)"));
	make_image();
	put16(img + 0x1fe, 0x55aa);
	assert_int_equal(parse(IMG_LEN), -EINVAL);
	make_image();
	img[0x200] = 0xe9; /* not a short jump: header length unknown */
	assert_int_equal(parse(IMG_LEN), -EINVAL);
	make_image();
	img[0x201] = 0x50; /* header too short to hold init_size */
	assert_int_equal(parse(IMG_LEN), -EINVAL);
	assert_true(printk_saw("linux: setup header length 0x61 (jump eb 50) is malformed"));
	make_image();
	img[0x201] = 0x90; /* negative jump */
	assert_int_equal(parse(IMG_LEN), -EINVAL);
	make_image();
	img[0x211] = 0; /* zImage */
	assert_int_equal(parse(IMG_LEN), -EINVAL);
	assert_true(printk_saw("LOADED_HIGH clear"));
}

static void test_parse_old_protocol(void **state)
{
	(void)state;
	put16(img + 0x206, 0x020b);
	assert_int_equal(parse(IMG_LEN), -EINVAL);
	assert_true(printk_saw("linux: boot protocol 2.11, need 2.12 or later (64-bit entry)"));
	put16(img + 0x206, 0x020c);
	assert_int_equal(parse(IMG_LEN), 0);
}

static void test_parse_no_kernel_64(void **state)
{
	(void)state;
	put16(img + 0x236, 0x0002);
	assert_int_equal(parse(IMG_LEN), -EINVAL);
	assert_true(
		printk_saw("linux: no 64-bit entry point (xloadflags 0x2 lacks XLF_KERNEL_64)"));
}

static void test_parse_setup_past_end(void **state)
{
	(void)state;
	img[0x1f1] = 200; /* kernel at 201 * 512 = 0x19200 > file */
	assert_int_equal(parse(IMG_LEN), -EINVAL);
	assert_true(printk_saw("linux: setup_sects 200 puts the kernel at 0x19200, past the end"));
	img[0x1f1] = 0x80; /* exactly at the end */
	assert_int_equal(parse(0x81 * 512), -EINVAL);
}

static void test_parse_bad_alignment(void **state)
{
	(void)state;
	put32(img + 0x230, 0x300000);
	assert_int_equal(parse(IMG_LEN), -EINVAL);
	assert_true(printk_saw("linux: kernel_alignment 0x300000 is not a power of two"));
	put32(img + 0x230, 0);
	assert_int_equal(parse(IMG_LEN), -EINVAL);
}

/* ---- loading ---------------------------------------------------------------- */

static void test_load_boot_params(void **state)
{
	static const char init[] = "initrd contents, 45 bytes, not page sized...";
	uint8_t *bp;
	uint64_t rd;

	(void)state;
	g.initrd = init;
	g.initrd_len = sizeof(init);
	assert_int_equal(load(), 0);
	bp = g.ram + 0x7000;

	/* entry */
	assert_int_equal(e.kernel_gpa, PREF);
	assert_int_equal(e.rip, PREF + 0x200);
	assert_int_equal(e.rsi, 0x7000);
	assert_int_equal(e.cmdline_gpa, 0x20000);
	rd = 64 * MiB - 4096; /* the highest page that holds 45 bytes */
	assert_int_equal(e.initrd_gpa, rd);

	/* the payload, byte for byte, at the load address */
	assert_memory_equal(g.ram + PREF, img + KOFF, PAYLOAD);
	assert_memory_equal(g.ram + rd, init, sizeof(init));
	assert_string_equal((char *)g.ram + 0x20000, g.cmdline);

	/* before the header: all zero (sentinel 0x1ef included) but for acpi and e820 */
	assert_true(all_zero(bp, 0x70));
	assert_int_equal(get64(bp + 0x70), 0xe0000); /* acpi_rsdp_addr */
	assert_true(all_zero(bp + 0x78, 0xc0 - 0x78));
	assert_int_equal(get32(bp + 0xc0), 0); /* ext_ramdisk_image */
	assert_int_equal(get32(bp + 0xc4), 0); /* ext_ramdisk_size */
	assert_int_equal(get32(bp + 0xc8), 0); /* ext_cmd_line_ptr */
	assert_true(all_zero(bp + 0xcc, 0x1e8 - 0xcc));
	assert_int_equal(bp[0x1e8], 3); /* e820_entries */
	assert_true(all_zero(bp + 0x1e9, 0x1f1 - 0x1e9));

	/* the setup header: the image's, with the loader's fields written */
	assert_int_equal(bp[0x1f1], SETUP_SECTS);
	assert_int_equal(get16(bp + 0x1f2), 1);
	assert_int_equal(get32(bp + 0x1f4), PAYLOAD / 16);
	assert_int_equal(get16(bp + 0x1fa), 0xffff);
	assert_int_equal(get16(bp + 0x1fe), 0xaa55);
	assert_int_equal(bp[0x200], 0xeb);
	assert_int_equal(bp[0x201], 0x6a);
	assert_memory_equal(bp + 0x202, "HdrS", 4);
	assert_int_equal(get16(bp + 0x206), 0x020f);
	assert_int_equal(bp[0x210], 0xff);		   /* type_of_loader */
	assert_int_equal(bp[0x211], 0x81);		   /* LOADED_HIGH | CAN_USE_HEAP */
	assert_int_equal(get32(bp + 0x214), PREF);	   /* code32_start */
	assert_int_equal(get32(bp + 0x218), rd);	   /* ramdisk_image */
	assert_int_equal(get32(bp + 0x21c), sizeof(init)); /* ramdisk_size */
	assert_int_equal(get16(bp + 0x224), 0xfe00);	   /* heap_end_ptr */
	assert_int_equal(get32(bp + 0x228), 0x20000);	   /* cmd_line_ptr */
	assert_int_equal(get32(bp + 0x22c), 0x7fffffff);
	assert_int_equal(get32(bp + 0x230), ALIGN);
	assert_int_equal(bp[0x234], 1);
	assert_int_equal(bp[0x235], 21);
	assert_int_equal(get16(bp + 0x236), 3);
	assert_int_equal(get32(bp + 0x238), 2047);
	assert_int_equal(get32(bp + 0x248), 0x3b5);
	assert_int_equal(get32(bp + 0x24c), 0x1234);
	assert_int_equal(get64(bp + 0x258), PREF);
	assert_int_equal(get32(bp + 0x260), INIT_SIZE);
	assert_int_equal(get32(bp + 0x264), 0x190);
	assert_int_equal(get32(bp + 0x268), 0x4000);
	/* Every header byte but the written ones is the image's. */
	for (unsigned int off = 0x1f1; off < HDR_END; off++) {
		bool written = off == 0x210 || off == 0x211 || (off >= 0x214 && off < 0x220) ||
			       (off >= 0x224 && off < 0x226) || (off >= 0x228 && off < 0x22c);

		if (!written)
			assert_int_equal(bp[off], img[off]);
	}
	/* after the header: zero (the image's 0xcc setup code is not copied) */
	assert_true(all_zero(bp + HDR_END, 0x2d0 - HDR_END));

	/* e820 table: 20-byte entries from 0x2d0 */
	for (unsigned int i = 0; i < 3; i++) {
		const uint8_t *ent = bp + 0x2d0 + 20 * i;

		assert_int_equal(get64(ent), g.e820[i].base);
		assert_int_equal(get64(ent + 8), g.e820[i].len);
		assert_int_equal(get32(ent + 16), g.e820[i].type);
	}
	assert_true(all_zero(bp + 0x2d0 + 60, 4096 - 0x2d0 - 60));
	assert_true(printk_saw("linux: kernel 0x1000000+0x10000 (init_size 0x800000), initrd "
			       "0x3fff000+0x2d, cmdline 0x20000, boot_params 0x7000"));
}

static void test_load_no_initrd_no_cmdline(void **state)
{
	(void)state;
	/* Leftovers in the zero page must not survive. */
	memset(g.ram + 0x7000, 0x5a, 4096);
	g.cmdline = NULL;
	g.acpi_rsdp = 0;
	assert_int_equal(load(), 0);
	assert_int_equal(e.initrd_gpa, 0);
	assert_int_equal(get32(g.ram + 0x7000 + 0x218), 0);
	assert_int_equal(get32(g.ram + 0x7000 + 0x21c), 0);
	assert_int_equal(get64(g.ram + 0x7000 + 0x70), 0);
	assert_int_equal(g.ram[0x20000], 0);
	assert_int_equal(get32(g.ram + 0x7000 + 0x228), 0x20000); /* points at "" */
	assert_true(all_zero(g.ram + 0x7000, 0x1e8));
}

static void test_load_cmdline(void **state)
{
	char cl[2049];

	(void)state;
	memset(cl, 'a', sizeof(cl));
	cl[2047] = '\0'; /* exactly cmdline_size */
	g.cmdline = cl;
	memset(g.ram + 0x20000, 0x5a, 4096);
	assert_int_equal(load(), 0);
	assert_memory_equal(g.ram + 0x20000, cl, 2048); /* terminator included */
	assert_int_equal(g.ram[0x20000 + 2048], 0x5a);	/* and nothing more */

	cl[2047] = 'a';
	cl[2048] = '\0';
	printk_reset();
	assert_int_equal(linux_load(&li, img, &g, &e), -EINVAL);
	assert_true(printk_saw("linux: command line of 2048 bytes, the kernel takes at most 2047"));

	/* cmdline_size is the image's word; low memory bounds it anyway */
	put32(img + 0x238, 0xffffffff);
	assert_int_equal(parse(IMG_LEN), 0);
	char *big = malloc(0x80001);

	assert_non_null(big);
	memset(big, 'b', 0x80000);
	big[0x80000] = '\0';
	g.cmdline = big;
	assert_int_equal(linux_load(&li, img, &g, &e), -EINVAL);
	assert_true(printk_saw("does not fit below 0xa0000"));
	big[0x7ffff] = '\0'; /* ends at 0x9ffff: the last byte allowed */
	assert_int_equal(linux_load(&li, img, &g, &e), 0);
	free(big);
}

static void test_load_e820(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < 16; i++) {
		g.e820[i].base = 0x100000000ull * i + 0x1000;
		g.e820[i].len = 0x123456789ull + i;
		g.e820[i].type = i % 5 + 1;
	}
	g.e820_count = 16;
	assert_int_equal(load(), 0);
	assert_int_equal(g.ram[0x7000 + 0x1e8], 16);
	for (unsigned int i = 0; i < 16; i++) {
		const uint8_t *ent = g.ram + 0x7000 + 0x2d0 + 20 * i;

		assert_int_equal(get64(ent), g.e820[i].base);
		assert_int_equal(get64(ent + 8), g.e820[i].len);
		assert_int_equal(get32(ent + 16), g.e820[i].type);
	}
	g.e820_count = 17;
	assert_int_equal(linux_load(&li, img, &g, &e), -EINVAL);
	g.e820_count = 0;
	assert_int_equal(linux_load(&li, img, &g, &e), -EINVAL);
	assert_true(printk_saw("linux: 0 e820 entries, need 1 to 16"));
}

static void test_load_relocated(void **state)
{
	(void)state;
	/* pref_address 64 MiB, RAM 48 MiB: moved to the lowest 2 MiB-aligned spot >= 16 MiB */
	put64(img + 0x258, 64 * MiB);
	guest(48 * MiB);
	assert_int_equal(load(), 0);
	assert_int_equal(e.kernel_gpa, 16 * MiB);
	assert_int_equal(e.rip, 16 * MiB + 0x200);
	assert_int_equal(get32(g.ram + 0x7000 + 0x214), 16 * MiB); /* code32_start follows */
	assert_memory_equal(g.ram + 16 * MiB, img + KOFF, PAYLOAD);
	assert_true(printk_saw("linux: kernel relocated from 0x4000000 to 0x1000000"));

	/* a 32 MiB alignment rounds 16 MiB up */
	put32(img + 0x230, 32 * MiB);
	assert_int_equal(load(), 0);
	assert_int_equal(e.kernel_gpa, 32 * MiB);

	/* the same kernel, not relocatable, stays at its address or fails */
	img[0x234] = 0;
	assert_int_equal(load(), -ENOSPC);
	assert_true(printk_saw("linux: kernel at 0x4000000 needs 0x800000 bytes (init_size), RAM "
			       "is 0x3000000, and it is not relocatable"));
}

static void test_load_pref_fits_exactly(void **state)
{
	(void)state;
	img[0x234] = 0;
	guest(PREF + INIT_SIZE);
	assert_int_equal(load(), 0);
	assert_int_equal(e.kernel_gpa, PREF);
	guest(PREF + INIT_SIZE - 1);
	assert_int_equal(load(), -ENOSPC);
}

static void test_load_ram_too_small(void **state)
{
	(void)state;
	/* relocatable, but 16 MiB + init_size is past the end of RAM */
	guest(20 * MiB);
	memset(g.ram, 0x5a, 20 * MiB);
	assert_int_equal(load(), -ENOSPC);
	assert_true(printk_saw("linux: kernel needs 0x800000 bytes (init_size) at 0x1000000 or "
			       "above, RAM is 0x1400000"));
	/* nothing was written */
	for (size_t i = 0; i < 20 * MiB; i += 4096)
		assert_int_equal(g.ram[i], 0x5a);
	assert_int_equal(g.ram[0x7000 + 0x202], 0x5a);

	guest(512 << 10);
	assert_int_equal(load(), -ENOSPC);
	assert_true(printk_saw("need at least the low 1 MiB"));

	/* init_size smaller than the payload: the payload is what counts */
	put32(img + 0x260, 0x1000);
	guest(PREF + PAYLOAD - 1);
	img[0x234] = 0;
	assert_int_equal(load(), -ENOSPC);
}

static void test_load_initrd_placement(void **state)
{
	static uint8_t rd[3 * 4096 + 123];

	(void)state;
	for (size_t i = 0; i < sizeof(rd); i++)
		rd[i] = (uint8_t)(i ^ 0xa5);
	g.initrd = rd;
	g.initrd_len = sizeof(rd);

	/* below initrd_addr_max + 1, the highest byte it may occupy */
	put32(img + 0x22c, 40 * MiB - 1);
	assert_int_equal(load(), 0);
	assert_int_equal(e.initrd_gpa % 4096, 0);
	assert_true(e.initrd_gpa + sizeof(rd) - 1 <= 40 * MiB - 1);
	assert_int_equal(e.initrd_gpa, (40 * MiB - sizeof(rd)) & ~0xfffull);
	assert_memory_equal(g.ram + e.initrd_gpa, rd, sizeof(rd));
	assert_int_equal(get32(g.ram + 0x7000 + 0x218), e.initrd_gpa);
	assert_int_equal(get32(g.ram + 0x7000 + 0x21c), sizeof(rd));

	/* an unaligned ceiling rounds down */
	put32(img + 0x22c, 40 * MiB + 100);
	assert_int_equal(load(), 0);
	assert_int_equal(e.initrd_gpa, (40 * MiB + 101 - sizeof(rd)) & ~0xfffull);

	/* the top of RAM is inside init_size: the initrd goes below the kernel */
	put32(img + 0x22c, 0x7fffffff);
	guest(PREF + INIT_SIZE + 4096);
	g.initrd = rd;
	g.initrd_len = sizeof(rd);
	assert_int_equal(load(), 0);
	assert_int_equal(e.kernel_gpa, PREF);
	assert_int_equal(e.initrd_gpa % 4096, 0);
	assert_true(e.initrd_gpa + sizeof(rd) <= PREF);
	assert_int_equal(e.initrd_gpa, (PREF - sizeof(rd)) & ~0xfffull);
	assert_memory_equal(g.ram + e.initrd_gpa, rd, sizeof(rd));

	/* a ceiling inside init_size does the same */
	guest(64 * MiB);
	g.initrd = rd;
	g.initrd_len = sizeof(rd);
	put32(img + 0x22c, PREF + 0x1000 - 1);
	assert_int_equal(load(), 0);
	assert_true(e.initrd_gpa + sizeof(rd) <= PREF);
}

static void test_load_initrd_too_big(void **state)
{
	uint8_t *rd = calloc(1, 41 * MiB);

	(void)state;
	assert_non_null(rd);
	/* 64 MiB RAM, kernel 16-24 MiB: 40 MiB above and 15 MiB below it */
	g.initrd = rd;
	g.initrd_len = 41 * MiB;
	memset(g.ram + 0x7000, 0x5a, 4096);
	assert_int_equal(load(), -ENOSPC);
	assert_true(printk_saw("linux: initrd of 0x2900000 bytes does not fit below 0x4000000 "
			       "beside the kernel (0x1000000-0x1800000)"));
	assert_int_equal(g.ram[0x7000], 0x5a);
	assert_int_equal(g.ram[PREF], 0);
	g.initrd_len = 128 * MiB;
	assert_int_equal(linux_load(&li, img, &g, &e), -ENOSPC);
	g.initrd_len = 40 * MiB;
	assert_int_equal(linux_load(&li, img, &g, &e), 0);
	assert_int_equal(e.initrd_gpa, 24 * MiB);
	g.initrd = NULL;
	assert_int_equal(linux_load(&li, img, &g, &e), -EINVAL);
	free(rd);
}

/* A ceiling of 4 GiB even when RAM and initrd_addr_max go past it. */
static void test_load_initrd_below_4g(void **state)
{
	const uint64_t ram = (4ull << 30) + 64 * MiB;
	static const char rd[] = "rd";
	uint8_t *mem;

	(void)state;
	mem = mmap(NULL, ram, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		   -1, 0);
	if (mem == MAP_FAILED) {
		printf("SKIP: cannot reserve sparse address space for a 5 GiB guest\n");
		skip();
	}
	free(g.ram);
	g.ram = mem;
	g.ram_size = ram;
	g.initrd = rd;
	g.initrd_len = sizeof(rd);
	put32(img + 0x22c, 0xffffffff);
	assert_int_equal(load(), 0);
	assert_int_equal(e.initrd_gpa, (4ull << 30) - 4096);
	assert_int_equal(get32(g.ram + 0x7000 + 0x218), 0xfffff000u);
	assert_int_equal(get32(g.ram + 0x7000 + 0xc0), 0); /* ext_ramdisk_image */
	assert_memory_equal(g.ram + e.initrd_gpa, rd, sizeof(rd));
	munmap(mem, ram);
	g.ram = NULL;
}

static void test_load_old_protocol_rsdp(void **state)
{
	(void)state;
	put16(img + 0x206, 0x020d); /* 2.13: boot_params.acpi_rsdp_addr unknown */
	assert_int_equal(load(), 0);
	assert_int_equal(get64(g.ram + 0x7000 + 0x70), 0);
	assert_int_equal(printk_count[LOG_WARN], 1);
	assert_true(printk_saw("linux: boot protocol 2.13 predates acpi_rsdp_addr"));
	printk_reset();
	put16(img + 0x206, 0x020e);
	assert_int_equal(load(), 0);
	assert_int_equal(get64(g.ram + 0x7000 + 0x70), 0xe0000);
	assert_int_equal(printk_count[LOG_WARN], 0);
}

/* ---- a real kernel: the guest image's, else the machine's own ------------------ */

#define GUEST_VMLINUZ "build/guest/vmlinuz" /* make's guest recipe; run from the top */

static void test_host_vmlinuz(void **state)
{
	glob_t gl;
	FILE *f = fopen(GUEST_VMLINUZ, "rb");
	uint8_t *buf;
	long n;
	size_t got;
	const uint64_t ram = 1ull << 30;

	(void)state;
	if (!f) {
		if (glob("/boot/vmlinuz-*", 0, NULL, &gl) || !gl.gl_pathc) {
			globfree(&gl);
			printf("SKIP: neither " GUEST_VMLINUZ " nor /boot/vmlinuz-* to parse\n");
			skip();
		}
		for (size_t i = 0; !f && i < gl.gl_pathc; i++)
			f = fopen(gl.gl_pathv[i], "rb");
		globfree(&gl);
	}
	if (!f) {
		printf("SKIP: /boot/vmlinuz-* present but not readable\n");
		skip();
	}
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	got = fread(buf, 1, (size_t)n, f);
	fclose(f);
	assert_int_equal(got, (size_t)n);

	assert_int_equal(linux_image_parse(buf, got, &li), 0);
	assert_true(li.version >= 0x020c);
	assert_true(li.kernel_off + li.kernel_len <= got);
	assert_true(li.init_size >= li.kernel_len);
	assert_true(li.relocatable);

	uint8_t *mem = mmap(NULL, ram, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	assert_true(mem != MAP_FAILED);
	free(g.ram);
	g.ram = mem;
	g.ram_size = ram;
	g.e820[2].len = ram - 0x100000;
	assert_int_equal(linux_load(&li, buf, &g, &e), 0);
	assert_int_equal(e.rip, e.kernel_gpa + 0x200);
	assert_memory_equal(mem + e.kernel_gpa, buf + li.kernel_off, li.kernel_len);
	munmap(mem, ram);
	g.ram = NULL;
	free(buf);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_parse_ok),
		T(test_parse_setup_sects_zero_means_4),
		T(test_parse_truncated),
		T(test_parse_bad_magic),
		T(test_parse_old_protocol),
		T(test_parse_no_kernel_64),
		T(test_parse_setup_past_end),
		T(test_parse_bad_alignment),
		T(test_load_boot_params),
		T(test_load_no_initrd_no_cmdline),
		T(test_load_cmdline),
		T(test_load_e820),
		T(test_load_relocated),
		T(test_load_pref_fits_exactly),
		T(test_load_ram_too_small),
		T(test_load_initrd_placement),
		T(test_load_initrd_too_big),
		T(test_load_initrd_below_4g),
		T(test_load_old_protocol_rsdp),
		T(test_host_vmlinuz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
