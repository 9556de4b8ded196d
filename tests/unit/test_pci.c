// SPDX-License-Identifier: MIT
/*
 * Unit tests for drivers/pci: configuration access, enumeration through
 * bridges (firmware numbers, assigned numbers, broken numbers), capability
 * walks over hostile lists, BAR sizing, the device table and the report.
 * Configuration space is tests/unit/fake_pcie.c, which routes accesses
 * through bridges by their bus numbers as hardware does.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "drivers/pci/pci.h"
#include "lib/err.h"
#include "lib/printk.h"
#include "fake_printk.h"
#include "fake_pcie.h"

#define KB(x) ((uint64_t)(x) << 10)
#define MB(x) ((uint64_t)(x) << 20)

static struct fake_q35 q;

static int setup(void **state)
{
	(void)state;
	fake_pcie_reset();
	pci_set_access(&fake_pcie_ecam);
	memset(pci_devs, 0xa5, sizeof(pci_devs)); /* pci_scan must clear it */
	pci_dev_count = 0;
	printk_reset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	/* No access the code made may be misaligned or outside the space. */
	assert_int_equal(fake_pcie_bad_ops, 0);
	fake_pcie_reset();
	pci_set_access(NULL);
	return 0;
}

/* ---- helpers ---------------------------------------------------------------- */

/* @line was printed as a whole line. */
static bool saw_line(const char *line)
{
	static char hay[sizeof(printk_log) + 2], needle[512];

	snprintf(hay, sizeof(hay), "\n%s", printk_log);
	snprintf(needle, sizeof(needle), "\n%s\n", line);
	return strstr(hay, needle) != NULL;
}

#define assert_line(l)                                                          \
	do {                                                                    \
		if (!saw_line(l))                                               \
			fail_msg("missing line \"%s\" in:\n%s", l, printk_log); \
	} while (0)

static struct pci_dev *dev_at(unsigned int i, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t vendor,
			      uint16_t device, uint32_t class_rev, uint8_t hdr_type,
			      const struct pci_dev *parent)
{
	struct pci_dev *d;

	assert_in_range(i, 0, pci_dev_count - 1);
	d = &pci_devs[i];
	assert_int_equal(d->seg, 0);
	assert_int_equal(d->bus, bus);
	assert_int_equal(d->devfn, PCI_DEVFN(dev, fn));
	assert_int_equal(d->vendor, vendor);
	assert_int_equal(d->device, device);
	assert_int_equal(d->class_rev, class_rev);
	assert_int_equal(d->hdr_type, hdr_type);
	assert_ptr_equal(d->parent, parent);
	assert_false(d->is_vf);
	assert_null(d->pf);
	return d;
}

static void check_caps(const struct pci_dev *d, uint8_t pm, uint8_t msi, uint8_t msix, uint8_t pcie,
		       uint8_t type, uint16_t ari, uint16_t sriov)
{
	assert_int_equal(d->pm_cap, pm);
	assert_int_equal(d->msi_cap, msi);
	assert_int_equal(d->msix_cap, msix);
	assert_int_equal(d->pcie_cap, pcie);
	assert_int_equal(d->pcie_type, type);
	assert_int_equal(d->ari_cap, ari);
	assert_int_equal(d->sriov_cap, sriov);
}

static void check_bar(const struct pci_dev *d, int i, uint64_t base, uint64_t size, uint8_t flags)
{
	assert_int_equal(d->bar[i].base, base);
	assert_int_equal(d->bar[i].size, size);
	assert_int_equal(d->bar[i].flags, flags);
}

static void check_no_bars(const struct pci_dev *d, int from)
{
	for (int i = from; i < 6; i++)
		check_bar(d, i, 0, 0, 0);
}

static void check_window(const struct pci_window *w, uint64_t base, uint64_t limit)
{
	assert_int_equal(w->base, base);
	assert_int_equal(w->limit, limit);
}

/* The bus numbers the fake bridge holds and the table recorded. */
static void check_buses(const struct pci_dev *d, const struct fake_fn *f, uint8_t pri, uint8_t sec,
			uint8_t sub)
{
	assert_int_equal(d->sec_bus, sec);
	assert_int_equal(d->sub_bus, sub);
	assert_int_equal(fake_pcie_get(f, PCI_PRIMARY_BUS, 1), pri);
	assert_int_equal(fake_pcie_get(f, PCI_PRIMARY_BUS + 1, 1), sec);
	assert_int_equal(fake_pcie_get(f, PCI_PRIMARY_BUS + 2, 1), sub);
}

/*
 * Walk the access log for @bus:@devfn starting with Command = @cmd: every
 * all-ones write to a BAR came with IO and MEM decoding off. Returns how many
 * such writes there were.
 */
static unsigned int sizing_writes(uint8_t bus, uint8_t devfn, uint16_t cmd, uint16_t bar_lo,
				  uint16_t bar_hi)
{
	unsigned int n = 0;

	assert_in_range(fake_pcie_log_len, 0, FAKE_PCIE_LOG_MAX);
	for (unsigned int i = 0; i < fake_pcie_log_len; i++) {
		const struct fake_pcie_op *op = &fake_pcie_log[i];

		if (!op->write || op->bus != bus || op->devfn != devfn)
			continue;
		if (op->off == PCI_COMMAND && op->size == 2) {
			cmd = (uint16_t)op->v;
		} else if (op->off >= bar_lo && op->off < bar_hi && op->v == 0xffffffffu) {
			assert_int_equal(op->size, 4);
			assert_int_equal(cmd & (PCI_CMD_IO | PCI_CMD_MEM), 0);
			n++;
		}
	}
	return n;
}

/* The five root-bus functions of fake_pcie_q35, at pci_devs[0..4]. */
static void check_q35_root_bus(bool firmware)
{
	struct pci_dev *d;

	d = dev_at(0, 0, 0, 0, 0x8086, 0x29c0, 0x06000000, 0, NULL);
	check_caps(d, 0, 0, 0, 0, 0, 0, 0);
	check_no_bars(d, 0);

	d = dev_at(1, 0, 2, 0, 0x1b36, 0x000c, 0x06040000, 1, NULL);
	check_caps(d, 0, 0x80, 0, 0x40, PCIE_TYPE_ROOT_PORT, 0, 0);
	check_no_bars(d, 0);
	assert_true(d->pref64);
	if (firmware) {
		check_window(&d->mem, 0xfe600000, 0xfe7fffff);
		check_window(&d->pref, 0xfea00000, 0xfebfffff);
		check_window(&d->io, 0xc000, 0xcfff);
	} else {
		/* registers at 0 decode as open windows at 0 */
		check_window(&d->mem, 0, 0xfffff);
		check_window(&d->pref, 0, 0xfffff);
		check_window(&d->io, 0, 0xfff);
	}

	d = dev_at(2, 0, 0x1f, 0, 0x8086, 0x2918, 0x06010002, 0, NULL);
	check_caps(d, 0, 0, 0, 0, 0, 0, 0);
	check_no_bars(d, 0);

	d = dev_at(3, 0, 0x1f, 2, 0x8086, 0x2922, 0x01060102, 0, NULL);
	check_caps(d, 0, 0x80, 0, 0, 0, 0, 0);
	for (int i = 0; i < 4; i++)
		check_bar(d, i, 0, 0, 0);
	check_bar(d, 4, firmware ? 0xd040 : 0, 32, PCI_BAR_IO);
	check_bar(d, 5, firmware ? 0xfebd4000 : 0, KB(4), 0);

	d = dev_at(4, 0, 0x1f, 3, 0x8086, 0x2930, 0x0c050002, 0, NULL);
	check_caps(d, 0, 0, 0, 0, 0, 0, 0);
	check_bar(d, 4, firmware ? 0x700 : 0, 64, PCI_BAR_IO);
}

static void check_igb(const struct pci_dev *d, bool firmware)
{
	check_caps(d, 0x40, 0x50, 0x70, 0xa0, PCIE_TYPE_ENDPOINT, 0x150, 0x160);
	check_bar(d, 0, firmware ? 0xfe600000 : 0, KB(128), 0);
	check_bar(d, 1, firmware ? 0xfe620000 : 0, KB(128), 0);
	check_bar(d, 2, firmware ? 0xc000 : 0, 32, PCI_BAR_IO);
	check_bar(d, 3, firmware ? 0xfe640000 : 0, KB(16), PCI_BAR_MEM64);
	check_bar(d, 4, 0, 0, 0); /* upper half of bar3 */
	check_bar(d, 5, 0, 0, 0);
	assert_int_equal(d->sec_bus, 0);
	assert_int_equal(d->sub_bus, 0);
}

/* ---- configuration access --------------------------------------------------- */

static void test_conf_access_guards(void **state)
{
	(void)state;
	fake_pcie_q35(&q, FAKE_Q35_FIRMWARE);

	assert_int_equal(pci_conf_read(0, 0, PCI_DEVFN(2, 0), 0, 4), 0x000c1b36);
	assert_int_equal(pci_conf_read(0, 0, PCI_DEVFN(2, 0), 2, 2), 0x000c);
	assert_int_equal(pci_conf_read(0, 0, PCI_DEVFN(2, 0), 0x0b, 1), 0x06);
	assert_int_equal(pci_conf_read(0, 0, PCI_DEVFN(2, 0), 0x100, 4), 0x00020001); /* AER */
	assert_int_equal(fake_pcie_log_len, 4);

	/* misaligned, bad sizes, past the space: all-ones, never sent */
	fake_pcie_log_clear();
	assert_int_equal(pci_conf_read(0, 0, 0, 2, 4), 0xffffffff);
	assert_int_equal(pci_conf_read(0, 0, 0, 1, 2), 0xffff);
	assert_int_equal(pci_conf_read(0, 0, 0, 0, 3), 0xffffffff);
	assert_int_equal(pci_conf_read(0, 0, 0, 0, 0), 0xffffffff);
	assert_int_equal(pci_conf_read(0, 0, 0, 0xffc, 8), 0xffffffff);
	assert_int_equal(pci_conf_read(0, 0, 0, 0x1000, 1), 0xff);
	assert_int_equal(pci_conf_read(0, 0, 0, 0xfffe, 2), 0xffff);
	pci_conf_write(0, 0, PCI_DEVFN(2, 0), 0x1000, 1, 0);
	pci_conf_write(0, 0, PCI_DEVFN(2, 0), 0x19, 2, 0);
	assert_int_equal(fake_pcie_log_len, 0);

	/* an absent function reads all-ones */
	assert_int_equal(pci_conf_read(0, 0, PCI_DEVFN(5, 0), 0, 4), 0xffffffff);
	assert_int_equal(pci_conf_read(1, 0, 0, 0, 2), 0xffff); /* other segment */

	/* CF8/CFC: nothing past 0xff is even tried */
	pci_set_access(&fake_pcie_cf8);
	fake_pcie_log_clear();
	assert_int_equal(pci_conf_read(0, 0, PCI_DEVFN(2, 0), 0x100, 4), 0xffffffff);
	assert_int_equal(pci_conf_read(0, 0, PCI_DEVFN(2, 0), 0xfc, 4), 0);
	assert_int_equal(fake_pcie_log_len, 1);

	/* no back end at all */
	pci_set_access(NULL);
	assert_int_equal(pci_conf_read(0, 0, 0, 0, 2), 0xffff);
	pci_conf_write(0, 0, 0, 4, 2, 0);
	assert_int_equal(fake_pcie_log_len, 1);
	assert_int_equal(pci_scan(0, 0, 0xff), 0);
}

