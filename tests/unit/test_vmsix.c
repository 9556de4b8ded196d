// SPDX-License-Identifier: MIT
/* Guest MSI-X table emulation against a fake VF and IOMMU that record every
 * call and check, as each call happens, the ordering rules (no IRTE written
 * under an unmasked real entry, no unmask without a present IRTE) and that
 * the real table only ever gets the entry's own remappable address. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "lib/err.h"
#include "hv/platform/vmsix.h"
#include "iommu/vtd_desc.h"

#define N	  3 /* igb VF: 3 MSI-X entries in BAR3 */
#define TABLE_OFF 0x0
#define PBA_OFF	  0x2000
#define IRTE_BASE 0x20

/* The guest owns guest APIC IDs 2, 3 and 7; 7 runs on physical CPU 0x47
 * (so that passing the guest's ID through unchanged would show). The other
 * guest has CPUs 1 and 4. */
static const struct {
	uint32_t guest, phys;
} own[] = {{2, 2}, {3, 3}, {7, 0x47}};

enum call_kind { C_IRTE_SET, C_IRTE_CLEAR, C_HW };

struct call {
	enum call_kind kind;
	unsigned int entry;
	uint32_t dest;
	uint8_t vector;
	uint64_t addr;
	uint32_t data;
	bool masked;
};

static struct fake {
	struct call log[64];
	unsigned int nlog;
	unsigned int overflow; /* calls past log[] (the fuzz ignores the log) */
	bool hw_masked[VMSIX_MAX_ENTRIES];
	bool irte_present[VMSIX_MAX_ENTRIES];
	uint32_t irte_dest[VMSIX_MAX_ENTRIES];
	uint8_t irte_vector[VMSIX_MAX_ENTRIES];
	unsigned int irte_base;
	int fail_next; /* irte_set returns this once */
	uint32_t pba[2];
	unsigned int pba_reads;
} f;

static void record(struct call c)
{
	if (f.nlog < sizeof(f.log) / sizeof(f.log[0]))
		f.log[f.nlog++] = c;
	else
		f.overflow++;
}

static bool is_own_phys(uint32_t phys)
{
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (own[i].phys == phys)
			return true;
	return false;
}

static bool fake_guest_dest(void *ctx, uint32_t guest, uint32_t *phys)
{
	assert_ptr_equal(ctx, &f);
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
		if (own[i].guest == guest) {
			*phys = own[i].phys;
			return true;
		}
	}
	return false;
}

static int fake_irte_set(void *ctx, unsigned int entry, uint32_t dest, uint8_t vector)
{
	assert_ptr_equal(ctx, &f);
	assert_true(entry < VMSIX_MAX_ENTRIES);
	/* Invariants: only the guest's own CPUs; never under a live entry. */
	assert_true(is_own_phys(dest));
	assert_true(vector >= 16);
	assert_true(f.hw_masked[entry]);
	record((struct call){.kind = C_IRTE_SET, .entry = entry, .dest = dest, .vector = vector});
	if (f.fail_next) {
		int r = f.fail_next;

		f.fail_next = 0;
		f.irte_present[entry] = false; /* cleared P first, as vtd does */
		return r;
	}
	f.irte_present[entry] = true;
	f.irte_dest[entry] = dest;
	f.irte_vector[entry] = vector;
	return 0;
}

static void fake_irte_clear(void *ctx, unsigned int entry)
{
	assert_ptr_equal(ctx, &f);
	assert_true(f.hw_masked[entry]);
	record((struct call){.kind = C_IRTE_CLEAR, .entry = entry});
	f.irte_present[entry] = false;
}

/* The remappable-format MSI address for IRTE @h, from the VT-d spec's
 * figure 5-7 field by field (SHV = 0, so the data is 0). */
static uint64_t spec_remap_addr(unsigned int h)
{
	return 0xFEEull << 20 | (uint64_t)(h & 0x7FFF) << 5 | 1u << 4 /* IF */ | 0u << 3 /* SHV */ |
	       (uint64_t)((h >> 15) & 1) << 2;
}

/* The IOMMU's message for entry @entry: VT-d's remappable format for IRTE
 * irte_base + @entry, from the driver's own encoder. */
static void fake_msi_msg(void *ctx, unsigned int entry, uint64_t *addr, uint32_t *data)
{
	assert_ptr_equal(ctx, &f);
	*addr = vtd_msi_addr((uint16_t)(f.irte_base + entry));
	*data = vtd_msi_data();
}

static void fake_hw_entry(void *ctx, unsigned int entry, uint64_t addr, uint32_t data, bool masked)
{
	assert_ptr_equal(ctx, &f);
	/* Never a non-remappable address, always the entry's own IRTE. */
	assert_int_equal(addr >> 32, 0);
	assert_int_equal(addr & 0xFFF00010u, 0xFEE00010u);
	assert_int_equal(addr, spec_remap_addr(f.irte_base + entry));
	assert_int_equal(data, 0);
	if (!masked)
		assert_true(f.irte_present[entry]);
	record((struct call){
		.kind = C_HW, .entry = entry, .addr = addr, .data = data, .masked = masked});
	f.hw_masked[entry] = masked;
}

static uint32_t fake_hw_pba(void *ctx, unsigned int dword)
{
	assert_ptr_equal(ctx, &f);
	assert_true(dword < 2);
	f.pba_reads++;
	return f.pba[dword];
}

