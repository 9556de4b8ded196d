// SPDX-License-Identifier: MIT
/* The serial port's PCI function (hv/platform/vuart_pci.c) as Linux 6.1
 * finds and drives it (the PCI core's header and BAR probe, 8250_pci's
 * match, the MSI capability's programming), on a bus with and without a VF
 * (hv/platform/vpci.c: the function's routing, CF8 and ECAM), and hostile
 * writes that must not move the port or break the capability list. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "lib/err.h"
#include "hv/platform/vbus.h"
#include "hv/platform/vpci.h"
#include "hv/platform/vuart_pci.h"

static struct vuart_pci p;
static struct vbus bus;
static unsigned int msi_changes;

static uint32_t fn_read32(void *ctx, unsigned int reg)
{
	assert_ptr_equal(ctx, &p);
	return vuart_pci_read32(&p, reg);
}

static void fn_write32(void *ctx, unsigned int reg, uint32_t val, uint32_t be)
{
	assert_ptr_equal(ctx, &p);
	if (vuart_pci_write32(&p, reg, val, be))
		msi_changes++;
}

static const struct vbus_fn fn = {VUART_PCI_DEVFN, fn_read32, fn_write32, &p};

static int setup(void **state)
{
	(void)state;
	vuart_pci_init(&p);
	msi_changes = 0;
	vbus_init(&bus);
	assert_int_equal(vbus_add(&bus, &fn), 0);
	return 0;
}

#define ECAM(reg) ((uint64_t)VUART_PCI_DEVFN << 12 | (reg))

static uint32_t rd(unsigned int reg, unsigned int size)
{
	return vbus_ecam_read(&bus, ECAM(reg), size);
}

static void wr(unsigned int reg, unsigned int size, uint32_t val)
{
	vbus_ecam_write(&bus, ECAM(reg), size, val);
}

/* What Linux's PCI core and 8250_pci read: the IDs it matches on. */
static void test_identity(void **state)
{
	(void)state;
	assert_int_equal(rd(0x00, 2), 0x9710);
	assert_int_equal(rd(0x02, 2), 0x9900);
	assert_int_equal(rd(0x08, 4), 0x07800200); /* class 078002, revision 0 */
	assert_int_equal(rd(0x0E, 1), 0);	   /* header type 0, one function */
	assert_int_equal(rd(0x2C, 2), 0xA000);	   /* subsystem vendor */
	assert_int_equal(rd(0x2E, 2), 0x1000);	   /* subsystem: one serial port */
	assert_int_equal(rd(0x3D, 1), 0);	   /* no INTx pin */
	assert_int_equal(rd(0x06, 2), 0x0010);	   /* capability list */
	assert_int_equal(rd(0x34, 1), 0x40);
	assert_int_equal(rd(0x40, 1), 0x05); /* MSI, */
	assert_int_equal(rd(0x41, 1), 0);    /* the last */
	assert_int_equal(rd(0x42, 2), 0);    /* 32-bit, one vector, no masking */
	assert_int_equal(rd(0x100, 4), 0);   /* no extended capabilities */
	assert_int_equal(rd(0xFFC, 4), 0);
	for (unsigned int bar = 1; bar < 6; bar++)
		assert_int_equal(rd(0x10 + 4 * bar, 4), 0);
	assert_int_equal(rd(0x30, 4), 0); /* no ROM */
}

/* Linux's BAR probe: save, write all ones, read the size, restore; BAR0 is
 * 8 I/O ports at COM1. */
static void test_bar_probe(void **state)
{
	uint32_t orig, sz;

	(void)state;
	wr(0x04, 2, 0); /* decoding off around the probe */
	orig = rd(0x10, 4);
	assert_int_equal(orig, 0x3F9);
	wr(0x10, 4, 0xFFFFFFFF);
	sz = rd(0x10, 4);
	wr(0x10, 4, orig);
	assert_int_equal(sz, 0xFFFFFFF9);
	assert_int_equal(~(sz & ~3u) + 1, 8);
	assert_int_equal(rd(0x10, 4), 0x3F9);
	/* pci_enable_device: IO on; INTx Disable reads 1. */
	wr(0x04, 2, PCI_CMD_IO | PCI_CMD_MASTER);
	assert_int_equal(rd(0x04, 2), PCI_CMD_IO | PCI_CMD_MASTER | PCI_CMD_INTX_OFF);
	wr(0x04, 2, 0xFFFF);
	assert_int_equal(rd(0x04, 2), PCI_CMD_IO | PCI_CMD_MASTER | PCI_CMD_INTX_OFF);
}

/* The port does not move: another address is ignored, a byte of all ones
 * is not the probe, nor is the upper half alone. */
static void test_bar_fixed(void **state)
{
	(void)state;
	wr(0x10, 4, 0x2F9);
	assert_int_equal(rd(0x10, 4), 0x3F9);
	wr(0x10, 1, 0xFF);
	assert_int_equal(rd(0x10, 4), 0x3F9);
	wr(0x12, 2, 0xFFFF);
	assert_int_equal(rd(0x10, 4), 0x3F9);
	wr(0x10, 4, 0xFFFFFFF8); /* the type bits do not matter */
	assert_int_equal(rd(0x10, 4), 0xFFFFFFF9);
	wr(0x10, 4, 0);
	assert_int_equal(rd(0x10, 4), 0x3F9);
}

/* Linux's msi_capability_init and __pci_write_msi_msg: address, data, then
 * Enable in Message Control; each change reported once. */