static void test_dev_accessors(void **state)
{
	struct pci_dev d = {.seg = 0, .bus = 1, .devfn = PCI_DEVFN(0, 0)};

	(void)state;
	fake_pcie_q35(&q, FAKE_Q35_FIRMWARE);
	assert_int_equal(pci_read16(&d, PCI_VENDOR_ID), 0x8086);
	assert_int_equal(pci_read32(&d, PCI_VENDOR_ID), 0x10c98086);
	assert_int_equal(pci_read8(&d, PCI_CLASS_REV + 3), 0x02);
	pci_write8(&d, 0x3c, 0x0b);
	pci_write16(&d, PCI_COMMAND, 0x0406);
	pci_write32(&d, 0x70 + 4, 0x12345678); /* MSI-X table offset: read-only */
	assert_int_equal(fake_pcie_get(q.igb, 0x3c, 1), 0x0b);
	assert_int_equal(fake_pcie_get(q.igb, PCI_COMMAND, 2), 0x0406);
	assert_int_equal(fake_pcie_get(q.igb, 0x74, 4), 3);
	assert_int_equal(pci_read16(&d, PCI_COMMAND), 0x0406);
}

/* ---- enumeration ------------------------------------------------------------ */

static void test_scan_q35_firmware(void **state)
{
	struct pci_dev *igb;

	(void)state;
	fake_pcie_q35(&q, FAKE_Q35_FIRMWARE);
	assert_int_equal(pci_scan(0, 0, 0xff), 6);
	assert_int_equal(pci_dev_count, 6);
	check_q35_root_bus(true);
	check_buses(&pci_devs[1], q.rp, 0, 1, 1);

	igb = dev_at(5, 1, 0, 0, 0x8086, 0x10c9, 0x02000001, 0, &pci_devs[1]);
	check_igb(igb, true);
	assert_int_equal(printk_count[LOG_WARN], 0);
	/* the rest of the table was cleared */
	assert_int_equal(pci_devs[6].vendor, 0);
	assert_int_equal(pci_devs[PCI_MAX_DEVS - 1].class_rev, 0);

	/* Sizing left everything as firmware had it, with decoding off while
	 * the BARs held all-ones: bar0, 1, 2, 3 (both halves), 5. */
	assert_int_equal(sizing_writes(1, 0, 0x0007, 0x10, 0x28), 6);
	assert_int_equal(fake_pcie_get(q.igb, PCI_COMMAND, 2), 0x0007);
	assert_int_equal(fake_pcie_get(q.igb, 0x10, 4), 0xfe600000);
	assert_int_equal(fake_pcie_get(q.igb, 0x14, 4), 0xfe620000);
	assert_int_equal(fake_pcie_get(q.igb, 0x18, 4), 0xc001);
	assert_int_equal(fake_pcie_get(q.igb, 0x1c, 4), 0xfe640004);
	assert_int_equal(fake_pcie_get(q.igb, 0x20, 4), 0);
	assert_int_equal(fake_pcie_get(q.sata, 0x24, 4), 0xfebd4000);
	/* the firmware numbers were kept: no bus number writes */
	assert_int_equal(fake_pcie_ops(1, 0, PCI_DEVFN(2, 0), 0x18, 0x1c), 0);
	/* nothing read past the last function a device announces */
	assert_int_equal(fake_pcie_ops(0, 0, PCI_DEVFN(0, 1), 0, 0x1000), 0);
	assert_int_equal(fake_pcie_ops(0, 0, PCI_DEVFN(0x1f, 1), 0, 0x1000), 1);
}

static void test_scan_q35_unnumbered(void **state)
{
	(void)state;
	fake_pcie_q35(&q, 0);
	assert_int_equal(pci_scan(0, 0, 0xff), 6);
	check_q35_root_bus(false);
	/* the PF moved to bus 1 when the root port got its numbers */
	dev_at(5, 1, 0, 0, 0x8086, 0x10c9, 0x02000001, 0, &pci_devs[1]);
	check_igb(&pci_devs[5], false);
	check_buses(&pci_devs[1], q.rp, 0, 1, 1);
	assert_int_equal(fake_pcie_bus_of(q.igb), 1);
	assert_ptr_equal(fake_pcie_route(0, 1, 0), q.igb);
	assert_int_equal(printk_count[LOG_WARN], 1);
	assert_line("pci: 0000:00:02.0: bus numbers unset, assigned 1-1");

	/* everything below open while scanning, then trimmed */
	assert_int_equal(fake_pcie_ops(1, 0, PCI_DEVFN(2, 0), 0x18, 0x1c), 2);
	for (unsigned int i = 0, n = 0; i < fake_pcie_log_len; i++) {
		const struct fake_pcie_op *op = &fake_pcie_log[i];

		if (!op->write || op->devfn != PCI_DEVFN(2, 0) || op->off < 0x18 || op->off > 0x1b)
			continue;
		if (n++ == 0) {
			assert_int_equal(op->off, 0x18);
			assert_int_equal(op->v, 0x00ff0100);
		} else {
			assert_int_equal(op->off, 0x1a);
			assert_int_equal(op->size, 1);
			assert_int_equal(op->v, 1);
		}
	}

	/* A second scan finds the numbers sane and keeps them. */
	printk_reset();
	fake_pcie_log_clear();
	assert_int_equal(pci_scan(0, 0, 0xff), 6);
	assert_int_equal(printk_count[LOG_WARN], 0);
	check_buses(&pci_devs[1], q.rp, 0, 1, 1);
	assert_int_equal(fake_pcie_ops(1, 0, PCI_DEVFN(2, 0), 0x18, 0x1c), 0);
}

static void check_switch(bool firmware)
{
	struct pci_dev *rp = &pci_devs[1], *up, *down0, *down1, *igb;

	check_q35_root_bus(firmware);
	assert_int_equal(pci_dev_count, 9);
	up = dev_at(5, 1, 0, 0, 0x104c, 0x8232, 0x06040002, 1, rp);
	down0 = dev_at(6, 2, 0, 0, 0x104c, 0x8233, 0x06040002, 1, up);
	down1 = dev_at(7, 2, 1, 0, 0x104c, 0x8233, 0x06040002, 1, up);
	igb = dev_at(8, 4, 0, 0, 0x8086, 0x10c9, 0x02000001, 0, down1);
	check_caps(up, 0, 0x70, 0, 0x90, PCIE_TYPE_UPSTREAM, 0, 0);
	check_caps(down0, 0, 0x70, 0, 0x90, PCIE_TYPE_DOWNSTREAM, 0, 0);
	check_caps(down1, 0, 0x70, 0, 0x90, PCIE_TYPE_DOWNSTREAM, 0, 0);
	check_igb(igb, firmware);
	check_buses(rp, q.rp, 0, 1, 4);
	check_buses(up, q.sw_up, 1, 2, 4);
	check_buses(down0, q.sw_down[0], 2, 3, 3);
	check_buses(down1, q.sw_down[1], 2, 4, 4);
	if (firmware) {
		check_window(&down1->mem, 0xfe600000, 0xfe7fffff);
		check_window(&down1->pref, 0xfea00000, 0xfebfffff);
		check_window(&down1->io, 0xc000, 0xcfff);
		check_window(&down0->mem, 0xfff00000, 0xfffff);
		check_window(&down0->pref, 0xfff00000, 0xfffff);
		check_window(&down0->io, 0xf000, 0xfff);
	}
}

static void test_scan_switch_firmware(void **state)
{
	(void)state;
	fake_pcie_q35(&q, FAKE_Q35_FIRMWARE | FAKE_Q35_SWITCH);
	assert_int_equal(pci_scan(0, 0, 0xff), 9);
	check_switch(true);
	assert_int_equal(printk_count[LOG_WARN], 0);
	assert_int_equal(fake_pcie_ops(1, 0, PCI_DEVFN(2, 0), 0x18, 0x1c) +
				 fake_pcie_ops(1, 1, 0, 0x18, 0x1c) +
				 fake_pcie_ops(1, 2, -1, 0x18, 0x1c),
			 0);
}

static void test_scan_switch_unnumbered(void **state)
{
	(void)state;
	fake_pcie_q35(&q, FAKE_Q35_SWITCH);
	assert_int_equal(pci_scan(0, 0, 0xff), 9);
	check_switch(false);
	assert_int_equal(printk_count[LOG_WARN], 4);
	assert_line("pci: 0000:02:00.0: bus numbers unset, assigned 3-3");
	assert_line("pci: 0000:02:01.0: bus numbers unset, assigned 4-4");
	assert_line("pci: 0000:01:00.0: bus numbers unset, assigned 2-4");
	assert_line("pci: 0000:00:02.0: bus numbers unset, assigned 1-4");
	assert_ptr_equal(fake_pcie_route(0, 4, 0), q.igb);
}

/* Firmware numbers that collide with a sibling's: the second one is renumbered,
 * and its device is found once, below it, not twice. */
