// SPDX-License-Identifier: MIT
/*
 * AMD-Vi encodings (iommu/amdvi_desc.c, iommu/amdvi_regs.h) checked bit by
 * bit against values worked out by hand from the spec's layouts (#48882
 * rev 3.x: DTE 2.2.2.1, IRTE 2.2.5.2, commands 2.4, events 2.5, registers
 * 3.4); every field at its limits; every refusal. The entries the driver
 * writes also pass QEMU 10.0.2's reserved-bit check of a DTE (iommu/notes).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "lib/err.h"
#include "iommu/amdvi_desc.h"
#include "iommu/amdvi_regs.h"

static void assert_dte(const struct amdvi_dte *d, uint64_t q0, uint64_t q1, uint64_t q2,
		       uint64_t q3)
{
	assert_int_equal(d->q[0], q0);
	assert_int_equal(d->q[1], q1);
	assert_int_equal(d->q[2], q2);
	assert_int_equal(d->q[3], q3);
}

/* Field by field: the structs have padding. */
static void assert_fields(const struct amdvi_dte_fields *a, const struct amdvi_dte_fields *b)
{
	const uint64_t va[] = {
		a->v,	      a->tv,	      a->mode,	  a->root,	 a->ir,
		a->iw,	      a->domid,	      a->i,	  a->se,	 a->sa,
		a->ioctl,     a->cache,	      a->sd,	  a->ex,	 a->sysmgt,
		a->iv,	      a->int_tab_len, a->ig,	  a->irt,	 a->init_pass,
		a->eint_pass, a->nmi_pass,    a->int_ctl, a->lint0_pass, a->lint1_pass};
	const uint64_t vb[] = {
		b->v,	      b->tv,	      b->mode,	  b->root,	 b->ir,
		b->iw,	      b->domid,	      b->i,	  b->se,	 b->sa,
		b->ioctl,     b->cache,	      b->sd,	  b->ex,	 b->sysmgt,
		b->iv,	      b->int_tab_len, b->ig,	  b->irt,	 b->init_pass,
		b->eint_pass, b->nmi_pass,    b->int_ctl, b->lint0_pass, b->lint1_pass};

	for (size_t i = 0; i < sizeof(va) / sizeof(va[0]); i++)
		assert_int_equal(va[i], vb[i]);
}

static void assert_irte_fields(const struct amdvi_irte_fields *a, const struct amdvi_irte_fields *b)
{
	assert_int_equal(a->remap_en, b->remap_en);
	assert_int_equal(a->sup_iopf, b->sup_iopf);
	assert_int_equal(a->int_type, b->int_type);
	assert_int_equal(a->rq_eoi, b->rq_eoi);
	assert_int_equal(a->dm, b->dm);
	assert_int_equal(a->dest, b->dest);
	assert_int_equal(a->vector, b->vector);
}

/* QEMU 10.0.2's amdvi_validate_dte() (notes §1): a DTE with any of these
 * set is illegal there, for DMA and interrupts alike. */
static bool qemu_dte_ok(const struct amdvi_dte *d)
{
	return !(d->q[0] & 0x80300000000000fcull) && !(d->q[1] & 0x100) &&
	       !(d->q[2] & 0x08f0000000000000ull) && !d->q[3];
}

static void test_dte_fields_one_by_one(void **state)
{
	/* each field alone at its largest: exactly its bits (Table 7) */
	static const struct {
		struct amdvi_dte_fields f;
		unsigned int q;
		uint64_t bits;
	} one[] = {
		{{.v = true}, 0, 1ull << 0},
		{{.tv = true}, 0, 1ull << 1},
		{{.mode = 6}, 0, 6ull << 9},
		{{.root = 0x000ffffffffff000ull}, 0, 0x000ffffffffff000ull},
		{{.ir = true}, 0, 1ull << 61},
		{{.iw = true}, 0, 1ull << 62},
		{{.domid = 0xffff}, 1, 0xffff},
		{{.i = true}, 1, 1ull << 32},
		{{.se = true}, 1, 1ull << 33},
		{{.sa = true}, 1, 1ull << 34},
		{{.ioctl = 2}, 1, 2ull << 35},
		{{.cache = true}, 1, 1ull << 37},
		{{.sd = true}, 1, 1ull << 38},
		{{.ex = true}, 1, 1ull << 39},
		{{.sysmgt = 3}, 1, 3ull << 40},
		{{.iv = true}, 2, 1ull << 0},
		{{.int_tab_len = 11}, 2, 11ull << 1},
		{{.ig = true}, 2, 1ull << 5},
		{{.irt = 0x000fffffffffff80ull}, 2, 0x000fffffffffff80ull},
		{{.init_pass = true}, 2, 1ull << 56},
		{{.eint_pass = true}, 2, 1ull << 57},
		{{.nmi_pass = true}, 2, 1ull << 58},
		{{.int_ctl = 2}, 2, 2ull << 60},
		{{.lint0_pass = true}, 2, 1ull << 62},
		{{.lint1_pass = true}, 2, 1ull << 63},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(one) / sizeof(one[0]); i++) {
		struct amdvi_dte d;
		struct amdvi_dte_fields back;

		assert_int_equal(amdvi_dte_encode(&one[i].f, &d), 0);
		for (unsigned int q = 0; q < 4; q++)
			assert_int_equal(d.q[q], q == one[i].q ? one[i].bits : 0);
		assert_int_equal(amdvi_dte_decode(&d, &back), 0);
		assert_fields(&back, &one[i].f);
	}
}

