// SPDX-License-Identifier: MIT
/* SR-IOV enabling against the fake PCIe hierarchy: the enable sequence, VF
 * routing IDs and BAR placement, and complete roll-back on every error. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "lib/err.h"
#include "fake_pcie.h"
#include "fake_printk.h"
#include "drivers/sriov/sriov.h"
#include "drivers/timer/tsc.h"

#define CAP FAKE_IGB_SRIOV

static struct fake_q35 q;
static unsigned int waited_ms;
static unsigned int log_at_wait; /* fake_pcie_log_len when the settle wait began */

void mdelay(uint64_t ms)
{
	if (!waited_ms)
		log_at_wait = fake_pcie_log_len;
	waited_ms += (unsigned int)ms;
}

static uint32_t igb_cfg(uint16_t off, unsigned int size)
{
	return fake_pcie_get(q.igb, off, size);
}

/* The SR-IOV capability and the port's DEVCTL2 as firmware left them. */
static uint8_t snap_cap[0x40];
static uint32_t snap_devctl2;

static void snapshot(void)
{
	for (unsigned int i = 0; i < sizeof(snap_cap); i++)
		snap_cap[i] = (uint8_t)igb_cfg((uint16_t)(CAP + i), 1);
	snap_devctl2 = fake_pcie_get(q.rp, 0x40 + PCIE_DEVCTL2, 2);
}

static void assert_pf_untouched(void)
{
	for (unsigned int i = 0; i < sizeof(snap_cap); i++)
		if (i != SRIOV_PGSIZE) /* System Page Size may stay at 4K */
			assert_int_equal(igb_cfg((uint16_t)(CAP + i), 1), snap_cap[i]);
	assert_int_equal(fake_pcie_get(q.rp, 0x40 + PCIE_DEVCTL2, 2), snap_devctl2);
}

static struct pci_dev *setup_q35(unsigned int flags)
{
	fake_pcie_reset();
	printk_reset();
	waited_ms = 0;
	log_at_wait = 0;
	fake_pcie_q35(&q, flags);
	pci_set_access(&fake_pcie_ecam);
	assert_true(pci_scan(0, 0, 255) > 0);
	fake_pcie_log_clear(); /* the scan's own probes are not under test */
	snapshot();
	return pci_find(0, fake_pcie_bus_of(q.igb), 0);
}