static void test_scan_sibling_collision(void **state)
{
	struct fake_fn *a, *b, *igb_a, *igb_b;
	struct pci_dev *da, *db;

	(void)state;
	a = fake_pcie_root_port(NULL, PCI_DEVFN(2, 0));
	igb_a = fake_pcie_igb(a, 0);
	b = fake_pcie_root_port(NULL, PCI_DEVFN(3, 0));
	igb_b = fake_pcie_igb(b, 0);
	fake_pcie_buses(a, 0, 1, 1);
	fake_pcie_buses(b, 0, 1, 1);

	assert_int_equal(pci_scan(0, 0, 0xff), 4);
	da = dev_at(0, 0, 2, 0, 0x1b36, 0x000c, 0x06040000, 1, NULL);
	db = dev_at(1, 0, 3, 0, 0x1b36, 0x000c, 0x06040000, 1, NULL);
	dev_at(2, 1, 0, 0, 0x8086, 0x10c9, 0x02000001, 0, da);
	dev_at(3, 2, 0, 0, 0x8086, 0x10c9, 0x02000001, 0, db);
	check_buses(da, a, 0, 1, 1);
	check_buses(db, b, 0, 2, 2);
	assert_ptr_equal(fake_pcie_route(0, 1, 0), igb_a);
	assert_ptr_equal(fake_pcie_route(0, 2, 0), igb_b);
	assert_int_equal(printk_count[LOG_WARN], 1);
	assert_line("pci: 0000:00:03.0: bus numbers 1-1 invalid, assigned 2-2");
}

/* An upstream port whose secondary bus is its own bus. */
static void test_scan_secondary_is_own_bus(void **state)
{
	(void)state;
	fake_pcie_q35(&q, FAKE_Q35_SWITCH);
	fake_pcie_buses(q.rp, 0, 1, 4);
	fake_pcie_buses(q.sw_up, 1, 1, 1);
	assert_int_equal(pci_scan(0, 0, 0xff), 9);
	check_switch(false);
	assert_int_equal(printk_count[LOG_WARN], 3);
	assert_line("pci: 0000:01:00.0: bus numbers 1-1 invalid, assigned 2-4");
	assert_line("pci: 0000:02:00.0: bus numbers unset, assigned 3-3");
	assert_line("pci: 0000:02:01.0: bus numbers unset, assigned 4-4");
}

/* A downstream port pointing back at a bus above it; one whose range lies
 * outside its parent's. */
static void test_scan_points_back(void **state)
{
	(void)state;
	fake_pcie_q35(&q, FAKE_Q35_FIRMWARE | FAKE_Q35_SWITCH);
	fake_pcie_buses(q.sw_down[1], 2, 1, 1);
	assert_int_equal(pci_scan(0, 0, 0xff), 9);
	check_switch(true);
	assert_int_equal(printk_count[LOG_WARN], 1);
	assert_line("pci: 0000:02:01.0: bus numbers 1-1 invalid, assigned 4-4");

	/* 4-9 reaches past the upstream port's 2-4 */
	setup(NULL);
	fake_pcie_q35(&q, FAKE_Q35_FIRMWARE | FAKE_Q35_SWITCH);
	fake_pcie_buses(q.sw_down[1], 2, 4, 9);
	assert_int_equal(pci_scan(0, 0, 0xff), 9);
	check_switch(true);
	assert_line("pci: 0000:02:01.0: bus numbers 4-9 invalid, assigned 4-4");

	/* secondary above subordinate */
	setup(NULL);
	fake_pcie_q35(&q, FAKE_Q35_FIRMWARE | FAKE_Q35_SWITCH);
	fake_pcie_buses(q.sw_down[0], 2, 3, 2);
	assert_int_equal(pci_scan(0, 0, 0xff), 9);
	check_switch(true);
	assert_line("pci: 0000:02:00.0: bus numbers 3-2 invalid, assigned 3-3");
}

/* A firmware range overlapping a sibling's only above its secondary. */
static void test_scan_overlap(void **state)
{
	struct fake_fn *a, *b;

	(void)state;
	a = fake_pcie_root_port(NULL, PCI_DEVFN(2, 0));
	fake_pcie_igb(a, 0);
	b = fake_pcie_root_port(NULL, PCI_DEVFN(3, 0));
	fake_pcie_igb(b, 0);
	fake_pcie_buses(a, 0, 3, 3);
	fake_pcie_buses(b, 0, 2, 3);
	assert_int_equal(pci_scan(0, 0, 0xff), 4);
	check_buses(&pci_devs[0], a, 0, 3, 3);
	check_buses(&pci_devs[1], b, 0, 1, 1);
	dev_at(2, 3, 0, 0, 0x8086, 0x10c9, 0x02000001, 0, &pci_devs[0]);
	dev_at(3, 1, 0, 0, 0x8086, 0x10c9, 0x02000001, 0, &pci_devs[1]);
	assert_int_equal(printk_count[LOG_WARN], 1);
	assert_line("pci: 0000:00:03.0: bus numbers 2-3 invalid, assigned 1-1");
}

/* Buses firmware reserved below a bridge stay its own even where empty, and
 * numbers assigned elsewhere keep out of every firmware range. */
static void test_scan_reserved_ranges(void **state)
{
	struct fake_fn *a, *b, *up, *down;

	(void)state;
	a = fake_pcie_root_port(NULL, PCI_DEVFN(2, 0));
	fake_pcie_igb(a, 0);
	b = fake_pcie_root_port(NULL, PCI_DEVFN(3, 0));
	fake_pcie_igb(b, 0);
	fake_pcie_buses(a, 0, 1, 3);
	assert_int_equal(pci_scan(0, 0, 0xff), 4);
	check_buses(&pci_devs[0], a, 0, 1, 3);
	check_buses(&pci_devs[1], b, 0, 4, 4);
	dev_at(3, 4, 0, 0, 0x8086, 0x10c9, 0x02000001, 0, &pci_devs[1]);
	assert_line("pci: 0000:00:03.0: bus numbers unset, assigned 4-4");

	/* Unnumbered A holds a switch; B has firmware bus 2. A may use bus 1
	 * only, so the switch cannot be numbered: no overlap with B. */
	setup(NULL);
	a = fake_pcie_root_port(NULL, PCI_DEVFN(2, 0));
	up = fake_pcie_switch_up(a, 0);
	down = fake_pcie_switch_down(up, 0);
	fake_pcie_igb(down, 0);
	b = fake_pcie_root_port(NULL, PCI_DEVFN(3, 0));
	fake_pcie_igb(b, 0);
	fake_pcie_buses(b, 0, 2, 2);
	assert_int_equal(pci_scan(0, 0, 0xff), 4);
	check_buses(&pci_devs[0], a, 0, 1, 1);
	check_buses(&pci_devs[1], b, 0, 2, 2);
	dev_at(2, 2, 0, 0, 0x8086, 0x10c9, 0x02000001, 0, &pci_devs[1]);
	dev_at(3, 1, 0, 0, 0x104c, 0x8232, 0x06040002, 1, &pci_devs[0]);
	check_buses(&pci_devs[3], up, 1, 0, 0);
	assert_int_equal(printk_count[LOG_WARN], 2);
	assert_line("pci: 0000:01:00.0: no free bus number, bridge not scanned");
	assert_line("pci: 0000:00:02.0: bus numbers unset, assigned 1-1");
}

/* A bridge whose firmware secondary is a free bus number below its own. */
static void test_scan_secondary_below(void **state)
{
	struct fake_fn *z;

	(void)state;
	fake_pcie_q35(&q, FAKE_Q35_FIRMWARE | FAKE_Q35_SWITCH);
	fake_pcie_buses(q.sw_down[0], 0, 0, 0);
	z = fake_pcie_switch_down(q.sw_down[1], PCI_DEVFN(1, 0));
	fake_pcie_buses(z, 4, 3, 3);
	assert_int_equal(pci_scan(0, 0, 0xff), 10);
	dev_at(6, 2, 0, 0, 0x104c, 0x8233, 0x06040002, 1, &pci_devs[5]);
	dev_at(9, 4, 1, 0, 0x104c, 0x8233, 0x06040002, 1, &pci_devs[7]);
	check_buses(&pci_devs[9], z, 4, 0, 0);
	check_buses(&pci_devs[6], q.sw_down[0], 2, 3, 3);
	assert_int_equal(printk_count[LOG_WARN], 2);
	assert_line("pci: 0000:04:01.0: no free bus number, bridge not scanned");
	assert_line("pci: 0000:02:00.0: bus numbers unset, assigned 3-3");
}

static void test_scan_bridge_windows(void **state)
{
	struct fake_fn *b;
	struct pci_dev *d;

	(void)state;
	b = fake_pcie_root_port(NULL, PCI_DEVFN(2, 0));
	/* 32-bit I/O window 0x11000-0x12fff */
	fake_pcie_set(b, 0x1c, 2, 0x2111);
	fake_pcie_set(b, 0x30, 4, 0x00010001);
	/* 32-bit prefetchable window: the upper registers are not used */
	fake_pcie_set(b, 0x24, 4, 0xc010c000);
	fake_pcie_set(b, 0x28, 4, 0x12);
	fake_pcie_set(b, 0x2c, 4, 0x34);
	fake_pcie_window_mem(b, 0xfe000000, 0xfe0fffff);
	assert_int_equal(pci_scan(0, 0, 0), 1);
	d = &pci_devs[0];
	check_window(&d->io, 0x11000, 0x12fff);
	check_window(&d->mem, 0xfe000000, 0xfe0fffff);
	check_window(&d->pref, 0xc0000000, 0xc01fffff);
	assert_false(d->pref64);

	/* reserved I/O decode type: 16-bit; a 64-bit prefetchable window */
	fake_pcie_set(b, 0x1c, 2, 0x2112);
	fake_pcie_window_pref(b, 0x812345600000ull, 0x8123456fffffull);
	assert_int_equal(pci_scan(0, 0, 0), 1);
	check_window(&d->io, 0x1000, 0x2fff);
	check_window(&d->pref, 0x812345600000ull, 0x8123456fffffull);
	assert_true(d->pref64);
}