static void test_dte_all_fields(void **state)
{
	const struct amdvi_dte_fields max = {
		.v = true,
		.tv = true,
		.mode = 6,
		.root = 0x000ffffffffff000ull,
		.ir = true,
		.iw = true,
		.domid = 0xffff,
		.i = true,
		.se = true,
		.sa = true,
		.ioctl = 2,
		.cache = true,
		.sd = true,
		.ex = true,
		.sysmgt = 3,
		.iv = true,
		.int_tab_len = 11,
		.ig = true,
		.irt = 0x000fffffffffff80ull,
		.init_pass = true,
		.eint_pass = true,
		.nmi_pass = true,
		.int_ctl = 2,
		.lint0_pass = true,
		.lint1_pass = true,
	};
	struct amdvi_dte_fields back;
	struct amdvi_dte d;

	(void)state;
	assert_int_equal(amdvi_dte_encode(&max, &d), 0);
	assert_dte(&d, 0x600ffffffffffc03ull, 0x000003f70000ffffull, 0xe70fffffffffffb7ull, 0);
	assert_int_equal(amdvi_dte_decode(&d, &back), 0);
	assert_fields(&back, &max);
	/* all zero: all zero */
	memset(&back, 0, sizeof(back));
	assert_int_equal(amdvi_dte_encode(&back, &d), 0);
	assert_dte(&d, 0, 0, 0, 0);
}

static void test_dte_refused(void **state)
{
	static const struct amdvi_dte_fields bad[] = {
		{.mode = 7},	       {.root = 0x1800}, {.root = 0x1ull << 52},
		{.root = 0xfff},       {.ioctl = 3},	 {.int_tab_len = 12},
		{.int_tab_len = 15},   {.irt = 0x40}, /* 64-byte aligned only */
		{.irt = 0x1ull << 52}, {.int_ctl = 3},
	};
	/* bits the encoder never writes: guest translation, HAD, PPR, reserved */
	static const struct {
		unsigned int q;
		uint64_t bit;
	} stray[] = {
		{0, 1ull << 2},	 {0, 1ull << 6},  {0, 1ull << 7},  {0, 1ull << 8},  {0, 1ull << 52},
		{0, 1ull << 55}, {0, 1ull << 58}, {0, 1ull << 63}, {1, 1ull << 16}, {1, 1ull << 31},
		{1, 1ull << 42}, {1, 1ull << 43}, {1, 1ull << 63}, {2, 1ull << 6},  {2, 1ull << 52},
		{2, 1ull << 55}, {2, 1ull << 59}, {3, 1ull << 0},  {3, 1ull << 63},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct amdvi_dte d = {{1, 2, 3, 4}};

		assert_int_equal(amdvi_dte_encode(&bad[i], &d), -EINVAL);
		assert_dte(&d, 1, 2, 3, 4); /* untouched */
	}
	for (size_t i = 0; i < sizeof(stray) / sizeof(stray[0]); i++) {
		struct amdvi_dte d = {{0x3, 0x5, 0, 0}};
		struct amdvi_dte_fields f;

		d.q[stray[i].q] |= stray[i].bit;
		assert_int_equal(amdvi_dte_decode(&d, &f), -EINVAL);
		assert_true(f.v && f.tv); /* filled all the same */
		assert_int_equal(f.domid, 5);
	}
	/* values out of their field's range, read back */
	{
		struct amdvi_dte_fields f;
		struct amdvi_dte d = {{7ull << 9, 0, 0, 0}};

		assert_int_equal(amdvi_dte_decode(&d, &f), -EINVAL);
		assert_int_equal(f.mode, 7);
		d = (struct amdvi_dte){{0, 3ull << 35, 0, 0}};
		assert_int_equal(amdvi_dte_decode(&d, &f), -EINVAL);
		d = (struct amdvi_dte){{0, 0, 3ull << 60, 0}};
		assert_int_equal(amdvi_dte_decode(&d, &f), -EINVAL);
		d = (struct amdvi_dte){{0, 0, 12ull << 1, 0}};
		assert_int_equal(amdvi_dte_decode(&d, &f), -EINVAL);
		assert_int_equal(f.int_tab_len, 12);
		d = (struct amdvi_dte){{0, 0, 0x40, 0}};
		assert_int_equal(amdvi_dte_decode(&d, &f), -EINVAL);
	}
}