static const struct vmsix_ops ops = {
	.guest_dest = fake_guest_dest,
	.irte_set = fake_irte_set,
	.irte_clear = fake_irte_clear,
	.msi_msg = fake_msi_msg,
	.hw_entry = fake_hw_entry,
	.hw_pba = fake_hw_pba,
};

static struct vmsix v;

static void clear_log(void)
{
	f.nlog = 0;
}

static int setup_n(unsigned int n, unsigned int base)
{
	memset(&f, 0, sizeof(f));
	/* Unknown real state before init: unmasked, so init must mask. */
	for (unsigned int i = 0; i < VMSIX_MAX_ENTRIES; i++)
		f.hw_masked[i] = false;
	f.irte_base = base;
	int r = vmsix_init(&v, n, TABLE_OFF, PBA_OFF, base, &ops, &f);

	clear_log();
	return r;
}

static int setup(void **state)
{
	(void)state;
	assert_int_equal(setup_n(N, IRTE_BASE), 0);
	return 0;
}

static uint32_t msi_addr(uint32_t dest)
{
	return 0xFEE00000u | dest << 12;
}

static uint64_t ent(unsigned int i, unsigned int dw)
{
	return TABLE_OFF + i * 16 + dw * 4;
}

static void wr(unsigned int i, unsigned int dw, uint32_t val)
{
	vmsix_write(&v, ent(i, dw), 4, val);
}

static uint32_t rd(unsigned int i, unsigned int dw)
{
	return (uint32_t)vmsix_read(&v, ent(i, dw), 4);
}

/* What Linux's __pci_write_msi_msg does for an MSI-X entry. */
static void linux_write_msg(unsigned int i, uint32_t lo, uint32_t data)
{
	bool unmasked = !(rd(i, 3) & 1);

	if (unmasked)
		wr(i, 3, 1);
	wr(i, 0, lo);
	wr(i, 1, 0);
	wr(i, 2, data);
	if (unmasked)
		wr(i, 3, 0);
	(void)rd(i, 2); /* flush */
}

static void expect_set(unsigned int k, unsigned int entry, uint32_t dest, uint8_t vector)
{
	assert_true(k < f.nlog);
	assert_int_equal(f.log[k].kind, C_IRTE_SET);
	assert_int_equal(f.log[k].entry, entry);
	assert_int_equal(f.log[k].dest, dest);
	assert_int_equal(f.log[k].vector, vector);
}

static void expect_clear(unsigned int k, unsigned int entry)
{
	assert_true(k < f.nlog);
	assert_int_equal(f.log[k].kind, C_IRTE_CLEAR);
	assert_int_equal(f.log[k].entry, entry);
}

static void expect_hw(unsigned int k, unsigned int entry, bool masked)
{
	assert_true(k < f.nlog);
	assert_int_equal(f.log[k].kind, C_HW);
	assert_int_equal(f.log[k].entry, entry);
	assert_int_equal(f.log[k].masked, masked);
	assert_int_equal(f.log[k].addr, spec_remap_addr(IRTE_BASE + entry));
	assert_int_equal(f.log[k].data, 0);
}

/* Entry @i live: delivering @vector to guest CPU @dest. */
static void make_live(unsigned int i, uint32_t dest, uint8_t vector)
{
	vmsix_ctrl(&v, true, false);
	wr(i, 3, 1);
	linux_write_msg(i, msi_addr(dest), vector);
	wr(i, 3, 0);
	assert_int_equal(vmsix_why(&v, i), VMSIX_LIVE);
	assert_false(f.hw_masked[i]);
	clear_log();
}

/* ---- tests ---------------------------------------------------------------- */

static void test_remap_encoding(void **state)
{
	(void)state;
	/* The helper the module reuses, against the spec's layout. */
	for (unsigned int h = 0; h < 0x10000; h += 0x101)
		assert_int_equal(vtd_msi_addr((uint16_t)h), spec_remap_addr(h));
	assert_int_equal(vtd_msi_data(), 0);
	/* Bit by bit: handle 0x8000 sets only bit 2 of the handle fields. */
	assert_int_equal(spec_remap_addr(0), 0xFEE00010u);
	assert_int_equal(spec_remap_addr(0x7FFF), 0xFEEFFFF0u);
	assert_int_equal(spec_remap_addr(0x8000), 0xFEE00014u);
	assert_int_equal(spec_remap_addr(0x21), 0xFEE00430u);

	/* Entries straddling handle bit 15, as the module hands them out. */
	assert_int_equal(setup_n(3, 0x7FFE), 0);
	for (unsigned int i = 0; i < 3; i++)
		vmsix_ctrl(&v, true, false), wr(i, 0, msi_addr(2)), wr(i, 2, 0x30), wr(i, 3, 0);
	assert_int_equal(f.nlog, 6);
	static const uint64_t want[] = {0xFEEFFFD0u, 0xFEEFFFF0u, 0xFEE00014u};

	for (unsigned int i = 0; i < 3; i++) {
		assert_int_equal(f.log[2 * i + 1].addr, want[i]);
		assert_int_equal(f.log[2 * i + 1].data, 0);
	}
	/* IRTE indices past 0xFFFF cannot be encoded. */
	assert_int_equal(setup_n(3, 0xFFFD), 0);
	assert_int_equal(setup_n(3, 0xFFFE), -ERANGE);
	assert_int_equal(setup_n(1, 0xFFFFFFFFu), -ERANGE);
}