static void test_scan_no_free_bus(void **state)
{
	(void)state;
	fake_pcie_q35(&q, 0);
	assert_int_equal(pci_scan(0, 0, 0), 5);
	check_q35_root_bus(false);
	check_buses(&pci_devs[1], q.rp, 0, 0, 0);
	assert_int_equal(printk_count[LOG_WARN], 1);
	assert_line("pci: 0000:00:02.0: no free bus number, bridge not scanned");

	/* room for the root port's bus, none for the switch below it */
	setup(NULL);
	fake_pcie_q35(&q, FAKE_Q35_SWITCH);
	assert_int_equal(pci_scan(0, 0, 1), 6);
	check_buses(&pci_devs[1], q.rp, 0, 1, 1);
	dev_at(5, 1, 0, 0, 0x104c, 0x8232, 0x06040002, 1, &pci_devs[1]);
	check_buses(&pci_devs[5], q.sw_up, 1, 0, 0);
	assert_int_equal(printk_count[LOG_WARN], 2);
	assert_line("pci: 0000:01:00.0: no free bus number, bridge not scanned");
	assert_line("pci: 0000:00:02.0: bus numbers unset, assigned 1-1");

	/* firmware numbers beyond bus_last are not used either */
	setup(NULL);
	fake_pcie_q35(&q, FAKE_Q35_FIRMWARE | FAKE_Q35_SWITCH);
	assert_int_equal(pci_scan(0, 0, 3), 8);
	check_buses(&pci_devs[1], q.rp, 0, 1, 3);
	assert_line("pci: 0000:02:01.0: no free bus number, bridge not scanned");
	assert_line("pci: 0000:00:02.0: bus numbers 1-4 invalid, assigned 1-3");
	assert_line("pci: 0000:01:00.0: bus numbers 2-4 invalid, assigned 2-3");

	assert_int_equal(pci_scan(0, 5, 4), -EINVAL);
	assert_int_equal(pci_dev_count, 0);
}

static void test_scan_depth_limit(void **state)
{
	struct fake_fn *up = NULL;

	(void)state;
	for (int i = 0; i < 36; i++)
		up = fake_pcie_switch_down(up, 0);
	assert_int_equal(pci_scan(0, 0, 0xff), 33);
	for (unsigned int i = 0; i < 33; i++) {
		assert_int_equal(pci_devs[i].bus, i);
		assert_ptr_equal(pci_devs[i].parent, i ? &pci_devs[i - 1] : NULL);
		assert_int_equal(pci_devs[i].sec_bus, i < 32 ? i + 1 : 0);
		assert_int_equal(pci_devs[i].sub_bus, i < 32 ? 32 : 0);
	}
	assert_int_equal(printk_count[LOG_WARN], 33);
	assert_line("pci: 0000:20:00.0: nested more than 32 bridges deep, bridge not scanned");
	assert_line("pci: 0000:00:00.0: bus numbers unset, assigned 1-32");
	assert_line("pci: 0000:1f:00.0: bus numbers unset, assigned 32-32");
}

/* A bridge that answers on every bus and ignores writes: its "secondary"
 * would lead back into itself forever. */
static unsigned int loop_reads;

static uint32_t loop_read(uint16_t seg, uint8_t bus, uint8_t devfn, uint16_t off, unsigned int size)
{
	uint32_t v;

	(void)seg;
	(void)bus;
	loop_reads++;
	if (devfn)
		return 0xffffffff;
	switch (off & ~3u) {
	case 0x00:
		v = 0x56781234;
		break;
	case 0x08:
		v = 0x06040000;
		break;
	case 0x0c:
		v = 0x00010000; /* header type 1 */
		break;
	case 0x18:
		v = 0x00ff0100; /* buses 0, 1, 255 */
		break;
	default:
		v = 0;
	}
	v >>= 8 * (off & 3);
	return size == 4 ? v : v & ((1u << (8 * size)) - 1);
}

static void loop_write(uint16_t seg, uint8_t bus, uint8_t devfn, uint16_t off, unsigned int size,
		       uint32_t v)
{
	(void)seg;
	(void)bus;
	(void)devfn;
	(void)off;
	(void)size;
	(void)v;
}

static void test_scan_bridge_loop(void **state)
{
	static const struct pci_access loop = {loop_read, loop_write, 4096};

	(void)state;
	pci_set_access(&loop);
	assert_int_equal(pci_scan(0, 0, 0xff), 33);
	for (unsigned int i = 0; i < 33; i++) {
		assert_int_equal(pci_devs[i].bus, i);
		assert_int_equal(pci_devs[i].vendor, 0x1234);
	}
	assert_int_equal(pci_devs[0].sec_bus, 1);
	assert_int_equal(pci_devs[0].sub_bus, 255);
	assert_int_equal(pci_devs[1].sec_bus, 2);
	assert_int_equal(pci_devs[1].sub_bus, 32);
	assert_int_equal(printk_count[LOG_WARN], 32);
	assert_line("pci: 0000:01:00.0: bus numbers 1-255 invalid, assigned 2-32");
	assert_line("pci: 0000:1f:00.0: bus numbers 1-255 invalid, assigned 32-32");
	assert_line("pci: 0000:20:00.0: nested more than 32 bridges deep, bridge not scanned");
	/* about fifty reads a bus, each bus once */
	assert_in_range(loop_reads, 33 * 32, 33 * 100);
}

static void test_scan_multifunction(void **state)
{
	struct fake_fn *f;

	(void)state;
	/* function 1 of a single-function device is not looked for */
	fake_pcie_add(NULL, PCI_DEVFN(3, 0), 0x1af4, 0x1000, 0x02000000, 0x00);
	fake_pcie_add(NULL, PCI_DEVFN(3, 1), 0x1af4, 0x1001, 0x02000000, 0x00);
	/* multi-function with gaps: 0, 2, 7 */
	fake_pcie_add(NULL, PCI_DEVFN(4, 0), 0x1af4, 0x1002, 0x02000000, 0x80);
	fake_pcie_add(NULL, PCI_DEVFN(4, 2), 0x1af4, 0x1003, 0x02000000, 0x80);
	fake_pcie_add(NULL, PCI_DEVFN(4, 7), 0x1af4, 0x1004, 0x02000000, 0x00);
	/* no function 0: the device is absent */
	fake_pcie_add(NULL, PCI_DEVFN(5, 1), 0x1af4, 0x1005, 0x02000000, 0x80);
	/* header type 2 (CardBus): recorded, no BARs, not descended */
	f = fake_pcie_add(NULL, PCI_DEVFN(6, 0), 0x104c, 0xac50, 0x06070000, 0x02);
	fake_pcie_set(f, 0x18, 4, 0x00020100);

	assert_int_equal(pci_scan(0, 0, 0xff), 5);
	dev_at(0, 0, 3, 0, 0x1af4, 0x1000, 0x02000000, 0, NULL);
	dev_at(1, 0, 4, 0, 0x1af4, 0x1002, 0x02000000, 0, NULL);
	dev_at(2, 0, 4, 2, 0x1af4, 0x1003, 0x02000000, 0, NULL);
	dev_at(3, 0, 4, 7, 0x1af4, 0x1004, 0x02000000, 0, NULL);
	dev_at(4, 0, 6, 0, 0x104c, 0xac50, 0x06070000, 2, NULL);
	assert_int_equal(fake_pcie_ops(0, 0, PCI_DEVFN(3, 1), 0, 0x1000), 0);
	assert_int_equal(fake_pcie_ops(0, 0, PCI_DEVFN(5, 1), 0, 0x1000), 0);
	assert_int_equal(fake_pcie_ops(1, 0, PCI_DEVFN(6, 0), 0, 0x1000), 0);
	/* 32 devices on bus 0, 8 functions for device 4; nothing on bus 1/2 */
	assert_int_equal(fake_pcie_ops(0, 0, -1, 0, 1), 32 + 7);
	assert_int_equal(fake_pcie_ops(0, 1, -1, 0, 0x1000), 0);
	assert_int_equal(printk_count[LOG_WARN], 0);
}

static void test_scan_table_full(void **state)
{
	struct fake_fn *rp;

	(void)state;
	rp = fake_pcie_root_port(NULL, PCI_DEVFN(0, 0));
	for (unsigned int dev = 1; dev < 32; dev++)
		for (unsigned int fn = 0; fn < 8; fn++)
			fake_pcie_add(NULL, PCI_DEVFN(dev, fn), 0x1af4, (uint16_t)(dev << 8 | fn),
				      0x02000000, fn ? 0 : 0x80);
	for (unsigned int fn = 0; fn < 8; fn++)
		fake_pcie_add(rp, PCI_DEVFN(0, fn), 0x1af4, 0xff00 | fn, 0x02000000, fn ? 0 : 0x80);

	assert_int_equal(pci_scan(0, 0, 0xff), -E2BIG);
	assert_int_equal(pci_dev_count, PCI_MAX_DEVS);
	dev_at(0, 0, 0, 0, 0x1b36, 0x000c, 0x06040000, 1, NULL);
	dev_at(248, 0, 31, 7, 0x1af4, 0x1f07, 0x02000000, 0, NULL);
	dev_at(249, 1, 0, 0, 0x1af4, 0xff00, 0x02000000, 0, &pci_devs[0]);
	dev_at(255, 1, 0, 6, 0x1af4, 0xff06, 0x02000000, 0, &pci_devs[0]);
	/* the bridge's numbers were still trimmed to what was found */
	check_buses(&pci_devs[0], rp, 0, 1, 1);
	assert_int_equal(printk_count[LOG_WARN], 2);
	assert_line("pci: more than 256 functions, the rest not scanned");
	assert_line("pci: 0000:00:00.0: bus numbers unset, assigned 1-1");
}

/* ---- capability walks ------------------------------------------------------- */

static struct fake_fn *cap_dev(struct pci_dev *d)
{
	struct fake_fn *f = fake_pcie_add(NULL, PCI_DEVFN(3, 0), 0x1af4, 0x1041, 0x02000000, 0);

	memset(d, 0, sizeof(*d));
	d->devfn = PCI_DEVFN(3, 0);
	return f;
}