static void test_domid(void **state)
{
	(void)state;
	assert_int_equal(amdvi_domid_check(0), -EINVAL);
	assert_int_equal(amdvi_domid_check(1), 0);
	assert_int_equal(amdvi_domid_check(0x80), 0);
	assert_int_equal(amdvi_domid_check(255), 0);
	assert_int_equal(amdvi_domid_check(256), -EINVAL);
	assert_int_equal(amdvi_domid_check(0x1ff), -EINVAL);
	assert_int_equal(amdvi_domid_check(0x2ff), -EINVAL);
	assert_int_equal(amdvi_domid_check(0xffff), -EINVAL);
	assert_int_equal(amdvi_domid_check(0x10001), -EINVAL); /* not truncated to 1 */
	assert_int_equal(amdvi_domid_check(~0u), -EINVAL);
	/* why: QEMU 10.0.2 calls a DTE with DomainID bit 8 illegal */
	for (unsigned int id = 0; id <= 0x3ff; id++) {
		struct amdvi_dte d;

		if (amdvi_dte_translated(0x1000, 3, (uint16_t)id, &d)) {
			assert_true(id == 0 || id > 255);
			continue;
		}
		assert_true(id >= 1 && id <= 255);
		assert_true(qemu_dte_ok(&d));
	}
	{
		const struct amdvi_dte_fields f = {.v = true, .domid = 0x100};
		struct amdvi_dte d;

		assert_int_equal(amdvi_dte_encode(&f, &d), 0); /* the spec allows it */
		assert_false(qemu_dte_ok(&d));
	}
}

static void test_dte_blocked(void **state)
{
	struct amdvi_dte d;

	(void)state;
	/* V, TV, Mode 3 (0x600), the zero page, IR|IW; DomainID; IV, IntCtl 0 */
	assert_int_equal(amdvi_dte_blocked(0xabc000, 1, true, &d), 0);
	assert_dte(&d, 0x6000000000abc603ull, 1, 1, 0);
	assert_true(qemu_dte_ok(&d));
	/* the variant that denies at the DTE: no IR/IW */
	assert_int_equal(amdvi_dte_blocked(0xabc000, 255, false, &d), 0);
	assert_dte(&d, 0x0000000000abc603ull, 0xff, 1, 0);
	assert_true(qemu_dte_ok(&d));
	/* the highest page */
	assert_int_equal(amdvi_dte_blocked(0x000ffffffffff000ull, 7, true, &d), 0);
	assert_dte(&d, 0x600ffffffffff603ull, 7, 1, 0);

	d = (struct amdvi_dte){{9, 9, 9, 9}};
	assert_int_equal(amdvi_dte_blocked(0xabc800, 1, true, &d), -EINVAL);
	assert_int_equal(amdvi_dte_blocked(1ull << 52, 1, true, &d), -EINVAL);
	assert_int_equal(amdvi_dte_blocked(0xabc000, 0, true, &d), -EINVAL);
	assert_int_equal(amdvi_dte_blocked(0xabc000, 256, true, &d), -EINVAL);
	assert_dte(&d, 9, 9, 9, 9);
}

static void test_dte_translated(void **state)
{
	struct amdvi_dte_fields f;
	struct amdvi_dte d;

	(void)state;
	assert_int_equal(amdvi_dte_translated(0x12345000, 3, 7, &d), 0);
	assert_dte(&d, 0x6000000012345603ull, 7, 1, 0);
	assert_int_equal(amdvi_dte_translated(0x12345000, 4, 0x80, &d), 0);
	assert_dte(&d, 0x6000000012345803ull, 0x80, 1, 0);
	assert_true(qemu_dte_ok(&d));
	assert_int_equal(amdvi_dte_decode(&d, &f), 0);
	assert_true(f.v && f.tv && f.ir && f.iw && f.iv);
	assert_int_equal(f.mode, 4);
	assert_int_equal(f.root, 0x12345000);
	assert_int_equal(f.domid, 0x80);
	assert_int_equal(f.int_ctl, AMDVI_INTCTL_ABORT);

	d = (struct amdvi_dte){{9, 9, 9, 9}};
	for (unsigned int mode = 0; mode < 8; mode++)
		if (mode != 3 && mode != 4)
			assert_int_equal(amdvi_dte_translated(0x1000, mode, 1, &d), -EINVAL);
	assert_int_equal(amdvi_dte_translated(0x1008, 3, 1, &d), -EINVAL);
	assert_int_equal(amdvi_dte_translated(0x0010000000000000ull, 3, 1, &d), -EINVAL);
	assert_int_equal(amdvi_dte_translated(0x1000, 3, 0, &d), -EINVAL);
	assert_int_equal(amdvi_dte_translated(0x1000, 3, 0x100, &d), -EINVAL);
	assert_dte(&d, 9, 9, 9, 9);
}