static void test_enable_two_vfs(void **state)
{
	struct pci_dev *pf = setup_q35(FAKE_Q35_FIRMWARE);
	unsigned int before;
	struct sriov s;

	(void)state;
	/* firmware in the fake put VF BARs at 0xfea00000; clear them as real
	 * firmware leaves them, so placement is ours */
	fake_pcie_set(q.igb, CAP + SRIOV_VF_BAR0, 4, 0xC);
	fake_pcie_set(q.igb, CAP + SRIOV_VF_BAR0 + 12, 4, 0xC);
	assert_non_null(pf);
	before = pci_dev_count;
	assert_int_equal(sriov_enable(&s, pf, 2), 0);

	assert_int_equal(s.total_vfs, 8);
	assert_int_equal(s.offset, 0x80);
	assert_int_equal(s.stride, 2);
	assert_int_equal(s.vf_device, 0x10CA);
	assert_true(s.ari); /* root port forwards ARI, PF has it */
	assert_int_equal(fake_pcie_get(q.rp, 0x40 + PCIE_DEVCTL2, 2) & (1u << 5), 1u << 5);
	assert_int_equal(igb_cfg(CAP + SRIOV_CTRL, 2),
			 SRIOV_CTRL_VFE | SRIOV_CTRL_MSE | SRIOV_CTRL_ARI);
	assert_int_equal(igb_cfg(CAP + SRIOV_NUM_VFS, 2), 2);
	assert_int_equal(igb_cfg(CAP + SRIOV_PGSIZE, 4), 1);

	/* VF BARs: 2 x 16K each, in the prefetchable window, below 4 GiB */
	assert_int_equal(s.vf_bar[0].size, 0x4000);
	assert_int_equal(s.vf_bar[0].flags, PCI_BAR_MEM64 | PCI_BAR_PREFETCH);
	assert_int_equal(s.vf_bar[0].base, 0xfea00000);
	assert_int_equal(s.vf_bar[3].base, 0xfea08000);
	assert_int_equal(igb_cfg(CAP + SRIOV_VF_BAR0, 4), 0xfea0000c);
	assert_int_equal(igb_cfg(CAP + SRIOV_VF_BAR0 + 4, 4), 0);
	assert_int_equal(igb_cfg(CAP + SRIOV_VF_BAR0 + 12, 4), 0xfea0800c);

	/* the VFs, at QEMU's routing IDs, in the device table */
	assert_int_equal(pci_dev_count, before + 2);
	assert_int_equal(sriov_vf_rid(&s, 0), 0x0180);
	assert_int_equal(sriov_vf_rid(&s, 1), 0x0182);
	for (unsigned int n = 0; n < 2; n++) {
		struct pci_dev *vf = s.vf[n];

		assert_non_null(vf);
		assert_true(vf->is_vf);
		assert_ptr_equal(vf->pf, pf);
		assert_int_equal(vf->vf_index, n);
		assert_int_equal(vf->bus, 1);
		assert_int_equal(vf->devfn, 0x80 + 2 * n);
		assert_int_equal(vf->device, 0x10CA);
		assert_int_equal(vf->bar[0].base, 0xfea00000 + 0x4000 * n);
		assert_int_equal(vf->bar[3].base, 0xfea08000 + 0x4000 * n);
		/* Bus mastering sticks; MEM is read-only in a VF per the spec, but
		 * QEMU gates VF decoding on it, so it must have been written too. */
		assert_int_equal(fake_pcie_get(fake_pcie_vf(q.igb, n), PCI_COMMAND, 2) &
					 PCI_CMD_MASTER,
				 PCI_CMD_MASTER);
		assert_int_equal(fake_pcie_ops(1, 1, 0x80 + 2 * n, PCI_COMMAND, PCI_COMMAND + 2),
				 1);
	}
	assert_ptr_equal(pci_find(0, 1, 0x82), s.vf[1]);

	/* the spec's 100 ms before the first VF config request */
	assert_int_equal(waited_ms, 100);
	for (unsigned int i = 0; i < log_at_wait && i < FAKE_PCIE_LOG_MAX; i++)
		assert_false(fake_pcie_log[i].bus == 1 && fake_pcie_log[i].devfn >= 0x80);
	assert_true(printk_saw("sriov: PF 0000:01:00.0 enabled 2 VFs"));
	assert_int_equal(fake_pcie_bad_ops, 0);
}

static void test_disable_restores(void **state)
{
	struct pci_dev *pf = setup_q35(FAKE_Q35_FIRMWARE);
	unsigned int before = pci_dev_count;
	struct sriov s;

	(void)state;
	fake_pcie_set(q.igb, CAP + SRIOV_VF_BAR0, 4, 0xC);
	fake_pcie_set(q.igb, CAP + SRIOV_VF_BAR0 + 12, 4, 0xC);
	snapshot();
	assert_int_equal(sriov_enable(&s, pf, 7), 0);
	assert_int_equal(pci_dev_count, before + 7);
	sriov_disable(&s);
	assert_int_equal(pci_dev_count, before);
	assert_null(pci_find(0, 1, 0x80));
	assert_pf_untouched();
	assert_null(fake_pcie_route(0, 1, 0x80)); /* the VFs are gone again */
}

static void test_bad_counts(void **state)
{
	struct pci_dev *pf = setup_q35(FAKE_Q35_FIRMWARE);
	struct sriov s;

	(void)state;
	fake_pcie_log_clear();
	assert_int_equal(sriov_enable(&s, pf, 9), -ERANGE);
	assert_true(printk_saw("sriov: 0000:01:00.0: 9 VFs asked for, it offers 1 to 8"));
	assert_int_equal(sriov_enable(&s, pf, 0), -ERANGE);
	/* refused before anything was written */
	assert_int_equal(fake_pcie_ops(1, -1, -1, 0, 0x1000), 0);
}