static void test_cap_walk(void **state)
{
	struct pci_dev d;
	struct fake_fn *f = cap_dev(&d);

	(void)state;
	/* empty list */
	assert_int_equal(pci_find_cap(&d, PCI_CAP_PM), 0);
	fake_pcie_cap_pm(f, 0x40);
	fake_pcie_cap_msi(f, 0x50, 2, true);
	fake_pcie_cap(f, 0x68, 0x09); /* vendor-specific */
	fake_pcie_cap_msix(f, 0x70, 4, 0, 0x800);
	fake_pcie_cap(f, 0xfc, PCI_CAP_PCIE); /* at the very end */
	assert_int_equal(pci_find_cap(&d, PCI_CAP_PM), 0x40);
	assert_int_equal(pci_find_cap(&d, PCI_CAP_MSI), 0x50);
	assert_int_equal(pci_find_cap(&d, PCI_CAP_MSIX), 0x70);
	assert_int_equal(pci_find_cap(&d, PCI_CAP_PCIE), 0xfc);
	assert_int_equal(pci_find_cap(&d, 0x09), 0x68);
	assert_int_equal(pci_find_cap(&d, 0x12), 0);
	/* a second PM and MSI-X after the first: the first ones count */
	fake_pcie_cap_pm(f, 0x90);
	fake_pcie_cap(f, 0x98, PCI_CAP_MSIX);
	assert_int_equal(pci_find_cap(&d, PCI_CAP_PM), 0x40);
	pci_read_caps(&d);
	check_caps(&d, 0x40, 0x50, 0x70, 0xfc, 0, 0, 0);

	/* the low two bits of pointers are reserved */
	fake_pcie_set(f, PCI_CAP_PTR, 1, 0x43);
	fake_pcie_cap_link(f, 0x40, 0x53);
	assert_int_equal(pci_find_cap(&d, PCI_CAP_MSI), 0x50);
	/* 0xff: the pointer masked to 0xfc, the PCIe capability, then 0x90 */
	fake_pcie_set(f, PCI_CAP_PTR, 1, 0xff);
	assert_int_equal(pci_find_cap(&d, PCI_CAP_PCIE), 0xfc);
	assert_int_equal(pci_find_cap(&d, PCI_CAP_PM), 0x90);
	assert_int_equal(pci_find_cap(&d, PCI_CAP_MSI), 0);
	assert_int_equal(printk_count[LOG_WARN], 0);

	/* Status.CAP clear: the pointer is not even read */
	fake_pcie_set(f, PCI_CAP_PTR, 1, 0x40);
	fake_pcie_set(f, PCI_STATUS, 2, 0);
	fake_pcie_log_clear();
	assert_int_equal(pci_find_cap(&d, PCI_CAP_PM), 0);
	assert_int_equal(fake_pcie_log_len, 1);
	assert_int_equal(fake_pcie_log[0].off, PCI_STATUS);
	assert_int_equal(printk_count[LOG_WARN], 0);
}

static void test_cap_loop(void **state)
{
	struct pci_dev d;
	struct fake_fn *f = cap_dev(&d);

	(void)state;
	fake_pcie_cap_pm(f, 0x40);
	fake_pcie_cap_msi(f, 0x50, 0, false);
	fake_pcie_cap_link(f, 0x50, 0x40);
	/* what comes before the loop is found, quietly */
	assert_int_equal(pci_find_cap(&d, PCI_CAP_MSI), 0x50);
	assert_int_equal(printk_count[LOG_WARN], 0);

	fake_pcie_log_clear();
	assert_int_equal(pci_find_cap(&d, PCI_CAP_MSIX), 0);
	assert_int_equal(fake_pcie_ops(0, 0, PCI_DEVFN(3, 0), 0x40, 0x100), 48);
	assert_int_equal(printk_count[LOG_WARN], 1);
	assert_line("pci: 0000:00:03.0: capability list loops, cut after 48 entries");

	/* a capability pointing at itself */
	printk_reset();
	fake_pcie_cap_link(f, 0x40, 0x40);
	assert_int_equal(pci_find_cap(&d, PCI_CAP_MSI), 0);
	assert_int_equal(printk_count[LOG_WARN], 1);

	/* the scan walks once for all: one message per device */
	printk_reset();
	assert_int_equal(pci_scan(0, 0, 0), 1);
	check_caps(&pci_devs[0], 0x40, 0, 0, 0, 0, 0, 0);
	assert_int_equal(printk_count[LOG_WARN], 1);
}

static void test_cap_into_header(void **state)
{
	struct pci_dev d;
	struct fake_fn *f = cap_dev(&d);

	(void)state;
	fake_pcie_cap_pm(f, 0x40);
	fake_pcie_cap_msi(f, 0x50, 0, false);
	fake_pcie_set(f, PCI_CAP_PTR, 1, 0x20);
	assert_int_equal(pci_find_cap(&d, PCI_CAP_PM), 0);
	assert_int_equal(printk_count[LOG_WARN], 1);
	assert_line("pci: 0000:00:03.0: capability pointer 0x20 points into the header, "
		    "list cut");
	/* no capability read below 0x40 */
	assert_int_equal(fake_pcie_ops(0, -1, -1, 0x20, 0x22), 0);

	printk_reset();
	fake_pcie_set(f, PCI_CAP_PTR, 1, 0x40);
	fake_pcie_cap_link(f, 0x40, 0x3c);
	assert_int_equal(pci_find_cap(&d, PCI_CAP_PM), 0x40);
	assert_int_equal(pci_find_cap(&d, PCI_CAP_MSI), 0);
	assert_line("pci: 0000:00:03.0: capability pointer 0x3c points into the header, "
		    "list cut");

	/* a capability ID of 0xff (a function that stopped answering) ends it */
	printk_reset();
	fake_pcie_cap_link(f, 0x40, 0x80);
	fake_pcie_set(f, 0x80, 2, 0x40ff);
	assert_int_equal(pci_find_cap(&d, PCI_CAP_MSI), 0);
	assert_int_equal(printk_count[LOG_WARN], 0);

	/* scan: PM recorded, the rest cut, one message */
	printk_reset();
	fake_pcie_cap_link(f, 0x40, 0x04);
	assert_int_equal(pci_scan(0, 0, 0), 1);
	check_caps(&pci_devs[0], 0x40, 0, 0, 0, 0, 0, 0);
	assert_int_equal(printk_count[LOG_WARN], 1);
	assert_line("pci: 0000:00:03.0: capability pointer 0x4 points into the header, "
		    "list cut");
}

static void test_ext_cap_walk(void **state)
{
	struct pci_dev d;
	struct fake_fn *f = cap_dev(&d);

	(void)state;
	fake_pcie_cap_exp(f, 0x40, PCIE_TYPE_ENDPOINT, 0);
	/* no extended list: header 0 */
	assert_int_equal(pci_find_ext_cap(&d, PCI_EXT_CAP_ARI), 0);
	fake_pcie_ext_aer(f, 0x100);
	fake_pcie_ext_ari(f, 0x148, 0);
	fake_pcie_ext_cap(f, 0x200, 0x0003, 1); /* serial number */
	fake_pcie_ext_cap(f, 0xffc, PCI_EXT_CAP_SRIOV, 1);
	assert_int_equal(pci_find_ext_cap(&d, 0x0001), 0x100);
	assert_int_equal(pci_find_ext_cap(&d, PCI_EXT_CAP_ARI), 0x148);
	assert_int_equal(pci_find_ext_cap(&d, 0x0003), 0x200);
	assert_int_equal(pci_find_ext_cap(&d, PCI_EXT_CAP_SRIOV), 0xffc);
	assert_int_equal(pci_find_ext_cap(&d, 0x000b), 0);
	/* a second ARI after the first: the first counts */
	fake_pcie_ext_ari(f, 0x300, 0);
	assert_int_equal(pci_find_ext_cap(&d, PCI_EXT_CAP_ARI), 0x148);
	/* reserved low bits of next are ignored */
	fake_pcie_ext_link(f, 0x100, 0x14b);
	assert_int_equal(pci_find_ext_cap(&d, 0x0003), 0x200);
	assert_int_equal(printk_count[LOG_WARN], 0);

	/* the scan records ARI and SR-IOV for a PCIe function */
	d.pcie_cap = 0xaa;
	pci_read_caps(&d);
	check_caps(&d, 0, 0, 0, 0x40, PCIE_TYPE_ENDPOINT, 0x148, 0xffc);
	assert_int_equal(fake_pcie_get(f, 0x40 + PCIE_CAPS, 2), 0x0002);
	fake_pcie_set(f, 0x40 + PCIE_CAPS, 2, 0x00a2);
	pci_read_caps(&d);
	assert_int_equal(d.pcie_type, 0xa);

	/* all-ones at 0x100: no list (its "next" 0xffc is not followed), no message */
	fake_pcie_set(f, 0x100, 4, 0xffffffff);
	assert_int_equal(pci_find_ext_cap(&d, PCI_EXT_CAP_ARI), 0);
	assert_int_equal(pci_find_ext_cap(&d, PCI_EXT_CAP_SRIOV), 0);
	assert_int_equal(pci_find_ext_cap(&d, 0xffff), 0);
	assert_int_equal(printk_count[LOG_WARN], 0);
	/* without a PCIe capability the extended space is not walked */
	fake_pcie_ext_cap(f, 0x100, 0x0001, 2);
	fake_pcie_ext_link(f, 0x100, 0x148);
	fake_pcie_set(f, PCI_STATUS, 2, 0);
	fake_pcie_log_clear();
	pci_read_caps(&d);
	check_caps(&d, 0, 0, 0, 0, 0, 0, 0);
	assert_int_equal(fake_pcie_ops(-1, -1, -1, 0x100, 0x1000), 0);
}