static void test_init(void **state)
{
	(void)state;
	/* Init masks every real entry with its own remappable address. */
	memset(&f, 0, sizeof(f));
	f.irte_base = IRTE_BASE;
	assert_int_equal(vmsix_init(&v, N, TABLE_OFF, PBA_OFF, IRTE_BASE, &ops, &f), 0);
	assert_int_equal(f.nlog, N);
	for (unsigned int i = 0; i < N; i++) {
		expect_hw(i, i, true);
		/* Reset state as the guest sees it: masked, message 0. */
		assert_int_equal(rd(i, 0), 0);
		assert_int_equal(rd(i, 1), 0);
		assert_int_equal(rd(i, 2), 0);
		assert_int_equal(rd(i, 3), 1);
		assert_int_equal(vmsix_why(&v, i), VMSIX_MASKED);
	}
	assert_int_equal(vmsix_why(&v, N), VMSIX_MASKED);

	/* Bad geometry */
	struct vmsix w;
	struct vmsix_ops no_pba = ops, no_msg = ops;

	no_pba.hw_pba = NULL;
	no_msg.msi_msg = NULL;
	f.irte_base = 0;
	assert_int_equal(vmsix_init(&w, 0, 0, 0x2000, 0, &ops, &f), -EINVAL);
	assert_int_equal(vmsix_init(&w, VMSIX_MAX_ENTRIES + 1, 0, 0x2000, 0, &ops, &f), -EINVAL);
	assert_int_equal(vmsix_init(&w, 3, 4, 0x2000, 0, &ops, &f), -EINVAL);
	assert_int_equal(vmsix_init(&w, 3, 0, 0x2004, 0, &ops, &f), -EINVAL);
	assert_int_equal(vmsix_init(&w, 3, 0, 0x28, 0, &ops, &f), -EINVAL);    /* PBA in table */
	assert_int_equal(vmsix_init(&w, 3, 0x28, 0x28, 0, &ops, &f), -EINVAL); /* same place */
	assert_int_equal(vmsix_init(&w, 3, 0x28, 0x50, 0, &ops, &f), -EINVAL); /* last entry */
	assert_int_equal(vmsix_init(&w, 3, 0, 0x2000, 0, NULL, &f), -EINVAL);
	assert_int_equal(vmsix_init(&w, 3, 0, 0x2000, 0, &no_pba, &f), -EINVAL);
	assert_int_equal(vmsix_init(&w, 3, 0, 0x2000, 0, &no_msg, &f), -EINVAL);
	assert_int_equal(f.nlog, N); /* no call for a refused init */
	/* Adjacent either way is fine (the PBA is one qword). */
	assert_int_equal(vmsix_init(&w, 3, 0x30, 0x28, 0, &ops, &f), 0);
	assert_int_equal(vmsix_init(&w, 3, 0x28, 0x58, 0, &ops, &f), 0);
	assert_int_equal(vmsix_init(&w, VMSIX_MAX_ENTRIES, 0, 0x400, 0, &ops, &f), 0);
}

/* Linux 6.1 msix_capability_init() and request_irq() for igbvf's three
 * vectors, then pci_msix_shutdown() and a second enable. */
static void test_linux_setup(void **state)
{
	(void)state;
	static const uint32_t dest[N] = {2, 3, 7}, phys[N] = {2, 3, 0x47};
	static const uint8_t vec[N] = {0x41, 0x42, 0x43};

	vmsix_ctrl(&v, true, true); /* MASKALL | ENABLE */
	for (unsigned int i = 0; i < N; i++)
		assert_int_equal(rd(i, 3), 1); /* msix_prepare_msi_desc */
	for (unsigned int i = 0; i < N; i++)
		linux_write_msg(i, msi_addr(dest[i]), vec[i]); /* early activation */
	for (unsigned int i = 0; i < N; i++)
		wr(i, 3, 1);	     /* msix_mask_all */
	vmsix_ctrl(&v, true, false); /* clear MASKALL */
	assert_int_equal(f.nlog, 0); /* nothing usable yet: no call at all */
	for (unsigned int i = 0; i < N; i++) {
		assert_int_equal(rd(i, 0), msi_addr(dest[i]));
		assert_int_equal(rd(i, 2), vec[i]);
	}

	for (unsigned int i = 0; i < N; i++)
		wr(i, 3, 0); /* request_irq -> pci_msix_unmask */
	assert_int_equal(f.nlog, 2 * N);
	for (unsigned int i = 0; i < N; i++) {
		expect_set(2 * i, i, phys[i], vec[i]);
		expect_hw(2 * i + 1, i, false);
		assert_int_equal(vmsix_why(&v, i), VMSIX_LIVE);
	}
	assert_int_equal(v.refused + v.bad_access + v.irte_fail, 0);

	/* Shutdown: every entry masked, then MSI-X off. IRTEs stay. */
	clear_log();
	for (unsigned int i = 0; i < N; i++)
		wr(i, 3, 1);
	vmsix_ctrl(&v, false, false);
	assert_int_equal(f.nlog, N);
	for (unsigned int i = 0; i < N; i++)
		expect_hw(i, i, true);

	/* Enabled again with the same messages: no IRTE rewrite. */
	clear_log();
	vmsix_ctrl(&v, true, false);
	for (unsigned int i = 0; i < N; i++)
		wr(i, 3, 0);
	assert_int_equal(f.nlog, N);
	for (unsigned int i = 0; i < N; i++)
		expect_hw(i, i, false);
}