static void test_dte_intremap(void **state)
{
	struct amdvi_dte_fields f;
	struct amdvi_dte d;

	(void)state;
	/* IV, IntTabLen 9 (512 entries) at 4:1, IRT 51:6, IntCtl 2 at 61:60 */
	assert_int_equal(amdvi_dte_translated(0x12345000, 3, 7, &d), 0);
	assert_int_equal(amdvi_dte_intremap(&d, 0x7654380, 9), 0);
	assert_dte(&d, 0x6000000012345603ull, 7, 0x2000000007654393ull, 0);
	assert_true(qemu_dte_ok(&d));
	/* again with another table: the old one leaves no bit behind */
	assert_int_equal(amdvi_dte_intremap(&d, 0x000fffffffffff80ull, 11), 0);
	assert_dte(&d, 0x6000000012345603ull, 7, 0x200fffffffffff97ull, 0);
	assert_int_equal(amdvi_dte_intremap(&d, 0, 0), 0);
	assert_dte(&d, 0x6000000012345603ull, 7, 0x2000000000000001ull, 0);
	assert_int_equal(amdvi_dte_decode(&d, &f), 0);
	assert_int_equal(f.int_ctl, AMDVI_INTCTL_REMAP);
	/* on a blocked entry too: DMA blocked, interrupts remapped */
	assert_int_equal(amdvi_dte_blocked(0xabc000, 1, true, &d), 0);
	assert_int_equal(amdvi_dte_intremap(&d, 0x4000, 9), 0);
	assert_dte(&d, 0x6000000000abc603ull, 1, 0x2000000000004013ull, 0);
	/* pass bits a caller set are cleared: only remapped interrupts */
	d.q[2] |= 7ull << 56 | 3ull << 62;
	assert_int_equal(amdvi_dte_intremap(&d, 0x4000, 9), 0);
	assert_int_equal(d.q[2], 0x2000000000004013ull);

	assert_int_equal(amdvi_dte_intremap(&d, 0x4040, 9), -EINVAL); /* 128-byte alignment */
	assert_int_equal(amdvi_dte_intremap(&d, 0x4000, 12), -EINVAL);
	assert_int_equal(amdvi_dte_intremap(&d, 1ull << 52, 9), -EINVAL);
	assert_dte(&d, 0x6000000000abc603ull, 1, 0x2000000000004013ull, 0);
}

static void test_irte(void **state)
{
	const struct amdvi_irte_fields max = {
		.remap_en = true,
		.sup_iopf = true,
		.int_type = AMDVI_INTTYPE_ARBITRATED,
		.rq_eoi = true,
		.dm = true,
		.dest = 0xffffffff,
		.vector = 0xff,
	};
	struct amdvi_irte_fields f;
	struct amdvi_irte e;

	(void)state;
	/* what QEMU was seen to remap to x2APIC 0x1234, vector 0x42 (notes §4) */
	assert_int_equal(amdvi_irte_remap(0x1234, 0x42, true, &e), 0);
	assert_int_equal(e.lo, 0x123401);
	assert_int_equal(e.hi, 0x42);
	/* destination 31:24 in hi 63:56 */
	assert_int_equal(amdvi_irte_remap(0x12345678, 0xee, true, &e), 0);
	assert_int_equal(e.lo, 0x34567801);
	assert_int_equal(e.hi, 0x12000000000000eeull);
	/* xAPIC: 8-bit IDs only */
	assert_int_equal(amdvi_irte_remap(0xff, 0x30, false, &e), 0);
	assert_int_equal(e.lo, 0xff01);
	assert_int_equal(e.hi, 0x30);
	e = (struct amdvi_irte){5, 6};
	assert_int_equal(amdvi_irte_remap(0x100, 0x30, false, &e), -EINVAL);
	assert_int_equal(e.lo, 5);
	assert_int_equal(e.hi, 6);

	/* every field at its largest; GuestMode (bit 7) never */
	assert_int_equal(amdvi_irte_encode(&max, true, &e), 0);
	assert_int_equal(e.lo, 0xffffff67);
	assert_int_equal(e.hi, 0xff000000000000ffull);
	assert_int_equal(amdvi_irte_decode(&e, &f), 0);
	assert_irte_fields(&f, &max);
	f = (struct amdvi_irte_fields){.sup_iopf = true};
	assert_int_equal(amdvi_irte_encode(&f, false, &e), 0);
	assert_int_equal(e.lo, 2);
	f = (struct amdvi_irte_fields){.rq_eoi = true, .int_type = 1};
	assert_int_equal(amdvi_irte_encode(&f, false, &e), 0);
	assert_int_equal(e.lo, 0x24);
	f = (struct amdvi_irte_fields){.dm = true, .dest = 0x800000};
	assert_int_equal(amdvi_irte_encode(&f, true, &e), 0);
	assert_int_equal(e.lo, 0x80000040);
	assert_int_equal(e.hi, 0);

	for (unsigned int t = 2; t < 8; t++) { /* SMI, NMI, INIT, ExtINT...: refused */
		f = (struct amdvi_irte_fields){.remap_en = true, .int_type = t};
		assert_int_equal(amdvi_irte_encode(&f, true, &e), -EINVAL);
	}
	/* decoding refuses GuestMode, reserved bits and other types */
	e = (struct amdvi_irte){0x81, 0};
	assert_int_equal(amdvi_irte_decode(&e, &f), -EINVAL);
	e = (struct amdvi_irte){1ull << 32 | 1, 0};
	assert_int_equal(amdvi_irte_decode(&e, &f), -EINVAL);
	e = (struct amdvi_irte){1, 1ull << 8};
	assert_int_equal(amdvi_irte_decode(&e, &f), -EINVAL);
	e = (struct amdvi_irte){1, 1ull << 55};
	assert_int_equal(amdvi_irte_decode(&e, &f), -EINVAL);
	e = (struct amdvi_irte){1 | 3u << 2, 0};
	assert_int_equal(amdvi_irte_decode(&e, &f), -EINVAL);
	assert_int_equal(f.int_type, 3);
}