static void test_ext_cap_broken(void **state)
{
	static const struct pci_access small = {fake_pcie_read, fake_pcie_write, 0x200};
	struct pci_dev d;
	struct fake_fn *f = cap_dev(&d);

	(void)state;
	fake_pcie_cap_exp(f, 0x40, PCIE_TYPE_ENDPOINT, 0);
	fake_pcie_ext_aer(f, 0x100);
	fake_pcie_ext_ari(f, 0x150, 0);
	fake_pcie_ext_link(f, 0x150, 0x100);
	assert_int_equal(pci_find_ext_cap(&d, PCI_EXT_CAP_ARI), 0x150);
	assert_int_equal(printk_count[LOG_WARN], 0);
	fake_pcie_log_clear();
	assert_int_equal(pci_find_ext_cap(&d, PCI_EXT_CAP_SRIOV), 0);
	assert_int_equal(fake_pcie_ops(0, -1, -1, 0x100, 0x1000), (4096 - 256) / 4);
	assert_int_equal(printk_count[LOG_WARN], 1);
	assert_line("pci: 0000:00:03.0: extended capability list loops, cut after 960 entries");

	/* pointing below the extended space */
	printk_reset();
	fake_pcie_ext_link(f, 0x150, 0x0c0);
	assert_int_equal(pci_find_ext_cap(&d, PCI_EXT_CAP_SRIOV), 0);
	assert_line("pci: 0000:00:03.0: extended capability at 0x150 points to 0xc0, outside "
		    "the extended space, list cut");
	assert_int_equal(fake_pcie_ops(0, -1, -1, 0xc0, 0xc4), 0);

	/* pointing past a smaller space: 0x1fc is its last dword */
	printk_reset();
	pci_set_access(&small);
	fake_pcie_ext_link(f, 0x150, 0x1fc);
	fake_pcie_set(f, 0x1fc, 4, PCI_EXT_CAP_SRIOV | 1 << 16);
	assert_int_equal(pci_find_ext_cap(&d, PCI_EXT_CAP_SRIOV), 0x1fc);
	fake_pcie_ext_link(f, 0x150, 0x200);
	assert_int_equal(pci_find_ext_cap(&d, PCI_EXT_CAP_SRIOV), 0);
	assert_line("pci: 0000:00:03.0: extended capability at 0x150 points to 0x200, outside "
		    "the extended space, list cut");

	/* header 0 or all-ones further down ends the list quietly */
	printk_reset();
	pci_set_access(&fake_pcie_ecam);
	fake_pcie_ext_link(f, 0x150, 0x300);
	assert_int_equal(pci_find_ext_cap(&d, PCI_EXT_CAP_SRIOV), 0);
	fake_pcie_set(f, 0x300, 4, 0xffffffff);
	assert_int_equal(pci_find_ext_cap(&d, PCI_EXT_CAP_SRIOV), 0);
	assert_int_equal(printk_count[LOG_WARN], 0);

	/* the scan reports a broken extended list once */
	fake_pcie_ext_link(f, 0x150, 0x100);
	assert_int_equal(pci_scan(0, 0, 0), 1);
	check_caps(&pci_devs[0], 0, 0, 0, 0x40, PCIE_TYPE_ENDPOINT, 0x150, 0);
	assert_int_equal(printk_count[LOG_WARN], 1);
}

static void test_cf8_no_ext_space(void **state)
{
	struct pci_dev *igb;

	(void)state;
	pci_set_access(&fake_pcie_cf8);
	fake_pcie_q35(&q, FAKE_Q35_FIRMWARE);
	assert_int_equal(pci_scan(0, 0, 0xff), 6);
	igb = pci_find(0, 1, 0);
	assert_non_null(igb);
	check_caps(igb, 0x40, 0x50, 0x70, 0xa0, PCIE_TYPE_ENDPOINT, 0, 0);
	assert_int_equal(pci_find_ext_cap(igb, PCI_EXT_CAP_SRIOV), 0);
	assert_int_equal(pci_find_ext_cap(igb, 0x0001), 0);
	assert_int_equal(fake_pcie_ops(-1, -1, -1, 0x100, 0x1000), 0);
	assert_int_equal(printk_count[LOG_WARN], 0);
}

/* ---- BARs ------------------------------------------------------------------- */

static struct fake_fn *bar_dev(struct pci_dev *d, uint16_t cmd)
{
	struct fake_fn *f = fake_pcie_add(NULL, PCI_DEVFN(4, 0), 0x1af4, 0x1000, 0x02000000, 0);

	fake_pcie_bar(f, 0, KB(4), 0);
	fake_pcie_bar(f, 1, 8ull << 30, PCI_BAR_MEM64 | PCI_BAR_PREFETCH);
	fake_pcie_bar(f, 3, 256, PCI_BAR_IO);
	fake_pcie_bar(f, 4, 0, 0);
	fake_pcie_bar(f, 5, KB(4), PCI_BAR_MEM64); /* no room for its upper half */
	fake_pcie_bar_base(f, 0, 0xfebf0000);
	fake_pcie_bar_base(f, 1, 0x800000000ull);
	fake_pcie_bar_base(f, 3, 0xe000);
	fake_pcie_set(f, PCI_COMMAND, 2, cmd);
	memset(d, 0, sizeof(*d));
	d->devfn = PCI_DEVFN(4, 0);
	return f;
}

static void test_bar_probe(void **state)
{
	struct pci_dev d;
	struct fake_fn *f = bar_dev(&d, 0x0407);

	(void)state;
	assert_int_equal(pci_bar_probe(&d, 0), 1);
	check_bar(&d, 0, 0xfebf0000, KB(4), 0);
	assert_int_equal(pci_bar_probe(&d, 1), 2);
	check_bar(&d, 1, 0x800000000ull, 8ull << 30, PCI_BAR_MEM64 | PCI_BAR_PREFETCH);
	assert_int_equal(pci_bar_probe(&d, 3), 1);
	check_bar(&d, 3, 0xe000, 256, PCI_BAR_IO);
	assert_int_equal(pci_bar_probe(&d, 4), 1);
	check_bar(&d, 4, 0, 0, 0);
	assert_int_equal(printk_count[LOG_WARN], 0);

	fake_pcie_log_clear();
	assert_int_equal(pci_bar_probe(&d, 5), 1);
	check_bar(&d, 5, 0, 0, 0);
	assert_int_equal(printk_count[LOG_WARN], 1);
	assert_line("pci: 0000:00:04.0: bar5 is 64-bit but has no upper half, ignored");
	assert_int_equal(fake_pcie_ops(1, -1, -1, 0, 0x1000), 0);

	/* decoding was off whenever a BAR held all-ones; all restored */
	assert_int_equal(sizing_writes(0, PCI_DEVFN(4, 0), 0x0407, 0x10, 0x28), 0);
	fake_pcie_log_clear();
	for (int i = 0; i < 6;)
		i += pci_bar_probe(&d, i);
	assert_int_equal(sizing_writes(0, PCI_DEVFN(4, 0), 0x0407, 0x10, 0x28), 5);
	assert_int_equal(fake_pcie_ops(1, -1, PCI_DEVFN(4, 0), PCI_COMMAND, PCI_COMMAND + 2),
			 2 * 4);
	assert_int_equal(fake_pcie_get(f, PCI_COMMAND, 2), 0x0407);
	assert_int_equal(fake_pcie_get(f, 0x10, 4), 0xfebf0000);
	assert_int_equal(fake_pcie_get(f, 0x14, 4), 0x0000000c);
	assert_int_equal(fake_pcie_get(f, 0x18, 4), 0x00000008);
	assert_int_equal(fake_pcie_get(f, 0x1c, 4), 0x0000e001);
	assert_int_equal(fake_pcie_get(f, 0x20, 4), 0);
	assert_int_equal(fake_pcie_get(f, 0x24, 4), 0x00000004);

	/* out of range, and a bridge's bus numbers are no BAR */
	assert_int_equal(pci_bar_probe(&d, -1), -EINVAL);
	assert_int_equal(pci_bar_probe(&d, 6), -EINVAL);
	d.hdr_type = 1;
	fake_pcie_log_clear();
	assert_int_equal(pci_bar_probe(&d, 2), -EINVAL);
	assert_int_equal(fake_pcie_log_len, 0);
}

static void test_bar_probe_decode_off(void **state)
{
	struct pci_dev d;
	struct fake_fn *f = bar_dev(&d, 0x0004);

	(void)state;
	assert_int_equal(pci_bar_probe(&d, 0), 1);
	check_bar(&d, 0, 0xfebf0000, KB(4), 0);
	/* decoding was off already: Command is left alone */
	assert_int_equal(fake_pcie_ops(1, -1, -1, PCI_COMMAND, PCI_COMMAND + 2), 0);
	assert_int_equal(sizing_writes(0, PCI_DEVFN(4, 0), 0x0004, 0x10, 0x28), 1);
	assert_int_equal(fake_pcie_get(f, PCI_COMMAND, 2), 0x0004);
}

static void test_bar_probe_odd(void **state)
{
	struct pci_dev d;
	struct fake_fn *f = bar_dev(&d, 0x0003);

	(void)state;
	/* an I/O BAR decoding 32 bits, a 32-bit prefetchable BAR of 2 GiB */
	fake_pcie_set_wmask(f, 0x1c, 4, 0xffffff00);
	fake_pcie_set(f, 0x1c, 4, 0x0001e001);
	fake_pcie_bar(f, 0, 1ull << 31, PCI_BAR_PREFETCH);
	fake_pcie_bar_base(f, 0, 0x80000000);
	assert_int_equal(pci_bar_probe(&d, 3), 1);
	check_bar(&d, 3, 0x1e000, 256, PCI_BAR_IO);
	assert_int_equal(pci_bar_probe(&d, 0), 1);
	check_bar(&d, 0, 0x80000000, 1ull << 31, PCI_BAR_PREFETCH);
	/* a malformed mask still sizes to its lowest writable bit */
	fake_pcie_set_wmask(f, 0x10, 4, 0xf0f00000);
	fake_pcie_set(f, 0x10, 4, 0);
	assert_int_equal(pci_bar_probe(&d, 0), 1);
	check_bar(&d, 0, 0, MB(1), 0);
	/* an I/O BAR whose only writable bits lie above 16: not implemented */
	fake_pcie_set_wmask(f, 0x1c, 4, 0xffff0000);
	fake_pcie_set(f, 0x1c, 4, 0x00000001);
	assert_int_equal(pci_bar_probe(&d, 3), 1);
	check_bar(&d, 3, 0, 0, PCI_BAR_IO);
	/* a function that stopped answering: nothing written */
	fake_pcie_log_clear();
	d.devfn = PCI_DEVFN(9, 0);
	assert_int_equal(pci_bar_probe(&d, 0), 1);
	check_bar(&d, 0, 0, 0, 0);
	assert_int_equal(fake_pcie_ops(1, -1, -1, 0, 0x1000), 0);
	/* a bridge has two, and its second may not be the lower half of a 64-bit one */
	f = fake_pcie_switch_down(NULL, PCI_DEVFN(5, 0));
	fake_pcie_bar(f, 0, KB(16), PCI_BAR_MEM64);
	fake_pcie_bar_base(f, 0, 0x1234560000ull);
	d.devfn = PCI_DEVFN(5, 0);
	d.hdr_type = 1;
	assert_int_equal(pci_bar_probe(&d, 0), 2);
	check_bar(&d, 0, 0x1234560000ull, KB(16), PCI_BAR_MEM64);
	fake_pcie_set(f, 0x14, 4, 0x4);
	assert_int_equal(pci_bar_probe(&d, 1), 1);
	assert_line("pci: 0000:00:05.0: bar1 is 64-bit but has no upper half, ignored");
}