static void test_mask_unmask(void **state)
{
	(void)state;
	make_live(1, 3, 0x50);

	wr(1, 3, 1);
	assert_int_equal(f.nlog, 1);
	expect_hw(0, 1, true);
	assert_int_equal(rd(1, 3), 1);
	assert_int_equal(vmsix_why(&v, 1), VMSIX_MASKED);

	wr(1, 3, 1); /* again: nothing */
	assert_int_equal(f.nlog, 1);

	wr(1, 3, 0); /* same message: unmask only */
	assert_int_equal(f.nlog, 2);
	expect_hw(1, 1, false);

	/* The same message rewritten while live: nothing to do. */
	clear_log();
	wr(1, 2, 0x50);
	wr(1, 0, msi_addr(3));
	assert_int_equal(f.nlog, 0);

	/* Masked, new vector, unmasked: IRTE first, then the unmask. */
	wr(1, 3, 1);
	wr(1, 2, 0x51);
	assert_int_equal(f.nlog, 1);
	wr(1, 3, 0);
	assert_int_equal(f.nlog, 3);
	expect_set(1, 1, 3, 0x51);
	expect_hw(2, 1, false);

	/* Reserved vector control bits read 0. */
	clear_log();
	wr(1, 3, 0xFFFFFFFE);
	assert_int_equal(rd(1, 3), 0);
	assert_int_equal(f.nlog, 0);
	wr(1, 3, 0xFFFFFFFF);
	assert_int_equal(rd(1, 3), 1);
	expect_hw(0, 1, true);
}

static void test_function_mask(void **state)
{
	(void)state;
	make_live(0, 2, 0x60);
	make_live(2, 7, 0x62);
	wr(1, 0, msi_addr(3)); /* entry 1 stays guest-masked */
	wr(1, 2, 0x61);

	vmsix_ctrl(&v, true, true);
	assert_int_equal(f.nlog, 2);
	expect_hw(0, 0, true);
	expect_hw(1, 2, true);
	for (unsigned int i = 0; i < N; i++)
		assert_int_equal(vmsix_why(&v, i), VMSIX_MASKED);

	/* Unmasking an entry under the function mask does nothing yet. */
	clear_log();
	wr(0, 3, 1);
	wr(0, 3, 0);
	assert_int_equal(f.nlog, 0);

	vmsix_ctrl(&v, true, false);
	assert_int_equal(f.nlog, 2);
	expect_hw(0, 0, false);
	expect_hw(1, 2, false);
	assert_true(f.hw_masked[1]);
}

static void test_disable(void **state)
{
	(void)state;
	make_live(0, 2, 0x70);

	vmsix_ctrl(&v, false, false);
	assert_int_equal(f.nlog, 1);
	expect_hw(0, 0, true);

	/* Disabled: the guest may reprogram freely, nothing reaches hardware. */
	clear_log();
	wr(0, 2, 0x71);
	wr(0, 0, msi_addr(3));
	wr(0, 3, 0);
	assert_int_equal(f.nlog, 0);
	assert_int_equal(vmsix_why(&v, 0), VMSIX_MASKED);

	vmsix_ctrl(&v, true, false);
	assert_int_equal(f.nlog, 2);
	expect_set(0, 0, 3, 0x71);
	expect_hw(1, 0, false);

	/* Enable with the function mask set is not usable either. */
	clear_log();
	vmsix_ctrl(&v, false, false);
	vmsix_ctrl(&v, true, true);
	assert_int_equal(f.nlog, 1);
	expect_hw(0, 0, true);
}

static void test_retarget(void **state)
{
	(void)state;
	make_live(0, 2, 0x80);

	/* Linux's way: masked around the message. */
	linux_write_msg(0, msi_addr(7), 0x80);
	assert_int_equal(f.nlog, 3);
	expect_hw(0, 0, true);
	expect_set(1, 0, 0x47, 0x80);
	expect_hw(2, 0, false);

	/* Written under an unmasked entry (undefined by the spec): still
	 * mask, IRTE, unmask, never an IRTE under a live entry. */
	clear_log();
	wr(0, 0, msi_addr(3));
	assert_int_equal(f.nlog, 3);
	expect_hw(0, 0, true);
	expect_set(1, 0, 3, 0x80);
	expect_hw(2, 0, false);

	/* A new vector only. */
	clear_log();
	wr(0, 2, 0x81);
	assert_int_equal(f.nlog, 3);
	expect_hw(0, 0, true);
	expect_set(1, 0, 3, 0x81);
	expect_hw(2, 0, false);
	assert_int_equal(v.refused, 0);
}

/* Issue 7's isolation case: the guest aims its VF's interrupt at another
 * guest's CPU. It gets it nowhere: no IRTE to that CPU, real entry masked. */