static void test_no_sriov_capability(void **state)
{
	struct pci_dev *sata;
	struct sriov s;

	(void)state;
	setup_q35(FAKE_Q35_FIRMWARE);
	sata = pci_find(0, 0, PCI_DEVFN(0x1f, 2));
	assert_non_null(sata);
	assert_int_equal(sriov_enable(&s, sata, 2), -ENODEV);
	assert_true(printk_saw("sriov: 0000:00:1f.2 has no SR-IOV capability"));
}

static void test_already_enabled(void **state)
{
	struct pci_dev *pf = setup_q35(FAKE_Q35_FIRMWARE);
	struct sriov s;

	(void)state;
	fake_pcie_set(q.igb, CAP + SRIOV_NUM_VFS, 2, 1);
	fake_pcie_set(q.igb, CAP + SRIOV_CTRL, 2, SRIOV_CTRL_VFE);
	fake_pcie_log_clear();
	assert_int_equal(sriov_enable(&s, pf, 2), -EBUSY);
	assert_int_equal(fake_pcie_ops(1, -1, -1, 0, 0x1000), 0);
}

static void test_no_room_rolls_back(void **state)
{
	struct pci_dev *pf;
	struct sriov s;

	(void)state;
	pf = setup_q35(FAKE_Q35_FIRMWARE);
	fake_pcie_set(q.igb, CAP + SRIOV_VF_BAR0, 4, 0xC);
	fake_pcie_set(q.igb, CAP + SRIOV_VF_BAR0 + 12, 4, 0xC);
	/* no prefetchable window; the memory window just fits the PF's BARs */
	pf->parent->pref.base = 1;
	pf->parent->pref.limit = 0;
	pf->parent->mem.base = 0xfe600000;
	pf->parent->mem.limit = 0xfe643fff;
	snapshot();
	assert_int_equal(sriov_enable(&s, pf, 2), -ENOSPC);
	assert_true(printk_saw("no room for VF BAR0 (2 x 0x4000 bytes) in the windows of "
			       "bridge 0000:00:02.0"));
	assert_pf_untouched();
	assert_int_equal(s.num_vfs, 0);
}

static void test_vf_not_answering_rolls_back(void **state)
{
	struct pci_dev *pf = setup_q35(FAKE_Q35_FIRMWARE);
	unsigned int before = pci_dev_count;
	struct sriov s;

	(void)state;
	fake_pcie_set(q.igb, CAP + SRIOV_VF_BAR0, 4, 0xC);
	fake_pcie_set(q.igb, CAP + SRIOV_VF_BAR0 + 12, 4, 0xC);
	fake_pcie_vf(q.igb, 1)->gone = true;
	snapshot();
	assert_int_equal(sriov_enable(&s, pf, 2), -EIO);
	assert_true(printk_saw("sriov: PF 0000:01:00.0: VF 1 at 01:10.2 does not answer"));
	assert_int_equal(pci_dev_count, before); /* VF 0 was dropped again */
	assert_pf_untouched();
}

/* QEMU 10.0's igb VFs decode only 32 bits of their BARs: with room below
 * 4 GiB (here: the non-prefetchable window), that is where they go ... */
static void test_below_4g_preferred(void **state)
{
	struct pci_dev *pf = setup_q35(FAKE_Q35_FIRMWARE);
	struct sriov s;

	(void)state;
	pf->parent->pref.base = 0xe000000000ull;
	pf->parent->pref.limit = 0xe01fffffffull;
	pf->parent->pref64 = true;
	assert_int_equal(sriov_enable(&s, pf, 2), 0);
	assert_true(s.vf_bar[0].base < (1ull << 32));
	assert_true(s.vf_bar[0].base >= 0xfe644000 && s.vf_bar[3].base >= 0xfe644000);
	assert_true(s.vf_bar[0].base + 0x8000 <= 0xfe800000);
	assert_true(s.vf_bar[0].base + 0x8000 <= s.vf_bar[3].base ||
		    s.vf_bar[3].base + 0x8000 <= s.vf_bar[0].base);
}