/* ---- the table, VFs, names, report ------------------------------------------ */

static void test_find(void **state)
{
	(void)state;
	fake_pcie_q35(&q, FAKE_Q35_FIRMWARE);
	assert_int_equal(pci_scan(0, 0, 0xff), 6);
	assert_ptr_equal(pci_find(0, 1, 0), &pci_devs[5]);
	assert_ptr_equal(pci_find(0, 0, PCI_DEVFN(0x1f, 3)), &pci_devs[4]);
	assert_null(pci_find(1, 1, 0));
	assert_null(pci_find(0, 2, 0));
	assert_null(pci_find(0, 0, PCI_DEVFN(0x1f, 1)));
	assert_ptr_equal(pci_find_id(0x8086, 0x10c9, 0), &pci_devs[5]);
	assert_null(pci_find_id(0x8086, 0x10c9, 1));
	assert_ptr_equal(pci_find_id(0x1b36, 0x000c, 0), &pci_devs[1]);
	assert_null(pci_find_id(0x8086, 0x10ca, 0));
	assert_null(pci_find_id(0xffff, 0xffff, 0));
}

static void test_add_vf(void **state)
{
	struct pci_dev *pf, *vf, *vf7;

	(void)state;
	fake_pcie_q35(&q, FAKE_Q35_FIRMWARE);
	assert_int_equal(pci_scan(0, 0, 0xff), 6);
	pf = pci_find(0, 1, 0);
	/* VFs do not answer until enabled */
	assert_null(fake_pcie_route(0, 1, 0x80));
	pci_write16(pf, pf->sriov_cap + 0x10, 8);
	pci_write16(pf, pf->sriov_cap + 0x08, 0x0009); /* VFE | MSE */
	assert_ptr_equal(fake_pcie_route(0, 1, 0x80), fake_pcie_vf(q.igb, 0));
	assert_ptr_equal(fake_pcie_route(0, 1, 0x8e), fake_pcie_vf(q.igb, 7));
	assert_int_equal(pci_conf_read(0, 1, 0x80, PCI_VENDOR_ID, 4), 0xffffffff);

	fake_pcie_log_clear();
	vf = pci_add_vf(pf, 1, 0x80, 0);
	assert_ptr_equal(vf, &pci_devs[6]);
	assert_int_equal(pci_dev_count, 7);
	assert_int_equal(vf->seg, 0);
	assert_int_equal(vf->bus, 1);
	assert_int_equal(vf->devfn, 0x80);
	assert_int_equal(vf->vendor, 0x8086);
	assert_int_equal(vf->device, 0);
	assert_int_equal(vf->class_rev, 0x02000001);
	assert_int_equal(vf->hdr_type, 0);
	assert_ptr_equal(vf->parent, &pci_devs[1]);
	assert_true(vf->is_vf);
	assert_ptr_equal(vf->pf, pf);
	assert_int_equal(vf->vf_index, 0);
	check_caps(vf, 0, 0, 0x70, 0xa0, PCIE_TYPE_ENDPOINT, 0x150, 0);
	check_no_bars(vf, 0);
	assert_int_equal(vf->sec_bus, 0);
	/* its BARs are not touched, nothing is written */
	assert_int_equal(fake_pcie_ops(-1, 1, 0x80, 0x10, 0x28), 0);
	assert_int_equal(fake_pcie_ops(1, -1, -1, 0, 0x1000), 0);

	vf7 = pci_add_vf(pf, 1, 0x8e, 7);
	assert_ptr_equal(vf7, &pci_devs[7]);
	assert_int_equal(vf7->vf_index, 7);
	/* adding one again (VFs re-enabled) refreshes the entry */
	vf->msix_cap = 0;
	assert_ptr_equal(pci_add_vf(pf, 1, 0x80, 0), vf);
	assert_int_equal(vf->msix_cap, 0x70);
	assert_int_equal(pci_dev_count, 8);
	/* a routing ID that collides with a real function */
	assert_null(pci_add_vf(pf, 0, PCI_DEVFN(0x1f, 0), 3));
	assert_line("pci: 0000:00:1f.0: vf 3 of 0000:01:00.0 collides with a function already "
		    "there");
	assert_int_equal(pci_dev_count, 8);

	/* full table */
	pci_dev_count = PCI_MAX_DEVS;
	assert_null(pci_add_vf(pf, 1, 0x82, 1));
	assert_int_equal(pci_dev_count, PCI_MAX_DEVS);
}

static void test_parse_name(void **state)
{
	static const char *const bad[] = {
		"",
		"01:00",
		"01:00.",
		"01:00.8",
		"01:20.0",
		"001:00.0",
		"00000:01:00.0",
		"0000:100:00.0",
		"0000:01:00.0x",
		"0000:01:00.0 ",
		"0000:01:000.0",
		"01:00.00",
		":01:00.0",
		"g0:00.0",
		"0000:01:00:0",
		"0000:01:00",
		"0000::00.0",
		"0000:01:.0",
		" 01:00.0",
		"01.00.0",
		"0000:01:1g.0",
		"01:00.-1",
		"0x00:01:00.0",
		"1:2:3:4.5",
	};
	uint16_t seg = 0x5a5a;
	uint8_t bus = 0xa5, devfn = 0xa5;
	struct pci_dev d = {.seg = 0x12, .bus = 0xab, .devfn = PCI_DEVFN(0x1f, 7)};
	char name[13];

	(void)state;
	assert_true(pci_parse_name("0000:01:00.0", &seg, &bus, &devfn));
	assert_int_equal(seg, 0);
	assert_int_equal(bus, 1);
	assert_int_equal(devfn, 0);
	assert_true(pci_parse_name("abcd:EF:1f.7", &seg, &bus, &devfn));
	assert_int_equal(seg, 0xabcd);
	assert_int_equal(bus, 0xef);
	assert_int_equal(devfn, 0xff);
	assert_true(pci_parse_name("02:03.4", &seg, &bus, &devfn));
	assert_int_equal(seg, 0);
	assert_int_equal(bus, 2);
	assert_int_equal(devfn, PCI_DEVFN(3, 4));
	assert_true(pci_parse_name("1:2:3.1", &seg, &bus, &devfn));
	assert_int_equal(seg, 1);
	assert_int_equal(bus, 2);
	assert_int_equal(devfn, PCI_DEVFN(3, 1));
	assert_true(pci_parse_name("a:b.6", &seg, &bus, &devfn));
	assert_int_equal(seg, 0);
	assert_int_equal(bus, 0xa);
	assert_int_equal(devfn, PCI_DEVFN(0xb, 6));

	seg = 0x5a5a;
	bus = devfn = 0xa5;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (pci_parse_name(bad[i], &seg, &bus, &devfn))
			fail_msg("accepted \"%s\"", bad[i]);
	}
	assert_false(pci_parse_name(NULL, &seg, &bus, &devfn));
	assert_int_equal(seg, 0x5a5a);
	assert_int_equal(bus, 0xa5);
	assert_int_equal(devfn, 0xa5);

	assert_string_equal(pci_name(&d, name), "0012:ab:1f.7");
	assert_true(pci_parse_name(name, &seg, &bus, &devfn));
	assert_int_equal(seg, 0x12);
	assert_int_equal(bus, 0xab);
	assert_int_equal(devfn, 0xff);
}

static void test_report(void **state)
{
	struct pci_dev *pf;

	(void)state;
	fake_pcie_q35(&q, FAKE_Q35_FIRMWARE);
	assert_int_equal(pci_scan(0, 0, 0xff), 6);
	pf = pci_find(0, 1, 0);
	pci_write16(pf, pf->sriov_cap + 0x10, 2);
	pci_write16(pf, pf->sriov_cap + 0x08, 0x0009);
	assert_non_null(pci_add_vf(pf, 1, 0x82, 1));
	pci_devs[6].device = 0x10ca;
	printk_reset();
	pci_report();
	assert_int_equal(printk_count[LOG_INFO], 7);
	assert_int_equal(printk_count[LOG_WARN], 0);
	assert_line("pci: 0000:00:00.0 8086:29c0 class 060000");
	assert_line("pci: 0000:00:02.0 1b36:000c class 060400 bridge buses 1-1 io 0xc000-0xcfff "
		    "mem 0xfe600000-0xfe7fffff pref 0xfea00000-0xfebfffff");
	assert_line("pci: 0000:00:1f.0 8086:2918 class 060100");
	assert_line("pci: 0000:00:1f.2 8086:2922 class 010601 bar4 io 0xd040 32 bar5 mem32 "
		    "0xfebd4000 4K");
	assert_line("pci: 0000:00:1f.3 8086:2930 class 0c0500 bar4 io 0x700 64");
	assert_line("pci: 0000:01:00.0 8086:10c9 class 020000 bar0 mem32 0xfe600000 128K bar1 "
		    "mem32 0xfe620000 128K bar2 io 0xc000 32 bar3 mem64 0xfe640000 16K");
	assert_line("pci: 0000:01:10.2 8086:10ca class 020000 vf 1 of 0000:01:00.0");
}