static void test_msi(void **state)
{
	uint32_t data = 0xdead;

	(void)state;
	assert_int_equal(AMDVI_MSI_ADDR, 0xfee00000u);
	assert_int_equal(amdvi_msi_data(0, 0, &data), 0);
	assert_int_equal(data, 0);
	assert_int_equal(amdvi_msi_data(5, 9, &data), 0);
	assert_int_equal(data, 5);
	assert_int_equal(amdvi_msi_data(511, 9, &data), 0);
	assert_int_equal(data, 511);
	assert_int_equal(amdvi_msi_data(511, 11, &data), 0);
	assert_int_equal(data, 511);
	assert_int_equal(amdvi_msi_data(3, 2, &data), 0);
	assert_int_equal(data, 3);
	data = 0xdead;
	/* beyond the table */
	assert_int_equal(amdvi_msi_data(1, 0, &data), -EINVAL);
	assert_int_equal(amdvi_msi_data(4, 2, &data), -EINVAL);
	assert_int_equal(amdvi_msi_data(512, 9, &data), -EINVAL);
	/* data 10:8 would be SMI/NMI/INIT...: refused whatever the table */
	assert_int_equal(amdvi_msi_data(512, 11, &data), -EINVAL);
	assert_int_equal(amdvi_msi_data(2047, 11, &data), -EINVAL);
	/* no such table length */
	assert_int_equal(amdvi_msi_data(0, 12, &data), -EINVAL);
	assert_int_equal(amdvi_msi_data(0, 32, &data), -EINVAL);
	assert_int_equal(amdvi_msi_data(0, ~0u, &data), -EINVAL);
	assert_int_equal(data, 0xdead);
	for (unsigned int i = 0; i < 2048; i++) {
		if (amdvi_msi_data(i, 11, &data))
			continue;
		assert_true((data >> 8 & 7) <= 1); /* fixed or arbitrated */
		assert_int_equal(data, i);
	}
}

/* The size an INVALIDATE_IOMMU_PAGES covers, read back as the spec says. */
static uint64_t inv_size(const struct amdvi_cmd *c)
{
	unsigned int k = 12;

	if (!(c->hi & 1))
		return 4096;
	while (k < 63 && (c->hi >> k & 1))
		k++;
	return k == 63 ? 0 : 1ull << (k + 1); /* 0: 2^64 */
}

static void test_commands(void **state)
{
	struct amdvi_cmd c = {1, 2};

	(void)state;
	/* COMPLETION_WAIT: opcode 1 at 63:60, S (bit 0), address 51:3, data */
	assert_int_equal(amdvi_cmd_completion_wait(0x1000, 0xabcdef, &c), 0);
	assert_int_equal(c.lo, 0x1000000000001001ull);
	assert_int_equal(c.hi, 0xabcdef);
	assert_int_equal(amdvi_cmd_completion_wait(0x000ffffffffffff8ull, ~0ull, &c), 0);
	assert_int_equal(c.lo, 0x100ffffffffffff9ull);
	assert_int_equal(c.hi, ~0ull);
	assert_int_equal(amdvi_cmd_completion_wait(0, 0, &c), 0);
	assert_int_equal(c.lo, 0x1000000000000001ull);
	assert_int_equal(c.lo & 6, 0); /* never I (interrupt) or F */
	c = (struct amdvi_cmd){1, 2};
	assert_int_equal(amdvi_cmd_completion_wait(0x1004, 0, &c), -EINVAL);
	assert_int_equal(amdvi_cmd_completion_wait(0x1001, 0, &c), -EINVAL);
	assert_int_equal(amdvi_cmd_completion_wait(1ull << 52, 0, &c), -EINVAL);
	assert_int_equal(c.lo, 1);
	assert_int_equal(c.hi, 2);

	c = amdvi_cmd_inv_devtab_entry(0x0182);
	assert_int_equal(c.lo, 0x2000000000000182ull);
	assert_int_equal(c.hi, 0);
	c = amdvi_cmd_inv_devtab_entry(0xffff);
	assert_int_equal(c.lo, 0x200000000000ffffull);
	c = amdvi_cmd_inv_interrupt_table(0x00a0);
	assert_int_equal(c.lo, 0x50000000000000a0ull);
	assert_int_equal(c.hi, 0);
	c = amdvi_cmd_inv_all();
	assert_int_equal(c.lo, 0x8000000000000000ull);
	assert_int_equal(c.hi, 0);

	/* INVALIDATE_IOMMU_PAGES: DomainID 47:32, opcode 3; S 0, PDE 1 */
	c = amdvi_cmd_inv_pages_all(0xff);
	assert_int_equal(c.lo, 0x300000ff00000000ull);
	assert_int_equal(c.hi, 0x7ffffffffffff003ull);
	assert_int_equal(inv_size(&c), 0);
	c = amdvi_cmd_inv_pages_all(0xffff);
	assert_int_equal(c.lo, 0x3000ffff00000000ull);
}