/* ... and above 4 GiB only when nothing below fits. */
static void test_above_4g_fallback(void **state)
{
	struct pci_dev *pf = setup_q35(FAKE_Q35_FIRMWARE);
	struct sriov s;

	(void)state;
	pf->parent->pref.base = 0xe000000000ull;
	pf->parent->pref.limit = 0xe01fffffffull;
	pf->parent->pref64 = true;
	pf->parent->mem.limit = 0xfe643fff; /* full */
	assert_int_equal(sriov_enable(&s, pf, 2), 0);
	assert_int_equal(s.vf_bar[0].base, 0xe000000000ull);
	assert_int_equal(s.vf_bar[3].base, 0xe000008000ull);
	assert_int_equal(igb_cfg(CAP + SRIOV_VF_BAR0 + 4, 4), 0xe0);
	assert_int_equal(s.vf[1]->bar[0].base, 0xe000004000ull);
}

/* Placement avoids what is already decoded below the bridge. */
static void test_avoids_used_ranges(void **state)
{
	struct pci_dev *pf = setup_q35(FAKE_Q35_FIRMWARE);
	struct sriov s;

	(void)state;
	/* something of the PF's (its BAR3, in the fake at 0xfe640000) moved
	 * into the prefetchable window's first 32K */
	pf->bar[3].base = 0xfea04000;
	assert_int_equal(sriov_enable(&s, pf, 2), 0);
	assert_true(s.vf_bar[0].base >= 0xfea08000);
	assert_true(s.vf_bar[3].base >= 0xfea08000);
	assert_true(s.vf_bar[0].base != s.vf_bar[3].base);
}

static void test_switch_topology(void **state)
{
	struct pci_dev *pf = setup_q35(FAKE_Q35_FIRMWARE | FAKE_Q35_SWITCH);
	struct sriov s;

	(void)state;
	assert_non_null(pf);
	assert_int_equal(pf->bus, 4);
	assert_int_equal(sriov_enable(&s, pf, 3), 0);
	assert_int_equal(s.vf[2]->bus, 4);
	assert_int_equal(s.vf[2]->devfn, 0x84);
	assert_true(printk_saw("sriov: PF 0000:04:00.0 enabled 3 VFs"));
	/* ARI forwarding enabled in the downstream port above, not elsewhere */
	assert_int_equal(fake_pcie_get(q.sw_down[1], 0x90 + PCIE_DEVCTL2, 2) & (1u << 5), 1u << 5);
	assert_int_equal(fake_pcie_get(q.rp, 0x40 + PCIE_DEVCTL2, 2) & (1u << 5), 0);
}

/* A PF on a root bus (QEMU's igb on pcie.0, for amd-iommu): no bridge
 * window, so the VF BARs go between the root buses' lowest BAR and
 * 0xFEC00000, clear of every BAR and bridge window there. The fake's PF is
 * below a root port; cutting it loose stands in for a root-bus PF. */