static void test_other_guests_cpu(void **state)
{
	(void)state;
	vmsix_ctrl(&v, true, false);
	wr(0, 0, msi_addr(1)); /* the other guest's CPU */
	wr(0, 2, 0x90);
	wr(0, 3, 0);
	assert_int_equal(f.nlog, 0);
	assert_true(f.hw_masked[0]);
	assert_false(f.irte_present[0]);
	assert_int_equal(vmsix_why(&v, 0), VMSIX_NOT_OWN);
	assert_int_equal(v.refused, 1);
	/* The guest still sees what it wrote. */
	assert_int_equal(rd(0, 0), msi_addr(1));
	assert_int_equal(rd(0, 3), 0);

	/* A live entry moved there: masked, and its IRTE cleared. */
	make_live(1, 2, 0x91);
	wr(1, 0, msi_addr(4));
	assert_int_equal(f.nlog, 2);
	expect_hw(0, 1, true);
	expect_clear(1, 1);
	assert_int_equal(v.refused, 2);

	/* Broadcast and an ID nobody has are refused the same way. */
	clear_log();
	wr(1, 0, msi_addr(0xFF));
	wr(1, 0, msi_addr(0x20));
	assert_int_equal(f.nlog, 0);
	assert_int_equal(vmsix_why(&v, 1), VMSIX_NOT_OWN);
	assert_int_equal(v.refused, 2); /* same reason: counted once */

	/* Back to its own CPU: live again. */
	wr(1, 0, msi_addr(2));
	assert_int_equal(f.nlog, 2);
	expect_set(0, 1, 2, 0x91);
	expect_hw(1, 1, false);
	assert_string_equal(vmsix_why_str(VMSIX_NOT_OWN), "destination not the guest's CPU");
}

static void test_vector(void **state)
{
	(void)state;
	make_live(0, 2, 0x20);
	for (uint32_t vec = 0; vec < 16; vec++) {
		clear_log();
		wr(0, 2, vec);
		assert_int_equal(vmsix_why(&v, 0), VMSIX_BAD_VECTOR);
		assert_true(f.hw_masked[0]);
		assert_false(f.irte_present[0]);
		assert_int_equal(f.nlog, vec == 0 ? 2 : 0);
	}
	assert_int_equal(v.refused, 1);
	wr(0, 2, 16);
	assert_int_equal(vmsix_why(&v, 0), VMSIX_LIVE);
	assert_int_equal(f.irte_vector[0], 16);
	wr(0, 2, 255);
	assert_int_equal(vmsix_why(&v, 0), VMSIX_LIVE);
	assert_int_equal(f.irte_vector[0], 255);
	/* Bits 31:16 of the data are not the vector. */
	wr(0, 2, 0xFFFF0040);
	assert_int_equal(f.irte_vector[0], 0x40);
}

static void test_delivery_mode(void **state)
{
	(void)state;
	make_live(0, 3, 0x30);
	/* Lowest priority: the same IRTE as fixed (one target). */
	wr(0, 2, 1u << 8 | 0x30);
	assert_int_equal(f.nlog, 0);
	assert_int_equal(vmsix_why(&v, 0), VMSIX_LIVE);
	/* SMI, reserved, NMI, INIT, reserved, ExtINT: refused. */
	for (uint32_t dm = 2; dm < 8; dm++) {
		wr(0, 2, dm << 8 | 0x30);
		assert_int_equal(vmsix_why(&v, 0), VMSIX_BAD_MODE);
		assert_true(f.hw_masked[0]);
		assert_false(f.irte_present[0]);
	}
	/* Trigger mode and level are ignored: the IRTE is edge. */
	clear_log();
	wr(0, 2, 1u << 15 | 1u << 14 | 0x30);
	assert_int_equal(vmsix_why(&v, 0), VMSIX_LIVE);
	assert_int_equal(f.nlog, 2);
	expect_set(0, 0, 3, 0x30);
	expect_hw(1, 0, false);
}

static void test_bad_address(void **state)
{
	(void)state;
	static const struct {
		uint32_t lo, hi;
		enum vmsix_why why;
	} cases[] = {
		{0xFEE02004, 0, VMSIX_LOGICAL},	 /* logical, dest 2 */
		{0xFEE0200C, 0, VMSIX_LOGICAL},	 /* logical + RH */
		{0xFEE02010, 0, VMSIX_BAD_ADDR}, /* remappable format */
		{0xFEE02020, 0, VMSIX_BAD_ADDR}, /* extended dest ID bit 5 */
		{0xFEE02800, 0, VMSIX_BAD_ADDR}, /* extended dest ID bit 11 */
		{0xFEE02000, 1, VMSIX_BAD_ADDR}, /* above 4 GiB: a memory write */
		{0xFED02000, 0, VMSIX_BAD_ADDR}, /* not the interrupt window */
		{0x00002000, 0, VMSIX_BAD_ADDR}, /* DMA to guest RAM */
		{0xFEF02000, 0, VMSIX_BAD_ADDR},
	};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		make_live(0, 2, 0x40);
		wr(0, 1, cases[k].hi);
		wr(0, 0, cases[k].lo);
		assert_int_equal(vmsix_why(&v, 0), cases[k].why);
		assert_true(f.hw_masked[0]);
		assert_false(f.irte_present[0]);
		for (unsigned int c = 0; c < f.nlog; c++)
			assert_int_not_equal(f.log[c].kind, C_IRTE_SET);
		wr(0, 1, 0);
	}
	/* Redirection hint with physical mode is fine. */
	make_live(0, 2, 0x40);
	wr(0, 0, 0xFEE03008);
	assert_int_equal(vmsix_why(&v, 0), VMSIX_LIVE);
	assert_int_equal(f.irte_dest[0], 3);
	/* Address bits 1:0 are read-only 0. */
	wr(0, 0, 0xFEE03003);
	assert_int_equal(rd(0, 0), 0xFEE03000);
}