static void test_inv_pages(void **state)
{
	struct amdvi_cmd c = {1, 2};

	(void)state;
	assert_int_equal(amdvi_cmd_inv_pages(5, 0x7000, 0x1000, false, &c), 0);
	assert_int_equal(c.lo, 0x3000000500000000ull);
	assert_int_equal(c.hi, 0x7000);
	assert_int_equal(amdvi_cmd_inv_pages(5, 0x7000, 0x1000, true, &c), 0);
	assert_int_equal(c.hi, 0x7002);
	assert_int_equal(amdvi_cmd_inv_pages(1, 0x8000, 0x2000, false, &c), 0);
	assert_int_equal(c.hi, 0x8001); /* S, bit 12 clear: 8 KiB */
	assert_int_equal(amdvi_cmd_inv_pages(1, 0x10000, 0x4000, false, &c), 0);
	assert_int_equal(c.hi, 0x11001);
	assert_int_equal(amdvi_cmd_inv_pages(1, 0x200000, 0x200000, false, &c), 0);
	assert_int_equal(c.hi, 0x2ff001);
	assert_int_equal(amdvi_cmd_inv_pages(0xffff, 0x40000000, 0x40000000, true, &c), 0);
	assert_int_equal(c.lo, 0x3000ffff00000000ull);
	assert_int_equal(c.hi, 0x5ffff003);
	/* every size round trip, at the lowest and highest aligned address */
	for (unsigned int k = 12; k < 64; k++) {
		uint64_t size = 1ull << k, top = -size;

		assert_int_equal(amdvi_cmd_inv_pages(9, size, size, true, &c), 0);
		assert_int_equal(inv_size(&c), size);
		assert_int_equal(c.hi & 2, 2);
		assert_int_equal(c.hi & ~(size - 1), size);
		assert_int_equal(amdvi_cmd_inv_pages(9, top, size, false, &c), 0);
		assert_int_equal(inv_size(&c), size);
		assert_int_equal(c.hi & ~(size - 1), top);
		assert_int_equal(c.lo, 0x3000000900000000ull);
	}
	c = (struct amdvi_cmd){1, 2};
	assert_int_equal(amdvi_cmd_inv_pages(1, 0, 0, false, &c), -EINVAL);
	assert_int_equal(amdvi_cmd_inv_pages(1, 0, 0x800, false, &c), -EINVAL);
	assert_int_equal(amdvi_cmd_inv_pages(1, 0, 0x3000, false, &c), -EINVAL);
	assert_int_equal(amdvi_cmd_inv_pages(1, 0x1000, 0x2000, false, &c), -EINVAL);
	assert_int_equal(amdvi_cmd_inv_pages(1, 0x800, 0x1000, false, &c), -EINVAL);
	assert_int_equal(amdvi_cmd_inv_pages(1, 0x100000, 0x200000, false, &c), -EINVAL);
	assert_int_equal(c.lo, 1);
	assert_int_equal(c.hi, 2);
}

static void test_event_page_fault(void **state)
{
	/* DeviceID 0x0182, DomainID 7, PR|RW|PE, address 0x12345678 */
	const uint64_t pf[2] = {0x2070000700000182ull, 0x12345678};
	struct amdvi_event e;
	uint64_t ev[2];

	(void)state;
	amdvi_event_decode(pf, &e);
	assert_int_equal(e.code, AMDVI_EVT_IO_PAGE_FAULT);
	assert_true(e.known && e.has_devid && e.has_domain && e.has_addr);
	assert_int_equal(e.devid, 0x0182);
	assert_int_equal(e.domain, 7);
	assert_false(e.guest);
	assert_true(e.write);
	assert_int_equal(e.addr, 0x12345678);
	assert_int_equal(e.flags, AMDVI_EVF_PR | AMDVI_EVF_RW | AMDVI_EVF_PE);
	assert_string_equal(e.name, "IO_PAGE_FAULT");
	assert_string_equal(e.reason, "permission denied");
	/* a read of a page not present */
	ev[0] = 0x2000000700000182ull;
	ev[1] = 0xffffffffffff0000ull;
	amdvi_event_decode(ev, &e);
	assert_false(e.write);
	assert_int_equal(e.addr, 0xffffffffffff0000ull);
	assert_string_equal(e.reason, "not present");
	/* a reserved bit; an interrupt request */
	ev[0] = 0x2000000700000182ull | (uint64_t)(AMDVI_EVF_RZ | AMDVI_EVF_PR) << 48;
	amdvi_event_decode(ev, &e);
	assert_string_equal(e.reason, "reserved bit set in a table entry");
	ev[0] = 0x2000000700000182ull | (uint64_t)AMDVI_EVF_I << 48;
	amdvi_event_decode(ev, &e);
	assert_string_equal(e.reason, "interrupt remapping entry missing or invalid");
	/* present, no PE: a fault all the same */
	ev[0] = 0x2000000700000182ull | (uint64_t)AMDVI_EVF_PR << 48;
	amdvi_event_decode(ev, &e);
	assert_string_equal(e.reason, "page fault");
	/* a guest request: the 20-bit PASID, 19:16 from dword 0 */
	ev[0] = 0x20010000000a0182ull | 0x1234ull << 32;
	amdvi_event_decode(ev, &e);
	assert_true(e.guest);
	assert_int_equal(e.domain, 0xa1234);
	assert_int_equal(e.devid, 0x0182);
	/* without GN those bits are not the domain's */
	ev[0] = 0x20000000000a0182ull | 0x1234ull << 32;
	amdvi_event_decode(ev, &e);
	assert_int_equal(e.domain, 0x1234);
	/* every field at its limit */
	ev[0] = 0x2fffffffffffffffull;
	ev[1] = ~0ull;
	amdvi_event_decode(ev, &e);
	assert_int_equal(e.devid, 0xffff);
	assert_int_equal(e.domain, 0xfffff);
	assert_int_equal(e.flags, 0xfff);
	assert_true(e.write && e.guest);
	assert_int_equal(e.addr, ~0ull);
}