static void test_root_bus_pf(void **state)
{
	struct pci_dev *pf = setup_q35(FAKE_Q35_FIRMWARE);
	uint64_t low = ~0ull;
	struct sriov s;

	(void)state;
	assert_non_null(pf);
	fake_pcie_set(q.igb, CAP + SRIOV_VF_BAR0, 4, 0xC);
	fake_pcie_set(q.igb, CAP + SRIOV_VF_BAR0 + 12, 4, 0xC);
	pf->parent = NULL;
	for (unsigned int i = 0; i < pci_dev_count; i++)
		for (int b = 0; b < 6; b++)
			if (!pci_devs[i].parent && pci_devs[i].bar[b].base &&
			    !(pci_devs[i].bar[b].flags & PCI_BAR_IO) &&
			    pci_devs[i].bar[b].base < low)
				low = pci_devs[i].bar[b].base;
	assert_int_equal(sriov_enable(&s, pf, 2), 0);
	assert_true(printk_saw("sriov: PF 0000:01:00.0 is on a root bus: VF BARs go in free "
			       "space of 0x"));
	assert_false(s.ari);
	for (int b = 0; b < 6; b += 3) {
		uint64_t a = s.vf_bar[b].base, e = a + 2 * s.vf_bar[b].size;

		assert_true(a >= low && e <= 0xFEC00000ull);
		for (unsigned int i = 0; i < pci_dev_count; i++) {
			const struct pci_dev *d = &pci_devs[i];

			if (d->parent || d->is_vf)
				continue;
			for (int k = 0; k < 6; k++)
				if (d->bar[k].size && !(d->bar[k].flags & PCI_BAR_IO))
					assert_false(a < d->bar[k].base + d->bar[k].size &&
						     d->bar[k].base < e);
			if (d->hdr_type == 1 && d->mem.base <= d->mem.limit)
				assert_false(a <= d->mem.limit && d->mem.base < e);
		}
	}
	assert_true(s.vf_bar[0].base + 2 * s.vf_bar[0].size <= s.vf_bar[3].base ||
		    s.vf_bar[3].base + 2 * s.vf_bar[3].size <= s.vf_bar[0].base);
}

/* VFs whose routing IDs leave the bridge's bus range cannot be reached. */
static void test_vfs_beyond_bus_range(void **state)
{
	struct pci_dev *pf = setup_q35(FAKE_Q35_FIRMWARE);
	struct sriov s;

	(void)state;
	fake_pcie_set(q.igb, CAP + SRIOV_VF_OFFSET, 2, 0x100); /* first VF on bus 2 */
	snapshot();
	assert_int_equal(sriov_enable(&s, pf, 1), -ENOSPC);
	assert_true(printk_saw("VF 0 would be on bus 2, beyond bridge bus range 1-1"));
	assert_pf_untouched();
}

static void test_no_ari_forwarding(void **state)
{
	struct pci_dev *pf = setup_q35(FAKE_Q35_FIRMWARE);
	struct sriov s;

	(void)state;
	/* the port does not support ARI forwarding */
	fake_pcie_set(q.rp, 0x40 + PCIE_DEVCAP2, 4, 0);
	assert_int_equal(sriov_enable(&s, pf, 2), 0);
	assert_false(s.ari);
	assert_int_equal(igb_cfg(CAP + SRIOV_CTRL, 2) & SRIOV_CTRL_ARI, 0);
	assert_int_equal(fake_pcie_get(q.rp, 0x40 + PCIE_DEVCTL2, 2) & (1u << 5), 0);
}

static void test_no_4k_pages(void **state)
{
	struct pci_dev *pf = setup_q35(FAKE_Q35_FIRMWARE);
	struct sriov s;

	(void)state;
	fake_pcie_set(q.igb, CAP + SRIOV_PGSIZE_SUP, 4, 0x2); /* 8K only */
	snapshot();
	assert_int_equal(sriov_enable(&s, pf, 2), -ENOTSUP);
	assert_pf_untouched();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_enable_two_vfs),
		cmocka_unit_test(test_disable_restores),
		cmocka_unit_test(test_bad_counts),
		cmocka_unit_test(test_no_sriov_capability),
		cmocka_unit_test(test_already_enabled),
		cmocka_unit_test(test_no_room_rolls_back),
		cmocka_unit_test(test_vf_not_answering_rolls_back),
		cmocka_unit_test(test_below_4g_preferred),
		cmocka_unit_test(test_above_4g_fallback),
		cmocka_unit_test(test_avoids_used_ranges),
		cmocka_unit_test(test_switch_topology),
		cmocka_unit_test(test_root_bus_pf),
		cmocka_unit_test(test_vfs_beyond_bus_range),
		cmocka_unit_test(test_no_ari_forwarding),
		cmocka_unit_test(test_no_4k_pages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