static void test_qword(void **state)
{
	(void)state;
	vmsix_ctrl(&v, true, false);
	vmsix_write(&v, ent(1, 0), 8, msi_addr(7));
	assert_int_equal(vmsix_read(&v, ent(1, 0), 8), msi_addr(7));
	/* Data and unmask in one write: one IRTE, one unmask. */
	vmsix_write(&v, ent(1, 2), 8, 0x45);
	assert_int_equal(f.nlog, 2);
	expect_set(0, 1, 0x47, 0x45);
	expect_hw(1, 1, false);
	assert_int_equal(vmsix_read(&v, ent(1, 2), 8), 0x45);

	/* New vector with the mask in one write: only the mask reaches it. */
	clear_log();
	vmsix_write(&v, ent(1, 2), 8, 1ull << 32 | 0x46);
	assert_int_equal(f.nlog, 1);
	expect_hw(0, 1, true);
	assert_int_equal(vmsix_read(&v, ent(1, 2), 8), 1ull << 32 | 0x46);

	/* Address high half set in a qword write: refused. */
	vmsix_write(&v, ent(1, 2), 8, 0x46);
	clear_log();
	vmsix_write(&v, ent(1, 0), 8, 1ull << 32 | msi_addr(7));
	assert_int_equal(vmsix_why(&v, 1), VMSIX_BAD_ADDR);
	assert_int_equal(f.nlog, 2);
	expect_hw(0, 1, true);
	expect_clear(1, 1);
	assert_int_equal(v.bad_access, 0);
}

static void test_bad_access(void **state)
{
	(void)state;
	make_live(0, 2, 0x40);
	const struct {
		uint64_t off;
		unsigned int size;
	} bad[] = {
		{ent(0, 3), 1}, /* byte */
		{ent(0, 3), 2}, /* word */
		{ent(0, 0), 3},		{ent(0, 0), 16},
		{ent(0, 0), 0},		{ent(0, 3) + 2, 4}, /* misaligned */
		{ent(0, 3) + 1, 4},	{ent(0, 1), 8},	    /* qword across addr hi / data */
		{ent(0, 3), 8},				    /* qword across entries */
		{ent(N, 0), 4},				    /* past the table */
		{ent(N - 1, 3) + 4, 8}, {0x1000, 4},	    /* between table and PBA */
		{PBA_OFF - 4, 4},	{PBA_OFF + 8, 4},   /* past the PBA */
		{PBA_OFF + 8, 8},	{0x4000, 4},
		{UINT64_MAX - 3, 4}, /* wraps */
		{UINT64_MAX - 7, 8},	{(uint64_t)1 << 32, 4},
	};

	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		assert_int_equal(vmsix_read(&v, bad[k].off, bad[k].size), ~0ull);
		vmsix_write(&v, bad[k].off, bad[k].size, 1);
		vmsix_write(&v, bad[k].off, bad[k].size, 0);
		assert_int_equal(v.bad_access, 3 * (k + 1));
	}
	assert_int_equal(f.nlog, 0);
	assert_int_equal(f.pba_reads, 0);
	assert_int_equal(vmsix_why(&v, 0), VMSIX_LIVE);
	assert_int_equal(rd(0, 0), msi_addr(2));
	assert_int_equal(rd(0, 3), 0);
	/* The last qword of the table and the PBA qword are fine. */
	assert_int_equal(vmsix_read(&v, ent(N - 1, 2), 8), 1ull << 32);
	assert_int_equal(vmsix_read(&v, PBA_OFF, 8), 0);
	assert_int_equal(v.bad_access, 3 * (sizeof(bad) / sizeof(bad[0])));
}

static void test_pba(void **state)
{
	(void)state;
	f.pba[0] = 0xFFFFFFFF;
	f.pba[1] = 0xFFFFFFFF;
	/* MSI-X off: nothing pending the guest could see. */
	assert_int_equal(vmsix_read(&v, PBA_OFF, 4), 0);
	vmsix_ctrl(&v, true, false);
	/* Guest-masked entries show their real bits; none past the table. */
	assert_int_equal(vmsix_read(&v, PBA_OFF, 4), 0x7);
	assert_int_equal(vmsix_read(&v, PBA_OFF + 4, 4), 0);
	assert_int_equal(vmsix_read(&v, PBA_OFF, 8), 0x7);
	f.pba[0] = 0x5;
	assert_int_equal(vmsix_read(&v, PBA_OFF, 4), 0x5);

	/* A live entry cannot be pending for the guest. */
	f.pba[0] = 0xFFFFFFFF;
	wr(1, 0, msi_addr(2));
	wr(1, 2, 0x40);
	wr(1, 3, 0);
	assert_int_equal(vmsix_read(&v, PBA_OFF, 4), 0x5);
	/* Nor one the guest left unmasked but we refused (held masked). */
	wr(2, 0, msi_addr(4));
	wr(2, 2, 0x40);
	wr(2, 3, 0);
	assert_true(f.hw_masked[2]);
	assert_int_equal(vmsix_read(&v, PBA_OFF, 4), 0x1);
	/* Function mask: every entry is masked for the guest. */
	vmsix_ctrl(&v, true, true);
	assert_int_equal(vmsix_read(&v, PBA_OFF, 4), 0x7);

	/* Writes dropped, not counted as bad. */
	clear_log();
	vmsix_write(&v, PBA_OFF, 4, 0);
	vmsix_write(&v, PBA_OFF, 8, 0);
	vmsix_write(&v, PBA_OFF + 4, 4, 0);
	assert_int_equal(f.nlog, 0);
	assert_int_equal(v.bad_access, 0);
	assert_int_equal(vmsix_read(&v, PBA_OFF, 4), 0x7);
}