static void test_msi_program(void **state)
{
	uint32_t addr, data;

	(void)state;
	assert_false(vuart_pci_msi(&p, &addr, &data));
	wr(0x44, 4, 0xFEE01000);
	wr(0x48, 2, 0x0021);
	assert_int_equal(msi_changes, 2);
	assert_false(vuart_pci_msi(&p, &addr, &data)); /* not enabled yet */
	assert_int_equal(addr, 0xFEE01000);
	assert_int_equal(data, 0x21);
	wr(0x42, 2, 0x0001);
	assert_int_equal(msi_changes, 3);
	assert_true(vuart_pci_msi(&p, &addr, &data));
	assert_int_equal(rd(0x40, 4), 0x00010005);
	/* The same again: no change. Multiple Message Enable reads 0. */
	wr(0x42, 2, 0x0071);
	assert_int_equal(msi_changes, 3);
	assert_int_equal(rd(0x42, 2), 0x0001);
	/* Address bits 1:0 read 0, data is 16 bits. */
	wr(0x44, 4, 0xFEE02003);
	assert_int_equal(rd(0x44, 4), 0xFEE02000);
	wr(0x48, 4, 0xFFFF0033);
	assert_int_equal(rd(0x48, 4), 0x33);
	assert_int_equal(msi_changes, 5);
	/* A byte write merges into the dword. */
	wr(0x45, 1, 0x30);
	assert_int_equal(rd(0x44, 4), 0xFEE03000);
	/* Writing the capability's ID and next bytes changes nothing. */
	wr(0x40, 2, 0xFFFF);
	assert_int_equal(rd(0x40, 4), 0x00010005);
	wr(0x42, 2, 0);
	assert_false(vuart_pci_msi(&p, &addr, &data));
}

/* Both paths reach it; the slots around it and the other functions of its
 * slot are empty; on a bus without a VF, 00:01.0 is empty too. */
static void test_bus_routing(void **state)
{
	(void)state;
	vbus_io_write(&bus, VPCI_CF8, 4, VPCI_CF8_ENABLE | (uint32_t)VUART_PCI_DEVFN << 8);
	assert_int_equal(vbus_io_read(&bus, VPCI_CFC, 4), 0x99009710);
	vbus_io_write(&bus, VPCI_CF8, 4, VPCI_CF8_ENABLE | (uint32_t)VUART_PCI_DEVFN << 8 | 0x44);
	vbus_io_write(&bus, VPCI_CFC, 4, 0xFEE04000);
	assert_int_equal(rd(0x44, 4), 0xFEE04000);
	assert_int_equal(vbus_ecam_read(&bus, 0, 4), 0x29C08086); /* the host bridge */
	assert_int_equal(vbus_ecam_read(&bus, (uint64_t)VPCI_VF_DEVFN << 12, 4), 0xFFFFFFFF);
	assert_int_equal(vbus_ecam_read(&bus, ECAM(0) + (1u << 12), 4), 0xFFFFFFFF);
	assert_int_equal(vbus_ecam_read(&bus, (uint64_t)PCI_DEVFN(0x1E, 0) << 12, 4), 0xFFFFFFFF);
	assert_int_equal(vbus_ecam_read(&bus, 1ull << 20 | ECAM(0), 4), 0xFFFFFFFF); /* bus 1 */
	/* A write to the empty 00:01.0 goes nowhere (no VF to forward to). */
	vbus_ecam_write(&bus, (uint64_t)VPCI_VF_DEVFN << 12 | 4, 2, 6);
	/* Bad sizes and a dword-crossing access never reach the function. */
	wr(0x46, 4, 0);
	wr(0x47, 2, 0);
	assert_int_equal(rd(0x44, 4), 0xFEE04000);
	assert_int_equal(rd(0x43, 2), 0xFFFF);
	/* After the bus is shut, the function takes no write. */
	vbus_shutdown(&bus);
	wr(0x44, 4, 0xFEE00000);
	wr(0x42, 2, 1);
	assert_int_equal(rd(0x44, 4), 0xFEE04000);
	assert_int_equal(rd(0x42, 2), 0);
}

/* Every dword and byte lane written with every pattern: the function stays
 * what it is (identity, fixed BAR0 outside a probe, capability list). */
static void test_hostile_writes(void **state)
{
	static const uint32_t vals[] = {0, 0xFFFFFFFF, 0x12345678, 0xA5A5A5A5, 0x80000001};

	(void)state;
	for (unsigned int reg = 0; reg < 0x1000; reg += 4)
		for (unsigned int v = 0; v < sizeof(vals) / sizeof(vals[0]); v++)
			for (unsigned int size = 1; size <= 4; size *= 2)
				for (unsigned int off = 0; off < 4; off += size) {
					wr(reg + off, size, vals[v]);
					if (reg == 0x10)
						wr(0x10, 4, 0x3F9); /* end any probe */
					assert_int_equal(rd(0x00, 4), 0x99009710);
					assert_int_equal(rd(0x08, 4), 0x07800200);
					assert_int_equal(rd(0x2C, 4), 0x1000A000);
					assert_int_equal(rd(0x10, 4), 0x3F9);
					assert_int_equal(rd(0x34, 1), 0x40);
					assert_int_equal(rd(0x40, 2), 0x0005);
					assert_int_equal(rd(0x42, 2) & ~1u, 0);
					assert_int_equal(rd(0x44, 4) & 3, 0);
					assert_int_equal(rd(0x48, 4) >> 16, 0);
				}
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, NULL)
	const struct CMUnitTest tests[] = {
		T(test_identity),    T(test_bar_probe),	  T(test_bar_fixed),
		T(test_msi_program), T(test_bus_routing), T(test_hostile_writes),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