static void test_report_unassigned(void **state)
{
	struct pci_dev *d;

	(void)state;
	fake_pcie_q35(&q, FAKE_Q35_SWITCH);
	assert_int_equal(pci_scan(0, 0, 1), 6);
	printk_reset();
	pci_report();
	assert_line("pci: 0000:00:02.0 1b36:000c class 060400 bridge buses 1-1 io 0x0-0xfff "
		    "mem 0x0-0xfffff pref 0x0-0xfffff");
	assert_line("pci: 0000:01:00.0 104c:8232 class 060400 bridge not scanned io 0x0-0xfff "
		    "mem 0x0-0xfffff pref 0x0-0xfffff");

	/* sizes: K/M/G where exact, else bytes; 64-bit bases; closed windows */
	memset(pci_devs, 0, sizeof(pci_devs));
	pci_dev_count = 2;
	d = &pci_devs[0];
	d->bus = 3;
	d->vendor = 0x1af4;
	d->device = 0x1000;
	d->class_rev = 0x020000ff;
	d->bar[0] = (struct pci_bar){0xfe000000, KB(6), 0};
	d->bar[1] =
		(struct pci_bar){0x123456789a000ull, 1ull << 32, PCI_BAR_MEM64 | PCI_BAR_PREFETCH};
	d->bar[3] = (struct pci_bar){0xfd000000, MB(1) + KB(1), PCI_BAR_PREFETCH};
	d->bar[4] = (struct pci_bar){0, 1000, 0};
	d->bar[5] = (struct pci_bar){0x6000, 8, PCI_BAR_IO};
	d = &pci_devs[1];
	d->bus = 0xff;
	d->devfn = PCI_DEVFN(0x1f, 7);
	d->vendor = 0xffff;
	d->device = 0xffff;
	d->class_rev = 0xffffffff;
	d->hdr_type = 1;
	d->sec_bus = d->sub_bus = 0xff;
	d->io = (struct pci_window){0xfffff000, 0xffffffff};
	d->mem = (struct pci_window){0xfff00000, 0xfffff};
	d->pref = (struct pci_window){0xfffffffffff00000ull, 0xffffffffffffffffull};
	printk_reset();
	pci_report();
	assert_line("pci: 0000:03:00.0 1af4:1000 class 020000 bar0 mem32 0xfe000000 6K bar1 "
		    "mem64 pref 0x123456789a000 4G bar3 mem32 pref 0xfd000000 1025K bar4 mem32 "
		    "unassigned 1000 bar5 io 0x6000 8");
	assert_line("pci: 0000:ff:1f.7 ffff:ffff class ffffff bridge buses 255-255 io "
		    "0xfffff000-0xffffffff pref 0xfffffffffff00000-0xffffffffffffffff");
}

/* ---- the fake itself (what SR-IOV tests rely on) ---------------------------- */

static void test_fake_sriov(void **state)
{
	struct fake_fn *rp, *pf, *vf;
	struct fake_sriov c = {.total = 4, .initial = 4, .offset = 0xf0, .stride = 8};

	(void)state;
	rp = fake_pcie_root_port(NULL, PCI_DEVFN(1, 0));
	pf = fake_pcie_add(rp, 0, 0x8086, 0x1521, 0x02000001, 0);
	fake_pcie_cap_exp(pf, 0x40, PCIE_TYPE_ENDPOINT, FAKE_PCIE_FLR);
	fake_pcie_ext_ari(pf, 0x100, 0);
	c.bar[0].size = KB(16);
	c.bar[0].flags = PCI_BAR_MEM64;
	fake_pcie_ext_sriov(pf, 0x140, &c);
	fake_pcie_buses(rp, 0, 1, 1);

	/* NumVFs, then VFE; VFs 2 and 3 spill onto bus 2 */
	fake_pcie_write(0, 1, 0, 0x150, 2, 4);
	fake_pcie_write(0, 1, 0, 0x148, 2, 1);
	assert_int_equal(fake_pcie_vf_rid(pf, 0), 0x1f0);
	assert_int_equal(fake_pcie_vf_rid(pf, 3), 0x208);
	assert_ptr_equal(fake_pcie_route(0, 1, 0xf0), pf->vf[0]);
	assert_ptr_equal(fake_pcie_route(0, 1, 0xf8), pf->vf[1]);
	assert_null(fake_pcie_route(0, 2, 0x00)); /* bus 2 not routed to the port */
	fake_pcie_buses(rp, 0, 1, 2);
	assert_ptr_equal(fake_pcie_route(0, 2, 0x00), pf->vf[2]);
	assert_ptr_equal(fake_pcie_route(0, 2, 0x08), pf->vf[3]);
	assert_null(fake_pcie_route(0, 2, 0x10));
	assert_int_equal(fake_pcie_read(0, 2, 0x08, 0, 4), 0xffffffff);
	assert_int_equal(fake_pcie_read(0, 2, 0x08, 8, 4), 0x02000001);

	/* NumVFs is locked while VFE is set; VF state is kept until VFE clears */
	fake_pcie_write(0, 1, 0, 0x150, 2, 1);
	assert_int_equal(fake_pcie_get(pf, 0x150, 2), 4);
	vf = pf->vf[1];
	fake_pcie_write(0, 1, 0xf8, PCI_COMMAND, 2, 0xffff);
	assert_int_equal(fake_pcie_get(vf, PCI_COMMAND, 2), PCI_CMD_MASTER);
	fake_pcie_write(0, 1, 0, 0x148, 2, 0);
	assert_null(fake_pcie_route(0, 1, 0xf8));
	assert_int_equal(fake_pcie_get(vf, PCI_COMMAND, 2), 0);
	fake_pcie_write(0, 1, 0, 0x150, 2, 1);
	assert_int_equal(fake_pcie_get(pf, 0x150, 2), 1);

	/* VF BAR sizing through the SR-IOV capability */
	fake_pcie_write(0, 1, 0, 0x164, 4, 0xffffffff);
	fake_pcie_write(0, 1, 0, 0x168, 4, 0xffffffff);
	assert_int_equal(fake_pcie_read(0, 1, 0, 0x164, 4), 0xffffc004);
	assert_int_equal(fake_pcie_read(0, 1, 0, 0x168, 4), 0xffffffff);

	/* FLR resets the PF, VFE included */
	fake_pcie_write(0, 1, 0, 0x148, 2, 1);
	assert_non_null(fake_pcie_route(0, 1, 0xf0));
	fake_pcie_write(0, 1, 0, 0x40 + PCIE_DEVCTL, 2, 0x8000);
	assert_int_equal(pf->flr_count, 1);
	assert_null(fake_pcie_route(0, 1, 0xf0));
	assert_int_equal(fake_pcie_get(pf, 0x150, 2), 0);
	assert_int_equal(fake_pcie_get(pf, 0x164, 4), 0x4);

	/* a removed function reads all-ones and hides what is below it */
	rp->gone = true;
	assert_int_equal(fake_pcie_read(0, 1, 0, 0, 2), 0xffff);
	assert_int_equal(fake_pcie_read(0, 0, PCI_DEVFN(1, 0), 0, 2), 0xffff);
	assert_int_equal(fake_pcie_bad_ops, 0);
	fake_pcie_read(0, 0, 0, 2, 4);
	assert_int_equal(fake_pcie_bad_ops, 1);
	fake_pcie_bad_ops = 0;
}

static void test_fake_igb_vfs(void **state)
{
	struct fake_fn *vf;

	(void)state;
	fake_pcie_q35(&q, FAKE_Q35_FIRMWARE | FAKE_Q35_SWITCH);
	/* the ARI forwarding bit the SR-IOV code may set */
	assert_int_equal(fake_pcie_get(q.rp, 0x40 + PCIE_DEVCAP2, 4) & 0x20, 0x20);
	fake_pcie_write(0, 0, PCI_DEVFN(2, 0), 0x40 + PCIE_DEVCTL2, 2, 0x20);
	assert_int_equal(fake_pcie_get(q.rp, 0x40 + PCIE_DEVCTL2, 2), 0x20);
	/* the igb's SR-IOV capability as the brief has it */
	assert_int_equal(fake_pcie_read(0, 4, 0, 0x160, 4), 0x00010010);
	assert_int_equal(fake_pcie_read(0, 4, 0, 0x16c, 4), 0x00080008);
	assert_int_equal(fake_pcie_read(0, 4, 0, 0x174, 4), 0x00020080);
	assert_int_equal(fake_pcie_read(0, 4, 0, 0x17a, 2), 0x10ca);
	assert_int_equal(fake_pcie_read(0, 4, 0, 0x17c, 4), 0x553);
	assert_int_equal(fake_pcie_read(0, 4, 0, 0x184, 4), 0xfea0000c);
	assert_int_equal(fake_pcie_read(0, 4, 0, 0x190, 4), 0xfea2000c);
	/* VF BAR3 sizes over both halves */
	fake_pcie_write(0, 4, 0, 0x190, 4, 0xffffffff);
	fake_pcie_write(0, 4, 0, 0x194, 4, 0xffffffff);
	assert_int_equal(fake_pcie_read(0, 4, 0, 0x190, 4), 0xffffc00c);
	assert_int_equal(fake_pcie_read(0, 4, 0, 0x194, 4), 0xffffffff);
	assert_int_equal(fake_pcie_read(0, 4, 0, 0x18c, 4), 0);
	fake_pcie_write(0, 4, 0, 0x170, 2, 3);
	fake_pcie_write(0, 4, 0, 0x168, 2, 0x19);
	assert_int_equal(fake_pcie_get(q.igb, 0x168, 2), 0x19);
	vf = fake_pcie_route(0, 4, 0x84);
	assert_ptr_equal(vf, fake_pcie_vf(q.igb, 2));
	assert_null(fake_pcie_route(0, 4, 0x86));
	assert_int_equal(fake_pcie_read(0, 4, 0x84, 0x70, 4), 0x0002a011);
	assert_int_equal(fake_pcie_read(0, 4, 0x84, 0xa4, 4) >> 28 & 1, 1);
	/* VF FLR */
	fake_pcie_write(0, 4, 0x84, 0xa8, 2, 0x8000);
	assert_int_equal(vf->flr_count, 1);
	assert_ptr_equal(fake_pcie_route(0, 4, 0x84), vf);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_conf_access_guards),
		T(test_dev_accessors),
		T(test_scan_q35_firmware),
		T(test_scan_q35_unnumbered),
		T(test_scan_switch_firmware),
		T(test_scan_switch_unnumbered),
		T(test_scan_sibling_collision),
		T(test_scan_secondary_is_own_bus),
		T(test_scan_points_back),
		T(test_scan_overlap),
		T(test_scan_reserved_ranges),
		T(test_scan_secondary_below),
		T(test_scan_bridge_windows),
		T(test_scan_no_free_bus),
		T(test_scan_depth_limit),
		T(test_scan_bridge_loop),
		T(test_scan_multifunction),
		T(test_scan_table_full),
		T(test_cap_walk),
		T(test_cap_loop),
		T(test_cap_into_header),
		T(test_ext_cap_walk),
		T(test_ext_cap_broken),
		T(test_cf8_no_ext_space),
		T(test_bar_probe),
		T(test_bar_probe_decode_off),
		T(test_bar_probe_odd),
		T(test_find),
		T(test_add_vf),
		T(test_parse_name),
		T(test_report),
		T(test_report_unassigned),
		T(test_fake_sriov),
		T(test_fake_igb_vfs),
	};
#undef T

	return cmocka_run_group_tests_name("pci", tests, NULL, NULL);
}