static void test_irte_fail(void **state)
{
	(void)state;
	vmsix_ctrl(&v, true, false);
	wr(0, 0, msi_addr(2));
	wr(0, 2, 0x40);
	f.fail_next = -ENOSPC;
	wr(0, 3, 0);
	assert_int_equal(f.nlog, 1);
	expect_set(0, 0, 2, 0x40);
	assert_true(f.hw_masked[0]);
	assert_int_equal(vmsix_why(&v, 0), VMSIX_IRTE_FAIL);
	assert_int_equal(v.irte_fail, 1);
	assert_int_equal(v.refused, 0);

	/* The guest's next touch retries. */
	clear_log();
	wr(0, 3, 0);
	assert_int_equal(f.nlog, 2);
	expect_set(0, 0, 2, 0x40);
	expect_hw(1, 0, false);

	/* A failure while re-targeting a live entry leaves it masked. */
	clear_log();
	f.fail_next = -EIO;
	wr(0, 0, msi_addr(3));
	assert_int_equal(f.nlog, 2);
	expect_hw(0, 0, true);
	expect_set(1, 0, 3, 0x40);
	assert_true(f.hw_masked[0]);
	/* Refused afterwards: the IRTE in an unknown state gets cleared. */
	clear_log();
	wr(0, 0, msi_addr(1));
	assert_int_equal(f.nlog, 1);
	expect_clear(0, 0);
}

static void test_reset(void **state)
{
	(void)state;
	make_live(0, 2, 0x40);
	make_live(2, 3, 0x42);
	wr(2, 3, 1); /* masked, IRTE kept */
	clear_log();

	vmsix_reset(&v);
	/* Every real entry rewritten masked (an FLR lost them); both IRTEs go. */
	assert_int_equal(f.nlog, N + 2);
	expect_hw(0, 0, true);
	expect_clear(1, 0);
	expect_hw(2, 1, true);
	expect_hw(3, 2, true);
	expect_clear(4, 2);
	for (unsigned int i = 0; i < N; i++) {
		assert_int_equal(rd(i, 0), 0);
		assert_int_equal(rd(i, 2), 0);
		assert_int_equal(rd(i, 3), 1);
		assert_false(f.irte_present[i]);
	}
	/* Reset turns MSI-X off: unmasking does nothing. */
	clear_log();
	wr(0, 3, 0);
	assert_int_equal(f.nlog, 0);
}

/* A stopping guest's table: after vmsix_shutdown every entry is masked and
 * its IRTE cleared as by a reset, and a write another vCPU had in flight
 * (an unmask, a new message, MSI-X enabled again) sets no IRTE and unmasks
 * no real entry. Reads still answer. */
static void test_shutdown(void **state)
{
	(void)state;
	make_live(0, 2, 0x40);
	vmsix_shutdown(&v);
	for (unsigned int i = 0; i < N; i++) {
		assert_true(f.hw_masked[i]);
		assert_false(f.irte_present[i]);
	}
	clear_log();
	vmsix_ctrl(&v, true, false);
	linux_write_msg(0, msi_addr(3), 0x41);
	wr(0, 3, 0);
	vmsix_write(&v, ent(1, 2), 8, 0x42);
	assert_int_equal(f.nlog, 0);
	for (unsigned int i = 0; i < N; i++) {
		assert_true(f.hw_masked[i]);
		assert_false(f.irte_present[i]);
		assert_int_not_equal(vmsix_why(&v, i), VMSIX_LIVE);
	}
	assert_int_equal(rd(0, 3), 1);
	assert_int_equal(v.bad_access, 0);
}

/* ---- fuzz ---------------------------------------------------------------- */

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* The guest's view, kept by the test itself. */
static struct ref_entry {
	uint32_t lo, hi, data;
	bool masked;
} ref[N];
static bool ref_enable, ref_fmask;

/* An independent reading of the rules: the IRTE target of entry @i, if the
 * guest's current request may be delivered at all. */
static bool ref_target(unsigned int i, uint32_t *phys, uint8_t *vec)
{
	uint32_t lo = ref[i].lo, d = ref[i].data;

	if (!ref_enable || ref_fmask || ref[i].masked || ref[i].hi || lo >> 20 != 0xFEE ||
	    (lo & 0xFF4) || (d & 0xFF) < 16 || ((d >> 8) & 7) > 1)
		return false;
	return fake_guest_dest(&f, (lo >> 12) & 0xFF, phys) && (*vec = d & 0xFF, true);
}

static uint32_t random_dword(unsigned int dw)
{
	static const uint32_t dests[] = {1, 2, 3, 4, 7, 0xFF, 0};

	switch (dw) {
	case 0: {
		uint32_t a = 0xFEE00000u | dests[rnd() % 7] << 12;

		if (rnd() % 8 == 0)
			a ^= 1u << (rnd() % 32);
		return rnd() % 16 ? a : (uint32_t)rnd();
	}
	case 1:
		return rnd() % 16 ? 0 : (uint32_t)rnd();
	case 2: {
		uint32_t d = 0x20 + (uint32_t)(rnd() % 4);

		if (rnd() % 8 == 0)
			d = (uint32_t)rnd() & 0xFFFF;
		if (rnd() % 8 == 0)
			d |= 1u << 8;
		return d;
	}
	default:
		return rnd() % 8 ? (uint32_t)(rnd() & 1) : (uint32_t)rnd();
	}
}