static void test_event_others(void **state)
{
	struct amdvi_event e;
	uint64_t ev[2];

	(void)state;
	/* ILLEGAL_DEV_TABLE_ENTRY: device, RW, the request's address 63:2 */
	ev[0] = 0x102000ff000000a0ull; /* RW; dword 1 15:0 not a domain here */
	ev[1] = 0xfee00003;
	amdvi_event_decode(ev, &e);
	assert_true(e.known && e.has_devid && !e.has_domain);
	assert_int_equal(e.devid, 0xa0);
	assert_int_equal(e.domain, 0);
	assert_true(e.write);
	assert_int_equal(e.addr, 0xfee00000);
	assert_string_equal(e.name, "ILLEGAL_DEV_TABLE_ENTRY");
	/* DEV_TAB_HARDWARE_ERROR, Type 2: the DTE's address 63:4 */
	ev[0] = 0x3400000000000010ull;
	ev[1] = 0x12340208;
	amdvi_event_decode(ev, &e);
	assert_int_equal(e.devid, 0x10);
	assert_int_equal(e.err_type, 2);
	assert_int_equal(e.addr, 0x12340200);
	assert_string_equal(e.reason, "target abort");
	/* PAGE_TAB_HARDWARE_ERROR, Type 3, domain: the PTE's address 63:3 */
	ev[0] = 0x4600000500000011ull;
	ev[1] = 0x1234567f;
	amdvi_event_decode(ev, &e);
	assert_true(e.has_domain);
	assert_int_equal(e.domain, 5);
	assert_int_equal(e.err_type, 3);
	assert_int_equal(e.addr, 0x12345678);
	assert_string_equal(e.reason, "data error");
	/* ILLEGAL_COMMAND_ERROR: no device, the command's address 63:4 */
	ev[0] = 0x50000000ffff1234ull;
	ev[1] = 0x100f;
	amdvi_event_decode(ev, &e);
	assert_true(e.known && !e.has_devid && !e.has_domain && e.has_addr);
	assert_int_equal(e.devid, 0);
	assert_false(e.write);
	assert_int_equal(e.addr, 0x1000);
	assert_string_equal(e.name, "ILLEGAL_COMMAND_ERROR");
	/* COMMAND_HARDWARE_ERROR, Type 1 */
	ev[0] = 0x6200000000000000ull;
	ev[1] = 0x2010;
	amdvi_event_decode(ev, &e);
	assert_int_equal(e.err_type, 1);
	assert_string_equal(e.reason, "master abort");
	assert_int_equal(e.addr, 0x2010);
	/* Type 0 */
	ev[0] = 0x6000000000000000ull;
	amdvi_event_decode(ev, &e);
	assert_string_equal(e.reason, "hardware error");
	/* IOTLB_INV_TIMEOUT */
	ev[0] = 0x7000000000000182ull;
	ev[1] = 0x3000;
	amdvi_event_decode(ev, &e);
	assert_true(e.has_devid && !e.has_domain);
	assert_int_equal(e.devid, 0x182);
	assert_int_equal(e.addr, 0x3000);
	assert_string_equal(e.name, "IOTLB_INV_TIMEOUT");
	/* INVALID_DEVICE_REQUEST, Type 7 (3 bits), a write */
	ev[0] = 0x8e20000000000184ull;
	ev[1] = 0xfed00000;
	amdvi_event_decode(ev, &e);
	assert_int_equal(e.devid, 0x184);
	assert_int_equal(e.err_type, 7);
	assert_true(e.write);
	assert_int_equal(e.addr, 0xfed00000);
	assert_string_equal(e.name, "INVALID_DEVICE_REQUEST");
}

static void test_event_unknown(void **state)
{
	static const unsigned int codes[] = {0, 9, 0xa, 0xb, 0xc, 0xf};
	struct amdvi_event e;

	(void)state;
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		const uint64_t ev[2] = {(uint64_t)codes[i] << 60 | 0x0fffffffffffffffull, ~0ull};

		memset(&e, 0xa5, sizeof(e));
		amdvi_event_decode(ev, &e);
		assert_int_equal(e.code, codes[i]);
		assert_false(e.known);
		assert_false(e.has_devid || e.has_domain || e.has_addr || e.guest || e.write);
		assert_int_equal(e.devid, 0);
		assert_int_equal(e.domain, 0);
		assert_int_equal(e.addr, 0);
		assert_int_equal(e.err_type, 0);
		assert_int_equal(e.flags, 0xfff);
		assert_string_equal(e.name, "UNKNOWN");
		assert_string_equal(e.reason, "unknown event code");
	}
	/* an all-zero entry (a slot never written) */
	{
		const uint64_t ev[2] = {0, 0};

		amdvi_event_decode(ev, &e);
		assert_false(e.known);
		assert_int_equal(e.code, 0);
	}
}