static void ref_store(unsigned int i, unsigned int dw, uint32_t val)
{
	if (dw == 0)
		ref[i].lo = val & ~3u;
	else if (dw == 1)
		ref[i].hi = val;
	else if (dw == 2)
		ref[i].data = val;
	else
		ref[i].masked = val & 1;
}

static unsigned int seen_live, seen_held, seen_refused;

static void check_invariants(void)
{
	for (unsigned int i = 0; i < N; i++) {
		uint32_t phys = 0;
		uint8_t vec = 0;
		bool usable = ref_target(i, &phys, &vec);

		/* An unmasked real entry always has the IRTE of the guest's
		 * current request behind it. */
		if (!f.hw_masked[i]) {
			assert_true(usable);
			assert_true(f.irte_present[i]);
			assert_int_equal(f.irte_dest[i], phys);
			assert_int_equal(f.irte_vector[i], vec);
			assert_int_equal(vmsix_why(&v, i), VMSIX_LIVE);
			seen_live++;
		} else if (usable) {
			/* Held masked only when the IRTE could not be set. */
			assert_int_equal(vmsix_why(&v, i), VMSIX_IRTE_FAIL);
			seen_held++;
		} else {
			assert_int_not_equal(vmsix_why(&v, i), VMSIX_LIVE);
			seen_refused += vmsix_why(&v, i) != VMSIX_MASKED;
		}
		/* The guest reads back what it wrote. */
		assert_int_equal(rd(i, 0), ref[i].lo);
		assert_int_equal(rd(i, 1), ref[i].hi);
		assert_int_equal(rd(i, 2), ref[i].data);
		assert_int_equal(rd(i, 3), ref[i].masked);
	}
}

static void test_fuzz(void **state)
{
	(void)state;
	memset(ref, 0, sizeof(ref));
	for (unsigned int i = 0; i < N; i++)
		ref[i].masked = true;
	ref_enable = ref_fmask = false;

	for (unsigned int it = 0; it < 200000; it++) {
		unsigned int op = (unsigned int)(rnd() % 100);

		clear_log();
		if (rnd() % 64 == 0)
			f.fail_next = -ENOSPC;
		if (op < 5) {
			ref_enable = rnd() % 4;
			ref_fmask = rnd() % 4 == 0;
			vmsix_ctrl(&v, ref_enable, ref_fmask);
		} else if (op < 75) {
			unsigned int i = (unsigned int)(rnd() % N), dw = (unsigned int)(rnd() % 4);
			uint32_t val = random_dword(dw);

			wr(i, dw, val);
			ref_store(i, dw, val);
		} else if (op < 85) {
			unsigned int i = (unsigned int)(rnd() % N), dw = (rnd() % 2) * 2;
			uint32_t a = random_dword(dw), b = random_dword(dw + 1);

			vmsix_write(&v, ent(i, dw), 8, (uint64_t)b << 32 | a);
			ref_store(i, dw, a);
			ref_store(i, dw + 1, b);
		} else if (op < 95) {
			/* Anything at all, mostly refused. */
			uint64_t off = rnd() % 2 ? rnd() % 0x2010 : rnd();
			unsigned int size = 1u << (rnd() % 4);
			uint64_t val = rnd();

			if (rnd() % 2) {
				(void)vmsix_read(&v, off, size);
			} else if (!((size == 4 || size == 8) && off % size == 0 && off < N * 16)) {
				vmsix_write(&v, off, size, val);
			}
		} else if (op < 99) {
			f.pba[0] = (uint32_t)rnd();
			uint32_t got = (uint32_t)vmsix_read(&v, PBA_OFF, 4);

			for (unsigned int b = 0; b < 32; b++) {
				if (!(got >> b & 1))
					continue;
				/* Only real bits of guest-masked entries. */
				assert_true(f.pba[0] >> b & 1);
				assert_true(b < N && ref_enable && (ref_fmask || ref[b].masked));
			}
		} else {
			vmsix_reset(&v);
			for (unsigned int i = 0; i < N; i++)
				ref[i] = (struct ref_entry){.masked = true};
			ref_enable = ref_fmask = false;
			for (unsigned int i = 0; i < N; i++)
				assert_false(f.irte_present[i]);
		}
		f.fail_next = 0;
		check_invariants();
	}
	/* The fuzz reached every kind of state, often. */
	assert_true(seen_live > 20000);
	assert_true(seen_held > 100);
	assert_true(seen_refused > 20000);
	assert_true(v.irte_fail > 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_remap_encoding),
		cmocka_unit_test(test_init),
		cmocka_unit_test_setup(test_linux_setup, setup),
		cmocka_unit_test_setup(test_mask_unmask, setup),
		cmocka_unit_test_setup(test_function_mask, setup),
		cmocka_unit_test_setup(test_disable, setup),
		cmocka_unit_test_setup(test_retarget, setup),
		cmocka_unit_test_setup(test_other_guests_cpu, setup),
		cmocka_unit_test_setup(test_vector, setup),
		cmocka_unit_test_setup(test_delivery_mode, setup),
		cmocka_unit_test_setup(test_bad_address, setup),
		cmocka_unit_test_setup(test_qword, setup),
		cmocka_unit_test_setup(test_bad_access, setup),
		cmocka_unit_test_setup(test_pba, setup),
		cmocka_unit_test_setup(test_irte_fail, setup),
		cmocka_unit_test_setup(test_reset, setup),
		cmocka_unit_test_setup(test_shutdown, setup),
		cmocka_unit_test_setup(test_fuzz, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