static void test_base_registers(void **state)
{
	uint64_t reg = 0x77;

	(void)state;
	/* Device Table Base: Size 8:0 = 4 KiB pages - 1 */
	assert_int_equal(amdvi_devtab_base(0x100000, 2u << 20, &reg), 0);
	assert_int_equal(reg, 0x1001ff);
	assert_int_equal(amdvi_devtab_base(0x000ffffffffff000ull, 4096, &reg), 0);
	assert_int_equal(reg, 0x000ffffffffff000ull);
	assert_int_equal(amdvi_devtab_base(0x5000, 0x3000, &reg), 0);
	assert_int_equal(reg, 0x5002);
	reg = 0x77;
	assert_int_equal(amdvi_devtab_base(0x100000, 0, &reg), -EINVAL);
	assert_int_equal(amdvi_devtab_base(0x100000, 0x1800, &reg), -EINVAL);
	assert_int_equal(amdvi_devtab_base(0x100000, (2u << 20) + 4096, &reg), -EINVAL);
	assert_int_equal(amdvi_devtab_base(0x100800, 4096, &reg), -EINVAL);
	assert_int_equal(amdvi_devtab_base(1ull << 52, 4096, &reg), -EINVAL);
	/* Command buffer / event log: length 59:56 */
	assert_int_equal(amdvi_ring_base(0x5000, 8, &reg), 0);
	assert_int_equal(reg, 0x0800000000005000ull);
	assert_int_equal(amdvi_ring_base(0x000ffffffffff000ull, 15, &reg), 0);
	assert_int_equal(reg, 0x0f0ffffffffff000ull);
	reg = 0x77;
	assert_int_equal(amdvi_ring_base(0x5000, 7, &reg), -EINVAL);
	assert_int_equal(amdvi_ring_base(0x5000, 16, &reg), -EINVAL);
	assert_int_equal(amdvi_ring_base(0x5008, 8, &reg), -EINVAL);
	assert_int_equal(amdvi_ring_base(1ull << 52, 8, &reg), -EINVAL);
	assert_int_equal(reg, 0x77);
}

/* The register map against the spec (3.4) and QEMU's EFR image (notes §6). */
static void test_registers(void **state)
{
	(void)state;
	assert_int_equal(AMDVI_DEVTAB_BASE, 0x0000);
	assert_int_equal(AMDVI_CMDBUF_BASE, 0x0008);
	assert_int_equal(AMDVI_EVTLOG_BASE, 0x0010);
	assert_int_equal(AMDVI_CONTROL, 0x0018);
	assert_int_equal(AMDVI_EFR, 0x0030);
	assert_int_equal(AMDVI_CMDBUF_HEAD, 0x2000);
	assert_int_equal(AMDVI_CMDBUF_TAIL, 0x2008);
	assert_int_equal(AMDVI_EVTLOG_HEAD, 0x2010);
	assert_int_equal(AMDVI_EVTLOG_TAIL, 0x2018);
	assert_int_equal(AMDVI_STATUS, 0x2020);
	assert_int_equal(AMDVI_CTRL_IOMMU_EN | AMDVI_CTRL_EVTLOG_EN | AMDVI_CTRL_EVT_INT_EN |
				 AMDVI_CTRL_COMWAIT_INT_EN | AMDVI_CTRL_CMDBUF_EN |
				 AMDVI_CTRL_GA_EN,
			 0x2101d);
	assert_int_equal(AMDVI_CTRL_XT_EN | AMDVI_CTRL_INTCAPXT_EN, 0x000c000000000000ull);
	assert_int_equal(AMDVI_EFR_PREF_SUP | AMDVI_EFR_PPR_SUP | AMDVI_EFR_GT_SUP |
				 AMDVI_EFR_IA_SUP | AMDVI_EFR_GA_SUP | AMDVI_EFR_HE_SUP |
				 2ull << AMDVI_EFR_HATS_SHIFT | 2ull << AMDVI_EFR_GATS_SHIFT,
			 0x29d3);
	assert_int_equal(0x29d7 & AMDVI_EFR_XT_SUP, AMDVI_EFR_XT_SUP);
	assert_int_equal(AMDVI_DTE_SIZE * AMDVI_DEVTAB_ENTRIES, 2u << 20);
	assert_int_equal(sizeof(struct amdvi_dte), AMDVI_DTE_SIZE);
	assert_int_equal(sizeof(struct amdvi_irte), AMDVI_IRTE_SIZE);
	assert_int_equal(sizeof(struct amdvi_cmd), AMDVI_CMD_SIZE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dte_fields_one_by_one),
		cmocka_unit_test(test_dte_all_fields),
		cmocka_unit_test(test_dte_refused),
		cmocka_unit_test(test_domid),
		cmocka_unit_test(test_dte_blocked),
		cmocka_unit_test(test_dte_translated),
		cmocka_unit_test(test_dte_intremap),
		cmocka_unit_test(test_irte),
		cmocka_unit_test(test_msi),
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_inv_pages),
		cmocka_unit_test(test_event_page_fault),
		cmocka_unit_test(test_event_others),
		cmocka_unit_test(test_event_unknown),
		cmocka_unit_test(test_base_registers),
		cmocka_unit_test(test_registers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
